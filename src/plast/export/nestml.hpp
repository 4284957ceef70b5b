#pragma once
// NESTML synapse models of plast rules (NESTML 8 syntax: `model NAME_synapse:` with state, parameters,
// equations, input, output, onReceive and update blocks).
//
// Same rule, same clipping and exact exponential traces as plast; NEST's own event order differs
// from plast's in one respect: NEST delivers a presynaptic spike and the postsynaptic spikes before
// it to the synapse in time order, so a pre arrival and a post spike in the *same* step may see each
// other's increment (plast: never). Checked without NEST: the text is parsed by a small grammar in
// python/tests/test_export_nestml.py (blocks, declarations, every name defined); see docs/export.md.
// Rules reading the postsynaptic neuron (V, V_trace, C_exc, C_inh) are refused: a NESTML synapse
// reads neuron state only through neuron-synapse co-generation, which this export does not write.
#include "plast/export/rule_source.hpp"

#include <string>
#include <vector>

namespace plast::exporter {

// One NESTML model per rule, separated by blank lines; `w_max` and `delay_ms` become parameters.
std::string nestml_models(const std::vector<ExportRule>& rules, const std::string& header, double w_max, double delay_ms);

} // namespace plast::exporter
