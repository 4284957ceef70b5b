#include "plast/spiking/projection.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace plast::spiking {

Projection::Projection(std::string name, std::size_t n_pre, std::size_t n_post, Receptor receptor, int delay_steps)
    : name_(std::move(name)), n_pre_(n_pre), n_post_(n_post), receptor_(receptor), delay_(delay_steps)
{
    row_.assign(n_pre + 1, 0);
    col_ptr_.assign(n_post + 1, 0);
}

void Projection::connect_random(double p, bool recurrent, float w0, std::uint64_t seed, std::uint64_t key)
{
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
    pairs.reserve(static_cast<std::size_t>(p * static_cast<double>(n_pre_) * static_cast<double>(n_post_) * 1.05) + 16);
    for (std::size_t i = 0; i < n_pre_; ++i) {
        rng::Stream r(seed, "connect", key, i);
        r.for_each_success(n_post_, p, [&](std::uint64_t j) {
            if (!(recurrent && j == i)) pairs.emplace_back(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j));
        });
    }
    build(std::move(pairs), w0);
}

void Projection::connect_pairs(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs, float w0)
{
    build(pairs, w0);
}

void Projection::build(std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs, float w0)
{
    std::sort(pairs.begin(), pairs.end());
    row_.assign(n_pre_ + 1, 0);
    post_.resize(pairs.size());
    syn_pre_.resize(pairs.size());
    for (std::size_t s = 0; s < pairs.size(); ++s) {
        if (pairs[s].first >= n_pre_ || pairs[s].second >= n_post_) runtime_error(name_, "connection index out of range");
        ++row_[pairs[s].first + 1];
        post_[s] = pairs[s].second;
        syn_pre_[s] = pairs[s].first;
    }
    std::partial_sum(row_.begin(), row_.end(), row_.begin());
    w_.assign(pairs.size(), w0);
    // Transposed index: synapses grouped by postsynaptic neuron, in storage order.
    col_ptr_.assign(n_post_ + 1, 0);
    for (auto j : post_) ++col_ptr_[j + 1];
    std::partial_sum(col_ptr_.begin(), col_ptr_.end(), col_ptr_.begin());
    col_syn_.resize(post_.size());
    std::vector<std::uint32_t> fill(col_ptr_.begin(), col_ptr_.end() - 1);
    for (std::size_t s = 0; s < post_.size(); ++s) col_syn_[fill[post_[s]]++] = static_cast<std::uint32_t>(s);
    row_syn_.resize(post_.size());
    std::iota(row_syn_.begin(), row_syn_.end(), 0u);
    col_pre_.resize(col_syn_.size());
    for (std::size_t c = 0; c < col_syn_.size(); ++c) col_pre_[c] = syn_pre_[col_syn_[c]];
}

void Projection::set_plasticity(const SixParamRule& rule, double eta, double w_max, double dt)
{
    has_rule_ = plastic_ = true;
    rule_ = rule;
    eta_ = eta;
    w_max_ = w_max;
    x_pre_ = Trace(n_pre_, std::exp(-dt / rule.tau_pre));
    x_post_ = Trace(n_post_, std::exp(-dt / rule.tau_post));
}

