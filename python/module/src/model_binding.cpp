// plast._core model functions: a model file's text -> simulation results as numpy arrays, and one
// synapse driven by a rule (plast.Model and plast.Rule in python/module/plast/model.py, rule.py).
#include "run_guard.hpp"

#include "plast/core/error.hpp"
#include "plast/core/progress.hpp"
#include "plast/io/config.hpp"
#include "plast/model/model_file.hpp"
#include "plast/model/rule_probe.hpp"
#include "plast/model/rule_table.hpp"
#include "plast/model/simulation.hpp"

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <array>
#include <cmath>
#include <cstdint>

namespace py = pybind11;

namespace plast::python {

template <class T>
static py::array_t<T> to_array(const std::vector<T>& v)
{
    py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), a.mutable_data());
    return a;
}

static py::object num(double v) { return std::isfinite(v) ? py::object(py::float_(v)) : py::object(py::none()); }

// The seed a model file asks for (top-level `seed`, default 1), after the overrides.
static std::uint64_t file_seed(const std::string& text, const std::string& path, const std::vector<std::string>& overrides)
{
    Config cfg = Config::parse(text, path);
    for (const auto& o : overrides) cfg.apply_override(o);
    return static_cast<std::uint64_t>(cfg.root().integer("seed", 1, 0, INT64_MAX));
}

// A simulation result as the dict plast.Result reads (numpy arrays with their time axes).
static py::dict result_dict(const model::SimulationResult& r, std::uint64_t s, bool metrics_enabled)
{
    py::dict out;
    out["seed"] = s;
    out["aborted"] = r.aborted;
    out["abort_reason"] = r.abort_reason;
    out["abort_time"] = r.abort_time;
    py::dict spikes;
    for (const auto& d : r.spikes) {
        py::dict e;
        e["population"] = d.population;
        e["first"] = d.first;
        e["last"] = d.last;
        e["times"] = to_array(d.times);
        e["ids"] = to_array(d.neurons);
        spikes[py::str(d.name)] = e;
    }
    out["spikes"] = spikes;
    py::dict series;
    for (const auto& se : r.series) {
        py::array_t<float> values({static_cast<py::ssize_t>(se.values.size()), static_cast<py::ssize_t>(se.columns.size())});
        float* p = values.mutable_data();
        for (const auto& row : se.values) p = std::copy(row.begin(), row.end(), p);
        std::vector<std::int64_t> cols(se.columns.begin(), se.columns.end());
        py::dict e;
        e["kind"] = se.kind;
        e["target"] = se.target;
        e["variable"] = se.variable;
        e["times"] = to_array(se.times);
        e["columns"] = to_array(cols);
        e["values"] = values;
        series[py::str(se.name)] = e;
    }
    out["series"] = series;
    py::list phases;
    for (const auto& ph : r.phases) {
        py::dict e;
        e["name"] = ph.name;
        e["repetition"] = ph.repetition;
        e["t0"] = ph.t0;
        e["t1"] = ph.t1;
        e["stimuli"] = ph.stimuli;
        phases.append(e);
    }
    out["phases"] = phases;
    py::dict metrics;
    for (const auto& [k, v] : r.metrics) metrics[py::str(k)] = num(v);
    out["metrics"] = metrics;
    out["metrics_enabled"] = metrics_enabled && !r.verdict.empty();
    out["verdict"] = r.verdict;
    py::list failed;
    for (const auto& f : r.failed) {
        py::dict e;
        e["group"] = f.group;
        e["metric"] = f.metric;
        e["value"] = num(f.value);
        e["bounds"] = py::make_tuple(num(f.lo), num(f.hi));
        failed.append(e);
    }
    out["failed"] = failed;
    out["window"] = py::make_tuple(r.window_t0, r.window_t1);
    out["wall_seconds"] = r.wall_seconds;
    out["simulated_seconds"] = r.simulated_seconds;
    out["synaptic_events"] = r.synaptic_events;
    return out;
}

static py::dict simulate_text(const std::string& text, const std::string& path, const std::vector<std::string>& overrides,
                              std::optional<std::uint64_t> seed, bool progress)
{
    model::Model m = model::model_from_text(text, path, overrides); // every check, errors as the CLI's
    const std::uint64_t s = seed ? *seed : file_seed(text, path, overrides);
    model::SimulationResult r;
    {
        RunGuard guard(progress);
        // Progress in whole simulated seconds, as `plast simulate` reports it.
        Progress bar("simulate", static_cast<std::size_t>(std::ceil(m.duration())), "simulated s", progress);
        double last = 0;
        r = model::simulate(m, s, [&](double t) {
            bar.advance(static_cast<std::size_t>(std::lround(t - last)));
            last = std::round(t);
        });
        bar.done();
    }
    return result_dict(r, s, m.metrics.enabled);
}

// The stepping simulation of a model file's text (plast.Simulation in model.py). Every run call
// releases the GIL; Ctrl-C raises KeyboardInterrupt and leaves the simulation where it stopped (a
// later call continues from there).
static std::unique_ptr<model::Simulation> make_simulation(const std::string& text, const std::string& path,
                                                          const std::vector<std::string>& overrides, std::optional<std::uint64_t> seed)
{
    const model::Model m = model::model_from_text(text, path, overrides);
    const std::uint64_t s = seed ? *seed : file_seed(text, path, overrides);
    RunGuard guard(false);
    return std::make_unique<model::Simulation>(m, s);
}

