// The generic event-rule path of a Projection (projection.hpp): variables, extra traces, declared
// per-postsynaptic-neuron and per-synapse states, and the batched updates on events.
#include "plast/spiking/projection.hpp"

#include "plast/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace plast::spiking {

namespace {

void add_unique(std::vector<int>& v, const std::vector<int>& more)
{
    for (int k : more)
        if (std::find(v.begin(), v.end(), k) == v.end()) v.push_back(k);
}

} // namespace

int Projection::var_id(const std::string& name) const
{
    if (name == "s_post" && !s_post_.empty()) return first_post_state_; // the first post state, by its old name
    const auto it = std::find(var_names_.begin(), var_names_.end(), name);
    return it == var_names_.end() ? -1 : static_cast<int>(it - var_names_.begin());
}

void Projection::set_event_rules(rules::RuleFamilyPtr on_pre, std::vector<double> theta_pre, rules::RuleFamilyPtr on_post,
                                 std::vector<double> theta_post, double tau_pre, double tau_post, double eta, double w_max,
                                 double dt, EventTraceTaus taus, EventRuleState state)
{
    pre_taus_ = taus.pre;
    post_taus_ = taus.post;
    if (!taus.listed) pre_taus_ = {taus.fast, taus.slow};
    if (!taus.listed) post_taus_ = {taus.post_fast > 0 ? taus.post_fast : taus.fast, taus.post_slow > 0 ? taus.post_slow : taus.slow};
    for (const auto* v : {&pre_taus_, &post_taus_})
        for (double t : *v)
            if (!(t > 0)) runtime_error(name_, "trace time constants must be > 0");
    // Variable names by id.
    var_names_ = {"x_pre", "x_post", "w", "V", "V_trace", "C_exc", "C_inh"};
    first_pre_trace_ = static_cast<int>(var_names_.size());
    for (std::size_t k = 0; k < pre_taus_.size(); ++k) var_names_.push_back("x_pre" + std::to_string(k + 1));
    first_post_trace_ = static_cast<int>(var_names_.size());
    for (std::size_t k = 0; k < post_taus_.size(); ++k) var_names_.push_back("x_post" + std::to_string(k + 1));
    first_post_state_ = static_cast<int>(var_names_.size());
    s_post_.clear();
    for (std::size_t k = 0; k < state.post.size(); ++k) {
        var_names_.push_back("s_post" + std::to_string(k + 1));
        if (!(state.post[k].tau > 0)) runtime_error(name_, "a state variable's time constant must be > 0");
        s_post_.emplace_back(n_post_, static_cast<float>(state.post[k].init));
    }
    first_syn_state_ = static_cast<int>(var_names_.size());
    for (std::size_t k = 0; k < state.synapse.size(); ++k) {
        var_names_.push_back("s_syn" + std::to_string(k + 1));
        if (state.synapse[k].tau < 0) runtime_error(name_, "a synapse state's time constant must be >= 0 (0: no decay)");
    }
    auto allowed = [&] {
        std::string a;
        for (const auto& n : var_names_) a += (a.empty() ? "" : ", ") + n;
        return a;
    };
    auto map_of = [&](const rules::RuleFamilyPtr& f, std::size_t n_theta) {
        std::vector<int> m;
        if (!f) return m;
        if (n_theta != f->n_params())
            runtime_error(name_, "rule '" + f->name() + "' needs " + std::to_string(f->n_params()) + " parameters");
        for (const auto& v : f->inputs()) {
            const int k = var_id(v);
            if (k < 0) runtime_error(name_, "unknown rule variable '" + v + "' (allowed: " + allowed() + ")");
            if (std::find(m.begin(), m.end(), k) != m.end())
                runtime_error(name_, "rule '" + f->name() + "' lists the variable '" + v + "' twice");
            m.push_back(k);
        }
        return m;
    };
    set_plasticity(SixParamRule{tau_pre, tau_post, 0, 0, 0, 0}, eta, w_max, dt);
    dt_ = dt;
    step_ = 0;
    state_theta_ = state.theta;
    on_pre_side_ = Side{};
    on_post_side_ = Side{};
    on_pre_side_.f = std::move(on_pre);
    on_pre_side_.theta = std::move(theta_pre);
    on_post_side_.f = std::move(on_post);
    on_post_side_.theta = std::move(theta_post);
    on_pre_side_.map = map_of(on_pre_side_.f, on_pre_side_.theta.size());
    on_post_side_.map = map_of(on_post_side_.f, on_post_side_.theta.size());
    std::vector<int> used = on_pre_side_.map;
    add_unique(used, on_post_side_.map);
    for (Side* side : {&on_pre_side_, &on_post_side_}) {
        side->needed = side->map;
        for (const auto& st : state.synapse) {
            const auto& f = side == &on_pre_side_ ? st.on_pre : st.on_post;
            side->syn.push_back(f);
            side->syn_map.push_back(map_of(f, state_theta_.size()));
            add_unique(side->needed, side->syn_map.back());
            add_unique(used, side->syn_map.back());
        }
        side->active = side->f || std::any_of(side->syn.begin(), side->syn.end(), [](const auto& f) { return static_cast<bool>(f); });
    }
    cont_ = state.continuous;
    cont_map_ = map_of(cont_, state_theta_.size());
    add_unique(used, cont_map_);
    // Post states: targets over x_post, the extra post traces and the post states only.
    s_target_.clear();
    s_map_.clear();
    s_needed_.clear();
    s_rate_.clear();
    for (const auto& ps : state.post) {
        if (!ps.target) runtime_error(name_, "a state variable needs a target");
        auto m = map_of(ps.target, state_theta_.size());
        for (int k : m)
            if (k != v_x_post && !(k >= first_post_trace_ && k < first_syn_state_))
                runtime_error(name_, "a state variable's target may read x_post, the post traces and the post states only (not '" +
                                         var_names_[static_cast<std::size_t>(k)] + "')");
        add_unique(s_needed_, m);
        add_unique(used, m);
        s_map_.push_back(std::move(m));
        s_target_.push_back(ps.target);
        s_rate_.push_back(dt / ps.tau);
    }
    s_out_.assign(s_target_.size(), {});
    // Synapse states.
    s_syn_.clear();
    syn_rate_.clear();
    for (const auto& st : state.synapse) {
        s_syn_.emplace_back(post_.size(), static_cast<float>(st.init));
        syn_rate_.push_back(st.tau > 0 ? dt / st.tau : 0.0);
    }
    syn_last_.assign(state.synapse.empty() ? 0 : post_.size(), 0);
    syn_out_.assign(state.synapse.size(), {});
    extended_ = !state.synapse.empty() || static_cast<bool>(cont_);
    extra_traces_ = needs_neuron_ = false;
    for (int k : used) {
        extended_ |= k > v_w;
        extra_traces_ |= k >= first_pre_trace_ && k < first_post_state_;
    }
    for (const Side* side : {&on_pre_side_, &on_post_side_})
        for (int k : side->needed) needs_neuron_ |= k >= v_V && k <= v_C_inh;
    for (int k : cont_map_) needs_neuron_ |= k >= v_V && k <= v_C_inh;
    pre_traces_.clear();
    post_traces_.clear();
    if (extra_traces_) {
        for (double t : pre_taus_) pre_traces_.emplace_back(n_pre_, std::exp(-dt / t));
        for (double t : post_taus_) post_traces_.emplace_back(n_post_, std::exp(-dt / t));
    }
    buf_.assign(var_names_.size(), {});
    in_.assign(var_names_.size(), nullptr);
}

