// plast._core.MixtureDensity: the screen's conditional density p(theta | x) (search/mixture_density.hpp)
// for plast.ConditionalDensity (python/module/plast/density.py).
#include "plast/core/error.hpp"
#include "plast/search/mixture_density.hpp"
#include "plast/search/prior.hpp"

#include <pybind11/stl.h>

#include <memory>

namespace py = pybind11;

namespace plast::python {

using Rows = std::vector<std::vector<double>>;

// The density with its sizes, so every call checks its arguments (no out-of-range reads).
struct Density {
    std::unique_ptr<search::MixtureDensity> d;
    std::size_t dim = 0, m = 0;
};

static void check_size(const std::vector<double>& v, std::size_t n, const std::string& what)
{
    if (v.size() != n) usage_error(what, std::to_string(v.size()) + " values", std::to_string(n) + " values");
}

static void check_rows(const Rows& rows, std::size_t width, const std::string& what)
{
    for (const auto& r : rows)
        if (r.size() != width)
            usage_error(what, "row of " + std::to_string(r.size()) + " values", std::to_string(width) + " values per row");
}

void bind_density(py::module_& m)
{
    py::class_<Density>(m, "MixtureDensity")
        .def(py::init([](const std::vector<std::string>& names, const std::vector<double>& lo, const std::vector<double>& hi,
                         const std::vector<bool>& log_scale, int n_conditions, int components, int hidden, int max_epochs,
                         std::uint64_t seed) {
                 if (names.empty() || lo.size() != names.size() || hi.size() != names.size() || log_scale.size() != names.size())
                     usage_error("prior", "one lo, hi and scale per parameter", "equal lengths");
                 std::vector<search::PriorBox> boxes;
                 for (std::size_t i = 0; i < names.size(); ++i) {
                     if (!(lo[i] < hi[i])) usage_error("prior." + names[i], "needs lo < hi", "lo < hi");
                     if (log_scale[i] && !(lo[i] > 0)) usage_error("prior." + names[i], "log-uniform prior needs lo > 0", "(0, hi]");
                     boxes.push_back({names[i], lo[i], hi[i], static_cast<bool>(log_scale[i])});
                 }
                 if (n_conditions < 1) usage_error("condition_on", "at least one metric", "one or more metric names");
                 search::MixtureDensityOptions o;
                 o.components = components;
                 o.hidden = hidden;
                 o.max_epochs = max_epochs;
                 auto d = std::make_unique<Density>();
                 d->d = std::make_unique<search::MixtureDensity>(search::BoxPrior(boxes), n_conditions, o, seed);
                 d->dim = names.size();
                 d->m = static_cast<std::size_t>(n_conditions);
                 return d;
             }),
             py::arg("names"), py::arg("lo"), py::arg("hi"), py::arg("log_scale"), py::arg("n_conditions"),
             py::arg("components") = 5, py::arg("hidden") = 64, py::arg("max_epochs") = 300, py::arg("seed") = 1)
        .def(
            "fit",
            [](Density& d, const Rows& theta, const Rows& x) {
                check_rows(theta, d.dim, "theta");
                check_rows(x, d.m, "x");
                if (theta.size() != x.size() || theta.size() < 10)
                    usage_error("theta, x", "need the same number of rows, at least 10", ">= 10 rows");
                py::gil_scoped_release release;
                return d.d->fit(theta, x);
            },
            py::arg("theta"), py::arg("x"))
        .def(
            "sample",
            [](const Density& d, const std::vector<double>& x, std::size_t n, std::uint64_t stream) {
                check_size(x, d.m, "x");
                if (n > 100000000) usage_error("n", "at most 1e8 samples per call", "[0, 1e8]");
                py::gil_scoped_release release;
                return d.d->sample(x, n, stream);
            },
            py::arg("x"), py::arg("n"), py::arg("stream") = 0)
        .def(
            "log_density_z",
            [](const Density& d, const std::vector<double>& theta, const std::vector<double>& x) {
                check_size(theta, d.dim, "theta");
                check_size(x, d.m, "x");
                return d.d->log_density_z(theta, x);
            },
            py::arg("theta"), py::arg("x"));
}

} // namespace plast::python
