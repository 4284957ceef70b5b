#pragma once
// Networks for the memory protocols behind ProbeableNetwork. Each is a model description
// (memory_models.hpp) built by the one network builder (model/build.hpp); nothing here wires neurons.
//
// Recurrent "BND" network (Mem1kRules, spec §2 + §3.2): the fSBI E/I network (IF neurons, EE, EI,
// IE, II Bernoulli p = 0.1, 6pPol on all four) whose E neurons receive receptive-field input from a
// 100 x 100 grid of 10 Hz Poisson inputs (stimulus group) and whose I neurons receive the same kind
// of RF input from a separate 10 Hz background group. Each neuron draws a random centre on the grid
// and connects (w = 0.075) to every input with (x - cx)^2 + (y - cy)^2 < 8^2 (no periodic borders).
// Patterns: novel = inputs 2000-2499 (rows 20-24), familiar = 7500-7999 (rows 75-79); while on,
// each of their inputs gets +50 Hz. Every run (seed, run) draws new centres and new recurrent
// connectivity ("new seed and new RF wiring", spec §3.2).
//
// Feed-forward iSTDP network (Memory by accident §3.3, spec §4): 800 E + 200 I Poisson inputs at
// 10 Hz onto one IF neuron; E->out w = 0.1 static, I->out initial w = 1 under a 6pPol rule.
// Patterns: familiar = E inputs 0-99 at 100 Hz and I inputs 0-24 at 50 Hz; novel = E inputs
// 100-199 and I inputs 25-49 (same structure, disjoint).
#include "plast/memory/probeable_network.hpp"
#include "plast/spiking/fsbi_network.hpp"

#include <array>
#include <memory>

namespace plast {
class Section;
}

namespace plast::memory {

struct BndConfig {
    spiking::FsbiConfig net;     // neuron counts, recurrent wiring, weights, eta, rules, scale
    int grid = 100;              // inputs = grid x grid
    double rf_radius = 8.0;
    double w_rf = 0.075;
    double background = 10.0;    // Hz
    double extra = 50.0;         // Hz on top while a pattern is on
    std::array<std::int64_t, 2> novel{2000, 2500}, familiar{7500, 8000}; // [first, last) input indices
    static BndConfig from_config(const Section& network, const Section& inputs);
};

struct FeedForwardConfig {
    std::size_t n_exc = 800, n_inh = 200;
    double rate = 10.0, w_exc = 0.1, w_inh = 1.0, w_max = 20.0, eta = 0.01, dt = 1e-4, delay = 0.8e-3;
    std::size_t pattern_exc = 100, pattern_inh = 25;
    double pattern_rate_exc = 100.0, pattern_rate_inh = 50.0; // total rates while on
    spiking::SixParamRule rule = spiking::SixParamRule::vogels_istdp(3.0);
    spiking::IfParams neuron;
    static FeedForwardConfig from_config(const Section& s);
};

// A ProbeableNetwork over any spiking::Network: group `exc` is read out, `inh` (or npos) gives the I
// rate, and patterns[k] lists the (input group, pattern index) pairs switched on for pattern k
// (0 = novel, 1 = familiar); every other pattern of those input groups is off.
using PatternTable = std::vector<std::vector<std::pair<std::size_t, int>>>;
std::unique_ptr<ProbeableNetwork> make_engine_network(std::unique_ptr<spiking::Network> net, std::size_t exc, std::size_t inh,
                                                      PatternTable patterns);

std::unique_ptr<ProbeableNetwork> make_bnd_network(const BndConfig& c, std::uint64_t seed, std::uint64_t run);
std::unique_ptr<ProbeableNetwork> make_feedforward_network(const FeedForwardConfig& c, std::uint64_t seed, std::uint64_t run);

} // namespace plast::memory
