#pragma once
// Rule tables of a model file ([rule.NAME]) and how each family is installed on a projection.
//
// Every family updates a weight on events only, dw = eta * f, then clips w to [0, w_max]:
//   on a presynaptic arrival (after the axonal delay):  f = on_pre(...)
//   on a postsynaptic spike:                             f = on_post(...)
// Both read the traces as they stand before this step's increments; then every trace jumps by +1 for
// this step's arrivals / spikes and decays by exp(-dt/tau) (spiking/six_param_rule.hpp).
//
// | family | keys (defaults) | on_pre / on_post |
// |---|---|---|
// | six_param | tau_pre, tau_post (0.02 s), alpha, beta, gamma, kappa (0) or theta = [6] | alpha + kappa x_post / beta + gamma x_pre |
// | pair_stdp | a_plus (1), a_minus (1), tau_plus (16.8 ms), tau_minus (33.7 ms) | -a_minus x_post / a_plus x_pre |
// | vogels_istdp | target_rate (Hz, required), tau (20 ms) | x_post - 2 r0 tau / x_pre |
// | triplet_stdp | a2_plus, a3_plus, a2_minus, a3_minus, tau_plus, tau_minus, tau_x, tau_y (Pfister & Gerstner 2006, all-to-all, visual cortex; minimal model: a2_plus = a3_minus = 0) | -x_post (a2_minus + a3_minus r2) / x_pre (a2_plus + a3_plus o2) |
// | product21 | c = [21], tau_fast, tau_slow, scale_* (spiking/product_rule_21.hpp); post must be cvaif | |
// | mlp_t4 | hidden_weights (CSV file), w_pre = [5], w_post = [5], tau_fast (10 ms), tau_slow (100 ms), scale_* (spiking/mlp_t4_rule.hpp); post must be cvaif | MLP of (x_pre2, x_post1, w, V_trace, C_exc, C_inh) / (x_pre1, x_post2, ...) |
// | expression | on_pre, on_post (strings), tau_pre, tau_post, [traces] NAME = {side, tau}, [params] NAME = value | as written |
// Expression rules may declare any number of traces per side ([traces]), per-postsynaptic-neuron states
// ([state] NAME = {tau, follows, init}: every step after the traces NAME += (dt/tau)(follows - NAME), all
// together from the values before the update) and per-synapse states ([synapse_state] NAME = {on_pre,
// on_post, tau, init}: jumps on the events, read and written with the weight's term of the same event,
// exact decay towards 0 with tau between events) and a continuous weight term (`continuous`: every step
// w += eta dt continuous(...), after the traces and post states); equations and event order: spiking/projection.hpp
// (EventRuleState) and docs/model.md.
// eta (default 1) multiplies every family. Triplet traces: r1 = x_pre (tau_plus), o1 = x_post (tau_minus),
// r2 (tau_x), o2 (tau_y), all read before their own increment (the "t - epsilon" of the paper).
#include "plast/model/model.hpp"
#include "plast/spiking/projection.hpp"

#include <string>

namespace plast {
class Section;
}

namespace plast::model {

// Reads and validates [rule.NAME] (family, eta, parameters; expressions are parsed here so an
// undeclared variable is an error before any simulation).
Rule read_rule(const Section& s, const std::string& name, const std::string& base_dir = ""); // base_dir: files (hidden_weights) are relative to it

// Installs the rule on a projection (w in [0, w_max], time step dt).
void install_rule(const Rule& r, spiking::Projection& p, double w_max, double dt);

// True when the rule reads V, V_trace, C_exc or C_inh (needs a cvaif postsynaptic population): product21,
// mlp_t4, and expression rules that name them.
bool reads_post_neuron(const Rule& r);

// The variables an expression rule may read, in the order the engine knows them.
std::vector<std::string> expression_variables(const Rule& r);

} // namespace plast::model
