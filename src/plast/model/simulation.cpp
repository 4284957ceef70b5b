#include "plast/model/simulation.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
#include "plast/metrics/filter.hpp"
#include "plast/metrics/stability_metrics.hpp"
#include "plast/model/build.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
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

std::string join_names(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

using Clock = std::chrono::steady_clock;

std::string seconds_text(double s)
{
    char b[32];
    std::snprintf(b, sizeof b, "%g", s);
    return b;
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

struct Simulation::Impl {
    Model m;                 // first: the samplers point into it
    std::uint64_t seed;
    std::function<void(double)> progress;
    Built b;
    spiking::Network* net = nullptr;
    std::vector<Sampler> samplers;
    std::uint64_t tick = 0, sec = 0;
    bool recording = false, ok = true;
    double t0 = -1, t1 = -1;
    double wall = 0;
    std::map<std::string, std::shared_ptr<const spiking::Network::Snapshot>> snaps;
    std::vector<PhaseLog> logs;
    std::vector<std::size_t> runs;                         // per phase: completed or started runs
    std::vector<std::pair<std::size_t, std::size_t>> protocol; // (phase, repetition)
    std::size_t position = 0;                              // protocol entries completed

    // The phase in progress.
    struct Current {
        std::size_t phase = 0;
        bool protocol_entry = false;
        std::uint64_t end = 0;        // step
        PhaseLog log;
        // Schedule: block number, segment (0 none, 1 stimulus on, 2 background), its end step, its input.
        std::uint64_t block = 0, seg_end = 0;
        int seg = 0;
        std::size_t in = 0;
    };
    std::optional<Current> cur;

    Impl(const Model& model, std::uint64_t s, std::function<void(double)> p) : m(model), seed(s), progress(std::move(p)), b(build(m, seed))
    {
        net = b.net.get();
        std::map<std::size_t, std::size_t> record_n;
        for (const auto& mo : m.monitors)
            if (mo.kind == Monitor::Kind::spikes) {
                auto& n = record_n[b.populations.at(mo.target).index];
                n = std::max(n, mo.last);
            }
        for (const auto& [g, n] : record_n) net->record_spikes(g, n);
        for (const auto& mo : m.monitors) {
            if (mo.kind == Monitor::Kind::spikes) continue;
            Sampler s{&mo, static_cast<std::uint64_t>(std::llround(mo.interval / m.dt)), {}, 0, 0, 0};
            s.series.name = mo.name;
            s.series.target = mo.target;
            s.series.variable = mo.kind == Monitor::Kind::state ? mo.variable : mo.kind == Monitor::Kind::rate ? "rate_hz" : "w";
            s.series.kind = mo.kind == Monitor::Kind::weights ? "weights" : mo.kind == Monitor::Kind::rate ? "rate" : "state";
            if (mo.kind == Monitor::Kind::weights) {
                s.proj = b.projections.at(mo.target);
                const std::size_t n = net->projection(s.proj).size(), k = std::min(mo.samples, n);
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
        for (const auto& s : samplers) tick = tick == 0 ? s.every : std::gcd(tick, s.every);
        sec = static_cast<std::uint64_t>(std::llround(1.0 / m.dt));
        tick = tick == 0 ? sec : std::gcd(tick, sec); // progress every simulated second
        runs.assign(m.phases.size(), 0);
        for (std::size_t pi = 0; pi < m.phases.size(); ++pi)
            for (std::size_t rep = 0; rep < m.phases[pi].repeat; ++rep) protocol.emplace_back(pi, rep);
        sample(); // t = 0
    }

    double count_of(const Sampler& s) const
    {
        const auto& c = net->spike_counts(s.group);
        double sum = 0;
        for (std::size_t i = s.mon->first; i < s.mon->last; ++i) sum += c[i];
        return sum;
    }

    void sample()
    {
        const std::uint64_t st = net->steps();
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
                const auto& w = net->projection(s.proj).weights();
                for (auto c : s.series.columns) v.push_back(w[c]);
            } else {
                const auto& gs = net->group(s.group).state();
                for (auto c : s.series.columns) v.push_back(state_value(gs, s.mon->variable, c));
            }
            s.series.times.push_back(t);
            s.series.values.push_back(std::move(v));
        }
    }

    // Advance to an absolute step in chunks that stop at every sampling point.
    bool advance_to(std::uint64_t end)
    {
        while (net->steps() < end) {
            const std::uint64_t next = std::min(end, (net->steps() / tick + 1) * tick);
            if (!net->run(static_cast<double>(next - net->steps()) * m.dt)) return false;
            sample();
            if (progress && net->steps() % sec == 0) progress(net->time());
        }
        return true;
    }

    void check_runnable() const
    {
        if (!ok)
            usage_error("simulation", "the simulation aborted at t = " + seconds_text(net->abort_time()) + " s (" + net->abort_reason() + "); nothing more can run",
                        "a new simulation");
    }

    void start(std::size_t pi, bool protocol_entry)
    {
        const Phase& ph = m.phases[pi];
        if (!ph.restore.empty() && !snaps.count(ph.restore))
            usage_error("phase '" + ph.name + "'", "restores snapshot '" + ph.restore + "', which has not been taken yet",
                        snaps.empty() ? "run the phase that takes it first" : "snapshots taken: " + snapshot_names());
        Current c;
        c.phase = pi;
        c.protocol_entry = protocol_entry;
        c.log = PhaseLog{ph.name, runs[pi]++, net->time(), 0, {}};
        if (!ph.restore.empty()) net->restore(*snaps.at(ph.restore), false);
        for (const auto& [pop, rate] : ph.rates) net->input(b.populations.at(pop).index).set_rate(rate);
        for (const auto& p : m.populations)
            if (p.kind == Population::Kind::poisson) net->input(b.populations.at(p.name).index).set_pattern(-1);
        for (const auto& sn : ph.stimuli) {
            const auto [in, pat] = b.stimuli.at(sn);
            net->input(in).set_pattern(pat);
        }
        c.log.stimuli = ph.stimuli;
        if (ph.plastic)
            for (const auto& p : m.projections)
                net->projection(b.projections.at(p.name)).set_plastic(std::find(ph.plastic->begin(), ph.plastic->end(), p.name) != ph.plastic->end());
        recording = ph.record;
        net->set_recording(ph.record);
        if (ph.record) {
            if (t0 < 0) t0 = net->time();
            t1 = net->time() + ph.duration;
        }
        c.end = net->steps() + static_cast<std::uint64_t>(std::llround(ph.duration / m.dt));
        if (ph.schedule) c.log.stimuli.clear();
        cur = std::move(c);
    }

    // Run the phase in progress up to step `target` (or its end); finish it when its end is reached.
    void step_phase(std::uint64_t target)
    {
        Current& c = *cur;
        const Phase& ph = m.phases[c.phase];
        const std::uint64_t stop = std::min(target, c.end);
        while (ok && net->steps() < stop) {
            if (!ph.schedule) {
                ok = advance_to(stop);
                continue;
            }
            const auto& sc = *ph.schedule;
            if (c.seg == 0) {
                rng::Stream r(seed, "schedule", c.phase, c.log.repetition, c.block);
                const auto& sn = sc.stimuli[r.below(sc.stimuli.size())];
                const auto [in, pat] = b.stimuli.at(sn);
                net->input(in).set_pattern(pat);
                c.in = in;
                c.log.stimuli.push_back(sn);
                c.seg = 1;
                c.seg_end = std::min(c.end, net->steps() + static_cast<std::uint64_t>(std::llround(sc.on / m.dt)));
            }
            ok = advance_to(std::min(stop, c.seg_end));
            if (net->steps() < c.seg_end && ok) continue;
            if (c.seg == 1) {
                net->input(c.in).set_pattern(-1);
                const auto off = static_cast<std::uint64_t>(std::llround(sc.off / m.dt));
                if (ok && off > 0 && net->steps() < c.end) {
                    c.log.stimuli.emplace_back("-");
                    c.seg = 2;
                    c.seg_end = std::min(c.end, net->steps() + off);
                    continue;
                }
            }
            c.seg = 0;
            ++c.block;
        }
        if (!ok || net->steps() >= c.end) finish();
    }

    void finish()
    {
        Current& c = *cur;
        c.log.t1 = net->time();
        logs.push_back(std::move(c.log));
        const Phase& ph = m.phases[c.phase];
        if (ok && !ph.snapshot.empty()) snaps[ph.snapshot] = net->save();
        if (c.protocol_entry) ++position;
        cur.reset();
    }

    std::string snapshot_names() const
    {
        std::vector<std::string> v;
        for (const auto& [k, s] : snaps) v.push_back(k);
        return join_names(v);
    }

    std::string phase_names() const
    {
        std::vector<std::string> v;
        for (const auto& p : m.phases) v.push_back(p.name);
        return join_names(v);
    }

    struct Timer {
        double& acc;
        Clock::time_point t0 = Clock::now();
        ~Timer() { acc += std::chrono::duration<double>(Clock::now() - t0).count(); }
    };
};

Simulation::Simulation(const Model& m, std::uint64_t seed, std::function<void(double)> progress)
{
    const auto w0 = Clock::now();
    impl_ = std::make_unique<Impl>(m, seed, std::move(progress));
    impl_->wall = std::chrono::duration<double>(Clock::now() - w0).count();
}

Simulation::~Simulation() = default;

const Model& Simulation::model() const { return impl_->m; }
std::uint64_t Simulation::seed() const { return impl_->seed; }
double Simulation::time() const { return impl_->net->time(); }
bool Simulation::aborted() const { return !impl_->ok; }
std::size_t Simulation::protocol_size() const { return impl_->protocol.size(); }
std::size_t Simulation::protocol_position() const { return impl_->position; }
bool Simulation::complete() const { return !impl_->cur && impl_->position >= impl_->protocol.size(); }

std::optional<std::size_t> Simulation::phase_in_progress() const
{
    if (!impl_->cur) return std::nullopt;
    return impl_->cur->phase;
}

double Simulation::phase_remaining() const
{
    if (!impl_->cur) return 0;
    return static_cast<double>(impl_->cur->end - impl_->net->steps()) * impl_->m.dt;
}

std::size_t Simulation::phase_index(const std::string& name) const
{
    for (std::size_t i = 0; i < impl_->m.phases.size(); ++i)
        if (impl_->m.phases[i].name == name) return i;
    usage_error("phase", "no phase named '" + name + "'", impl_->phase_names());
}

bool Simulation::run_all()
{
    auto& I = *impl_;
    I.check_runnable();
    Impl::Timer timer{I.wall};
    if (I.cur) I.step_phase(I.cur->end);
    while (I.ok && I.position < I.protocol.size()) {
        I.start(I.protocol[I.position].first, true);
        I.step_phase(I.cur->end);
    }
    return I.ok;
}

bool Simulation::run_phase()
{
    auto& I = *impl_;
    I.check_runnable();
    if (!I.cur && I.position >= I.protocol.size())
        usage_error("run_phase", "the protocol is complete (" + std::to_string(I.protocol.size()) + " phase runs)", "run_phase(NAME) to run a phase again");
    Impl::Timer timer{I.wall};
    if (!I.cur) I.start(I.protocol[I.position].first, true);
    I.step_phase(I.cur->end);
    return I.ok;
}

bool Simulation::run_phase(std::size_t index)
{
    auto& I = *impl_;
    I.check_runnable();
    if (index >= I.m.phases.size())
        usage_error("phase", "index " + std::to_string(index) + " is out of range", "0 to " + std::to_string(I.m.phases.size() - 1) + ": " + I.phase_names());
    if (I.cur)
        usage_error("phase '" + I.m.phases[index].name + "'",
                    "phase '" + I.m.phases[I.cur->phase].name + "' is in progress (" + seconds_text(phase_remaining()) + " s left)",
                    "finish it first: run_phase(), or advance(seconds) (Python: run(seconds))");
    Impl::Timer timer{I.wall};
    const bool entry = I.position < I.protocol.size() && I.protocol[I.position].first == index;
    I.start(index, entry);
    I.step_phase(I.cur->end);
    return I.ok;
}

double Simulation::advance(double seconds)
{
    auto& I = *impl_;
    I.check_runnable();
    if (!(seconds >= 0) || !std::isfinite(seconds)) usage_error("seconds", "must be a finite number >= 0, not " + seconds_text(seconds), "[0, inf)");
    Impl::Timer timer{I.wall};
    const std::uint64_t start = I.net->steps();
    const std::uint64_t target = start + static_cast<std::uint64_t>(std::llround(seconds / I.m.dt));
    while (I.ok && I.net->steps() < target) {
        if (!I.cur) {
            if (I.position >= I.protocol.size()) break;
            I.start(I.protocol[I.position].first, true);
        }
        I.step_phase(target);
    }
    // A phase of zero duration reached exactly at the target still finishes.
    while (I.ok && !I.cur && I.position < I.protocol.size() && I.m.phases[I.protocol[I.position].first].duration <= 0 && seconds > 0) {
        I.start(I.protocol[I.position].first, true);
        I.step_phase(I.cur->end);
    }
    return static_cast<double>(I.net->steps() - start) * I.m.dt;
}

void Simulation::snapshot(const std::string& name)
{
    if (name.empty()) usage_error("snapshot", "an empty name", "a non-empty name");
    impl_->snaps[name] = impl_->net->save();
}

void Simulation::restore(const std::string& name)
{
    auto& I = *impl_;
    I.check_runnable();
    const auto it = I.snaps.find(name);
    if (it == I.snaps.end()) usage_error("snapshot", "no snapshot named '" + name + "'", I.snaps.empty() ? "none taken yet" : I.snapshot_names());
    I.net->restore(*it->second, false);
}

std::vector<std::string> Simulation::snapshots() const
{
    std::vector<std::string> v;
    for (const auto& [k, s] : impl_->snaps) v.push_back(k);
    return v;
}

SimulationResult Simulation::result() const
{
    const auto& I = *impl_;
    const auto& m = I.m;
    const auto w0 = Clock::now();
    SimulationResult res;
    res.phases = I.logs;
    res.simulated_seconds = I.net->time();
    res.synaptic_events = I.net->synaptic_events();
    if (!I.ok) {
        res.aborted = true;
        res.abort_reason = I.net->abort_reason();
        res.abort_time = I.net->abort_time();
    }
    for (const auto& mo : m.monitors) {
        if (mo.kind != Monitor::Kind::spikes) continue;
        SpikeData d{mo.name, mo.target, mo.first, mo.last, {}, {}};
        const auto& rec = I.net->spikes(I.b.populations.at(mo.target).index);
        for (std::size_t k = 0; k < rec.step.size(); ++k)
            if (rec.neuron[k] >= mo.first && rec.neuron[k] < mo.last) {
                d.times.push_back(static_cast<double>(rec.step[k]) * m.dt);
                d.neurons.push_back(static_cast<std::int32_t>(rec.neuron[k] - mo.first));
            }
        res.spikes.push_back(std::move(d));
    }
    for (const auto& s : I.samplers) res.series.push_back(s.series);
    const double t0 = I.t0, t1 = I.t1;
    if (m.metrics.enabled && (complete() || res.aborted)) {
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
    res.wall_seconds = I.wall + std::chrono::duration<double>(Clock::now() - w0).count();
    return res;
}

SimulationResult simulate(const Model& m, std::uint64_t seed, const std::function<void(double)>& progress)
{
    Simulation sim(m, seed, progress);
    sim.run_all();
    return sim.result();
}

} // namespace plast::model
