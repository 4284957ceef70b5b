// plast simulate [CONFIG]: one spiking network run (the fSBI background network and protocol) with
// its stability metrics, the plausibility verdict, recordings and figures.
#include "verb.hpp"

#include "plast/core/progress.hpp"
#include "plast/io/csv.hpp"
#include "plast/io/npy.hpp"
#include "plast/metrics/filter.hpp"
#include "plast/model/model_file.hpp"
#include "plast/model/simulation.hpp"
#include "plast/spiking/fsbi_network.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

namespace plast::app {

// Every bound of the filter with value and pass/fail (run.json summary "verdict_table"; the report's
// verdict table).
// Mean rate (Hz) of each monitored population in each recorded phase: rate monitors average their bins
// that start inside the phase; spike monitors count the spikes in [t0, t1) over neurons × duration (used
// for populations without a rate monitor). Keys are population names (run.json summary.phase_rates).
static nlohmann::json phase_rates(const model::Model& model, const model::SimulationResult& r)
{
    nlohmann::json out = nlohmann::json::array();
    for (const auto& ph : r.phases) {
        bool recorded = false;
        for (const auto& mp : model.phases)
            if (mp.name == ph.name) recorded = mp.record;
        if (!recorded || ph.t1 <= ph.t0) continue;
        const double eps = 1e-9;
        nlohmann::json rates = nlohmann::json::object();
        for (const auto& se : r.series) {
            if (se.kind != "rate") continue;
            double sum = 0;
            std::size_t n = 0;
            for (std::size_t i = 0; i < se.times.size(); ++i)
                if (se.times[i] >= ph.t0 - eps && se.times[i] < ph.t1 - eps) sum += se.values[i][0], ++n;
            if (n > 0 && !rates.contains(se.target)) rates[se.target] = sum / static_cast<double>(n);
        }
        for (const auto& d : r.spikes) {
            const double n = static_cast<double>(d.last - d.first);
            if (n <= 0 || rates.contains(d.population)) continue;
            const auto lo = std::lower_bound(d.times.begin(), d.times.end(), ph.t0 - eps);
            const auto hi = std::lower_bound(d.times.begin(), d.times.end(), ph.t1 - eps);
            rates[d.population] = static_cast<double>(hi - lo) / (n * (ph.t1 - ph.t0));
        }
        out.push_back({{"phase", ph.name}, {"repetition", ph.repetition}, {"t0", ph.t0}, {"t1", ph.t1}, {"rates", rates}});
    }
    return out;
}

static nlohmann::json verdict_table(const std::vector<metrics::BoundCheck>& checks)
{
    auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
    nlohmann::json t = nlohmann::json::array();
    for (const auto& c : checks)
        t.push_back({{"group", c.group}, {"metric", c.metric}, {"value", num(c.value)}, {"lo", num(c.lo)}, {"hi", num(c.hi)},
                     {"passed", c.passed}});
    return t;
}

// "plausible" or "implausible: std_cv = 0.202 > 0.2, w_creep = 0.31 > 0.2".
static std::string verdict_sentence(const std::string& verdict, const std::vector<metrics::BoundCheck>& failed)
{
    std::string s = verdict;
    for (std::size_t i = 0; i < failed.size(); ++i) {
        const auto& f = failed[i];
        s += (i == 0 ? ": " : ", ") + f.metric + " = " + io::format_number(f.value, 3) +
             (f.value < f.lo ? " < " + io::format_number(f.lo, 3) : " > " + io::format_number(f.hi, 3));
    }
    return s;
}

static const char* const default_simulate_config = R"TOML(# plast simulate: fSBI background network with inhibitory STDP on I->E (scaled down for speed)
seed = 1

[simulate]
filter_variant = "paper"

[network]
scale = 0.25        # 1024 E, 256 I, 1250 inputs; connection probabilities scaled up to keep in-degrees
warmup = 20.0
score = 5.0
input_rate = 10.0

[network.rule_IE]
preset = "vogels_istdp"
target_rate = 10.0  # alpha = -0.4, tau = 20 ms: the spec's 10 Hz set point

[network.rule_EE]
plastic = true      # zero parameters: updates computed, no change

[network.rule_EI]
plastic = true

[network.rule_II]
plastic = true
)TOML";

