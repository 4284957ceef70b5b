#pragma once
// A network model as data: populations, projections, rules, stimuli, a protocol of phases, monitors
// and metrics — what a model file (TOML, model_file.hpp) describes and what build.hpp turns into a
// spiking::Network. The format, with every key, unit and default, is documented in docs/model.md;
// the short version:
//
//   [[population]]  name, size, model = "if" | "tif" | "cvaif" | "poisson" | "spike_file",
//                   neuron parameters by name (if_neuron.hpp), rate (poisson, Hz), file (spike_file:
//                   rows "time,neuron", seconds), v_init = [lo, hi] (mV, uniform initial V)
//   [[projection]]  pre, post, connect = "bernoulli" (p) | "fixed_indegree" (k) | "all_to_all" |
//                   "one_to_one" | "receptive_field" (radius; pre is a square grid) | "list" (file),
//                   autapses, weight (number or {dist = "uniform"|"normal"|"lognormal", ...}), delay (s),
//                   receptor = "exc" | "inh", w_max, rule (a [rule.NAME] table or "static"), plastic
//   [rule.NAME]     family = "six_param" | "pair_stdp" | "vogels_istdp" | "triplet_stdp" | "product21" |
//                   "expression" | "mlp_t4", eta and the family's parameters (rule_table.hpp)
//   [[stimulus]]    name, population (a poisson one), neurons = [first, last) or indices, rate (Hz added)
//   [[phase]]       name, duration, stimuli, rates, plastic, record, snapshot, restore, repeat, schedule
//   [[monitor]]     kind = "spikes" | "rate" | "weights" | "state" and what it records
//   [metrics]       exc, inh populations, weight projections, filter variant and bounds
//   [guard]         population, tau, min, max (Hz): abort a run whose population rate leaves (min, max)
//
// Event order inside a step is the engine's (network.hpp): neurons, propagation (arrivals: transmit,
// then the presynaptic rule term; then postsynaptic spikes: the postsynaptic term), trace increments,
// trace decay, recording and guard. It is the same for every rule family.
#include "plast/spiking/if_neuron.hpp"
#include "plast/spiking/mlp_t4_rule.hpp"
#include "plast/spiking/product_rule_21.hpp"
#include "plast/spiking/six_param_rule.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace plast::model {

struct Population {
    enum class Kind { neuron, poisson, spike_file };
    std::string name;
    Kind kind = Kind::neuron;
    std::size_t size = 0;
    std::size_t size_unscaled = 0;                     // size as written (before `scale`)
    spiking::IfParams neuron;                          // kind == neuron
    double rate = 0;                                   // kind == poisson (Hz)
    std::vector<std::pair<double, std::uint32_t>> spikes; // kind == spike_file: (time s, neuron)
    std::optional<std::pair<double, double>> v_init;   // uniform initial V in [lo, hi) mV
    // Initial conductances ~ N(mean, sd) clipped at 0 (leak units), e.g. to start self-sustained activity.
    std::optional<std::pair<double, double>> g_exc_init, g_inh_init;
    std::uint64_t stream_key = 0;                      // noise / initial-V stream key
    std::string where;                                 // "file:line" for messages
};

struct WeightInit {
    enum class Dist { constant, uniform, normal, lognormal };
    Dist dist = Dist::constant;
    double a = 0, b = 0; // constant: a; uniform: [a, b); normal: mean a, sd b; lognormal: mu a, sigma b
};

struct Connect {
    enum class Kind { bernoulli, fixed_indegree, all_to_all, one_to_one, receptive_field, list };
    Kind kind = Kind::bernoulli;
    double p = 0.1;                  // bernoulli
    std::size_t k = 0;               // fixed_indegree
    double radius = 8;               // receptive_field (grid units)
    bool autapses = false;           // only meaningful when pre == post
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs; // list
    std::vector<float> pair_weights; // list with a third column (else empty)
};

struct Projection {
    std::string name, pre, post;
    Connect connect;
    WeightInit weight;
    double delay = 0.8e-3;           // s
    bool inhibitory = false;         // receptor = "inh"
    double w_max = 20;
    std::string rule = "static";
    bool plastic = true;             // initial plasticity switch (phases may change it)
    std::uint64_t stream_key = 0;    // connectivity / weight stream key
    std::string where;
};

