#pragma once
// NESTML synapse models of plast rules (NESTML 8 syntax: `model NAME_synapse:` with state, parameters,
// equations, input, output, onReceive and update blocks).
//
// Same rule, same clipping and exact exponential traces as plast; NEST's own event order differs
// from plast's in one respect: NEST delivers a presynaptic spike and the postsynaptic spikes before
// it to the synapse in time order, so a pre arrival and a post spike in the *same* step may see each
// other's increment (plast: never). Per-synapse states are state variables (decay ODEs, jumps from
// temporaries at the events). Post states and a continuous weight term change the synapse every step,
// which NEST does not do between events: such models are "stepwise", their update block walks the
// steps since the last event one at a time in plast's order (traces, post states, continuous term,
// synapse-state decay). V, V_trace, C_exc, C_inh are continuous input ports (mV) for NESTML's
// neuron-synapse co-generation. Checked without NEST by python/tests/nestml_check.py (grammar subset
// and an event-by-event interpreter); see docs/export.md.
#include "plast/export/rule_source.hpp"

#include <string>
#include <vector>

namespace plast::exporter {

// One NESTML model per rule, separated by blank lines; `w_max` and `delay_ms` become parameters.
std::string nestml_models(const std::vector<ExportRule>& rules, const std::string& header, double w_max, double delay_ms);

} // namespace plast::exporter
