#pragma once
// Model -> spiking::Network: the one network builder. Populations are added in file order (neuron
// populations as IF groups, poisson and spike_file populations as input groups), then projections in
// file order. Random numbers come from streams keyed by the run seed and each object's stream key
// (default: a hash of its name), so adding a population or projection never changes the others'
// connectivity or noise:
//   bernoulli         per presynaptic neuron i: stream (seed, "connect", key, i), as the built-in networks
//   fixed_indegree    per postsynaptic neuron j: stream (seed, "connect_indegree", key, j), k distinct
//                     presynaptic neurons (Floyd's algorithm)
//   receptive_field   per postsynaptic neuron j: stream (seed, "rf_centre", key, j) draws a centre
//                     (cx, cy) uniform on the g x g grid of the presynaptic population (index = y g + x);
//                     it connects to every grid point with (x - cx)^2 + (y - cy)^2 < radius^2
//   weights           per presynaptic neuron i: stream (seed, "weight", key, i) over its synapses in
//                     storage order; drawn weights are clipped to [0, w_max]
//   initial V         stream (seed, "initial_v", population key); initial g: (seed, "initial_g", key)
#include "plast/model/model.hpp"
#include "plast/spiking/network.hpp"

#include <map>
#include <memory>
#include <string>

namespace plast::model {

struct Built {
    std::unique_ptr<spiking::Network> net;
    std::map<std::string, spiking::Source> populations;
    std::map<std::string, std::size_t> projections;
    std::map<std::string, std::pair<std::size_t, int>> stimuli; // name -> (input group, pattern)
};

Built build(const Model& m, std::uint64_t seed);

// Receptive field of postsynaptic neuron `post` centred at (cx, cy) on a g x g grid (index = y g + x):
// appends (grid point, post) for every grid point with (x - cx)^2 + (y - cy)^2 < radius^2, rows first.
void add_receptive_field(double cx, double cy, std::int64_t g, double radius, std::uint32_t post,
                         std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs);

} // namespace plast::model