// A model file ([[population]], [[projection]], [rule.NAME], [[phase]], [[monitor]], [metrics]):
// any network, written out as spikes (NPY), series (NPY + times), phases, metrics and verdict.
static int run_model(Context& ctx)
{
    std::vector<std::string> warnings;
    const std::string base = ctx.opts.config.empty() ? std::string() : std::filesystem::path(ctx.opts.config).parent_path().string();
    const auto model = model::read_model(ctx.config.root(), base, warnings);
    for (const auto& w : warnings) std::cerr << "plast simulate: warning: " << w << "\n";
    auto& dir = ctx.open_run();
    Progress progress("simulate", static_cast<std::size_t>(std::ceil(model.duration())), "simulated s");
    double last = 0;
    const auto r = model::simulate(model, ctx.seed, [&](double t) {
        progress.advance(static_cast<std::size_t>(std::lround(t - last)));
        last = std::round(t);
    });
    progress.done();
    auto& s = dir.summary();
    auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
    s["model"] = {{"populations", nlohmann::json::array()}, {"projections", nlohmann::json::array()}, {"warnings", warnings}};
    for (const auto& p : model.populations)
        s["model"]["populations"].push_back({{"name", p.name}, {"size", p.size}});
    for (const auto& p : model.projections)
        s["model"]["projections"].push_back({{"name", p.name}, {"pre", p.pre}, {"post", p.post}, {"rule", p.rule}});
    s["aborted"] = r.aborted;
    if (r.aborted) s["abort"] = {{"reason", r.abort_reason}, {"time", r.abort_time}};
    nlohmann::json phases = nlohmann::json::array();
    for (const auto& ph : r.phases)
        phases.push_back({{"name", ph.name}, {"repetition", ph.repetition}, {"t0", ph.t0}, {"t1", ph.t1}, {"stimuli", ph.stimuli}});
    s["phases"] = phases;
    dir.write_json("phases.json", phases);
    nlohmann::json recordings = nlohmann::json::array();
    for (const auto& d : r.spikes) {
        io::write_npy(dir.file(d.name + "_times.npy"), d.times);
        io::write_npy(dir.file(d.name + "_neurons.npy"), d.neurons);
        recordings.push_back({{"monitor", d.name}, {"kind", "spikes"}, {"population", d.population}, {"neurons", {d.first, d.last}},
                              {"files", {d.name + "_times.npy", d.name + "_neurons.npy"}},
                              {"note", "neuron indices are relative to the first recorded neuron; times in s"}});
    }
    for (const auto& se : r.series) {
        std::vector<float> flat;
        for (const auto& row : se.values) flat.insert(flat.end(), row.begin(), row.end());
        io::write_npy(dir.file(se.name + ".npy"), flat, {se.values.size(), se.columns.size()});
        io::write_npy(dir.file(se.name + "_times.npy"), se.times);
        std::vector<std::int64_t> cols(se.columns.begin(), se.columns.end());
        io::write_npy(dir.file(se.name + "_columns.npy"), cols);
        recordings.push_back({{"monitor", se.name}, {"kind", se.kind}, {"target", se.target}, {"variable", se.variable},
                              {"samples", se.times.size()},
                              {"files", {se.name + ".npy", se.name + "_times.npy", se.name + "_columns.npy"}}});
    }
    s["recordings"] = recordings;
    if (model.metrics.enabled) {
        nlohmann::json m = nlohmann::json::object();
        for (const auto& [k, v] : r.metrics) m[k] = num(v);
        dir.write_json("metrics.json", m);
        s["metrics"] = m;
        s["metrics_on"] = {{"exc", model.metrics.exc}, {"inh", model.metrics.inh}, {"window", {r.window_t0, r.window_t1}},
                           {"note", "rates and spike statistics are computed on the neurons of the spikes monitors of these populations"}};
        s["verdict"] = r.verdict;
        nlohmann::json failed = nlohmann::json::array();
        for (const auto& f : r.failed)
            failed.push_back({{"group", f.group}, {"metric", f.metric}, {"value", num(f.value)}, {"bounds", {num(f.lo), num(f.hi)}}});
        s["failed"] = failed;
        s["verdict_table"] = verdict_table(metrics::check_bounds(model::metrics_filter(model.metrics), r.metrics));
        if (!ctx.opts.quiet) {
            std::cerr << "plast simulate: verdict " << r.verdict << "\n";
            for (const auto& f : r.failed)
                std::cerr << "  " << f.metric << " = " << f.value << " outside [" << f.lo << ", " << f.hi << "] (" << f.group << ")\n";
        }
    }
    s["performance"] = {{"wall_seconds", r.wall_seconds},
                        {"simulated_seconds", r.simulated_seconds},
                        {"wall_per_simulated_second", r.wall_seconds / std::max(1e-9, r.simulated_seconds)},
                        {"synaptic_events", r.synaptic_events}};
    // Headline: the mean rate of every monitored population in each recorded phase (a protocol's
    // phases differ by design: averaging a background phase with its probes hides both), then the verdict.
    const nlohmann::json per_phase = phase_rates(model, r);
    s["phase_rates"] = per_phase;
    if (r.aborted)
        dir.headline("aborted at t = " + io::format_number(r.abort_time, 3) + " s: " + r.abort_reason);
    else if (per_phase.size() <= 6)
        for (const auto& ph : per_phase) {
            std::string rates;
            for (const auto& [pop, hz] : ph["rates"].items())
                rates += (rates.empty() ? "" : ", ") + pop + " " + io::format_number(hz.get<double>(), 3) + " Hz";
            if (!rates.empty())
                dir.headline(ph["phase"].get<std::string>() + " (" + io::format_number(ph["t0"].get<double>(), 4) + "–" +
                             io::format_number(ph["t1"].get<double>(), 4) + " s): " + rates);
        }
    else
        dir.headline(std::to_string(per_phase.size()) + " recorded phases: mean rates per phase in run.json summary.phase_rates");
    if (model.metrics.enabled && !r.aborted) dir.headline(verdict_sentence(r.verdict, r.failed));
    dir.headline("simulated " + io::format_number(r.simulated_seconds, 3) + " s in " + io::format_number(r.wall_seconds, 2) + " s wall");
    return ctx.complete();
}