void Projection::forward(const std::vector<std::uint32_t>& arriving, float* g)
{
    if (plastic_ && generic()) {
        for (auto i : arriving) {
            for (std::uint32_t s = row_[i]; s < row_[i + 1]; ++s) g[post_[s]] += w_[s];
            if (!on_pre_side_.active) continue;
            // Synapse indices of a row are consecutive: row_syn_ holds 0..size-1, offset by row_[i].
            generic_update(on_pre_side_, row_syn_.data() + row_[i], row_[i + 1] - row_[i]);
        }
        return;
    }
    const std::uint32_t* post = post_.data();
    float* w = w_.data();
    const std::size_t n_arr = arriving.size();
    // Rows start at random places: fetch the head of the next arriving row while this one streams.
    const auto prefetch_next_row = [&](std::size_t m) {
        if (m + 1 >= n_arr) return;
        const std::uint32_t r = row_[arriving[m + 1]];
        for (std::uint32_t k = 0; k < 64; k += 16) {
            __builtin_prefetch(post + r + k);
            __builtin_prefetch(w + r + k);
        }
    };
    if (!plastic_) {
        for (std::size_t m = 0; m < n_arr; ++m) {
            prefetch_next_row(m);
            const std::uint32_t i = arriving[m];
            for (std::uint32_t s = row_[i]; s < row_[i + 1]; ++s) g[post[s]] += w[s];
        }
        return;
    }
    // k * x_post = (k * scale) * y_post: the trace's scale folds into the coefficient (trace.hpp).
    const float a = static_cast<float>(eta_ * rule_.alpha), k = static_cast<float>(eta_ * rule_.kappa) * x_post_.scale();
    const float wmax = static_cast<float>(w_max_);
    const float* xp = x_post_.scaled();
    for (std::size_t m = 0; m < n_arr; ++m) {
        prefetch_next_row(m);
        const std::uint32_t i = arriving[m];
        for (std::uint32_t s = row_[i]; s < row_[i + 1]; ++s) {
            const std::uint32_t j = post[s];
            g[j] += w[s];
            const float nw = w[s] + a + k * xp[j];
            w[s] = nw < 0.f ? 0.f : (nw > wmax ? wmax : nw);
        }
    }
}

void Projection::backward(const std::vector<std::uint32_t>& post_spikes)
{
    if (!plastic_) return;
    if (generic()) {
        if (!on_post_side_.active) return;
        for (auto j : post_spikes) generic_update(on_post_side_, col_syn_.data() + col_ptr_[j], col_ptr_[j + 1] - col_ptr_[j]);
        return;
    }
    const float b = static_cast<float>(eta_ * rule_.beta), gm = static_cast<float>(eta_ * rule_.gamma) * x_pre_.scale();
    const float wmax = static_cast<float>(w_max_);
    const float* xq = x_pre_.scaled();
    float* w = w_.data();
    const std::uint32_t* cs = col_syn_.data();
    const std::uint32_t* cp = col_pre_.data();
    // A column's weights are scattered over the forward rows: a prefetch cursor runs `ahead`
    // synapses in front of the updates, across the columns of all of this step's spikes.
    constexpr std::uint32_t ahead = 32;
    const std::size_t n_sp = post_spikes.size();
    std::size_t pm = 0;
    std::uint32_t pc = 0, pe = 0;
    const auto prefetch_one = [&] {
        while (pc == pe) {
            if (pm == n_sp) return;
            pc = col_ptr_[post_spikes[pm]];
            pe = col_ptr_[post_spikes[pm] + 1];
            ++pm;
        }
        __builtin_prefetch(w + cs[pc++], 1, 3);
    };
    for (std::uint32_t k = 0; k < ahead; ++k) prefetch_one();
    for (auto j : post_spikes) {
        const std::uint32_t e = col_ptr_[j + 1];
        for (std::uint32_t c = col_ptr_[j]; c < e; ++c) {
            prefetch_one();
            const std::uint32_t s = cs[c];
            const float nw = w[s] + b + gm * xq[cp[c]];
            w[s] = nw < 0.f ? 0.f : (nw > wmax ? wmax : nw);
        }
    }
}

void Projection::update_traces(const std::vector<std::uint32_t>& arriving, const std::vector<std::uint32_t>& post_spikes)
{
    // Frozen projections freeze their traces and declared states too: nothing reads them until
    // plasticity is back, and the protocols restore a snapshot (state included) before they switch it on.
    if (!plastic_) return;
    x_pre_.add(arriving);
    x_post_.add(post_spikes);
    x_pre_.advance();
    x_post_.advance();
    if (extra_traces_) {
        for (Trace& t : pre_traces_) {
            t.add(arriving);
            t.advance();
        }
        for (Trace& t : post_traces_) {
            t.add(post_spikes);
            t.advance();
        }
    }
    if (!s_target_.empty()) update_post_states();
    if (cont_) apply_continuous();
    ++step_;
}

double Projection::mean_weight() const
{
    if (w_.empty()) return 0.0;
    double s = 0;
    for (float x : w_) s += x;
    return s / static_cast<double>(w_.size());
}

} // namespace plast::spiking
