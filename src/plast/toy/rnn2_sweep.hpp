#pragma once
// A grid over two parameters of the 2RNN (two_neuron_rnn.hpp): which combinations of co-active rules
// keep the E-I pair stable, and which of the stable ones leave a familiarity trace — the rate-level
// picture behind the spiking screens (spec §12.4-12.5).
//
// Configuration `[rnn2_sweep]` (needs `[rnn2]`, whose network and task are the base point):
//   x_param = "IE.alpha"   parameter names "XY.eta|alpha|beta|gamma" (XY in EE, EI, IE, II) or "w0.XY"
//   y_param = "EE.gamma"
//   x = {min, max, points}; y = {min, max, points}   (defaults: [-2, 0] and [-1, 1], 21 points each)
// A rule whose eta is 0 in [rnn2] is switched on with eta = 0.1 when one of its coefficients is swept
// (otherwise the sweep would change nothing).
// Status per point as in run_familiarity: stable / unsettled / diverged; familiarity only where stable.
// Outputs (written by write_rnn2_sweep, toy_outputs.hpp): rnn2_sweep.csv (x, y, status, familiarity, probe r_E before/after, r_E/r_I at the end, final
// weights), rnn2_sweep_familiarity.npy and rnn2_sweep_stable.npy [x, y], rnn2_sweep_x.npy and
// rnn2_sweep_y.npy (the axes), summary counts.
#include "plast/toy/grid_axis.hpp"
#include "plast/toy/two_neuron_rnn.hpp"

#include <string>
#include <vector>

namespace plast {
class Section;
} // namespace plast

namespace plast::toy {

struct Rnn2Sweep {
    std::string x_param = "IE.alpha", y_param = "EE.gamma";
    GridAxis x{-2.0, 0.0, 21}, y{-1.0, 1.0, 21};

    static Rnn2Sweep from_section(const Section& s);
    // The network with parameter `name` set to v (name validated by from_section).
    static TwoNeuronRnn with_param(TwoNeuronRnn net, const std::string& name, double v);
    // One familiarity run per (x, y), x major, without trajectories.
    std::vector<TwoNeuronResult> run(const TwoNeuronRnn& base, const FamiliarityTask& task, int threads) const;
};

} // namespace plast::toy
