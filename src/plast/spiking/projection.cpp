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

void Projection::set_event_rules(rules::RuleFamilyPtr on_pre, std::vector<double> theta_pre, rules::RuleFamilyPtr on_post,
                                 std::vector<double> theta_post, double tau_pre, double tau_post, double eta, double w_max,
                                 double dt, EventTraceTaus taus)
{
    static const char* const names[n_vars] = {"x_pre", "x_post", "w", "x_pre1", "x_pre2", "x_post1",
                                              "x_post2", "V", "V_trace", "C_exc", "C_inh", "s_post"};
    auto map_of = [&](const rules::RuleFamilyPtr& f, const std::vector<double>& theta) {
        std::vector<int> m;
        if (!f) return m;
        if (theta.size() != f->n_params())
            runtime_error(name_, "rule '" + f->name() + "' needs " + std::to_string(f->n_params()) + " parameters");
        for (const auto& v : f->inputs()) {
            const auto it = std::find(std::begin(names), std::end(names), v);
            if (it == std::end(names))
                runtime_error(name_, "unknown rule variable '" + v +
                                         "' (allowed: x_pre, x_post, w, x_pre1, x_pre2, x_post1, x_post2, V, V_trace, "
                                         "C_exc, C_inh, s_post)");
            const int k = static_cast<int>(it - std::begin(names));
            if (std::find(m.begin(), m.end(), k) != m.end())
                runtime_error(name_, "rule '" + f->name() + "' lists the variable '" + v + "' twice");
            m.push_back(k);
        }
        return m;
    };
    auto mp = map_of(on_pre, theta_pre);
    auto mq = map_of(on_post, theta_post);
    extended_ = extra_traces_ = needs_neuron_ = false;
    if (!(taus.post_fast > 0)) taus.post_fast = taus.fast;
    if (!(taus.post_slow > 0)) taus.post_slow = taus.slow;
    if (!(taus.fast > 0) || !(taus.slow > 0)) runtime_error(name_, "trace time constants must be > 0");
    set_plasticity(SixParamRule{tau_pre, tau_post, 0, 0, 0, 0}, eta, w_max, dt);
    for (const auto* m : {&mp, &mq})
        for (int k : *m) {
            extended_ |= k > 2;
            extra_traces_ |= k >= 3 && k <= 6;
            needs_neuron_ |= k >= 7 && k <= 10;
        }
    taus_ = taus;
    dt_ = dt;
    if (extra_traces_) {
        x_pre1_ = Trace(n_pre_, std::exp(-dt / taus.fast));
        x_pre2_ = Trace(n_pre_, std::exp(-dt / taus.slow));
        x_post1_ = Trace(n_post_, std::exp(-dt / taus.post_fast));
        x_post2_ = Trace(n_post_, std::exp(-dt / taus.post_slow));
    }
    map_pre_ = std::move(mp);
    map_post_ = std::move(mq);
    on_pre_ = std::move(on_pre);
    on_post_ = std::move(on_post);
    theta_pre_ = std::move(theta_pre);
    theta_post_ = std::move(theta_post);
}

void Projection::generic_update(const rules::RuleFamily& f, const std::vector<int>& map, const std::vector<double>& theta,
                                const std::uint32_t* syn, std::size_t n)
{
    out_.resize(n);
    if (!extended_) {
        for (std::size_t b = 0; b < 3; ++b) buf_[b].resize(n);
        for (std::size_t k = 0; k < n; ++k) {
            const std::uint32_t s = syn[k];
            buf_[0][k] = x_pre_.value(syn_pre_[s]);
            buf_[1][k] = x_post_.value(post_[s]);
            buf_[2][k] = w_[s];
        }
    } else {
        if (needs_neuron_ && (post_state_ == nullptr || post_state_->c_exc.size() != n_post_))
            runtime_error(name_, "the rule reads V, V_trace, C_exc or C_inh, which need a CVAIF postsynaptic group");
        for (int v : map) {
            auto& b = buf_[v];
            b.resize(n);
            const auto pre_trace = [&](const Trace& t) {
                for (std::size_t k = 0; k < n; ++k) b[k] = t.value(syn_pre_[syn[k]]);
            };
            const auto post_trace = [&](const Trace& t) {
                for (std::size_t k = 0; k < n; ++k) b[k] = t.value(post_[syn[k]]);
            };
            const auto neuron = [&](const std::vector<float>& x) {
                for (std::size_t k = 0; k < n; ++k) b[k] = x[post_[syn[k]]];
            };
            switch (v) {
            case 0: pre_trace(x_pre_); break;
            case 1: post_trace(x_post_); break;
            case 2:
                for (std::size_t k = 0; k < n; ++k) b[k] = w_[syn[k]];
                break;
            case 3: pre_trace(x_pre1_); break;
            case 4: pre_trace(x_pre2_); break;
            case 5: post_trace(x_post1_); break;
            case 6: post_trace(x_post2_); break;
            case 7: neuron(post_state_->v); break;
            case 8: neuron(post_state_->v_trace); break;
            case 9: neuron(post_state_->c_exc); break;
            case 10: neuron(post_state_->c_inh); break;
            default:
                if (s_post_.size() != n_post_) runtime_error(name_, "the rule reads s_post, but the projection has no postsynaptic state variable");
                neuron(s_post_);
                break;
            }
        }
    }
    const double* in[n_vars];
    for (std::size_t k = 0; k < map.size(); ++k) in[k] = buf_[map[k]].data();
    f.evaluate(in, n, theta.data(), out_.data());
    const float wmax = static_cast<float>(w_max_);
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint32_t s = syn[k];
        // A NaN or infinite update leaves NaN in the weight; the network's guard reports it.
        const float nw = static_cast<float>(w_[s] + eta_ * out_[k]);
        w_[s] = std::isnan(nw) ? nw : (nw < 0.f ? 0.f : (nw > wmax ? wmax : nw));
    }
}

