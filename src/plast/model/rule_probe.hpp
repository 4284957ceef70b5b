#pragma once
// One synapse driven by given spike steps, for looking at a rule outside a network (STDP windows,
// the rule zoo tests, plast.Rule in Python). The projection is 1 -> 1 with no axonal delay beyond
// the arrival step given, w in [0, w_max]; each step: presynaptic arrivals (on_pre), postsynaptic
// spikes (on_post), then the traces jump and decay (the engine's event order, rule_table.hpp).
#include "plast/model/model.hpp"

#include <vector>

namespace plast::model {

// The postsynaptic neuron variables a rule may read (V, V_trace, C_exc, C_inh: a cvaif neuron's),
// held constant for the lone synapse: mV, mV, and the conductance-current traces in the engine's units.
struct NeuronValues {
    double v = -70, v_trace = -70, c_exc = 0, c_inh = 0;
};

// Pre arrivals at steps `pre`, post spikes at steps `post` (both ascending), `steps` steps of dt
// seconds from w0; returns the weight after the last step. A rule that reads neuron variables needs
// `neuron` (else a runtime error names them).
double drive_synapse(const Rule& r, const std::vector<long>& pre, const std::vector<long>& post, long steps,
                     double w0 = 1.0, double dt = 1e-4, double w_max = 1e9, const NeuronValues* neuron = nullptr);

} // namespace plast::model