struct Rule {
    enum class Family { six_param, pair_stdp, vogels_istdp, triplet_stdp, product21, expression, mlp_t4 };
    std::string name;
    Family family = Family::six_param;
    double eta = 1.0;
    spiking::SixParamRule six;       // six_param, pair_stdp, vogels_istdp (as their 6pPol form)
    std::optional<spiking::Product21Config> product21;
    std::optional<spiking::MlpT4Config> mlp_t4;  // the MLP rule of fSBI Fig. 4 (spiking/mlp_t4_rule.hpp)
    // expression and triplet_stdp: event expressions over the variables below, named parameters
    std::string on_pre = "0", on_post = "0";
    std::string continuous;          // expression: optional dw/dt term (per second, times eta), "" = none
    std::map<std::string, double> params;
    double tau_pre = 0.02, tau_post = 0.02; // taus of x_pre, x_post
    struct TraceDecl {
        std::string name;
        bool post = false;
        double tau = 0.1;
    };
    std::vector<TraceDecl> traces;   // any number per side
    // Per-postsynaptic-neuron state variables (e.g. BCM's sliding threshold): every step
    // name <- name + (dt/tau)(follows - name), follows an expression of x_post, the post traces and
    // the post states (all updated together from their values before the step's update).
    struct StateDecl {
        std::string name, follows;
        double tau = 1.0, init = 0.0;
    };
    std::vector<StateDecl> states;
    // Per-synapse state variables (e.g. an eligibility trace or a synaptic tag): jump by on_pre on an
    // arrival and by on_post on a postsynaptic spike (read with the weight's terms of that event),
    // decay exactly towards 0 with tau between events (tau = 0: no decay).
    struct SynapseStateDecl {
        std::string name, on_pre = "0", on_post = "0";
        double tau = 0.0, init = 0.0;
    };
    std::vector<SynapseStateDecl> synapse_states;
    std::string where;
};

struct Stimulus {
    std::string name, population;
    std::vector<std::uint32_t> indices;
    double rate = 0;                 // Hz added while on
};

struct Phase {
    std::string name;
    double duration = 0;             // s (per repetition)
    std::size_t repeat = 1;
    std::vector<std::string> stimuli;                 // switched on for the phase (others off)
    std::map<std::string, double> rates;              // poisson population -> base rate (Hz) from now on
    std::optional<std::vector<std::string>> plastic;  // projections plastic in this phase (unset: keep)
    bool record = true;
    std::string snapshot, restore;                    // names; restore at start, snapshot at end
    struct Schedule {
        std::vector<std::string> stimuli;             // one at a time, random order
        double on = 1.0, off = 0.0;                   // s
    };
    std::optional<Schedule> schedule;                 // replaces `stimuli` when set
    std::string where;
};

struct Monitor {
    enum class Kind { spikes, rate, weights, state };
    std::string name;
    Kind kind = Kind::spikes;
    std::string target;              // population (spikes, rate, state) or projection (weights)
    std::size_t first = 0, last = 0; // neurons [first, last) (spikes, state)
    double interval = 0.1;           // s: rate bin, weight / state sampling interval
    std::size_t samples = 100;       // weights: synapses sampled (equally spaced in storage order)
    std::string variable = "v";      // state
    std::string where;
};

struct Metrics {
    bool enabled = false;
    std::string exc, inh;            // populations the fSBI metrics are computed on (spike monitors)
    std::vector<std::string> weights; // plastic projections for w_blow / w_creep and the mean weights
    std::vector<std::string> weight_names; // names used in metrics (default: projection names)
    std::string filter_variant = "paper";
    std::map<std::string, std::pair<double, double>> bounds; // overrides: metric -> [lo, hi]
};

struct Guard {
    bool enabled = false;
    std::string population;
    double tau = 1.0, min = 0.0, max = 100.0;
    double delay = -1;               // s; < 0: the delay of the population's first outgoing projection (Auryn counts arriving spikes)
    bool start_measured = false;     // start the estimate at the first measured rate instead of (min + max)/2
};

struct Model {
    std::string source;              // file name (messages, outputs)
    double dt = 1e-4;
    std::vector<Population> populations;
    std::map<std::string, Rule> rules;
    std::vector<Projection> projections;
    std::vector<Stimulus> stimuli;
    std::vector<Phase> phases;
    std::vector<Monitor> monitors;
    Metrics metrics;
    Guard guard;

    const Population* population(const std::string& name) const;
    const Projection* projection(const std::string& name) const;
    double duration() const;         // total protocol time (s)
};

// Default stream key of a named object (FNV-1a of the name): streams are keyed by what they are for.
std::uint64_t rng_key(const std::string& name);

} // namespace plast::model
