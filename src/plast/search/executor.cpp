#include "plast/search/executor.hpp"

#include "plast/core/error.hpp"
#include "plast/core/parallel.hpp"

#include <chrono>
#include <cmath>

namespace plast::search {

EvalOutcome evaluate_guarded(const ScreenTask& task, const Job& job, std::uint64_t seed)
{
    const auto t0 = std::chrono::steady_clock::now();
    EvalOutcome out;
    try {
        out = task.evaluate(job.params, seed, job.key);
    } catch (const Error& e) {
        if (e.kind() != Error::Kind::runtime) throw;
        out.status = "error";
        out.abort_reason = e.what();
        out.metrics.assign(task.metric_names().size(), std::nan(""));
    }
    out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

std::vector<EvalOutcome> LocalExecutor::run(const ScreenTask& task, const std::vector<Job>& jobs, std::uint64_t seed,
                                            const std::function<void()>& on_done)
{
    std::vector<EvalOutcome> out(jobs.size());
    parallel_for(jobs.size(), threads_, [&](std::size_t k) {
        out[k] = evaluate_guarded(task, jobs[k], seed);
        if (on_done) on_done();
    });
    return out;
}

} // namespace plast::search
