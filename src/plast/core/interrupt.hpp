#pragma once
// SIGINT / SIGTERM: the first signal sets a flag that long loops poll (the spiking engine every 1024
// steps, every Progress::advance); they throw Interrupted, the work in flight is dropped, completed
// work is flushed by the verbs, run.json says "interrupted" and plast exits 128 + signal (130, 143).
// A second signal ends the process at once (default action).
#include <exception>

namespace plast {

class Interrupted : public std::exception {
public:
    explicit Interrupted(int sig) : sig_(sig) {}
    int signal() const { return sig_; }
    int exit_code() const { return 128 + sig_; }
    const char* what() const noexcept override;

private:
    int sig_;
};

void install_interrupt_handlers();
int interrupt_signal(); // 0 while no signal arrived
// Throws Interrupted when a signal arrived.
void check_interrupt();
// Forgets a signal that arrived (the Python module, before each run: the interpreter lives on).
void reset_interrupt();

} // namespace plast
