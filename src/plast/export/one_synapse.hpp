#pragma once
// Weight trajectories of independent synapses under given spike steps, computed by the engine's own
// rule path (spiking::Projection with model::install_rule, as in a network): the reference that
// exported code is compared against.
//
// Synapse k connects presynaptic neuron k to postsynaptic neuron k (one to one). In every step s:
// the arrivals at s are transmitted and get the presynaptic term, the post spikes at s get the
// postsynaptic term, then the traces jump and decay (docs/model.md). w[s][k] is the weight after step s.
#include "plast/model/model.hpp"

#include <cstdint>
#include <vector>

namespace plast::exporter {

struct SpikeSteps {
    std::vector<std::uint32_t> neuron;
    std::vector<long> step;
};

// Weights after each of `steps` steps (row-major [step][synapse]), weights start at w0 and stay in [0, w_max].
std::vector<float> weight_trajectories(const model::Rule& rule, std::size_t n_synapses, const SpikeSteps& pre,
                                       const SpikeSteps& post, long steps, double w0, double w_max, double dt);

} // namespace plast::exporter
