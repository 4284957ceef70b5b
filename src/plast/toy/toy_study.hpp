#pragma once
// `plast toy`: the A-B-A study of the rate toy models, for one rule or sweeps over rule grids.
//
// Configuration (every key optional; defaults reproduce the paper's 2-D A-B-A setting):
//   seed = 1
//   [task]   dim = 2; inputs = "angles" | "vectors" | "random"; bg_angle, stim_angle (radians, 2-D);
//            x_bg, x_stim (vectors, normalised to unit norm, must be non-negative); w0 (default
//            (1, 0.27) in 2-D, y*·x_bg otherwise); y_target = 1; eta = 0.01; epochs = 20000 (Euler
//            steps per phase); rho = 0.01
//   [explicit]        theta = [theta0, theta1] (reduced) or [theta0..theta3] (general); record_every
//   [implicit]        sigma_inv = [[a, b], [b, c]] (N x N, symmetric)
//   [explicit_sweep]  theta0 = {min, max, points}; theta1 = {...}; eta = [...]
//   [implicit_sweep]  a = {min, max, points}; b = {...}; c = 1   (2-D only)
//   [rnn2]            the two-neuron E-I rate network (two_neuron_rnn.hpp): tau_E = tau_I = 0.01,
//                     dt = 1e-4 (s; <= min(tau)/10); w0 = [EE, EI, IE, II] = [0.5, 1, 0.5, 0.5];
//                     EE, EI, IE, II = [eta, alpha, beta, gamma] (absent: static); w_max (absent: none);
//                     r_max = 1e3; x_bg = [1, 1]; x_stim = [1.5, 1]; t_bg = t_stim = t_post = 50,
//                     t_probe = 0.2, record_dt = 0.05 (s)
//   [rnn2_sweep]      a grid over two 2RNN parameters around [rnn2] (rnn2_sweep.hpp): x_param = "IE.alpha",
//                     y_param = "EE.gamma", x = {min, max, points}, y = {...}
//   [linear_rnn]      the linear RNN A-B-A task (linear_rnn.hpp): n = 5; rules = ["hebbian",
//                     "non_hebbian", "gradient"]; h_target = [1, ...]; x_a, x_b (non-negative; default
//                     uniform [0, 1] from the seed, purpose "toy_linear_rnn_inputs"); eta = 0.01;
//                     steps = 4000 (per phase); rho = 1e-3; record_every = 20
// Sections that are absent are not run.
#include "plast/toy/aba_task.hpp"
#include "plast/toy/grid_axis.hpp"
#include "plast/toy/linear_rnn.hpp"
#include "plast/toy/rnn2_sweep.hpp"
#include "plast/toy/two_neuron_rnn.hpp"

#include <Eigen/Core>

#include <optional>
#include <string>
#include <vector>

namespace plast {
class Config;
namespace io {
class RunDir;
}
} // namespace plast

namespace plast::toy {

struct ToyStudy {
    AbaSetup setup;
    std::optional<ExplicitRule> explicit_rule;
    long record_every = 10;
    std::optional<Eigen::MatrixXd> implicit_metric;
    bool explicit_sweep = false;
    GridAxis theta0, theta1;
    std::vector<double> etas;
    bool implicit_sweep = false;
    GridAxis a, b;
    double c = 1.0;
    std::optional<TwoNeuronRnn> rnn2;
    std::optional<Rnn2Sweep> rnn2_sweep;
    FamiliarityTask rnn2_task;
    std::vector<LinearRnn> linear_rnns; // one per rule
    LinearAbaTask linear_task;

    // Reads the sections above (toy_study_config.cpp).
    // with_eta = false: the caller sets the learning rate itself (a screen draws it), so task.eta is not read.
    static ToyStudy from_config(Config& cfg, std::uint64_t seed, bool with_eta = true);
    // Runs everything configured (toy_runs.hpp); writes CSV/NPY/JSON into the run directory and fills its
    // summary (toy_outputs.hpp).
    void run(io::RunDir& dir, int threads) const;
};

// The embedded default configuration: the paper's 2-D A-B-A setting with a (theta0, theta1, eta)
// sweep, the Mahalanobis (a, b) sweep, the delta rule as the single-rule example, the 2RNN familiarity
// task with EE and IE rules, and the linear RNN with all three rules.
extern const char* const default_toy_config;

} // namespace plast::toy
