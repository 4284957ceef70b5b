// Meaning and unit of every configuration key this area reads (see plast/io/key_doc.hpp): the
// familiarity study (memory_study.cpp: [memory], [[rule]], [protocol]), its networks
// (memory_networks.cpp: [inputs], [feedforward]) and model-file networks (model_network.cpp: [model]).
#include "plast/io/key_doc_tables.hpp"

namespace plast::memory {

static const io::KeyDoc rows[] = {
    {"memory.network", "", "network under test: the recurrent fSBI network, the feed-forward one, or a model file"},
    {"memory.runs", "", "independent runs per rule and condition (new wiring and inputs each)"},
    {"memory.conditions", "", "control, static, only_XY, no_XY or eta=V (knock-outs, learning-rate sweep)"},
    {"memory.archive", "", "screen archive to take rules from (empty: none)"},
    {"memory.query", "", "SQL condition selecting the archive's rules"},
    {"memory.limit", "", "at most this many archive rules"},
    {"memory.rules_csv", "", "CSV rule set to test (empty: none)"},
    {"memory.rules_limit", "", "first rows of the rule set to test (0: all)"},
    {"memory.input_rate", "", "input background rate: the protocol's, or each rule's screened rate"},
    {"memory.recheck", "", "compute the fSBI metrics and verdict on the memory network itself"},
    {"memory.recheck_window", "s", "last part of pre-training the re-check is computed on"},
    {"memory.recheck_filter_variant", "", "plausibility filter variant of the re-check"},
    {"rule[].name", "", "name of the rule in the outputs"},
    {"rule[].theta", "", "6pPol parameters per plastic projection (6 per type EE, EI, IE, II; a 25th: input rate)"},
    {"rule[].input_rate", "Hz", "screened input rate of the rule"},
    {"protocol.pretrain", "s", "pre-training on background"},
    {"protocol.train", "s", "training with the familiar pattern switching on and off"},
    {"protocol.on_mean", "s", "mean duration of a pattern-on interval"},
    {"protocol.off_mean", "s", "mean duration of a pattern-off interval"},
    {"protocol.breaks", "s", "waits before each test; test times are their cumulative sums"},
    {"protocol.probe", "s", "duration of a novel or familiar probe"},
    {"protocol.after_probe", "s", "background after each probe"},
    {"protocol.plasticity_during_probes", "", "plasticity on during probes (then rolled back) or frozen"},
    {"inputs.grid", "", "receptive-field inputs per side of the square grid"},
    {"inputs.rf_radius", "inputs", "receptive-field radius on the grid"},
    {"inputs.w_rf", "g_leak", "weight of a receptive-field input"},
    {"inputs.background_rate", "Hz", "background rate of every input"},
    {"inputs.pattern_extra_rate", "Hz", "rate added to the pattern's inputs while it is on"},
    {"inputs.novel", "", "novel pattern: input indices [first, last)"},
    {"inputs.familiar", "", "familiar pattern: input indices [first, last)"},
    {"feedforward.n_exc", "", "excitatory Poisson inputs onto the output neuron"},
    {"feedforward.n_inh", "", "inhibitory Poisson inputs onto the output neuron"},
    {"feedforward.rate", "Hz", "background rate of every input"},
    {"feedforward.w_exc", "g_leak", "static E->output weight"},
    {"feedforward.w_inh", "g_leak", "initial I->output weight (plastic)"},
    {"feedforward.w_max", "g_leak", "upper bound of the plastic weights"},
    {"feedforward.eta", "", "learning rate of the I->output rule"},
    {"feedforward.pattern_exc", "", "excitatory inputs in a pattern"},
    {"feedforward.pattern_inh", "", "inhibitory inputs in a pattern"},
    {"feedforward.pattern_rate_exc", "Hz", "rate of the pattern's excitatory inputs while it is on"},
    {"feedforward.pattern_rate_inh", "Hz", "rate of the pattern's inhibitory inputs while it is on"},
    {"feedforward.rule.preset", "", "rule of the I->output synapses"},
    {"feedforward.rule.theta", "", "6pPol parameters [tau_pre (s), tau_post (s), alpha, beta, gamma, kappa]"},
    {"feedforward.rule.target_rate", "Hz", "Vogels iSTDP target rate of the output neuron"},
    {"feedforward.rule.tau", "s", "Vogels iSTDP trace time constant"},
    {"feedforward.rule.a_plus", "", "pair STDP potentiation amplitude"},
    {"feedforward.rule.a_minus", "", "pair STDP depression amplitude"},
    {"feedforward.rule.tau_plus", "s", "pair STDP presynaptic trace time constant"},
    {"feedforward.rule.tau_minus", "s", "pair STDP postsynaptic trace time constant"},
    {"model.file", "", "model file (relative to the configuration's folder, else the working directory)"},
    {"model.set", "", "overrides of the model file, key=value"},
    {"model.readout", "", "population whose rates are the memory readout"},
    {"model.inhibitory", "", "inhibitory population (empty: none)"},
    {"model.novel", "", "stimuli of the model that form the novel pattern"},
    {"model.familiar", "", "stimuli of the model that form the familiar pattern"},
    {"model.rules", "", "projections whose rules the study's rules replace"},
};

std::span<const io::KeyDoc> config_keys() { return rows; }

} // namespace plast::memory
