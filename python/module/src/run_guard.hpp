#pragma once
// Runs C++ work from Python: the GIL released, SIGINT / SIGTERM caught by plast's handlers (the
// flag the long loops poll, so Ctrl-C stops a simulation or a search and raises KeyboardInterrupt),
// progress lines written to Python's sys.stderr (shown in notebooks). The interpreter's own signal
// handlers are put back afterwards.
#include <pybind11/pybind11.h>

#include <csignal>

namespace plast::python {

class RunGuard {
public:
    explicit RunGuard(bool progress);
    ~RunGuard();
    RunGuard(const RunGuard&) = delete;
    RunGuard& operator=(const RunGuard&) = delete;

private:
    struct sigaction old_int_ {}, old_term_ {};
    pybind11::gil_scoped_release release_; // last member: released first, re-acquired before the handlers are restored
};

// Raises KeyboardInterrupt when a plast::Interrupted arrives through these calls.
void register_exceptions(pybind11::module_& m);

} // namespace plast::python
