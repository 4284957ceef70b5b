#pragma once
// Oja recovery experiment (neural-activity setting), spec gradient-inference.md §6, §8, §10.
//
// Data: num_train + num_eval trajectories from disjoint streams (split 0 / 1). Per trajectory
//   x(t) ~ input_std · N(0, I) (input_std is a standard deviation; the paper's "N(0, 0.1)" is read as std 0.1),
//   W(0) ~ w0_std · N(0, 1) (default 1 / (n_in + n_out), Oja branch of the reference),
//   the teacher network (ground-truth rule, default Oja) produces y(t); recorded activity = y + noise_scale · N(0, 1).
// Observation: exactly round(observed_fraction · n_out) neurons (at least one), chosen once per fit from
// the seed, are recorded; the others do not enter the loss.
// The student starts each trajectory from its recorded W(0) (known initial connectivity).
// Evaluation on the held-out trajectories (noise-free): R^2 of the weight trajectories W(1..T) per synapse
// and of the activity per neuron (all neurons), each averaged over units, then median (and mean) over
// trajectories; coefficient errors against the ground truth.
// Conditioning: condition number of the Gram matrix of the 27 Taylor monomials x^a y^b w^c (columns
// normalised to unit length) along the teacher's first training trajectory, and the leading terms of
// its least-determined direction; and the rule collapsed at the mean activity (x^a w^c coefficients),
// which is what small inputs leave identifiable.
#include "plast/infer/fit.hpp"
#include "plast/rate/oja_network.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace plast::infer {

struct OjaSettings {
    rate::OjaNetwork net;
    int steps = 50;
    double input_std = 1.0;
    double w0_std = -1.0; // < 0: 1 / (n_in + n_out)
    int num_train = 50, num_eval = 10;
    double noise_scale = 0.0;
    double observed_fraction = 1.0;
    double mse_factor = 0.5;
    // Local identifiability analysis (27-term Taylor student): Gauss-Newton matrix of the loss at the
    // generating theta on this many noise-free training trajectories (0 = off). See OjaSensitivity.
    int sensitivity_trajectories = 0;
};

// How well the data determine theta near the generating rule theta* (spec §6; docs/inference.md).
// G = Hessian of the mean (noise-free) data loss at theta* = 2 * mse_factor / rows * sum J^T J, where
// J = d(recorded activity)/d theta, by an exact tangent-linear pass (rate::activity_jtj).
struct OjaSensitivity {
    int trajectories = 0;
    std::vector<double> eigenvalues;                 // of G, descending (27)
    std::vector<std::vector<double>> weakest;        // eigenvectors of the 3 smallest eigenvalues (27 each)
    double condition = 0;                            // largest / smallest eigenvalue
    // delta = theta_fit - theta*: quadratic loss increase 1/2 delta^T G delta, and what moving only
    // theta_110 (or theta_021) by its error would cost; the loss along theta* + s delta (noise-free data).
    double quad_delta = 0, quad_110_only = 0, quad_021_only = 0;
    std::vector<double> line_s, line_loss;
    // share of |delta|^2 in eigen-directions with eigenvalue below 1e-6 of the largest
    double delta_share_sloppy = 0;
    // Cramer-Rao: observation-noise std at which the standard deviation of theta_110 (theta_021) over the
    // whole training set (num_train trajectories) reaches 0.1. Smaller = less identifiable.
    double noise_sd01_110 = 0, noise_sd01_021 = 0;
};

struct OjaResult {
    std::uint64_t seed = 0;
    double noise_scale = 0, observed_fraction = 1;
    FitResult fit;
    std::vector<double> theta_eff;
    double r2_weights_median = 0, r2_weights_mean = 0, r2_activity_median = 0, r2_activity_mean = 0;
    double max_err_truth_terms = 0, max_abs_other_terms = 0;
    double condition_number = 0;
    std::vector<double> weakest_direction; // eigenvector of the smallest eigenvalue (27 entries)
    // What is identifiable when y barely moves: the rule collapsed at y = y_mean (mean teacher activity),
    // i.e. the 9 coefficients of x^a w^c, sum_b theta_abc y_mean^b, for the fit and the ground truth.
    double y_mean = 0, y_std = 0;
    std::vector<double> collapsed_fit, collapsed_true;
    double collapsed_max_err = 0;
    // First evaluation trajectory, for figures: (steps+1) x min(n_syn, keep) weights, true and fitted.
    std::vector<double> w_true, w_fit;
    std::size_t kept_synapses = 0;
    OjaSensitivity sensitivity; // trajectories == 0: not computed
};

// Runs one fit. theta_star: ground-truth coefficients; theta0: initial student parameters.
OjaResult run_oja(const OjaSettings& s, const rules::DifferentiableRule& teacher, const std::vector<double>& theta_star,
                  const rules::DifferentiableRule& student, const std::vector<double>& theta0, const FitOptions& fopt,
                  std::uint64_t seed, const LogCallback& on_log = {}, std::size_t keep_synapses = 20);

// One generated trajectory (exposed for tests and the benchmark).
rate::OjaTrajectory make_oja_trajectory(const OjaSettings& s, const rules::DifferentiableRule& teacher,
                                        const std::vector<double>& theta_star, std::uint64_t seed, std::uint64_t split,
                                        std::uint64_t index, const std::vector<std::uint8_t>& observed);
std::vector<std::uint8_t> observed_neurons(int n_out, double fraction, std::uint64_t seed);

} // namespace plast::infer
