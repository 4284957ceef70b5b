#pragma once
// The familiarity protocol on any network of a model file (`[memory] network = "model"`):
//
//   [model]
//   file = "models/feedforward_istdp.toml"   # relative to the memory configuration's folder
//   set = ["scale=0.25"]                       # overrides of the model file
//   readout = "out"                            # population whose spikes are the memory signal
//   inhibitory = ""                            # population for the I rate column (optional)
//   novel = ["novel_E", "novel_I"]             # stimuli of the novel pattern
//   familiar = ["familiar_E", "familiar_I"]    # stimuli of the familiar pattern
//   rules = ["IE"]                             # projections whose 6-parameter rule each [[rule]] sets
//
// Each [[rule]] theta has 6 numbers per listed projection (tau_pre, tau_post, alpha, beta, gamma,
// kappa); the projections keep their eta and w_max. A listed projection must carry a six_param,
// pair_stdp or vogels_istdp rule (any other family would be replaced without notice: refused).
// The model's own phases, monitors and metrics are not used: the study's protocol drives it.
// Conditions: control, static, eta=V, and only_NAME / no_NAME with NAME a listed projection.
// Run r builds the network with seed = seed ^ golden·(r + 1), as the built-in networks do.
#include "plast/memory/probeable_network.hpp"
#include "plast/model/model.hpp"

#include <memory>
#include <string>
#include <vector>

namespace plast {
class Section;
}

namespace plast::memory {

struct ModelNetworkConfig {
    model::Model model;
    std::string readout, inhibitory;
    std::vector<std::string> novel, familiar, rules;
    static ModelNetworkConfig from_config(const Section& s, const std::string& base_dir);
};

std::unique_ptr<ProbeableNetwork> make_model_network(const ModelNetworkConfig& c, const std::vector<double>& theta,
                                                     const std::string& condition, std::uint64_t seed, std::uint64_t run);

} // namespace plast::memory
