#include "plast/model/simulation.hpp"

#include "plast/core/rng.hpp"
#include "plast/metrics/filter.hpp"
#include "plast/metrics/stability_metrics.hpp"
#include "plast/model/build.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

namespace plast::model {

namespace {

struct Sampler {
    const Monitor* mon;
    std::uint64_t every;     // steps
    Series series;
    std::size_t group = 0, proj = 0;
    double last_count = 0;   // rate: spike count at the previous bin boundary
};

float state_value(const spiking::IfState& s, const std::string& v, std::size_t i)
{
    if (v == "v") return s.v[i];
    if (v == "g_ampa") return s.g_ampa[i];
    if (v == "g_nmda") return s.g_nmda[i];
    if (v == "g_gaba") return s.g_gaba[i];
    if (v == "theta") return s.theta[i];
    if (v == "g_adapt") return s.g_adapt[i];
    if (v == "v_trace") return s.v_trace[i];
    if (v == "c_exc") return s.c_exc[i];
    return s.c_inh[i];
}

} // namespace

std::vector<metrics::FilterGroup> metrics_filter(const Metrics& m)
{
    auto filter = metrics::fsbi_plausibility_filter(m.filter_variant);
    for (auto& g : filter)
        for (auto& c : g.constraints)
            if (auto it = m.bounds.find(c.metric); it != m.bounds.end()) c.lo = it->second.first, c.hi = it->second.second;
    for (const auto& [k, bnd] : m.bounds) {
        bool present = false;
        for (const auto& g : filter)
            for (const auto& c : g.constraints) present |= c.metric == k;
        if (!present) filter.push_back({"user", {{k, bnd.first, bnd.second}}});
    }
    return filter;
}

SimulationResult simulate(const Model& m, std::uint64_t seed, const std::function<void(double)>& progress)
{
    const auto wall0 = std::chrono::steady_clock::now();
    SimulationResult res;
    Built b = build(m, seed);
    spiking::Network& net = *b.net;
    // Spike recording: the network records neurons [0, n) of a group; monitors keep [first, last).
    std::map<std::size_t, std::size_t> record_n;
    for (const auto& mo : m.monitors)
        if (mo.kind == Monitor::Kind::spikes) {
            auto& n = record_n[b.populations.at(mo.target).index];
            n = std::max(n, mo.last);
        }
    for (const auto& [g, n] : record_n) net.record_spikes(g, n);
    std::vector<Sampler> samplers;
    for (const auto& mo : m.monitors) {
        if (mo.kind == Monitor::Kind::spikes) continue;
        Sampler s{&mo, static_cast<std::uint64_t>(std::llround(mo.interval / m.dt)), {}, 0, 0, 0};
        s.series.name = mo.name;
        s.series.target = mo.target;
        s.series.variable = mo.kind == Monitor::Kind::state ? mo.variable : mo.kind == Monitor::Kind::rate ? "rate_hz" : "w";
        s.series.kind = mo.kind == Monitor::Kind::weights ? "weights" : mo.kind == Monitor::Kind::rate ? "rate" : "state";
        if (mo.kind == Monitor::Kind::weights) {
            s.proj = b.projections.at(mo.target);
            const std::size_t n = net.projection(s.proj).size(), k = std::min(mo.samples, n);
            for (std::size_t i = 0; i < k; ++i) s.series.columns.push_back(static_cast<std::uint32_t>(i * n / k));
        } else {
            s.group = b.populations.at(mo.target).index;
            if (mo.kind == Monitor::Kind::state)
                for (std::size_t i = mo.first; i < mo.last; ++i) s.series.columns.push_back(static_cast<std::uint32_t>(i));
            else
                s.series.columns.push_back(0); // one column: the mean rate of neurons [first, last)
        }
        samplers.push_back(std::move(s));
    }
    std::uint64_t tick = 0;
    for (const auto& s : samplers) tick = tick == 0 ? s.every : std::gcd(tick, s.every);
    const std::uint64_t sec = static_cast<std::uint64_t>(std::llround(1.0 / m.dt));
    tick = tick == 0 ? sec : std::gcd(tick, sec); // progress every simulated second
    bool recording = false;
    auto count_of = [&](const Sampler& s) {
        const auto& c = net.spike_counts(s.group);
        double sum = 0;
        for (std::size_t i = s.mon->first; i < s.mon->last; ++i) sum += c[i];
        return sum;
    };
    auto sample = [&] {
        const std::uint64_t st = net.steps();
        for (auto& s : samplers) {
            if (st % s.every != 0) continue;
            const double t = static_cast<double>(st) * m.dt;
            if (s.mon->kind == Monitor::Kind::rate) {
                const double c = count_of(s);
                if (recording && st > 0) {
                    const double n = static_cast<double>(s.mon->last - s.mon->first);
                    s.series.times.push_back(t - s.mon->interval); // bin start
                    s.series.values.push_back({static_cast<float>((c - s.last_count) / (n * s.mon->interval))});
                }
                s.last_count = c;
                continue;
            }
            std::vector<float> v;
            v.reserve(s.series.columns.size());
            if (s.mon->kind == Monitor::Kind::weights) {
                const auto& w = net.projection(s.proj).weights();
                for (auto c : s.series.columns) v.push_back(w[c]);
            } else {
                const auto& gs = net.group(s.group).state();
                for (auto c : s.series.columns) v.push_back(state_value(gs, s.mon->variable, c));
            }
            s.series.times.push_back(t);
            s.series.values.push_back(std::move(v));
        }
    };
    // Advance to an absolute step in chunks that stop at every sampling point.
    auto advance_to = [&](std::uint64_t end) {
        while (net.steps() < end) {
            const std::uint64_t next = std::min(end, (net.steps() / tick + 1) * tick);
            if (!net.run(static_cast<double>(next - net.steps()) * m.dt)) return false;
            sample();
            if (progress && net.steps() % sec == 0) progress(net.time());
        }
        return true;
    };
    std::map<std::string, std::shared_ptr<const spiking::Network::Snapshot>> snaps;
    std::map<std::string, std::size_t> proj_index = b.projections;
    bool ok = true;
    double t0 = -1, t1 = -1;
    sample(); // t = 0
    for (std::size_t pi = 0; pi < m.phases.size() && ok; ++pi) {
        const Phase& ph = m.phases[pi];
        for (std::size_t rep = 0; rep < ph.repeat && ok; ++rep) {
            PhaseLog log{ph.name, rep, net.time(), 0, {}};
            if (!ph.restore.empty()) net.restore(*snaps.at(ph.restore), false);
            for (const auto& [pop, rate] : ph.rates) net.input(b.populations.at(pop).index).set_rate(rate);
            for (const auto& p : m.populations)
                if (p.kind == Population::Kind::poisson) net.input(b.populations.at(p.name).index).set_pattern(-1);
            for (const auto& sn : ph.stimuli) {
                const auto [in, pat] = b.stimuli.at(sn);
                net.input(in).set_pattern(pat);
            }
            log.stimuli = ph.stimuli;
            if (ph.plastic)
                for (const auto& p : m.projections) net.projection(proj_index.at(p.name)).set_plastic(std::find(ph.plastic->begin(), ph.plastic->end(), p.name) != ph.plastic->end());
            recording = ph.record;
            net.set_recording(ph.record);
            if (ph.record) {
                if (t0 < 0) t0 = net.time();
                t1 = net.time() + ph.duration;
            }
            const std::uint64_t end = net.steps() + static_cast<std::uint64_t>(std::llround(ph.duration / m.dt));
            if (ph.schedule) {
                log.stimuli.clear();
                const auto on = static_cast<std::uint64_t>(std::llround(ph.schedule->on / m.dt));
                const auto off = static_cast<std::uint64_t>(std::llround(ph.schedule->off / m.dt));
                for (std::uint64_t block = 0; ok && net.steps() < end; ++block) {
                    rng::Stream r(seed, "schedule", pi, rep, block);
                    const auto& sn = ph.schedule->stimuli[r.below(ph.schedule->stimuli.size())];
                    const auto [in, pat] = b.stimuli.at(sn);
                    net.input(in).set_pattern(pat);
                    log.stimuli.push_back(sn);
                    ok = advance_to(std::min(end, net.steps() + on));
                    net.input(in).set_pattern(-1);
                    if (ok && off > 0 && net.steps() < end) {
                        log.stimuli.emplace_back("-");
                        ok = advance_to(std::min(end, net.steps() + off));
                    }
                }
            } else {
                ok = advance_to(end);
            }
            log.t1 = net.time();
            res.phases.push_back(std::move(log));
            if (ok && !ph.snapshot.empty()) snaps[ph.snapshot] = net.save();
        }
    }
    res.simulated_seconds = net.time();
    res.synaptic_events = net.synaptic_events();
    if (!ok) {
        res.aborted = true;
        res.abort_reason = net.abort_reason();
        res.abort_time = net.abort_time();
    }
    // Spikes
    for (const auto& mo : m.monitors) {
        if (mo.kind != Monitor::Kind::spikes) continue;
        SpikeData d{mo.name, mo.target, mo.first, mo.last, {}, {}};
        const auto& rec = net.spikes(b.populations.at(mo.target).index);
        for (std::size_t k = 0; k < rec.step.size(); ++k)
            if (rec.neuron[k] >= mo.first && rec.neuron[k] < mo.last) {
                d.times.push_back(static_cast<double>(rec.step[k]) * m.dt);
                d.neurons.push_back(static_cast<std::int32_t>(rec.neuron[k] - mo.first));
            }
        res.spikes.push_back(std::move(d));
    }
    for (auto& s : samplers) res.series.push_back(std::move(s.series));
    // Metrics and verdict
    if (m.metrics.enabled) {
        res.window_t0 = t0;
        res.window_t1 = t1;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        if (res.aborted || t0 < 0) {
            for (const auto& k : metrics::fsbi_metric_names()) res.metrics[k] = nan;
            res.verdict = res.aborted ? "aborted" : "implausible";
        } else {
            auto trains = [&](const std::string& pop) {
                for (const auto& d : res.spikes)
                    if (d.population == pop) {
                        metrics::Trains t(d.last - d.first);
                        for (std::size_t k = 0; k < d.times.size(); ++k) t[static_cast<std::size_t>(d.neurons[k])].push_back(d.times[k]);
                        return t;
                    }
                return metrics::Trains{};
            };
            std::vector<metrics::WeightTrace> wt;
            for (std::size_t k = 0; k < m.metrics.weights.size(); ++k)
                for (const auto& s : res.series)
                    if (s.kind == "weights" && s.target == m.metrics.weights[k]) {
                        metrics::WeightTrace w{m.metrics.weight_names[k], m.projection(s.target)->w_max, {}};
                        for (std::size_t i = 0; i < s.times.size(); ++i)
                            if (s.times[i] >= t0 - 1e-9 && s.times[i] < t1 - 1e-9) w.samples.push_back(s.values[i]);
                        wt.push_back(std::move(w));
                        break;
                    }
            res.metrics = metrics::fsbi_metrics(trains(m.metrics.exc), trains(m.metrics.inh), wt, t0, t1);
            res.failed = metrics::failed_bounds(metrics_filter(m.metrics), res.metrics);
            res.verdict = res.failed.empty() ? "plausible" : "implausible";
        }
    }
    res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    return res;
}

} // namespace plast::model