std::vector<float> Projection::synapse_state_variable(std::size_t k) const
{
    const auto& v = s_syn_.at(k);
    std::vector<float> out(v.size());
    for (std::size_t s = 0; s < v.size(); ++s)
        out[s] = static_cast<float>(v[s] * std::exp(-static_cast<double>(step_ - syn_last_[s]) * syn_rate_[k]));
    return out;
}

void Projection::fill(int v, const std::uint32_t* syn, std::size_t n)
{
    auto& b = buf_[static_cast<std::size_t>(v)];
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
    case v_x_pre: pre_trace(x_pre_); return;
    case v_x_post: post_trace(x_post_); return;
    case v_w:
        for (std::size_t k = 0; k < n; ++k) b[k] = w_[syn[k]];
        return;
    case v_V: neuron(post_state_->v); return;
    case v_V_trace: neuron(post_state_->v_trace); return;
    case v_C_exc: neuron(post_state_->c_exc); return;
    case v_C_inh: neuron(post_state_->c_inh); return;
    default: break;
    }
    if (v < first_post_trace_) return pre_trace(pre_traces_[static_cast<std::size_t>(v - first_pre_trace_)]);
    if (v < first_post_state_) return post_trace(post_traces_[static_cast<std::size_t>(v - first_post_trace_)]);
    if (v < first_syn_state_) return neuron(s_post_[static_cast<std::size_t>(v - first_post_state_)]);
    const std::size_t q = static_cast<std::size_t>(v - first_syn_state_);
    const auto& x = s_syn_[q];
    const double r = syn_rate_[q];
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint32_t s = syn[k];
        b[k] = r > 0 ? x[s] * std::exp(-static_cast<double>(step_ - syn_last_[s]) * r) : x[s];
    }
}

