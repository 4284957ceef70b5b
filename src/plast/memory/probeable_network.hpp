#pragma once
// What the familiarity (memory) protocols need from a spiking network, independent of how the
// network is built: switch stimulus patterns, switch plasticity, advance time, count E spikes,
// save and restore the full state (the clock is not restored, spec §9 and §13.13).
#include <map>
#include <string>
#include <vector>

namespace plast::memory {

class ProbeableNetwork {
public:
    virtual ~ProbeableNetwork() = default;
    // -1: background only; otherwise the index of a stimulus pattern (0 = novel, 1 = familiar, ...).
    virtual void set_pattern(int pattern) = 0;
    virtual void set_plasticity(bool on) = 0;
    // Advance by `seconds`; false when a guard aborted the run (rate out of bounds, NaN).
    virtual bool advance(double seconds) = 0;
    // Start counting excitatory spikes: per neuron, and per population-rate bin of `bin` seconds.
    virtual void start_recording(double bin) = 0;
    virtual std::vector<double> spike_counts() const = 0;      // per E neuron since start_recording
    virtual std::vector<double> population_rate() const = 0;   // E rate (Hz) per bin since start_recording
    // Mean I rate (Hz) since start_recording; NaN for networks without an inhibitory population.
    virtual double inhibitory_rate() const = 0;
    virtual void save_state() = 0;
    virtual void restore_state() = 0;                          // network state, not the clock
    virtual double time() const = 0;
    virtual std::string abort_reason() const = 0;
    // Mean weight per plastic projection (for the stability criterion of §7.2).
    virtual std::vector<std::pair<std::string, double>> mean_weights() const = 0;
    // Optional stability re-check (the fSBI metrics of spec §7.1 on this network): record spikes and
    // weight samples from now on, then compute the metrics over [t0, t1) and stop recording. Networks
    // without a recurrent E/I population return an empty map.
    virtual void start_stability_recording() {}
    virtual std::map<std::string, double> stability_metrics(double /*t0*/, double /*t1*/) { return {}; }
};

} // namespace plast::memory
