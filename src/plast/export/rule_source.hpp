#pragma once
// "A rule" for the exporters, from any of the places plast keeps rules, in one canonical form:
// event expressions over named traces and parameters (the expression family of model files).
//
//   rule_from_model(model, "istdp", ...)    a model file's [rule.NAME] table
//   rules_from_csv(path, row, eta)          a rule set CSV row (24 columns EE_tau_pre ... II_kappa,
//                                           e.g. fsbi_plausible_rules.csv): four six_param rules EE, EI, IE, II
//   rules_from_archive(path, round, idx)    a screen archive row with the same 24 parameters
//   rule_from_expressions("ON_PRE; ON_POST", tau_pre, tau_post, eta)   a typed or evolved (CGP) rule
//
// Every source keeps its provenance (file, table or row, seed) for the comments of the generated
// code. The canonical form (ExportRule) of each family:
//   six_param, pair_stdp, vogels_istdp: on_pre = alpha + kappa*x_post, on_post = beta + gamma*x_pre
//     (pair_stdp and vogels_istdp are six_param rules with fixed coefficients, six_param_rule.hpp);
//   triplet_stdp and expression: their own on_pre / on_post, extra traces and parameters.
// Declared states of expression rules are kept (per postsynaptic neuron: tau, init and the `follows`
// expression; per synapse: tau, init and the jumps on_pre / on_post) for both targets.
// product21 rules become expression rules (x_pre1 = x_pre, x_post1 = x_post with tau_fast, declared
// traces x_pre2, x_post2 with tau_slow, the coefficients and scalings as parameters); mlp_t4 rules keep
// their network (ExportRule::mlp) for a Brian2 function of the scaled inputs.
// A continuous weight term (continuous = ...) is kept (Brian2: an end-of-step operation; NESTML: the
// steps since the last event, one at a time, in the update block).
// Not exportable (an error naming the feature and the target), for NESTML: rule state variables,
// mlp_t4 rules and expressions reading the postsynaptic neuron (V, V_trace, C_exc, C_inh; product21
// reads them too).
#include "plast/expr/tape.hpp"
#include "plast/export/expression_printer.hpp"
#include "plast/model/model.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace plast::exporter {

struct ExportRule {
    std::string name;                  // identifier in the generated code
    std::string family;                // the plast family it came from
    std::string provenance;            // where it came from (file, table / row, seed)
    model::Rule rule;                  // the plast rule (drives the engine for checks)
    double eta = 1.0;
    double tau_pre = 0.02, tau_post = 0.02;
    std::vector<model::Rule::TraceDecl> traces; // extra traces (triplet r2, o2, declared traces)
    std::map<std::string, double> params;       // named constants of the expressions
    expr::Tape on_pre, on_post;                 // over x_pre, x_post, w, traces, V..., params
    std::string on_pre_text, on_post_text;      // as plast writes them (comments)
    bool reads_post_neuron = false;             // V, V_trace, C_exc or C_inh
    // mlp_t4 rules (Brian2 only): the network, its readouts and scalings; on_pre / on_post are then empty
    // and the code calls a function of the six scaled inputs (brian2.cpp).
    std::optional<spiking::MlpT4Config> mlp;
    // Per-postsynaptic-neuron states: every step after the traces, name <- name + (dt/tau)(follows - name),
    // follows over x_post, the post traces, the post states and the parameters (all from the values
    // before the update).
    struct PostState {
        std::string name, follows_text;
        expr::Tape follows;
        double tau = 1.0, init = 0.0;
    };
    std::vector<PostState> states;
    // Per-synapse states: += on_pre on an arrival, += on_post on a post spike (read with the weight's
    // term of the same event), exact decay towards 0 with tau between events (tau = 0: none).
    struct SynapseState {
        std::string name, on_pre_text, on_post_text;
        expr::Tape on_pre, on_post;
        double tau = 0.0, init = 0.0;
    };
    std::vector<SynapseState> synapse_states;
    // Continuous weight term (expression rules): every step after the traces and post states,
    // w <- clip(w + eta*dt*continuous, 0, w_max); empty text: none.
    std::string continuous_text;
    expr::Tape continuous;
};

// The canonical form of a plast rule; `provenance` is kept for the comments. Throws for the features
// `target` cannot express ("export: rule 'X' uses ..., which the brian2 export cannot express").
ExportRule canonical(const model::Rule& r, const std::string& provenance, Target target);

// Raises the error for a rule feature a target cannot express.
[[noreturn]] void cannot_express(const std::string& rule, const std::string& feature, Target target);

ExportRule rule_from_model(const model::Model& m, const std::string& name, const std::string& file, Target target);

// Row `row` (0-based data row) of a rule set CSV with the 24 quadruplet columns.
std::vector<ExportRule> rules_from_csv(const std::string& path, std::size_t row, double eta, Target target);

// Archive row (round, idx) of an fSBI screen archive (parameters EE_tau_pre ... II_kappa).
std::vector<ExportRule> rules_from_archive(const std::string& path, int round, long long idx, double eta, Target target);

// "ON_PRE; ON_POST" over x_pre, x_post, w (the form of `plast evaluate stability` and CGP champions).
ExportRule rule_from_expressions(const std::string& text, double tau_pre, double tau_post, double eta, Target target);

} // namespace plast::exporter
