// plast._core: the compiled core of the Python package `plast` (see docs/python.md).
#include "dispatch.hpp"
#include "run_guard.hpp"

#include "plast/core/version.hpp"

#include <pybind11/stl.h>

namespace py = pybind11;

namespace plast::python {
void bind_model(py::module_& m);   // models and rules (model_binding.cpp)
void bind_density(py::module_& m); // the screen's conditional density (density_binding.cpp)
} // namespace plast::python

PYBIND11_MODULE(_core, m)
{
    using namespace plast;
    m.doc() = "plast compiled core: verbs in-process, models, rules";
    app::cli_executable() = PLAST_CLI_PATH; // demo starts its steps with the built command line
    python::register_exceptions(m);
    m.attr("version") = version();
    m.attr("git_revision") = git_revision();
    m.attr("cli_path") = PLAST_CLI_PATH;
    m.def(
        "dispatch",
        [](const std::vector<std::string>& args, bool progress) {
            app::Outcome o;
            {
                python::RunGuard guard(progress);
                o = app::dispatch(args, false);
            }
            static const char* kinds[] = {"ok", "usage", "error", "interrupted", "out_of_memory", "internal"};
            return py::make_tuple(o.code, kinds[static_cast<int>(o.kind)], o.message, o.verb, o.run_dir);
        },
        py::arg("args"), py::arg("progress") = true,
        "Run the command line plast ARGS[1:] in this process (GIL released); returns (exit code, kind, "
        "error message, verb, run directory).");
    python::bind_model(m);
    python::bind_density(m);
}
