#include "plast/core/parallel.hpp"

#include "plast/core/error.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace plast {

int resolve_threads(int threads)
{
    if (threads > 0) return threads;
    return std::max(1u, std::thread::hardware_concurrency());
}

void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& body)
{
    const int nt = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(resolve_threads(threads)), n));
    if (nt <= 1) {
        for (std::size_t i = 0; i < n; ++i) body(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex m;
    auto worker = [&] {
        while (!failed) {
            const std::size_t i = next++;
            if (i >= n) break;
            try {
                body(i);
            } catch (...) {
                std::lock_guard lock(m);
                if (!error) error = std::current_exception();
                failed = true;
            }
        }
    };
    std::vector<std::thread> pool;
    std::string spawn_error;
    try {
        for (int t = 0; t < nt; ++t) pool.emplace_back(worker);
    } catch (const std::system_error& e) {
        // Thread creation refused (e.g. RLIMIT_NPROC): stop the workers already started, then report
        // it as an error instead of destroying joinable threads (std::terminate).
        failed = true;
        spawn_error = e.what();
    }
    for (auto& t : pool) t.join();
    if (!spawn_error.empty())
        runtime_error("threads", "cannot start " + std::to_string(nt) + " worker threads (" + spawn_error +
                                     "); lower --threads or raise the process limit");
    if (error) std::rethrow_exception(error);
}

} // namespace plast
