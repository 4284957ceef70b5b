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

static void check_rows(const Rows& rows, std::size_t width, const std::string& what)
{
    for (const auto& r : rows)
        if (r.size() != width)
            usage_error(what, "row of " + std::to_string(r.size()) + " values", std::to_string(width) + " values per row");
}

void bind_density(py::module_& m)
{
    py::class_<search::MixtureDensity>(m, "MixtureDensity")
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
                 return std::make_unique<search::MixtureDensity>(search::BoxPrior(boxes), n_conditions, o, seed);
             }),
             py::arg("names"), py::arg("lo"), py::arg("hi"), py::arg("log_scale"), py::arg("n_conditions"),
             py::arg("components") = 5, py::arg("hidden") = 64, py::arg("max_epochs") = 300, py::arg("seed") = 1)
        .def(
            "fit",
            [](search::MixtureDensity& d, const Rows& theta, const Rows& x, std::size_t dim, std::size_t m) {
                check_rows(theta, dim, "theta");
                check_rows(x, m, "x");
                if (theta.size() != x.size() || theta.size() < 10)
                    usage_error("theta, x", "need the same number of rows, at least 10", ">= 10 rows");
                py::gil_scoped_release release;
                return d.fit(theta, x);
            },
            py::arg("theta"), py::arg("x"), py::arg("dim"), py::arg("m"))
        .def(
            "sample",
            [](const search::MixtureDensity& d, const std::vector<double>& x, std::size_t n, std::uint64_t stream) {
                py::gil_scoped_release release;
                return d.sample(x, n, stream);
            },
            py::arg("x"), py::arg("n"), py::arg("stream") = 0)
        .def("log_density_z", &search::MixtureDensity::log_density_z, py::arg("theta"), py::arg("x"));
}

} // namespace plast::python