static void bind_simulation(py::module_& m)
{
    using model::Simulation;
    py::class_<Simulation>(m, "Simulation", "A model's protocol run piece by piece (plast.Simulation wraps it).")
        .def(py::init(&make_simulation), py::arg("text"), py::arg("path"), py::arg("overrides"), py::arg("seed"))
        .def_property_readonly("time", &Simulation::time)
        .def_property_readonly("seed", &Simulation::seed)
        .def_property_readonly("aborted", &Simulation::aborted)
        .def_property_readonly("complete", &Simulation::complete)
        .def_property_readonly("protocol_size", &Simulation::protocol_size)
        .def_property_readonly("protocol_position", &Simulation::protocol_position)
        .def_property_readonly("phase_in_progress", [](const Simulation& s) -> py::object {
            const auto p = s.phase_in_progress();
            if (!p) return py::none();
            return py::str(s.model().phases[*p].name);
        })
        .def_property_readonly("phase_remaining", &Simulation::phase_remaining)
        .def_property_readonly("phases", [](const Simulation& s) {
            py::list l;
            for (const auto& p : s.model().phases) l.append(p.name);
            return l;
        })
        .def_property_readonly("snapshots", &Simulation::snapshots)
        .def("run_all", [](Simulation& s) {
            RunGuard guard(false);
            return s.run_all();
        })
        .def("run_next", [](Simulation& s) {
            RunGuard guard(false);
            return s.run_phase();
        })
        .def("run_phase_index", [](Simulation& s, std::size_t i) {
            RunGuard guard(false);
            return s.run_phase(i);
        }, py::arg("index"))
        .def("run_phase_name", [](Simulation& s, const std::string& name) {
            RunGuard guard(false);
            return s.run_phase(name);
        }, py::arg("name"))
        .def("advance", [](Simulation& s, double seconds) {
            RunGuard guard(false);
            return s.advance(seconds);
        }, py::arg("seconds"))
        .def("snapshot", &Simulation::snapshot, py::arg("name"))
        .def("restore", &Simulation::restore, py::arg("name"))
        .def("result", [](const Simulation& s) {
            model::SimulationResult r;
            {
                py::gil_scoped_release release;
                r = s.result();
            }
            return result_dict(r, s.seed(), s.model().metrics.enabled);
        });
}

static model::Rule rule_from_text(const std::string& text, const std::string& name)
{
    Config cfg = Config::parse(text, "<rule>");
    model::Rule r = model::read_rule(cfg.root().sub("rule").sub(name), name);
    cfg.check_unused();
    return r;
}

void bind_model(py::module_& m)
{
    bind_simulation(m);
    m.def("check_model", [](const std::string& text, const std::string& path, const std::vector<std::string>& overrides) {
        const model::Model mo = model::model_from_text(text, path, overrides);
        py::dict d;
        py::list pops, projs;
        for (const auto& p : mo.populations) pops.append(py::make_tuple(p.name, p.size));
        for (const auto& p : mo.projections) projs.append(py::make_tuple(p.name, p.pre, p.post, p.rule));
        d["populations"] = pops;
        d["projections"] = projs;
        d["duration"] = mo.duration();
        d["dt"] = mo.dt;
        d["seed"] = file_seed(text, path, overrides);
        return d;
    }, py::arg("text"), py::arg("path"), py::arg("overrides"),
          "Read a model file's text (errors: the command line's messages); returns its outline.");
    m.def("simulate_model", &simulate_text, py::arg("text"), py::arg("path"), py::arg("overrides"), py::arg("seed"),
          py::arg("progress") = true, "Simulate a model file's text; the arrays of `plast simulate MODEL`.");
    m.def("rule_check", [](const std::string& text, const std::string& name) {
        const model::Rule r = rule_from_text(text, name);
        py::dict d;
        d["on_pre"] = r.on_pre;
        d["on_post"] = r.on_post;
        d["eta"] = r.eta;
        d["tau_pre"] = r.tau_pre;
        d["tau_post"] = r.tau_post;
        d["params"] = r.params;
        d["six"] = r.six.to_array(); // tau_pre, tau_post, alpha, beta, gamma, kappa (six-parameter families)
        py::list traces;
        for (const auto& t : r.traces) traces.append(py::make_tuple(t.name, t.post ? "post" : "pre", t.tau));
        d["traces"] = traces;
        return d;
    }, py::arg("text"), py::arg("name"), "Read a [rule.NAME] table (errors: the command line's messages).");
    m.def("rule_drive",
          [](const std::string& text, const std::string& name, const std::vector<std::vector<long>>& pre,
             const std::vector<std::vector<long>>& post, long steps, double w0, double dt,
             std::optional<std::array<double, 4>> neuron) {
              const model::Rule r = rule_from_text(text, name);
              if (pre.size() != post.size()) usage_error("post", "one post spike train per pre spike train", "equal lengths");
              std::optional<model::NeuronValues> nv;
              if (neuron) nv = model::NeuronValues{(*neuron)[0], (*neuron)[1], (*neuron)[2], (*neuron)[3]};
              std::vector<double> w(pre.size());
              {
                  py::gil_scoped_release release;
                  for (std::size_t k = 0; k < pre.size(); ++k)
                      w[k] = model::drive_synapse(r, pre[k], post[k], steps, w0, dt, 1e9, nv ? &*nv : nullptr);
              }
              return to_array(w);
          },
          py::arg("text"), py::arg("name"), py::arg("pre"), py::arg("post"), py::arg("steps"), py::arg("w0"), py::arg("dt"),
          py::arg("neuron") = std::nullopt,
          "Final weight of one synapse per (pre, post) pair of spike-step trains; neuron: (V, V_trace, C_exc, "
          "C_inh) held constant for rules that read them.");
}

} // namespace plast::python
