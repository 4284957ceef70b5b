#include "plast/spiking/fsbi_network.hpp"

#include "plast/core/memory_budget.hpp"

#include "plast/core/connection_types.hpp"
#include "plast/core/error.hpp"
#include "plast/expr/expr_rule.hpp"
#include "plast/io/config.hpp"
#include "plast/model/build.hpp"
#include "plast/model/fsbi_model.hpp"

#include <chrono>
#include <cmath>
#include <limits>

namespace plast::spiking {


std::size_t FsbiConfig::exc() const { return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(static_cast<double>(n_exc) * scale))); }
std::size_t FsbiConfig::inh() const { return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(static_cast<double>(n_inh) * scale))); }
std::size_t FsbiConfig::inputs() const { return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(static_cast<double>(n_input) * scale))); }

FsbiConfig FsbiConfig::from_config(const Section& s)
{
    FsbiConfig c;
    const Range pos = Range::positive();
    c.scale = s.number("scale", c.scale, Range::open_closed(0.0, 1.0));
    c.n_exc = static_cast<std::size_t>(s.integer("n_exc", static_cast<std::int64_t>(c.n_exc), 1, 2000000));
    c.n_inh = static_cast<std::size_t>(s.integer("n_inh", static_cast<std::int64_t>(c.n_inh), 1, 2000000));
    c.n_input = static_cast<std::size_t>(s.integer("n_input", static_cast<std::int64_t>(c.n_input), 1, 2000000));
    c.p_rec = s.number("p_rec", c.p_rec, Range::closed(0.0, 1.0));
    c.p_input = s.number("p_input", c.p_input, Range::closed(0.0, 1.0));
    c.w_ee = s.number("w_ee", c.w_ee, Range::nonneg());
    c.w_ei = s.number("w_ei", c.w_ei, Range::nonneg());
    c.w_ie = s.number("w_ie", c.w_ie, Range::nonneg());
    c.w_ii = s.number("w_ii", c.w_ii, Range::nonneg());
    c.w_input = s.number("w_input", c.w_input, Range::nonneg());
    c.w_max = s.number("w_max", c.w_max, Range::nonneg());
    c.eta = s.number("eta", c.eta, Range::nonneg());
    c.dt = s.number("dt", c.dt, Range::open_closed(0.0, 1e-2));
    c.delay = s.number("delay", c.delay, pos);
    if (c.delay < c.dt * (1 - 1e-9)) s.fail("delay", "delay " + std::to_string(c.delay) + " s is shorter than dt", ">= dt = " + std::to_string(c.dt));
    c.input_rate = s.number("input_rate", c.input_rate, Range::nonneg());
    c.warmup = s.number("warmup", c.warmup, Range::nonneg());
    c.score = s.number("score", c.score, pos);
    c.record_exc = static_cast<std::size_t>(s.integer("record_exc", static_cast<std::int64_t>(c.record_exc), 1, 2000000));
    c.record_inh = static_cast<std::size_t>(s.integer("record_inh", static_cast<std::int64_t>(c.record_inh), 1, 2000000));
    c.weight_samples = static_cast<std::size_t>(s.integer("weight_samples", static_cast<std::int64_t>(c.weight_samples), 1, 1000000));
    c.weight_interval = s.number("weight_interval", c.weight_interval, pos);
    c.guard_min = s.number("guard_min", c.guard_min, Range::nonneg());
    c.guard_max = s.number("guard_max", c.guard_max, pos);
    if (c.guard_min >= c.guard_max) s.fail("guard_min", "must be below guard_max", "[0, guard_max)");
    c.guard_start = s.string("guard_start", "midpoint", {"midpoint", "measured"}) == "measured" ? RateGuard::Start::measured
                                                                                              : RateGuard::Start::midpoint;
    c.weights_whole_run = s.string("weight_recording", "run", {"run", "score"}) == "run";
    c.neuron = IfParams::from_config(s.sub("neuron"));
    for (int k = 0; k < 4; ++k) {
        const Section r = s.sub(std::string("rule_") + connection_types[k]);
        const std::string preset =
            r.has("preset") ? r.string("preset", "6ppol", {"6ppol", "vogels_istdp", "pair_stdp", "static", "expression", "product21"})
                            : "6ppol";
        if (preset == "product21") {
            if (c.neuron.model != IfParams::Model::cvaif)
                r.fail("preset", "the product21 rule reads the postsynaptic CVAIF traces (V_trace, C_exc, C_inh)",
                       "[network.neuron] model = \"cvaif\"");
            c.product21[static_cast<std::size_t>(k)] = Product21Config::from_config(r);
            c.plastic[static_cast<std::size_t>(k)] = r.flag("plastic", true);
            continue;
        }
        if (preset == "expression") {
            ExpressionRule e{r.string("on_pre", "0"), r.string("on_post", "0")};
            for (const char* key : {"on_pre", "on_post"}) {
                try {
                    expr::ExprRule::parse(key == std::string("on_pre") ? e.on_pre : e.on_post, {"x_pre", "x_post", "w"});
                } catch (const Error& err) {
                    r.fail(key, err.problem(), "an expression over x_pre, x_post, w with + - * / pow and numbers");
                }
            }
            auto& rule = c.rules[static_cast<std::size_t>(k)];
            rule.tau_pre = r.number("tau_pre", 0.02, Range::positive());
            rule.tau_post = r.number("tau_post", 0.02, Range::positive());
            c.expressions[static_cast<std::size_t>(k)] = e;
            c.plastic[static_cast<std::size_t>(k)] = r.flag("plastic", true);
            continue;
        }
        c.rules[static_cast<std::size_t>(k)] = SixParamRule::from_config(r);
        c.preset[static_cast<std::size_t>(k)] = preset;
        const bool is_static = preset == "static";
        c.plastic[static_cast<std::size_t>(k)] = r.flag("plastic", !is_static) && !is_static;
    }
    // Memory: synapses ~ p N^2; refuse sizes that cannot fit (4 + 4 + 12 bytes per synapse with indices).
    const double syn = c.p_rec * (static_cast<double>(c.exc() + c.inh()) * static_cast<double>(c.exc() + c.inh())) +
                       c.p_input * static_cast<double>(c.inputs()) * static_cast<double>(c.exc() + c.inh());
    if (syn * 20.0 > 16e9) s.fail("n_exc", "network needs about " + std::to_string(static_cast<long>(syn * 20 / 1e9)) + " GB", "fewer neurons or lower p");
    {
        // Refuse sizes that cannot fit before simulating: synapse arrays (~24 B each with the
        // transposed index) and the per-step population counts of the three groups.
        const double e = static_cast<double>(c.exc()), i = static_cast<double>(c.inh()), in = static_cast<double>(c.inputs());
        const double prec = std::min(1.0, c.p_rec / c.scale), pin = std::min(1.0, c.p_input / c.scale);
        const double synapses = (e + i) * (e + i) * prec + in * (e + i) * pin;
        const double steps = (c.warmup + c.score) / c.dt;
        require_memory(24.0 * synapses + 12.0 * steps, s.where("dt"), s.path("dt"),
                       "the network (" + std::to_string(static_cast<long long>(synapses)) + " synapses, " +
                           std::to_string(static_cast<long long>(steps)) + " steps of dt; lower n_exc/n_inh/n_input or raise dt)");
    }
    return c;
}

