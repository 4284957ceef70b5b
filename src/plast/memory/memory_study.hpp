#pragma once
// `plast memory`: familiarity (memory) tests of plasticity rules (spec §9, §11; Memory by accident
// §3.2-3.3). For every rule x condition, `runs` independent runs (new seed and new wiring each)
// go through the familiarity protocol; the t-test over runs at each test time gives significance,
// preference and the memory lifetime.
//
// Configuration:
//   [memory]   network = "recurrent" | "feedforward" | "model"; runs = 5;
//              input_rate = "protocol" | "rule"; recheck = true; recheck_window = min(10, pretrain);
//              recheck_filter_variant = "paper";
//              conditions = ["control", "static", "only_IE", "no_EE", "eta=0.005", ...];
//              archive = "runs/.../archive.sqlite"; query = "verdict = 'plausible'"; limit = 10
//   [[rule]]   name = "..."; theta = [24 numbers] (recurrent) or [6 numbers] (feed-forward)
//   [protocol] pretrain, train, on_mean, off_mean, breaks, probe, after_probe, plasticity_during_probes
//   [network]  (as in plast simulate) and [inputs] (RF grid, patterns) for the recurrent network;
//   [feedforward] for the feed-forward network; [model] for a model file (model_network.hpp).
//   [memory]   knockouts = "full" | "stability"; knockout_runs = 1; knockout_window = 8 (see below)
// Conditions: control (rules as given); static (eta = 0); only_XX (only synapse type XX plastic);
// no_XX (XX knocked out: static at its initial weight); eta=V (learning-rate sweep).
// Knock-out mode: knockouts = "full" (default) runs every condition through the whole familiarity
// protocol with `runs` runs. knockouts = "stability" runs the knock-out conditions (only_XX, no_XX) for
// stability only: `knockout_runs` runs (default 1) of the same pre-training, training and breaks without
// the probes (familiarity_protocol.hpp), judged by the knock-out criterion below; they get no memory
// statistics (memory_tests.csv, headline fractions), only their stable fraction (memory_stability.csv,
// headline stability_by_condition). control, static and eta=V keep the full protocol.
// Stability per rule and condition (spec §7.2 subset): every run completed (no guard abort), the E rate
// of the 1-s baseline before every test in [0.1, 100] Hz, and the mean weights EE, EI <= 0.5, IE, II <= 5
// after the last test; for the knock-out conditions (only_XX, no_XX) at every test (the knock-out
// variant of the criterion). Stability-only knock-outs add the rest of the reference's knock-out criterion
// (Mem1kRules get_ind_stable_pd): CV of the E ISIs >= 0.7 at every test and w_blow <= 0.1 at the last, both over
// the last min(knockout_window, break) s before the test (0: not measured, weights and rate only).
// Input rate: a rule screened on the fSBI background network carries the input rate it was screened at
// (25th theta entry, the input_rate column of rules_csv, or the archive's input_rate parameter). With
// input_rate = "protocol" (default, Mem1kRules) the recurrent network's RF inputs fire at
// [inputs] background_rate (10 Hz) whatever the rule; with "rule" they fire at the rule's screened rate.
// Stability re-check (recurrent network, recheck = true): the fSBI metrics and plausibility verdict on
// the memory network's own last `recheck_window` s of pre-training, per run (memory_recheck.csv): the
// memory network differs from the screen (receptive-field input, scale, rate, 30 s pre-training), so a
// rule that passed the screen may not be stable here.
// Structure: from_config parses the settings; execute turns them into runs (jobs), simulates them and returns
// their results; the writers of memory_outputs.hpp turn results into the output files and summary keys.
#include "plast/memory/familiarity_protocol.hpp"
#include "plast/memory/memory_networks.hpp"
#include "plast/memory/model_network.hpp"
#include "plast/memory/probeable_network.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace plast {
class Config;
namespace io {
class RunDir;
}
} // namespace plast

