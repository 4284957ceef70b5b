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

// Time constants of the extra traces of the generic path. listed = true: `pre` / `post` (any number,
// also none) are the taus of x_pre1, x_pre2, ... / x_post1, x_post2, .... listed = false: two per side,
// x_pre1 = fast, x_pre2 = slow, x_post1 = post_fast, x_post2 = post_slow (0: the same as fast / slow);
// the defaults are those of the 21-parameter product rule (spec §5.5).
struct EventTraceTaus {
    double fast = 0.02, slow = 0.1;
    double post_fast = 0, post_slow = 0;
    bool listed = false;
    std::vector<double> pre, post;
};

// Declared state of a generic event rule (set_event_rules). Expressions read variables by name (see
// set_event_rules) and the parameters `theta`.
//   post:    per-postsynaptic-neuron variables s_post1, s_post2, ... ("s_post" = s_post1). Every step,
//            after the traces: s <- s + (dt/tau)(target - s), every target evaluated from the values
//            before this update (x_post, x_post1.., s_post1..; nothing else).
//   synapse: per-synapse variables s_syn1, s_syn2, .... On an arrival s_syn += on_pre(...), on a
//            postsynaptic spike s_syn += on_post(...) (null: no jump), evaluated from the same values
//            as the weight's term of that event and written with it. Between events s_syn decays
//            exactly towards 0 with tau (tau = 0: no decay): a value read k steps after its last jump
//            is multiplied by exp(-k dt/tau), as a trace. Kept lazily (a last-update step per synapse),
//            so a synapse state costs nothing on steps without events.
struct EventRuleState {
    struct Post {
        rules::RuleFamilyPtr target;
        double tau = 1.0, init = 0.0;
    };
    struct Synapse {
        rules::RuleFamilyPtr on_pre, on_post;
        double tau = 0.0, init = 0.0;
    };
    std::vector<Post> post;
    std::vector<Synapse> synapse;
    // Optional continuous term of the weight: every step, after the traces and post states,
    // w <- clip(w + eta dt continuous(...), 0, w_max) on every synapse (traces as they stand after this
    // step, synapse states as at this step's events). It costs a pass over all synapses per step.
    rules::RuleFamilyPtr continuous;
    std::vector<double> theta;
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
    //   x_pre1, x_pre2, ... / x_post1, ...  extra traces with the taus of `taus`: same jumps (+1 per
    //                   arrival / post spike) and event order as x_pre / x_post; kept only when read;
    //   V, V_trace, C_exc, C_inh  the postsynaptic neuron's membrane potential and CVAIF traces
    //                   (if_neuron.hpp) as they stand after this step's neuron update (mV). Only for a
    //                   CVAIF post group: Network::add_projection refuses other groups, and a bare
    //                   projection needs set_post_state();
    //   s_post1, ..., s_syn1, ...  the declared states of `state` (EventRuleState).
    // dw = eta * on_pre(...) on an arrival; dw = eta * on_post(...) on a postsynaptic spike.
    void set_event_rules(rules::RuleFamilyPtr on_pre, std::vector<double> theta_pre, rules::RuleFamilyPtr on_post,
                         std::vector<double> theta_post, double tau_pre, double tau_post, double eta, double w_max,
                         double dt, EventTraceTaus taus = {}, EventRuleState state = {});
    bool generic() const { return on_pre_side_.active || on_post_side_.active; }
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

    // Plastic state (weights, traces, declared states, the rule's step count) for snapshots.
    struct State {
        SynapseArray<float> w;
        Trace x_pre, x_post;
        std::vector<Trace> pre_traces, post_traces;  // x_pre1.., x_post1.. (generic path; empty when unused)
        std::vector<std::vector<float>> s_post;      // per-postsynaptic-neuron states
        std::vector<SynapseArray<float>> s_syn;      // per-synapse states (as of their last update)
        SynapseArray<std::uint64_t> syn_last;        // step of each synapse's last state update
        std::uint64_t step = 0;                      // plastic steps so far
    };
    State state() const { return {w_, x_pre_, x_post_, pre_traces_, post_traces_, s_post_, s_syn_, syn_last_, step_}; }
    void set_state(const State& s)
    {
        w_ = s.w;
        x_pre_ = s.x_pre;
        x_post_ = s.x_post;
        pre_traces_ = s.pre_traces;
        post_traces_ = s.post_traces;
        s_post_ = s.s_post;
        s_syn_ = s.s_syn;
        syn_last_ = s.syn_last;
        step_ = s.step;
    }
    // Declared states: per postsynaptic neuron (k-th post state), per synapse (k-th synapse state, decayed
    // to the current step; storage order).
    const std::vector<float>& post_state_variable(std::size_t k = 0) const { return s_post_.at(k); }
    std::vector<float> synapse_state_variable(std::size_t k) const;
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
    // Generic path. Variables by id: the fixed ones, then the extra pre traces, extra post traces,
    // post states and synapse states (var_names_).
    enum : int { v_x_pre, v_x_post, v_w, v_V, v_V_trace, v_C_exc, v_C_inh, n_fixed_vars };
    struct Side {
        rules::RuleFamilyPtr f;                 // weight term (null: none)
        std::vector<double> theta;
        std::vector<int> map;                   // variable id of each input of f
        std::vector<rules::RuleFamilyPtr> syn;  // synapse-state jumps of this event (null: none)
        std::vector<std::vector<int>> syn_map;
        std::vector<int> needed;                // union of the ids read on this event
        bool active = false;
    };
    Side on_pre_side_, on_post_side_;
    std::vector<std::string> var_names_;
    int first_pre_trace_ = n_fixed_vars, first_post_trace_ = n_fixed_vars, first_post_state_ = n_fixed_vars,
        first_syn_state_ = n_fixed_vars;
    bool extended_ = false;     // a rule reads a variable beyond x_pre, x_post, w, or has synapse states
    bool extra_traces_ = false; // the extra traces are kept
    bool needs_neuron_ = false;
    std::vector<Trace> pre_traces_, post_traces_;
    std::vector<double> pre_taus_, post_taus_;
    // Post states: targets, their variable ids, dt/tau, values
    std::vector<rules::RuleFamilyPtr> s_target_;
    std::vector<std::vector<int>> s_map_;
    std::vector<int> s_needed_;
    std::vector<double> s_rate_;
    std::vector<std::vector<float>> s_post_;
    std::vector<std::vector<double>> s_out_;
    // Synapse states: values as of syn_last_, dt/tau per state
    std::vector<SynapseArray<float>> s_syn_;
    SynapseArray<std::uint64_t> syn_last_;
    std::vector<double> syn_rate_;
    std::vector<std::vector<double>> syn_out_;
    std::vector<double> state_theta_;
    rules::RuleFamilyPtr cont_;   // continuous weight term (null: none)
    std::vector<int> cont_map_;
    void apply_continuous();
    std::uint64_t step_ = 0;
    double dt_ = 1e-4;
    const IfState* post_state_ = nullptr;
    std::vector<std::vector<double>> buf_;
    std::vector<double> out_;
    std::vector<const double*> in_;
    int var_id(const std::string& name) const;
    void fill(int v, const std::uint32_t* syn, std::size_t n);
    void generic_update(const Side& side, const std::uint32_t* syn, std::size_t n);
    void update_post_states();
};

} // namespace plast::spiking
