#pragma once
// Progress on stderr: a live bar when stderr is a terminal, otherwise a plain line every few
// seconds (CI logs, cluster job files). Thread-safe: workers call advance() concurrently.
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

namespace plast {

class Progress {
public:
    // unit: what is counted, printed after the count ("candidates", "generations", "simulated s").
    Progress(std::string label, std::size_t total, std::string unit = "", bool enabled = true);
    ~Progress();
    void advance(std::size_t n = 1);
    void set_note(const std::string& note); // shown after the count, e.g. "best F = -0.3"
    void done();

    static void set_quiet(bool quiet); // --quiet
    // Where the progress lines go instead of stderr (the Python module: sys.stderr, shown in notebooks);
    // called from any worker thread, one finished line at a time; empty = stderr.
    using Sink = std::function<void(const std::string& line)>;
    static void set_sink(Sink sink);
private:
    void print(bool final);
    std::string label_, unit_;
    std::size_t total_;
    std::atomic<std::size_t> count_{0};
    bool enabled_, tty_, finished_ = false;
    std::string note_;
    std::mutex mutex_;
    std::chrono::steady_clock::time_point start_, last_;
};

} // namespace plast
