#pragma once
// The built-in memory networks as model descriptions (model/model.hpp), built by the one network
// builder (model/build.hpp) like every other network. What each network is: memory_networks.hpp.
//
// The stream keys are the historical ones of the memory study, so its results keep their spikes:
//   recurrent (BND)  the fSBI model of the study's [network] (fsbi_model(), recurrent keys 20-23)
//                    with its background input removed (1 silent input neuron, w = 0), then the
//                    populations "stimulus" (key 100) and "background_I" (key 101) and the
//                    projections rf_E, rf_I. Their receptive-field centres are drawn from ONE
//                    stream per run, (seed, "rf_centres", 0 / 1, run), neuron after neuron, with the
//                    study's seed (not the run's network seed); the model therefore lists the pairs
//                    (connect = list). A model file's `receptive_field` draws each neuron's centre
//                    from its own stream instead (examples/models/bnd.toml: statistically the same
//                    network, other spikes).
//   feed-forward     one IF neuron "out", Poisson populations "E_inputs" (key 0), "I_inputs" (key 1),
//                    E_out all-to-all static, IE all-to-all under the study's 6-parameter rule.
// Stimuli: novel (pattern 0) before familiar (pattern 1) on every input population.
#include "plast/memory/memory_networks.hpp"
#include "plast/model/model.hpp"

#include <cstdint>

namespace plast::memory {

// Network seed of run `run` of a memory study: seed ^ golden * (run + 1).
std::uint64_t run_seed(std::uint64_t seed, std::uint64_t run);

// The BND network of run `run` (its receptive fields depend on seed and run). Build it with
// model::build(m, run_seed(seed, run) ^ run * golden) (what make_bnd_network does).
model::Model bnd_model(const BndConfig& c, std::uint64_t seed, std::uint64_t run);

// The feed-forward iSTDP network; build it with model::build(m, run_seed(seed, run)).
model::Model feedforward_model(const FeedForwardConfig& c);

} // namespace plast::memory
