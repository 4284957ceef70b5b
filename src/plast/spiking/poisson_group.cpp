#include "plast/spiking/poisson_group.hpp"

#include "plast/core/rng.hpp"

#include <algorithm>

namespace plast::spiking {

PoissonGroup::PoissonGroup(std::string name, std::size_t n, double rate_hz, double dt, std::uint64_t seed,
                           std::uint64_t key)
    : name_(std::move(name)), n_(n), dt_(dt), p_base_(rate_hz * dt), seed_(seed), key_(key)
{
}

int PoissonGroup::add_pattern(std::vector<std::uint32_t> indices, double extra_rate_hz)
{
    patterns_.push_back(std::move(indices));
    pattern_p_.push_back(extra_rate_hz * dt_);
    return static_cast<int>(patterns_.size()) - 1;
}

void PoissonGroup::set_schedule(std::vector<std::pair<std::uint64_t, std::uint32_t>> spikes)
{
    std::sort(spikes.begin(), spikes.end());
    schedule_ = std::move(spikes);
}

void PoissonGroup::step(std::uint64_t step, std::vector<std::uint32_t>& spikes) const
{
    const std::size_t first = spikes.size();
    if (!schedule_.empty()) {
        auto it = std::lower_bound(schedule_.begin(), schedule_.end(), std::make_pair(step, std::uint32_t{0}));
        for (; it != schedule_.end() && it->first == step; ++it) spikes.push_back(it->second);
    }
    if (p_base_ > 0) {
        rng::Stream r(seed_, "poisson", key_, step);
        r.for_each_success(n_, p_base_, [&](std::uint64_t i) { spikes.push_back(static_cast<std::uint32_t>(i)); });
    }
    if (active_ >= 0) {
        const auto& idx = patterns_[static_cast<std::size_t>(active_)];
        const double p = pattern_p_[static_cast<std::size_t>(active_)];
        if (p > 0 && !idx.empty()) {
            rng::Stream r(seed_, "poisson_pattern", key_, step);
            r.for_each_success(idx.size(), p, [&](std::uint64_t k) { spikes.push_back(idx[k]); });
        }
    }
    // A neuron drawn by several processes spikes once in the step; lists stay sorted.
    if (active_ >= 0 || !schedule_.empty()) {
        std::sort(spikes.begin() + static_cast<long>(first), spikes.end());
        spikes.erase(std::unique(spikes.begin() + static_cast<long>(first), spikes.end()), spikes.end());
    }
}

} // namespace plast::spiking
