#include "run_guard.hpp"

#include "plast/core/error.hpp"
#include "plast/core/interrupt.hpp"
#include "plast/core/progress.hpp"

#include <string>

namespace py = pybind11;

namespace plast::python {

RunGuard::RunGuard(bool progress)
{
    sigaction(SIGINT, nullptr, &old_int_);
    sigaction(SIGTERM, nullptr, &old_term_);
    reset_interrupt();
    install_interrupt_handlers();
    Progress::set_quiet(!progress); // a verb's --quiet overrides this for its own run
    if (progress) {
        Progress::set_sink([](const std::string& line) {
            py::gil_scoped_acquire gil;
            try {
                auto err = py::module_::import("sys").attr("stderr");
                err.attr("write")(line);
                err.attr("flush")();
            } catch (py::error_already_set&) {
            }
        });
    } else {
        Progress::set_sink(nullptr);
    }
}

RunGuard::~RunGuard()
{
    Progress::set_sink(nullptr);
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    reset_interrupt();
}

void register_exceptions(py::module_& m)
{
    (void)m;
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const Interrupted& e) {
            PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
        } catch (const Error& e) {
            const std::string msg = e.what();
            if (msg.find("unknown key") != std::string::npos) PyErr_SetString(PyExc_KeyError, msg.c_str());
            else if (e.exit_code() == 2) PyErr_SetString(PyExc_ValueError, msg.c_str());
            else PyErr_SetString(PyExc_RuntimeError, msg.c_str());
        }
    });
}

} // namespace plast::python
