#pragma once
// Poisson input group: every neuron fires at a background rate; while a stimulus pattern is on,
// its neurons get an extra rate on top (spec §3: "active_input_rate 60" = 10 Hz background + 50 Hz).
// In each step of length dt a neuron spikes with probability rate·dt; the spikes of a step are drawn
// by geometric skipping (cost proportional to the number of spikes) from the stream
// (seed, "poisson", group key, step), so the input of a step depends only on the absolute step:
// restoring a snapshot and changing the thread count never change the noise.
#include <cstdint>
#include <string>
#include <vector>

namespace plast::spiking {

class PoissonGroup {
public:
    PoissonGroup(std::string name, std::size_t n, double rate_hz, double dt, std::uint64_t seed, std::uint64_t key);

    void set_rate(double rate_hz) { p_base_ = rate_hz * dt_; }
    // Patterns: index lists; set_pattern(-1) switches the stimulus off.
    int add_pattern(std::vector<std::uint32_t> indices, double extra_rate_hz);
    void set_pattern(int pattern) { active_ = pattern; }
    int pattern() const { return active_; }
    const std::vector<std::uint32_t>& pattern_indices(int k) const { return patterns_[static_cast<std::size_t>(k)]; }

    // Extra spikes at given steps (tests, frozen patterns): (step, neuron), any order.
    void set_schedule(std::vector<std::pair<std::uint64_t, std::uint32_t>> spikes);

    void step(std::uint64_t step, std::vector<std::uint32_t>& spikes) const;

    const std::string& name() const { return name_; }
    std::size_t size() const { return n_; }
    double rate() const { return p_base_ / dt_; }

private:
    std::string name_;
    std::size_t n_;
    double dt_, p_base_;
    std::uint64_t seed_, key_;
    std::vector<std::vector<std::uint32_t>> patterns_;
    std::vector<double> pattern_p_;
    int active_ = -1;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> schedule_;
};

} // namespace plast::spiking
