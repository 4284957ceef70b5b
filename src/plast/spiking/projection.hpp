#pragma once
// A sparse projection between two groups: forward rows (CSR by presynaptic neuron) for spike
// propagation and presynaptic updates, plus a transposed index (per postsynaptic neuron, the
// synapse indices of its incoming synapses) so a postsynaptic spike reaches them without search
// (Auryn's DuplexConnection). Fixed axonal delay in steps (default 0.8 ms = 8 steps); weights in
// single precision; optional 6pPol plasticity (six_param_rule.hpp) with its own traces.
#include "plast/core/huge_page_allocator.hpp"
#include "plast/rules/rule_family.hpp"
#include "plast/spiking/if_neuron.hpp"
#include "plast/spiking/six_param_rule.hpp"
#include "plast/spiking/trace.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace plast::spiking {

enum class Receptor { ampa, gaba };

// Time constants of the fast (x_pre1, x_post1) and slow (x_pre2, x_post2) traces of the generic path;
// defaults those of the 21-parameter product rule (spec §5.5).
// post_fast / post_slow: the postsynaptic traces' own time constants (0: the same as fast / slow), so
// rules such as triplet STDP can give the pre and post slow traces different taus.
struct EventTraceTaus {
    double fast = 0.02, slow = 0.1;
    double post_fast = 0, post_slow = 0;
};

// Per-synapse arrays (weights, indices) live on huge pages where the kernel allows it.
template <class T>
using SynapseArray = std::vector<T, HugePageAllocator<T>>;

class Projection {
public:
    Projection(std::string name, std::size_t n_pre, std::size_t n_post, Receptor receptor, int delay_steps);

    // Bernoulli(p) per pair (no self-connections when `recurrent`), weight w0, from the stream
    // (seed, "connect", key, pre).
    void connect_random(double p, bool recurrent, float w0, std::uint64_t seed, std::uint64_t key);
    // Explicit (pre, post) pairs, all with weight w0.
    void connect_pairs(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs, float w0);

    void set_plasticity(const SixParamRule& rule, double eta, double w_max, double dt);
    // Generic event rules: any pair of rule families (e.g. typed or evolved expressions) evaluated in
    // one batch per presynaptic row (on arrivals) and per postsynaptic column (on spikes), with the
    // same event order, traces and clipping as 6pPol. Variables by name:
    //   x_pre, x_post   the traces with tau_pre / tau_post (as 6pPol);
    //   w               the weight before the update;
    //   x_pre1, x_post1 fast traces (taus.fast), x_pre2, x_post2 slow traces (taus.slow): same jumps (+1
    //                   per arrival / post spike) and event order as x_pre / x_post; kept only when used;
    //   V, V_trace, C_exc, C_inh  the postsynaptic neuron's membrane potential and CVAIF traces
    //                   (if_neuron.hpp) as they stand after this step's neuron update (mV). Only for a
    //                   CVAIF post group: Network::add_projection refuses other groups, and a bare
    //                   projection needs set_post_state().
    // dw = eta * on_pre(...) on an arrival; dw = eta * on_post(...) on a postsynaptic spike.
    void set_event_rules(rules::RuleFamilyPtr on_pre, std::vector<double> theta_pre, rules::RuleFamilyPtr on_post,
                         std::vector<double> theta_post, double tau_pre, double tau_post, double eta, double w_max,
                         double dt, EventTraceTaus taus = {});
    // A per-postsynaptic-neuron state variable s_post (e.g. BCM's sliding threshold) that relaxes towards
    // a target computed from the postsynaptic traces: every step, after the trace update,
    //   s_post <- s_post + (dt/tau) (target(x_post, x_post1, x_post2) - s_post),
    // so the rules of the next step read it (variable name "s_post"). Call after set_event_rules.
    void set_post_state(rules::RuleFamilyPtr target, double tau, double initial, double dt);
    bool generic() const { return static_cast<bool>(on_pre_) || static_cast<bool>(on_post_); }
    // True when a rule reads V, V_trace, C_exc or C_inh of the postsynaptic neuron.
    bool needs_post_neuron() const { return needs_neuron_; }
    // The postsynaptic group's state read by those variables (the network sets it every step).
    void set_post_state(const IfState* s) { post_state_ = s; }
    void set_plastic(bool on) { plastic_ = on && has_rule_; }
    bool plastic() const { return plastic_; }
    bool has_rule() const { return has_rule_; }
    const SixParamRule& rule() const { return rule_; }
    double eta() const { return eta_; }
    double w_max() const { return w_max_; }