namespace plast::memory {

struct NamedRule {
    std::string name;
    std::vector<double> theta;
    double input_rate = -1; // input rate (Hz) the rule was screened at; -1: unknown
};

// Where each run's result lies: rule-major, then condition, then run; conditions may differ in their
// number of runs (stability-only knock-outs run knockout_runs).
struct RunSlots {
    std::size_t rules = 0, per_rule = 0;
    std::vector<std::size_t> runs, offset; // per condition
    std::size_t size() const { return rules * per_rule; }
    std::size_t slot(std::size_t ri, std::size_t ci, std::size_t run) const { return ri * per_rule + offset[ci] + run; }
};

// One run to simulate: rule, condition and run index.
struct MemoryJob {
    std::size_t ri = 0, ci = 0, run = 0;
};

// What a study's runs produced, one RunResult per slot.
struct StudyResults {
    RunSlots slots;
    std::vector<double> times; // the protocol's test times
    std::vector<RunResult> runs;
    const RunResult& at(std::size_t ri, std::size_t ci, std::size_t run) const { return runs[slots.slot(ri, ci, run)]; }
};

struct MemoryStudy {
    std::string network = "recurrent";
    int runs = 5;
    std::string knockouts = "full"; // "full" | "stability"
    int knockout_runs = 1;          // runs per rule of a stability-only knock-out condition
    // Stability-only knock-outs: window (s) before every test over which CV and w_blow are measured for the
    // reference's knock-out criterion (CV >= 0.7 at every test, w_blow <= 0.1 at the last); 0 = weights and rate only.
    double knockout_window = 8.0;
    std::vector<std::string> conditions{"control"};
    std::vector<NamedRule> rules;
    FamiliarityProtocol protocol;
    bool rule_input_rate = false;          // input_rate = "rule"
    std::string recheck_variant = "paper"; // plausibility filter of the re-check
    BndConfig recurrent;
    FeedForwardConfig feedforward;
    ModelNetworkConfig model_net;

    static MemoryStudy from_config(Config& cfg);
    // The settings of the familiarity task (`plast screen`, task = "familiarity": tasks/familiarity_task.hpp):
    // network, runs, protocol and re-check; no rules (the candidates are the rules) and only the control condition.
    static MemoryStudy task_from_config(Config& cfg);
    static bool is_knockout(const std::string& condition); // only_XX or no_XX
    bool stability_only(const std::string& condition) const { return knockouts == "stability" && is_knockout(condition); }
    int runs_of(const std::string& condition) const { return stability_only(condition) ? knockout_runs : runs; }
    RunSlots slots() const;
    // The protocol of the stability-only knock-out runs: the same pre-training, training and breaks, no probes.
    FamiliarityProtocol stability_protocol() const;
    // The runs to simulate: every rule x condition x run not `finished` (indexed by slot), the static control
    // for the first rule only (shared by every rule, see execute).
    std::vector<MemoryJob> jobs(const RunSlots& slots, const std::vector<char>& finished) const;
    // The network of one run: the rule's parameters, the condition's plasticity, the run's seed and wiring.
    std::unique_ptr<ProbeableNetwork> make_network(const MemoryJob& job, std::uint64_t seed) const;
    // Simulates the runs on `threads` threads, journaling each as it completes (memory_done.jsonl in `dir`,
    // run_journal.hpp). resume: reload the completed runs of the journal and simulate only the others;
    // without it an existing journal is discarded. On an interrupt, memory_runs.csv gets the completed runs
    // before Interrupted propagates.
    StudyResults execute(io::RunDir& dir, std::uint64_t seed, int threads, bool resume = false) const;
    // execute, then write the outputs (memory_outputs.hpp).
    void run(io::RunDir& dir, std::uint64_t seed, int threads, bool resume = false) const;
};

// Stability of rule ri in condition ci over its runs (the criterion above); `ok_runs` gets the probe statistics
// of the runs that completed.
bool judge_stability(const MemoryStudy& study, const StudyResults& res, std::size_t ri, std::size_t ci,
                     std::vector<std::vector<ProbeStats>>& ok_runs);

extern const char* const default_memory_config;

} // namespace plast::memory