void Projection::forward(const std::vector<std::uint32_t>& arriving, float* g)
{
    if (plastic_ && generic()) {
        for (auto i : arriving) {
            for (std::uint32_t s = row_[i]; s < row_[i + 1]; ++s) g[post_[s]] += w_[s];
            if (!on_pre_) continue;
            // Synapse indices of a row are consecutive: row_syn_ holds 0..size-1, offset by row_[i].
            generic_update(*on_pre_, map_pre_, theta_pre_, row_syn_.data() + row_[i], row_[i + 1] - row_[i]);
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
        if (!on_post_) return;
        for (auto j : post_spikes)
            generic_update(*on_post_, map_post_, theta_post_, col_syn_.data() + col_ptr_[j], col_ptr_[j + 1] - col_ptr_[j]);
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

void Projection::set_post_state(rules::RuleFamilyPtr target, double tau, double initial, double dt)
{
    if (!(tau > 0)) runtime_error(name_, "the state variable's time constant must be > 0");
    s_map_.clear();
    for (const auto& v : target->inputs()) {
        const int k = v == "x_post" ? 0 : v == "x_post1" ? 1 : v == "x_post2" ? 2 : -1;
        if (k < 0) runtime_error(name_, "the state variable's target may read x_post, x_post1, x_post2 only (not '" + v + "')");
        s_map_.push_back(k);
        if (k > 0 && x_post1_.size() != n_post_) {
            // The fast/slow traces exist only when a rule reads them; the target needs them too.
            extra_traces_ = extended_ = true;
            x_pre1_ = Trace(n_pre_, std::exp(-dt_ / taus_.fast));
            x_pre2_ = Trace(n_pre_, std::exp(-dt_ / taus_.slow));
            x_post1_ = Trace(n_post_, std::exp(-dt_ / taus_.post_fast));
            x_post2_ = Trace(n_post_, std::exp(-dt_ / taus_.post_slow));
        }
    }
    s_target_ = std::move(target);
    s_rate_ = dt / tau;
    s_post_.assign(n_post_, static_cast<float>(initial));
}

void Projection::update_traces(const std::vector<std::uint32_t>& arriving, const std::vector<std::uint32_t>& post_spikes)
{
    // Frozen projections freeze their traces too: nothing reads them until plasticity is back, and the
    // protocols restore a snapshot (traces included) before they switch it on again.
    if (!plastic_) return;
    x_pre_.add(arriving);
    x_post_.add(post_spikes);
    x_pre_.advance();
    x_post_.advance();
    if (extra_traces_) {
        for (Trace* t : {&x_pre1_, &x_pre2_}) {
            t->add(arriving);
            t->advance();
        }
        for (Trace* t : {&x_post1_, &x_post2_}) {
            t->add(post_spikes);
            t->advance();
        }
    }
    if (s_target_) {
        // Forward Euler towards the target, from the traces as they stand after this step.
        const Trace* src[3] = {&x_post_, &x_post1_, &x_post2_};
        const double* in[3];
        for (std::size_t k = 0; k < s_map_.size(); ++k) {
            auto& b = s_buf_[k];
            b.resize(n_post_);
            const Trace& t = *src[s_map_[k]];
            for (std::size_t j = 0; j < n_post_; ++j) b[j] = t.value(j);
            in[k] = b.data();
        }
        s_out_.resize(n_post_);
        s_target_->evaluate(in, n_post_, nullptr, s_out_.data());
        for (std::size_t j = 0; j < n_post_; ++j)
            s_post_[j] = static_cast<float>(s_post_[j] + s_rate_ * (s_out_[j] - s_post_[j]));
    }
}

double Projection::mean_weight() const
{
    if (w_.empty()) return 0.0;
    double s = 0;
    for (float x : w_) s += x;
    return s / static_cast<double>(w_.size());
}

} // namespace plast::spiking