    // The three phases of a step (spec §5.3): forward (arrivals: transmit, then pre update),
    // backward (post spikes: post update), traces (increments then decay).
    void forward(const std::vector<std::uint32_t>& arriving, float* g_target);
    void backward(const std::vector<std::uint32_t>& post_spikes);
    void update_traces(const std::vector<std::uint32_t>& arriving, const std::vector<std::uint32_t>& post_spikes);

    const std::string& name() const { return name_; }
    Receptor receptor() const { return receptor_; }
    int delay() const { return delay_; }
    std::size_t size() const { return post_.size(); }
    std::size_t n_pre() const { return n_pre_; }
    std::size_t n_post() const { return n_post_; }
    SynapseArray<float>& weights() { return w_; }
    const SynapseArray<float>& weights() const { return w_; }
    const std::vector<std::uint32_t>& row_ptr() const { return row_; }
    const SynapseArray<std::uint32_t>& post_index() const { return post_; }
    double mean_weight() const;

    // Plastic state (weights and traces) for snapshots.
    struct State {
        SynapseArray<float> w;
        Trace x_pre, x_post;
        Trace x_pre1, x_pre2, x_post1, x_post2; // generic path with fast/slow traces; empty otherwise
        std::vector<float> s_post;              // postsynaptic state variable; empty otherwise
    };
    State state() const { return {w_, x_pre_, x_post_, x_pre1_, x_pre2_, x_post1_, x_post2_, s_post_}; }
    void set_state(const State& s)
    {
        w_ = s.w;
        x_pre_ = s.x_pre;
        x_post_ = s.x_post;
        x_pre1_ = s.x_pre1;
        x_pre2_ = s.x_pre2;
        x_post1_ = s.x_post1;
        x_post2_ = s.x_post2;
        s_post_ = s.s_post;
    }
    const std::vector<float>& post_state_variable() const { return s_post_; }
    const Trace& pre_trace() const { return x_pre_; }
    const Trace& post_trace() const { return x_post_; }

private:
    void build(std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs, float w0);
    std::string name_;
    std::size_t n_pre_, n_post_;
    Receptor receptor_;
    int delay_;
    std::vector<std::uint32_t> row_; // CSR row pointers
    SynapseArray<std::uint32_t> post_;
    SynapseArray<float> w_;
    std::vector<std::uint32_t> col_ptr_;         // transposed index: column pointers
    SynapseArray<std::uint32_t> col_syn_, syn_pre_;
    SynapseArray<std::uint32_t> row_syn_; // 0..size-1: synapse indices of forward rows for the generic path
    SynapseArray<std::uint32_t> col_pre_; // presynaptic neuron of each col_syn_ entry (sequential in the backward pass)
    bool has_rule_ = false, plastic_ = false;
    SixParamRule rule_;
    double eta_ = 0, w_max_ = 0;
    Trace x_pre_, x_post_;
    // Generic path
    rules::RuleFamilyPtr on_pre_, on_post_;
    std::vector<double> theta_pre_, theta_post_;
    // Variable index: 0 x_pre, 1 x_post, 2 w, 3 x_pre1, 4 x_pre2, 5 x_post1, 6 x_post2, 7 V, 8 V_trace,
    // 9 C_exc, 10 C_inh, 11 s_post.
    static constexpr int n_vars = 12;
    std::vector<int> map_pre_, map_post_;
    bool extended_ = false;     // a rule reads a variable beyond x_pre, x_post, w
    bool extra_traces_ = false; // the fast/slow traces are kept
    bool needs_neuron_ = false;
    Trace x_pre1_, x_pre2_, x_post1_, x_post2_;
    // Postsynaptic state variable (set_post_state): target over (x_post, x_post1, x_post2).
    rules::RuleFamilyPtr s_target_;
    std::vector<int> s_map_;
    double s_rate_ = 0; // dt / tau
    EventTraceTaus taus_{};
    double dt_ = 1e-4;
    std::vector<float> s_post_;
    std::vector<double> s_buf_[3], s_out_;
    const IfState* post_state_ = nullptr;
    std::vector<double> buf_[n_vars], out_;
    void generic_update(const rules::RuleFamily& f, const std::vector<int>& map, const std::vector<double>& theta,
                        const std::uint32_t* syn, std::size_t n);
};

} // namespace plast::spiking