void FsbiConfig::require_six_param_rules(const Section& network, const std::string& who) const
{
    for (std::size_t k = 0; k < 4; ++k)
        if (expressions[k] || product21[k])
            network.sub(std::string("rule_") + connection_types[k])
                .fail("preset", who + " sets every connection's 6-parameter rule from its candidates; this " +
                                    (expressions[k] ? "expression" : "product21") + " rule would be replaced without notice",
                      "preset = \"6ppol\", \"vogels_istdp\", \"pair_stdp\" or \"static\" here (a screen over another rule family is not available yet)");
    // A configured 6-parameter rule (a preset, theta or a preset's own parameters) would be overwritten by
    // every candidate just the same. Kept: `plastic` and preset "static" (a frozen connection), and the default
    // rule as a resolved configuration writes it (preset = "6ppol", the zero theta), so that a saved
    // config.toml loads again (resume, --print-config round trip). Judged from the parsed rule, not by reading
    // the keys again (a second read would change their documented allowed values).
    for (std::size_t k = 0; k < 4; ++k) {
        if (preset[k] == "static" || (preset[k] == "6ppol" && rules[k] == SixParamRule{})) continue;
        const Section s = network.sub(std::string("rule_") + connection_types[k]);
        const std::string key = preset[k] == "6ppol" && s.has("theta") ? "theta" : "preset";
        s.fail(key, who + " sets every connection's 6-parameter rule from its candidates; this configured rule would be replaced without notice",
               "only `plastic`, preset \"static\" or the zero 6pPol rule in [network.rule_" + std::string(connection_types[k]) +
                   "] (the rule comes from the candidates); to simulate this rule use `plast simulate`, to fix a connection's rule in a search use a model file with declared free slots");
    }
}

void FsbiConfig::set_quadruplet(const std::vector<double>& t)
{
    if (t.size() != 24 && t.size() != 25) runtime_error("fSBI task", "a quadruplet has 24 (+1 input rate) parameters");
    for (std::size_t k = 0; k < 4; ++k)
        rules[k] = SixParamRule::from_array({t[6 * k], t[6 * k + 1], t[6 * k + 2], t[6 * k + 3], t[6 * k + 4], t[6 * k + 5]});
    if (t.size() == 25) input_rate = t[24];
}

