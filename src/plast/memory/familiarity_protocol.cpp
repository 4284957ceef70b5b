#include "plast/memory/familiarity_protocol.hpp"

#include "plast/core/rng.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace plast::memory {

std::vector<double> FamiliarityProtocol::test_times() const
{
    std::vector<double> t;
    double acc = 0;
    for (double b : breaks) t.push_back(acc += b);
    return t;
}

double FamiliarityProtocol::simulated_seconds() const
{
    double s = pretrain + train;
    for (double b : breaks) s += b + (probes ? 2 * (probe + after_probe) : 0.0);
    return s;
}

namespace {
double window_mean(const std::vector<double>& v, std::size_t a, std::size_t b)
{
    b = std::min(b, v.size());
    if (a >= b) return 0;
    return std::accumulate(v.begin() + static_cast<long>(a), v.begin() + static_cast<long>(b), 0.0) / static_cast<double>(b - a);
}
} // namespace

RunResult run_familiarity(ProbeableNetwork& net, const FamiliarityProtocol& p, std::uint64_t seed, std::uint64_t run,
                          const std::function<void(double)>& on_progress)
{
    RunResult res;
    auto fail = [&] {
        res.aborted = true;
        res.abort_reason = net.abort_reason();
        res.abort_time = net.time();
        return res;
    };
    auto step = [&](double s) {
        const bool ok = s <= 0 || net.advance(s);
        if (on_progress) on_progress(net.time());
        return ok;
    };
    net.set_plasticity(true);
    net.set_pattern(-1);
    if (p.recheck_window > 0) {
        // Split pre-training: the network advances to exact target times, so this changes no spike.
        const double w = std::min(p.recheck_window, p.pretrain);
        if (!step(p.pretrain - w)) return fail();
        res.recheck_t0 = net.time();
        net.start_stability_recording();
        if (!step(w)) return fail();
        res.recheck_t1 = net.time();
        res.recheck = net.stability_metrics(res.recheck_t0, res.recheck_t1);
    } else if (!step(p.pretrain)) {
        return fail();
    }
    // Training with random on/off intervals of the familiar pattern.
    rng::Stream sched(seed, "familiar_schedule", run);
    double left = p.train;
    bool on = true;
    while (left > 1e-12) {
        double d = on ? std::max(0.0, sched.normal(p.on_mean, p.on_mean / 3.0)) : sched.exponential(p.off_mean);
        d = std::min(d, left);
        net.set_pattern(on ? p.familiar_pattern : -1);
        if (!step(d)) return fail();
        left -= d;
        on = !on;
    }
    net.set_pattern(-1);
    const double bin = 0.1;
    const std::size_t probe_bins = static_cast<std::size_t>(std::lround(p.probe / bin));
    for (double b : p.breaks) {
        // Stability only: the knock-out criterion's CV and w_blow over the window before the test (splitting
        // the break changes no spike: the network advances to exact target times).
        const bool window = !p.probes && p.stability_window > 0;
        const double sw = window ? std::max(1.0, std::min(p.stability_window, b)) : 1.0;
        double sw_t0 = 0;
        if (!step(b - sw)) return fail();
        if (window) {
            sw_t0 = net.time();
            net.start_stability_recording();
        }
        if (!step(sw - 1.0)) return fail();
        net.start_recording(bin);
        if (!step(1.0)) return fail();
        ProbeTrace tr;
        tr.baseline_rate = window_mean(net.population_rate(), 0, 10);
        tr.baseline_rate_i = net.inhibitory_rate();
        tr.clock = net.time();
        tr.mean_weights = net.mean_weights();
        if (window) {
            const auto m = net.stability_metrics(sw_t0, tr.clock);
            // A CV over fewer than stability_window seconds is biased low (few intervals per neuron: at 1 s the
            // median CV of networks whose 8-s CV is 0.9 was 0.45), so a shorter break is not judged on CV.
            if (const auto it = m.find("cv_isi"); it != m.end() && sw >= p.stability_window) tr.cv_isi = it->second;
            if (const auto it = m.find("w_blow"); it != m.end()) tr.w_blow = it->second;
        }
        if (!p.probes) {
            const double nan = std::nan("");
            tr.stats.r_nov = tr.stats.r_fam = tr.stats.std_nov = tr.stats.std_fam = tr.stats.on_nov = tr.stats.on_fam = nan;
            res.probes.push_back(std::move(tr));
            continue;
        }
        net.save_state();
        if (!p.plasticity_during_probes) net.set_plasticity(false);
        auto probe = [&](int pattern, double& rate, double& sd) {
            const auto before = net.spike_counts();
            net.set_pattern(pattern);
            if (!step(p.probe)) return false;
            const auto after = net.spike_counts();
            std::vector<double> c(after.size());
            for (std::size_t i = 0; i < c.size(); ++i) c[i] = after[i] - before[i];
            window_rate(c, p.probe, rate, sd);
            net.set_pattern(-1);
            return step(p.after_probe);
        };
        if (!probe(p.novel_pattern, tr.stats.r_nov, tr.stats.std_nov)) return fail();
        net.restore_state();
        if (!p.plasticity_during_probes) net.set_plasticity(false);
        if (!probe(p.familiar_pattern, tr.stats.r_fam, tr.stats.std_fam)) return fail();
        net.restore_state();
        net.set_plasticity(true);
        tr.prate = net.population_rate();
        // Bins: [0, 10) baseline, novel on from bin 10, familiar on from bin 10 + (probe + after) / bin.
        const std::size_t nov0 = 10, fam0 = 10 + static_cast<std::size_t>(std::lround((p.probe + p.after_probe) / bin));
        tr.stats.on_nov = on_transient(std::vector<double>(tr.prate.begin() + static_cast<long>(std::min(nov0, tr.prate.size())),
                                                           tr.prate.begin() + static_cast<long>(std::min(nov0 + probe_bins, tr.prate.size()))));
        tr.stats.on_fam = on_transient(std::vector<double>(tr.prate.begin() + static_cast<long>(std::min(fam0, tr.prate.size())),
                                                           tr.prate.begin() + static_cast<long>(std::min(fam0 + probe_bins, tr.prate.size()))));
        res.probes.push_back(std::move(tr));
    }
    return res;
}

} // namespace plast::memory
