#pragma once
// Exponential spike traces of a group of neurons (spec §5.3): x_i <- x_i + 1 per spike, then
// x_i <- x_i exp(-dt/tau) every step. Stored in a scaled frame, x_i = s * y_i with one common scale
// s = d^n (n steps since the last renormalisation, d = exp(-dt/tau)): a step of decay changes only
// s, a spike adds 1/s to y_i, and every R steps (when s would fall below 1e-6) y is rescaled in one
// pass. Readers multiply by s, usually folded into a rule coefficient. This removes the per-step,
// per-neuron decay pass; values agree with step-by-step decay to float rounding.
#include <cstdint>
#include <vector>

namespace plast::spiking {

class Trace {
public:
    Trace() = default;
    Trace(std::size_t n, double decay_per_step);

    float scale() const { return scale_; }          // x_i = scale() * scaled()[i]
    const float* scaled() const { return y_.data(); }
    float value(std::size_t i) const { return y_[i] * scale_; }
    std::vector<float> values() const;
    std::size_t size() const { return y_.size(); }

    void add(const std::vector<std::uint32_t>& spikes)
    {
        for (auto i : spikes) y_[i] += inv_scale_;
    }
    void advance(); // one step of decay

private:
    void set_scale();
    std::vector<float> y_;
    double log_decay_ = 0;
    std::uint32_t n_ = 0, period_ = 1; // steps since renormalisation, renormalisation period R
    float scale_ = 1, inv_scale_ = 1;
};

} // namespace plast::spiking