FsbiRun build_fsbi(const FsbiConfig& c, std::uint64_t seed, std::uint64_t key)
{
    // One network builder: the configuration becomes a model description (model/fsbi_model.hpp).
    auto built = model::build(model::fsbi_model(c), seed ^ (key * 0x9e3779b97f4a7c15ull));
    FsbiRun r;
    r.net = std::move(built.net);
    Network& net = *r.net;
    r.exc = built.populations.at("E").index;
    r.inh = built.populations.at("I").index;
    r.input = built.populations.at("input").index;
    for (std::size_t k = 0; k < 4; ++k) r.proj[k] = built.projections.at(connection_types[k]);
    net.record_spikes(r.exc, std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(static_cast<double>(c.record_exc) * c.scale))));
    net.record_spikes(r.inh, std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(static_cast<double>(c.record_inh) * c.scale))));
    net.record_weights(c.weight_samples, c.weight_interval);
    return r;
}

metrics::Trains trains_of(const Network& net, std::size_t group)
{
    metrics::Trains t(net.recorded_neurons(group));
    const auto& rec = net.spikes(group);
    for (std::size_t k = 0; k < rec.step.size(); ++k)
        t[rec.neuron[k]].push_back(static_cast<double>(rec.step[k]) * net.dt());
    return t;
}

FsbiResult run_fsbi(const FsbiConfig& c, std::uint64_t seed, std::uint64_t key, const std::function<void(double)>& progress)
{
    const auto t0 = std::chrono::steady_clock::now();
    FsbiResult res;
    auto run = build_fsbi(c, seed, key);
    Network& net = *run.net;
    auto advance = [&](double seconds) {
        // 0.1 s chunks: guard-rate trace and progress.
        const long chunks = std::lround(seconds / 0.1);
        for (long k = 0; k < chunks; ++k) {
            if (!net.run(0.1)) return false;
            res.guard_rate.push_back(net.guard_rate());
            if (progress && (k + 1) % 10 == 0) progress(net.time());
        }
        return true;
    };
    net.set_weight_recording(c.weights_whole_run);
    bool ok = advance(c.warmup);
    if (ok) {
        net.set_recording(true);
        net.reset_counts(); // full-population rates over the score window
        ok = advance(c.score);
    }
    res.simulated_seconds = net.time();
    res.synaptic_events = net.synaptic_events();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (!ok) {
        res.aborted = true;
        res.abort_reason = net.abort_reason();
        res.abort_time = net.abort_time();
        for (const auto& m : metrics::fsbi_metric_names()) res.metrics[m] = nan;
    } else {
        res.exc = trains_of(net, run.exc);
        res.inh = trains_of(net, run.inh);
        // The metrics see only the samples of the scored window [warmup, warmup + score), as in the reference
        // (its weight monitors start with the score window); the trajectory before it is output only.
        std::vector<metrics::WeightTrace> scored;
        for (std::size_t k = 0; k < 4; ++k) {
            const auto& p = net.projection(run.proj[k]);
            if (!p.plastic()) continue;
            const auto& ws = net.weight_samples(run.proj[k]);
            res.weights.push_back({connection_types[k], c.w_max, ws.values});
            if (res.weight_times.empty()) res.weight_times = ws.times;
            metrics::WeightTrace w{connection_types[k], c.w_max, {}};
            for (std::size_t t = 0; t < ws.times.size(); ++t)
                if (ws.times[t] >= c.warmup - 0.5 * c.dt) w.samples.push_back(ws.values[t]);
            scored.push_back(std::move(w));
        }
        res.metrics = metrics::fsbi_metrics(res.exc, res.inh, scored, c.warmup, c.warmup + c.score);
        const auto all_rate = [&](std::size_t g) {
            double n = 0;
            for (double x : net.spike_counts(g)) n += x;
            return n / (static_cast<double>(net.group(g).size()) * c.score);
        };
        for (std::size_t k = 0; k < 4; ++k) res.mean_weight_all[k] = net.projection(run.proj[k]).mean_weight();
        res.rate_exc_all = all_rate(run.exc);
        res.rate_inh_all = all_rate(run.inh);
        // Static projections still report their (constant) mean weight.
        const std::array<const char*, 4> keys{"weef", "weif", "wief", "wiif"};
        for (std::size_t k = 0; k < 4; ++k)
            if (!net.projection(run.proj[k]).plastic()) res.metrics[keys[k]] = net.projection(run.proj[k]).mean_weight();
    }
    res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return res;
}

} // namespace plast::spiking
