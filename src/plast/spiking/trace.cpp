#include "plast/spiking/trace.hpp"

#include <algorithm>
#include <cmath>

namespace plast::spiking {

Trace::Trace(std::size_t n, double decay_per_step) : y_(n, 0.f), log_decay_(std::log(decay_per_step))
{
    // Renormalise before the scale drops below 1e-6, so 1/s stays far from float overflow.
    const double r = log_decay_ < 0 ? std::log(1e-6) / log_decay_ : 1e5;
    period_ = static_cast<std::uint32_t>(std::clamp(r, 1.0, 1e5));
}

void Trace::set_scale()
{
    const double s = std::exp(static_cast<double>(n_) * log_decay_);
    scale_ = static_cast<float>(s);
    inv_scale_ = static_cast<float>(1.0 / s);
}

void Trace::advance()
{
    if (++n_ < period_) {
        set_scale();
        return;
    }
    const float s = static_cast<float>(std::exp(static_cast<double>(n_) * log_decay_));
    for (auto& y : y_) y *= s;
    n_ = 0;
    scale_ = inv_scale_ = 1.f;
}

std::vector<float> Trace::values() const
{
    std::vector<float> x(y_.size());
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = value(i);
    return x;
}

} // namespace plast::spiking