void Projection::generic_update(const Side& side, const std::uint32_t* syn, std::size_t n)
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
        for (int v : side.needed) fill(v, syn, n);
    }
    // Every term of this event reads the values before any of them is written.
    for (std::size_t q = 0; q < side.syn.size(); ++q) {
        if (!side.syn[q]) continue;
        const auto& m = side.syn_map[q];
        for (std::size_t k = 0; k < m.size(); ++k) in_[k] = buf_[static_cast<std::size_t>(m[k])].data();
        syn_out_[q].resize(n);
        side.syn[q]->evaluate(in_.data(), n, state_theta_.data(), syn_out_[q].data());
    }
    if (side.f) {
        for (std::size_t k = 0; k < side.map.size(); ++k) in_[k] = buf_[static_cast<std::size_t>(side.map[k])].data();
        side.f->evaluate(in_.data(), n, side.theta.data(), out_.data());
        const float wmax = static_cast<float>(w_max_);
        for (std::size_t k = 0; k < n; ++k) {
            const std::uint32_t s = syn[k];
            // A NaN or infinite update leaves NaN in the weight; the network's guard reports it.
            const float nw = static_cast<float>(w_[s] + eta_ * out_[k]);
            w_[s] = std::isnan(nw) ? nw : (nw < 0.f ? 0.f : (nw > wmax ? wmax : nw));
        }
    }
    if (s_syn_.empty()) return;
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint32_t s = syn[k];
        const double age = static_cast<double>(step_ - syn_last_[s]);
        for (std::size_t q = 0; q < s_syn_.size(); ++q) {
            double x = s_syn_[q][s];
            if (syn_rate_[q] > 0) x *= std::exp(-age * syn_rate_[q]);
            if (side.syn[q]) x += syn_out_[q][k];
            s_syn_[q][s] = static_cast<float>(x);
        }
        syn_last_[s] = step_;
    }
}

void Projection::apply_continuous()
{
    const std::size_t n = post_.size();
    if (needs_neuron_ && (post_state_ == nullptr || post_state_->c_exc.size() != n_post_))
        runtime_error(name_, "the rule reads V, V_trace, C_exc or C_inh, which need a CVAIF postsynaptic group");
    for (int v : cont_map_) fill(v, row_syn_.data(), n);
    for (std::size_t k = 0; k < cont_map_.size(); ++k) in_[k] = buf_[static_cast<std::size_t>(cont_map_[k])].data();
    out_.resize(n);
    cont_->evaluate(in_.data(), n, state_theta_.data(), out_.data());
    const double c = eta_ * dt_;
    const float wmax = static_cast<float>(w_max_);
    for (std::size_t s = 0; s < n; ++s) {
        const float nw = static_cast<float>(w_[s] + c * out_[s]);
        w_[s] = std::isnan(nw) ? nw : (nw < 0.f ? 0.f : (nw > wmax ? wmax : nw));
    }
}

void Projection::update_post_states()
{
    // Targets from the traces as they stand after this step and the states before this update.
    for (int v : s_needed_) {
        auto& b = buf_[static_cast<std::size_t>(v)];
        b.resize(n_post_);
        if (v == v_x_post) {
            for (std::size_t j = 0; j < n_post_; ++j) b[j] = x_post_.value(j);
        } else if (v < first_post_state_) {
            const Trace& t = post_traces_[static_cast<std::size_t>(v - first_post_trace_)];
            for (std::size_t j = 0; j < n_post_; ++j) b[j] = t.value(j);
        } else {
            const auto& x = s_post_[static_cast<std::size_t>(v - first_post_state_)];
            for (std::size_t j = 0; j < n_post_; ++j) b[j] = x[j];
        }
    }
    for (std::size_t q = 0; q < s_target_.size(); ++q) {
        const auto& m = s_map_[q];
        for (std::size_t k = 0; k < m.size(); ++k) in_[k] = buf_[static_cast<std::size_t>(m[k])].data();
        s_out_[q].resize(n_post_);
        s_target_[q]->evaluate(in_.data(), n_post_, state_theta_.data(), s_out_[q].data());
    }
    for (std::size_t q = 0; q < s_target_.size(); ++q) {
        auto& x = s_post_[q];
        for (std::size_t j = 0; j < n_post_; ++j) x[j] = static_cast<float>(x[j] + s_rate_[q] * (s_out_[q][j] - x[j]));
    }
}

} // namespace plast::spiking
