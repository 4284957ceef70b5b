#include "plast/core/progress.hpp"

#include "plast/core/interrupt.hpp"

#include <cstdio>
#include <unistd.h>

namespace plast {

static std::atomic<bool> g_quiet{false};

void Progress::set_quiet(bool quiet) { g_quiet = quiet; }

static Progress::Sink& sink()
{
    static Progress::Sink s;
    return s;
}

void Progress::set_sink(Sink s) { sink() = std::move(s); }

Progress::Progress(std::string label, std::size_t total, std::string unit, bool enabled)
    : label_(std::move(label)), unit_(unit.empty() ? std::string() : " " + unit), total_(total), enabled_(enabled && !g_quiet),
      tty_(isatty(2) != 0 && !sink()),
      start_(std::chrono::steady_clock::now()), last_(start_)
{
}

Progress::~Progress() { done(); }

void Progress::set_note(const std::string& note)
{
    std::lock_guard lock(mutex_);
    note_ = note;
}

void Progress::advance(std::size_t n)
{
    check_interrupt(); // long loops that report progress stop here on SIGINT / SIGTERM
    count_ += n;
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    if (since < (tty_ ? 0.2 : 5.0)) return;
    std::lock_guard lock(mutex_);
    if (std::chrono::duration<double>(now - last_).count() < (tty_ ? 0.2 : 5.0)) return;
    last_ = now;
    print(false);
}

void Progress::print(bool final)
{
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const std::size_t c = count_;
    const double frac = total_ ? static_cast<double>(c) / static_cast<double>(total_) : 0.0;
    const double eta = (c > 0 && total_ > c) ? el / static_cast<double>(c) * static_cast<double>(total_ - c) : 0.0;
    if (sink()) {
        char line[512];
        std::snprintf(line, sizeof line, "%s: %zu/%zu%s (%.0f%%) %.1fs elapsed%s%s\n", label_.c_str(), c, total_, unit_.c_str(),
                      100.0 * frac, el, note_.empty() ? "" : ", ", note_.c_str());
        sink()(line);
        return;
    }
    if (tty_) {
        const int width = 30;
        const int fill = static_cast<int>(frac * width);
        std::string bar(static_cast<std::size_t>(fill), '#');
        bar.append(static_cast<std::size_t>(width - fill), '.');
        std::fprintf(stderr, "\r%s [%s] %zu/%zu%s %5.1fs eta %5.1fs %s\x1b[K%s", label_.c_str(), bar.c_str(), c,
                     total_, unit_.c_str(), el, eta, note_.c_str(), final ? "\n" : "");
    } else {
        std::fprintf(stderr, "%s: %zu/%zu%s (%.0f%%) %.1fs elapsed%s%s\n", label_.c_str(), c, total_, unit_.c_str(), 100.0 * frac, el,
                     note_.empty() ? "" : ", ", note_.c_str());
    }
    std::fflush(stderr);
}

void Progress::done()
{
    std::lock_guard lock(mutex_);
    if (finished_ || !enabled_) {
        finished_ = true;
        return;
    }
    finished_ = true;
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (el > 1.0 || tty_) print(true);
}

} // namespace plast
