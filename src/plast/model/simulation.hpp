#pragma once
// Running a model's protocol: phases in order (each `repeat` times), monitors, metrics and verdict.
// No file I/O here; the caller writes the results (apps/plast/verb_simulate.cpp).
//
// The protocol is the list of (phase, repetition) entries in file order. `simulate()` runs all of
// it in one call; `Simulation` runs it step by step (one phase at a time, or any number of seconds)
// and can take and restore named snapshots in between. Run the same way, both give identical
// results bit for bit.
//
// At the start of a phase: restore the named snapshot (network state, not the clock), set the poisson
// base rates of `rates`, switch its stimuli on (all others off), set plasticity, set recording.
// At its end: take the named snapshot. A schedule switches its stimuli on one at a time in random
// order (stream (seed, "schedule", phase, run, block), run = how many times this phase has run
// before) for `on` seconds, each followed by `off` seconds of background, until the phase's
// duration is used up.
// Noise (poisson inputs, neuron noise) is keyed by (seed, purpose, group, step): a restored state
// continues with the streams of the current time, not those the snapshot was taken at, so two
// runs from the same snapshot see different (independent) input realisations.
// Monitors: spikes and rates are kept only in phases with record = true; weights and state variables
// are sampled every `interval` over the whole run (their time vectors say when): the sample at time t
// is the state after the steps before t.
// Metrics: the fSBI metrics (metrics/stability_metrics.hpp) on the spikes of [metrics] exc / inh in
// the recorded window [t0, t1) (start of the first recorded phase, end of the last) and on the weight
// samples of the listed projections within that window; the verdict lists every failed bound.
// They are computed once the protocol has run to its end (or aborted).
#include "plast/metrics/filter.hpp"
#include "plast/model/model.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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
    std::size_t repetition = 0;                 // how many times this phase had run before
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
    std::vector<PhaseLog> phases;               // completed phases, in the order they ran
    std::map<std::string, double> metrics;      // when [metrics] is given and the protocol is complete
    std::string verdict;                        // plausible / implausible / aborted / "" (no metrics yet)
    std::vector<FailedBound> failed;
    double window_t0 = 0, window_t1 = 0;
    double wall_seconds = 0, simulated_seconds = 0;
    std::uint64_t synaptic_events = 0;
};

// The plausibility filter of a model's [metrics]: the fSBI filter variant with the model's bounds
// replacing the variant's, and bounds on other metrics as an extra group "user".
std::vector<metrics::FilterGroup> metrics_filter(const Metrics& m);

// A model's network built with `seed`, run piece by piece. The model is copied.
//   run_all()        the rest of the protocol (what simulate() does)
//   run_phase()      finish the phase in progress, or else run the protocol's next entry
//   run_phase(i)     one run of phase i now (restore, setup, duration, snapshot), in or out of
//                    protocol order; when phase i is the protocol's next entry, the protocol moves on
//   advance(s)       s seconds of the protocol: finish the phase in progress, start the next entries
//                    as needed; stops after s seconds (mid-phase if so) or at the protocol's end
//   snapshot(name)   the network state now (weights, neuron and trace state, delayed spikes)
//   restore(name)    back to a snapshot's network state; the clock keeps running
//   result()         what is recorded so far; metrics and verdict once the protocol is complete
// Running after an abort (non-finite state, guard) or during a phase in progress with a different
// phase, and unknown phase or snapshot names, throw plast::Error (usage).
class Simulation {
public:
    Simulation(const Model& m, std::uint64_t seed, std::function<void(double)> progress = nullptr);
    ~Simulation();
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;

    const Model& model() const;
    std::uint64_t seed() const;
    double time() const;                              // s
    bool aborted() const;
    std::size_t protocol_size() const;                // entries: the sum of the phases' repeats
    std::size_t protocol_position() const;            // entries completed
    bool complete() const;                            // protocol done, no phase in progress
    std::optional<std::size_t> phase_in_progress() const;
    double phase_remaining() const;                   // s left in the phase in progress (0: none)
    std::size_t phase_index(const std::string& name) const; // first phase of that name

    bool run_all();                                   // false: aborted
    bool run_phase();
    bool run_phase(std::size_t index);
    bool run_phase(const std::string& name) { return run_phase(phase_index(name)); }
    double advance(double seconds);                   // seconds actually run

    void snapshot(const std::string& name);
    void restore(const std::string& name);
    std::vector<std::string> snapshots() const;

    SimulationResult result() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

SimulationResult simulate(const Model& m, std::uint64_t seed, const std::function<void(double)>& progress = nullptr);

} // namespace plast::model
