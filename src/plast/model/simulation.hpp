#pragma once
// Running a model's protocol: phases in order (each `repeat` times), monitors, metrics and verdict.
// No file I/O here; the caller writes the results (apps/plast/verb_simulate.cpp).
//
// At the start of a phase: restore the named snapshot (network state, not the clock), set the poisson
// base rates of `rates`, switch its stimuli on (all others off), set plasticity, set recording.
// At its end: take the named snapshot. A schedule switches its stimuli on one at a time in random
// order (stream (seed, "schedule", phase, block)) for `on` seconds, each followed by `off` seconds
// of background, until the phase's duration is used up.
// Monitors: spikes and rates are kept only in phases with record = true; weights and state variables
// are sampled every `interval` over the whole run (their time vectors say when): the sample at time t
// is the state after the steps before t.
// Metrics: the fSBI metrics (metrics/stability_metrics.hpp) on the spikes of [metrics] exc / inh in
// the recorded window [t0, t1) (start of the first recorded phase, end of the last) and on the weight
// samples of the listed projections within that window; the verdict lists every failed bound.
#include "plast/metrics/filter.hpp"
#include "plast/model/model.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace plast::model {

struct SpikeData {
    std::string name, population;
    std::size_t first = 0, last = 0;  // recorded neurons [first, last)
    std::vector<double> times;        // s, sorted
    std::vector<std::int32_t> neurons; // index within the population
};

struct Series {
    std::string name, kind, target, variable;
    std::vector<double> times;                  // s
    std::vector<std::uint32_t> columns;         // synapse indices (weights) or neuron indices (state)
    std::vector<std::vector<float>> values;     // [time][column]; rate: one column (Hz)
};

struct PhaseLog {
    std::string name;
    std::size_t repetition = 0;
    double t0 = 0, t1 = 0;
    std::vector<std::string> stimuli;           // schedule: the stimulus of each block, "-" for background
};

using FailedBound = metrics::FailedBound;

struct SimulationResult {
    bool aborted = false;
    std::string abort_reason;
    double abort_time = -1;
    std::vector<SpikeData> spikes;
    std::vector<Series> series;
    std::vector<PhaseLog> phases;
    std::map<std::string, double> metrics;      // when [metrics] is given
    std::string verdict;                        // plausible / implausible / aborted / "" (no metrics)
    std::vector<FailedBound> failed;
    double window_t0 = 0, window_t1 = 0;
    double wall_seconds = 0, simulated_seconds = 0;
    std::uint64_t synaptic_events = 0;
};

// The plausibility filter of a model's [metrics]: the fSBI filter variant with the model's bounds
// replacing the variant's, and bounds on other metrics as an extra group "user".
std::vector<metrics::FilterGroup> metrics_filter(const Metrics& m);

SimulationResult simulate(const Model& m, std::uint64_t seed, const std::function<void(double)>& progress = nullptr);

} // namespace plast::model
