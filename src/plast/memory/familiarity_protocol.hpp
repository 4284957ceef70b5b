#pragma once
// The familiarity protocol "BND" of Mem1kRules (spec §9), on any ProbeableNetwork.
//
//  1. pre-training: `pretrain` s of background;
//  2. training: `train` s with the familiar pattern on for N(on_mean, (on_mean/3)^2) s, off for
//     Exponential(off_mean) s, alternating (random intervals, spec §3.2);
//  3. for each break b in `breaks`: (b - 1) s of background, 1 s recorded baseline; save; novel
//     probe 1 s then 3 s background; restore; familiar probe 1 s then 3 s background; restore.
//     Test time i = sum of breaks so far (1 s, 10 s, 20 s, ... after training). The clock keeps
//     running through the probes (+8 s per cycle).
// Plasticity during probes: "on" (kept on, then rolled back by the restore: the published code) or
// "off" (frozen during probes: the paper text, SpikES FamDet).
// Timing of the random intervals comes from the stream (seed, "familiar_schedule", run).
// Stability only (`probes = false`, knock-outs = "stability" in a study): the same pre-training, training
// and breaks, with the 1-s baseline and the mean weights recorded at every test time, but no probes
// (their effect is rolled back anyway, so the trajectory that decides stability is the same process);
// each cycle then lasts b s instead of b + 8 s, and the ProbeTrace statistics are NaN.
#include "plast/memory/memory_stats.hpp"
#include "plast/memory/probeable_network.hpp"

#include <cstdint>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace plast::memory {

struct FamiliarityProtocol {
    double pretrain = 30.0;
    double train = 10.0;
    double on_mean = 1.0;    // s
    double off_mean = 0.01;  // s
    std::vector<double> breaks{1, 9, 10, 40, 60, 180, 300, 600, 2400, 10800};
    double probe = 1.0;      // s
    double after_probe = 3.0;
    bool plasticity_during_probes = true;
    int novel_pattern = 0, familiar_pattern = 1;
    // Stability re-check: the fSBI metrics over the last `recheck_window` s of pre-training (0: off).
    double recheck_window = 0;
    bool probes = true; // false: stability only (no novel/familiar probes)
    // Stability only: CV of the E inter-spike intervals and w_blow are measured over the last
    // min(stability_window, break) s before every test (the reference's test session is 8 s long), as its
    // knock-out criterion asks (spec §7.2, Mem1kRules `get_ind_stable_pd`); a break shorter than the window gets
    // no CV (too few intervals). 0: not measured.
    double stability_window = 8.0;

    std::vector<double> test_times() const; // seconds after training
    double simulated_seconds() const;       // per run
};

struct ProbeTrace {
    double clock = 0;            // t_i, onset of the novel probe
    ProbeStats stats;
    double baseline_rate = 0;    // E rate in the 1 s before t_i
    double baseline_rate_i = 0;  // I rate in the 1 s before t_i (NaN without an I population)
    std::vector<double> prate;   // E rate in 100 ms bins over [t_i - 1, t_i + 8)
    std::vector<std::pair<std::string, double>> mean_weights;
    // Stability only (see FamiliarityProtocol::stability_window): fSBI cv_isi and w_blow over the window before t_i
    // (NaN when not measured or, for cv_isi, too few spikes in the window).
    double cv_isi = std::nan("");
    double w_blow = std::nan("");
};

struct RunResult {
    bool aborted = false;
    std::string abort_reason;
    double abort_time = -1;
    std::vector<ProbeTrace> probes; // one per completed test cycle
    // fSBI metrics over [recheck_t0, recheck_t1) of pre-training (empty: no re-check or not reached).
    std::map<std::string, double> recheck;
    double recheck_t0 = 0, recheck_t1 = 0;
};

RunResult run_familiarity(ProbeableNetwork& net, const FamiliarityProtocol& p, std::uint64_t seed, std::uint64_t run,
                          const std::function<void(double)>& on_progress = nullptr);

} // namespace plast::memory