static int run_simulate(Context& ctx)
{
    ctx.load_config(default_simulate_config, "<embedded simulate default>");
    if (model::is_model_file(ctx.config.root())) return run_model(ctx);
    const auto variant = ctx.config.section("simulate").string("filter_variant", "paper", metrics::fsbi_filter_variants());
    const auto cfg = spiking::FsbiConfig::from_config(ctx.config.section("network"));
    auto& dir = ctx.open_run();
    Progress progress("simulate", static_cast<std::size_t>(std::lround(cfg.warmup + cfg.score)), "simulated s");
    double last = 0;
    const auto r = spiking::run_fsbi(cfg, ctx.seed, 0, [&](double t) {
        progress.advance(static_cast<std::size_t>(std::lround(t - last)));
        last = std::round(t);
    });
    progress.done();
    const auto filter = metrics::fsbi_plausibility_filter(variant);
    nlohmann::json m = nlohmann::json::object();
    for (const auto& [k, v] : r.metrics) m[k] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
    nlohmann::json groups = nlohmann::json::object();
    bool all = !r.aborted;
    for (const auto& g : filter) {
        const bool ok = metrics::passes({g}, r.metrics);
        groups[g.name] = ok;
        all = all && ok;
    }
    auto& s = dir.summary();
    s["metrics"] = m;
    s["filter_variant"] = variant;
    s["filter_groups"] = groups;
    s["verdict"] = r.aborted ? "aborted" : (all ? "plausible" : "implausible");
    // The reasons: every missed bound with its value (also printed).
    const auto missed = metrics::failed_bounds(filter, r.metrics);
    const std::string window = "[" + io::format_number(cfg.warmup) + ", " + io::format_number(cfg.warmup + cfg.score) + ") s";
    nlohmann::json failed = nlohmann::json::array();
    auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
    if (!ctx.opts.quiet) std::cerr << "plast simulate: verdict " << s["verdict"].get<std::string>() << "\n";
    if (!r.aborted)
        for (const auto& f : missed) {
            failed.push_back({{"group", f.group}, {"metric", f.metric}, {"value", num(f.value)}, {"bounds", {num(f.lo), num(f.hi)}}});
            if (!ctx.opts.quiet)
                std::cerr << "  " << f.metric << " = " << f.value << " outside [" << f.lo << ", " << f.hi << "] (" << f.group << ")\n";
        }
    s["failed"] = failed;
    s["verdict_table"] = verdict_table(metrics::check_bounds(filter, r.metrics));
    s["aborted"] = r.aborted;
    if (r.aborted) {
        dir.headline("aborted at t = " + io::format_number(r.abort_time, 3) + " s: " + r.abort_reason);
    } else {
        dir.headline("E settles at " + io::format_number(r.metrics.at("rate"), 3) + " Hz, I at " + io::format_number(r.metrics.at("rate_i"), 3) +
                     " Hz over " + window);
        dir.headline(verdict_sentence(s["verdict"].get<std::string>(), missed));
    }
    if (r.aborted) s["abort"] = {{"reason", r.abort_reason}, {"time", r.abort_time}};
    s["network"] = {{"n_exc", cfg.exc()}, {"n_inh", cfg.inh()}, {"n_input", cfg.inputs()}, {"warmup", cfg.warmup}, {"score", cfg.score}};
    // Which neurons each rate is computed on: the spike metrics use the recorded subsets (as the
    // reference, whose monitors record the first 1000 E and 500 I neurons); the population rates use all.
    s["rates_on"] = {
        {"metrics", {{"exc", "E neurons [0, " + std::to_string(r.exc.size()) + ") (" + std::to_string(r.exc.size()) + " of " +
                                 std::to_string(cfg.exc()) + ", record_exc x scale), " + window},
                     {"inh", "I neurons [0, " + std::to_string(r.inh.size()) + ") (" + std::to_string(r.inh.size()) + " of " +
                                 std::to_string(cfg.inh()) + ", record_inh x scale), " + window}}},
        {"population_rates", "all E and all I neurons, " + window},
        {"rate_estimate", "the guard's filter over all E neurons (tau = 1 s), every 0.1 s from t = 0.1 s; guard_start = " +
                              std::string(cfg.guard_start == spiking::RateGuard::Start::measured
                                              ? "measured: mean rate since t = 0 for the first second"
                                              : "midpoint: starts at (guard_min + guard_max)/2 as Auryn's RateChecker, so the first samples are a filter transient")}};
    if (r.aborted) s["rates_on"]["metrics"] = "not computed: the run was aborted";
    if (!r.aborted) {
        s["population_rates"] = {{"exc", r.rate_exc_all}, {"inh", r.rate_inh_all}};
        // weef..wiif are means over the 100 sampled synapses (as the reference); these are over all synapses.
        s["mean_weights_all"] = {{"EE", r.mean_weight_all[0]}, {"EI", r.mean_weight_all[1]}, {"IE", r.mean_weight_all[2]},
                                 {"II", r.mean_weight_all[3]}};
    }
    s["performance"] = {{"wall_seconds", r.wall_seconds},
                        {"simulated_seconds", r.simulated_seconds},
                        {"wall_per_simulated_second", r.wall_seconds / std::max(1e-9, r.simulated_seconds)},
                        {"synaptic_events", r.synaptic_events}};
    dir.write_json("metrics.json", m);
    // Recordings: spike times and neuron indices, rate estimate, weight samples per projection.
    auto save_trains = [&](const metrics::Trains& t, const std::string& name) {
        std::vector<double> times;
        std::vector<std::int32_t> ids;
        for (std::size_t n = 0; n < t.size(); ++n)
            for (double x : t[n]) times.push_back(x), ids.push_back(static_cast<std::int32_t>(n));
        io::write_npy(dir.file(name + "_spike_times.npy"), times);
        io::write_npy(dir.file(name + "_spike_neurons.npy"), ids);
    };
    save_trains(r.exc, "exc");
    save_trains(r.inh, "inh");
    io::write_npy(dir.file("rate_estimate.npy"), r.guard_rate);
    // Weight samples at weights_times.npy (the whole run with weight_recording = "run").
    io::write_npy(dir.file("weights_times.npy"), r.weight_times);
    for (const auto& w : r.weights) {
        std::vector<float> flat;
        for (const auto& row : w.samples) flat.insert(flat.end(), row.begin(), row.end());
        io::write_npy(dir.file("weights_" + w.name + ".npy"), flat,
                      {w.samples.size(), w.samples.empty() ? 0 : w.samples[0].size()});
    }
    return ctx.complete();
}

PLAST_VERB("simulate", "spiking network run: a model file (any network) or the fSBI background network; metrics, verdict, recordings", true,
           nullptr, run_simulate);

} // namespace plast::app
