#pragma once
// Brian2 code for plast rules (a Python module) and for whole model files (a runnable script).
//
// A rule becomes a `Synapses` description (model, on_pre, on_post, namespace) that reproduces plast's
// event order inside a time step (docs/model.md):
//   1. presynaptic arrivals (after the delay): transmit (g_post += w), then the presynaptic term
//      w <- clip(w + eta*on_pre, 0, w_max)                         pathway "pre",        order 0
//   2. postsynaptic spikes: w <- clip(w + eta*on_post, 0, w_max)   pathway "post",       order 1
//   3. trace increments for this step's arrivals / spikes           pathways "pre_trace" (order 2,
//                                                                    same delay as "pre") and "post_trace" (order 3)
// Traces are per-synapse event-driven variables dx/dt = -x/tau, which Brian2 integrates exactly
// between events: a trace read k steps after its spike is exp(-k dt/tau), as in plast (plast decays
// per neuron by exp(-dt/tau) each step after the increments; per synapse and per neuron are the same
// numbers under all-to-all interaction). Both terms therefore read the traces before this step's
// increments, as in plast. Variables: x_pre, x_post, w, the declared traces by name, V, V_trace,
// C_exc, C_inh as v_post, v_trace_post, c_exc_post, c_inh_post (the postsynaptic group's variables v,
// v_trace, c_exc, c_inh: dimensionless mV, as the script's CVAIF groups define them); parameters
// are namespace constants (renamed NAME_ where they clash with a Brian2 name such as t, dt, i, N).
// Declared states: per-synapse states are synaptic variables (event-driven with their tau), updated with
// the weight on the events from temporaries (every term of an event reads the values before it);
// per-postsynaptic-neuron states are kept per synapse (equal for all synapses of a neuron) and updated
// by a run_regularly operation at the end of every step from the post traces at t + dt (plast updates
// them after its traces decayed). A continuous weight term is applied by the same end-of-step operation,
// after the post states (forward Euler with the clip, as plast). mlp_t4 rules call a numpy Function
// (numpy target only). Fitted Taylor (rate) rules of plast infer: taylor_source.hpp.
#include "plast/export/rule_source.hpp"
#include "plast/model/model.hpp"

#include <string>
#include <vector>

namespace plast::exporter {

// A Python module: one dict per rule (name, formula, provenance, model, on_pre, on_post, namespace)
// and make_synapses(rule, source, target, w_max, transmit=None, delay=0*ms) that builds the Synapses
// with the pathway order above. `header` is a comment line (e.g. the command that wrote it).
std::string brian2_rule_module(const std::vector<ExportRule>& rules, const std::string& header);

// A complete runnable Brian2 script for a model file (already scaled and overridden): the rule module
// above, then neuron groups (if, tif, cvaif; poisson and spike_file inputs), connections (bernoulli,
// fixed_indegree, all_to_all, one_to_one, receptive_field, list), stimuli, the phase protocol
// (durations, repeats, rates, stimuli, random on/off schedules, plasticity switches, snapshots and
// restores of the groups' and synapses' state variables), spike / weight / state monitors, and at the
// end the spikes and samples written to an .npz file (`--out` of the script). Throws (cannot_express,
// target brian2 script) for what it does not write yet: nmda_update = "euler" populations. The [guard] is not exported (the script runs the protocol to its
// end); [metrics] are left to the caller (the script saves what they are computed from).
std::string brian2_model_script(const model::Model& m, const std::vector<ExportRule>& rules, const std::string& file,
                                const std::string& header);

} // namespace plast::exporter
