#include "plast/core/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace plast {

namespace {
std::atomic<int> g_signal{0};

extern "C" void on_signal(int sig)
{
    g_signal.store(sig, std::memory_order_relaxed);
    std::signal(sig, SIG_DFL); // a second Ctrl-C kills at once
}
} // namespace

const char* Interrupted::what() const noexcept { return sig_ == SIGTERM ? "interrupted (SIGTERM)" : "interrupted (SIGINT)"; }

void install_interrupt_handlers()
{
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

int interrupt_signal() { return g_signal.load(std::memory_order_relaxed); }

void reset_interrupt() { g_signal.store(0, std::memory_order_relaxed); }

void check_interrupt()
{
    if (const int s = interrupt_signal()) throw Interrupted(s);
}

} // namespace plast
