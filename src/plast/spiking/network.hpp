#pragma once
// A spiking network: IF neuron groups, Poisson input groups and projections, advanced with the
// fixed duty cycle of spec §5.3 (dt = 0.1 ms by default):
//   1. input and neuron groups evolve and push their spikes into per-source delay rings;
//   2. every projection propagates: forward (arrivals of spikes emitted delay steps ago: transmit,
//      then presynaptic update), then backward (this step's postsynaptic spikes);
//   3. traces: increments, then decay;
//   4. recording and guards (population-rate checker, NaN/Inf), clock advances.
// The single-network loop is single-threaded; parallelism is across networks (candidates, trials).
// Noise is keyed by (seed, purpose, group, step), so save()/restore() continue bit-identically with
// the same streams, and a restored state does not restore the clock (spec §13.13).
#include "plast/spiking/if_neuron.hpp"
#include "plast/spiking/poisson_group.hpp"
#include "plast/spiking/projection.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace plast::spiking {

struct Source {
    bool input = false; // true: Poisson input group, false: neuron group
    std::size_t index = 0;
};

// Population-rate checker (Auryn RateChecker, spec §6): r <- r exp(-dt/tau) + n/(tau N), started at
// (r_min + r_max)/2; abort as soon as r leaves the open interval (r_min, r_max).
// n is the number of spikes the group emitted `delay` steps before this step: Auryn's checker reads
// the group's delayed spikes (get_spikes(), the axonal delay), not this step's. 0 = this step's.
// start = measured (a plast option, not Auryn): for the first tau seconds r is the mean rate since
// t = 0 (spikes / (N t)) and no bound is checked; the filter then continues from that value. The
// default (midpoint) starts at (r_min + r_max)/2 like Auryn, so the estimate reads ~45-50 Hz during
// the first few hundred ms whatever the network does (it is a filter transient, not a rate).
struct RateGuard {
    std::size_t group = 0;
    double tau = 1.0, r_min = 0.0, r_max = 100.0;
    double rate = 50.0;
    bool enabled = true;
    int delay = 0;
    enum class Start { midpoint, measured };
    Start start = Start::midpoint;
    double count = 0; // measured start: spikes counted so far
};

struct SpikeRecord {
    std::vector<std::uint64_t> step;   // step of each spike
    std::vector<std::uint32_t> neuron; // neuron index
};

struct WeightSamples {
    std::vector<std::uint32_t> synapses;   // sampled synapse indices (equally spaced in storage order)
    std::vector<double> times;             // sampling times
    std::vector<std::vector<float>> values; // values[t][k]
};

class Network {
public:
    explicit Network(double dt = 1e-4, std::uint64_t seed = 1);

    std::size_t add_group(const std::string& name, std::size_t n, const IfParams& p);
    std::size_t add_input(const std::string& name, std::size_t n, double rate_hz, std::uint64_t key);
    std::size_t add_projection(Projection proj, Source pre, std::size_t post_group);
    void set_rate_guard(const RateGuard& g) { guard_ = g; }

    // Advance `seconds`; false once the run is aborted (the reason and time are kept).
    bool run(double seconds);
    bool aborted() const { return aborted_; }
    const std::string& abort_reason() const { return abort_reason_; }
    double abort_time() const { return abort_time_; }
    double time() const { return static_cast<double>(step_) * dt_; }
    std::uint64_t steps() const { return step_; }
    double dt() const { return dt_; }
    std::uint64_t seed() const { return seed_; }
    double guard_rate() const { return guard_.rate; }

    // Recording: spikes of neurons [0, n_record) of a group, weight samples of plastic projections
    // every `weight_interval` seconds, and per-step spike counts of each group.
    void record_spikes(std::size_t group, std::size_t n_record);
    void record_weights(std::size_t samples_per_projection, double interval);
    void set_recording(bool on) { recording_ = on; }
    // Weight samples also while spike recording is off (e.g. over a whole run, for trajectories).
    void set_weight_recording(bool on) { weight_recording_ = on; }
    void clear_recordings();
    const SpikeRecord& spikes(std::size_t group) const { return records_[group]; }
    std::size_t recorded_neurons(std::size_t group) const { return record_n_[group]; }
    const WeightSamples& weight_samples(std::size_t projection) const { return wsamples_[projection]; }
    // Spike counts of every neuron of a group since counters were reset (independent of recording).
    const std::vector<double>& spike_counts(std::size_t group) const { return counts_[group]; }
    void reset_counts();
    // Population spike counts per step of a group since counters were reset.
    const std::vector<std::uint32_t>& population_counts(std::size_t group) const { return pop_counts_[group]; }

    IfGroup& group(std::size_t i) { return groups_[i]; }
    const IfGroup& group(std::size_t i) const { return groups_[i]; }
    PoissonGroup& input(std::size_t i) { return inputs_[i]; }
    Projection& projection(std::size_t i) { return projections_[i]; }
    const Projection& projection(std::size_t i) const { return projections_[i]; }
    std::size_t n_groups() const { return groups_.size(); }
    std::size_t n_projections() const { return projections_.size(); }
    std::uint64_t synaptic_events() const { return events_; }

    // Full dynamic state (neurons, weights, traces, delay rings, guard, abort flag); not the clock.
    struct Snapshot;
    std::shared_ptr<const Snapshot> save() const;
    // restore_clock = false (the protocols): the clock keeps running, noise continues from the new
    // time. restore_clock = true: the run continues bit-identically to the run the snapshot came from.
    void restore(const Snapshot& s, bool restore_clock = false);

private:
    void step();
    struct Link {
        Source pre;
        std::size_t post;
    };
    double dt_;
    std::uint64_t seed_, step_ = 0;
    double target_ = 0; // time the last run() aimed at
    std::vector<IfGroup> groups_;
    std::vector<PoissonGroup> inputs_;
    std::vector<Projection> projections_;
    std::vector<Link> links_;
    int max_delay_ = 0;
    // Delay rings: [source][slot] spike lists; slot = step % (max_delay + 1).
    std::vector<std::vector<std::vector<std::uint32_t>>> ring_groups_, ring_inputs_;
    RateGuard guard_;
    bool aborted_ = false;
    std::string abort_reason_;
    double abort_time_ = -1;
    bool recording_ = false, weight_recording_ = false;
    std::vector<std::size_t> record_n_;
    std::vector<SpikeRecord> records_;
    std::vector<std::vector<double>> counts_;
    std::vector<std::vector<std::uint32_t>> pop_counts_;
    std::vector<WeightSamples> wsamples_;
    std::uint64_t weight_every_ = 0;
    std::uint64_t events_ = 0;
    std::vector<std::uint32_t> arriving_scratch_;
};

struct Network::Snapshot {
    std::vector<IfState> groups;
    std::vector<Projection::State> projections;
    std::vector<std::vector<std::vector<std::uint32_t>>> ring_groups, ring_inputs;
    std::uint64_t step = 0; // for the ring slots; the clock itself is not restored
    RateGuard guard;
    std::vector<int> patterns;
    std::vector<bool> plastic;
};

} // namespace plast::spiking
