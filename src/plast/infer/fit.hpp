#pragma once
// Fitting loop of gradient inference, spec gradient-inference.md §7.2-7.3.
//
// L(theta) = data loss + lambda * sum |theta ⊙ mask|   (L1)   or   lambda * sum (theta ⊙ mask)^2   (L2)
// Adam (reference): one step per batch of `batch_size` consecutive training trajectories (1 = the
// reference's one step per trajectory), looping over the trajectories in order, for epochs 0 … num_epochs
// inclusive. Gradients of a batch are computed in parallel into per-trajectory slots and summed in
// trajectory order, so results do not depend on the thread count.
// L-BFGS (NLopt): full-batch mean loss, deterministic; one "epoch" in the log = one objective evaluation.
// L-BFGS needs a smooth objective: L1 (|theta| has a kink at 0) is refused (std::invalid_argument).
// L1 under Adam: "subgradient" (reference: sign(theta) added to the gradient; coefficients hover around 0
// at about the learning rate, never exactly 0) or "proximal" (Adam step on the data loss, then
// soft-thresholding in Adam's diagonal metric: exact zeros).
// Status after the fit (Adam runs a fixed number of epochs and has no convergence test):
//   "max_epochs"   all epochs ran; `stationarity` says how far from a first-order optimum the end point is;
//   "zero_rule"    L1 only: lambda exceeds every data-gradient component at theta = 0, so the zero rule is a
//                  first-order optimum, and the fit ended no better than it (it learned nothing);
//   "diverged", "backtrack_limit", or L-BFGS's stop reason ("ftol_reached", "maxeval_reached", ...).
// A batch whose loss or gradient is not finite (the rule blows up) is skipped and counted; an epoch with no
// finite batch ends the fit as "diverged" (a result, not an error).
#include "plast/rules/differentiable_rule.hpp"

#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace plast::infer {

struct FitOptions {
    std::string optimizer = "adam"; // "adam" | "lbfgs"
    double learning_rate = 1e-3;
    int epochs = 250;
    int batch_size = 1;                // 0 = all training trajectories
    std::string regularization = "l1"; // "l1" | "l2" | "none"
    double reg_scale = 1e-2;
    std::string l1_method = "subgradient"; // Adam with L1: "subgradient" (reference) | "proximal"
    bool final_check = true;               // one extra full-batch pass for `stationarity` (and two with L1)
    int log_interval = 25;
    // Adam on a batch whose loss or gradient is not finite: "backtrack" returns to the parameters
    // before the last step and halves the learning rate (after max_backtracks the fit stops there
    // with status "backtrack_limit"); "skip" leaves the parameters and goes on with the next batch. An epoch without any
    // finite batch ends the fit as "diverged".
    std::string on_nonfinite = "backtrack";
    int max_backtracks = 20;
    int lbfgs_max_evaluations = 500;
    double lbfgs_ftol_rel = 1e-12;
    int threads = 1;
    // Before the fit, compare the adjoint gradient of the mean training loss at theta0 with central finite
    // differences (two full-batch passes per parameter); the result is in FitResult::gradient_check.
    bool check_gradient = false;
    double check_gradient_step = 1e-6; // relative step: h_p = step * max(1, |theta_p|)
    // Adam only: after logged epochs (see checkpoint_seconds) the whole fit state (parameters, Adam's moments and step count,
    // backtracks, the log so far, the gradient check) is written to this JSON file (through a temporary
    // file and a rename, so a kill leaves the previous or the new state, never half of one). A fit started
    // with an existing checkpoint continues from it and ends exactly as the uninterrupted fit; its logged
    // epochs are replayed to on_log first. `checkpoint_key` identifies the fit (configuration and fit): a
    // checkpoint with another key is refused. L-BFGS keeps its state inside NLopt and is not checkpointed
    // (it is deterministic: a restarted L-BFGS fit ends as the first would have). Empty = no checkpoint.
    std::string checkpoint;
    std::string checkpoint_key;
    double checkpoint_seconds = 10.0; // after the first, at most one checkpoint per this many seconds (and the last)
};

// Data loss of training trajectory k; when grad is non-null adds dL/dtheta to it. Must be thread-safe.
using TrajectoryLoss = std::function<double(std::size_t k, const std::vector<double>& theta, double* grad)>;

struct FitLog {
    std::vector<int> epoch;
    std::vector<double> loss;               // mean training loss of the epoch (data + regulariser)
    std::vector<std::vector<double>> theta; // effective (masked) parameters at the end of the epoch
};

// Adjoint gradient of the mean data loss against central differences
//   fd_p = (L(theta + h_p e_p) - L(theta - h_p e_p)) / (2 h_p),  h_p = step * max(1, |theta_p|).
// relative_error = max_p |adjoint_p - fd_p| / max_p |fd_p| (the largest error relative to the gradient's
// size: a per-parameter ratio is meaningless for components that are zero up to rounding);
// per_parameter_relative_error_p = |adjoint_p - fd_p| / max(|adjoint_p|, |fd_p|) (0 when both are 0).
// Masked parameters are left out (0 in every vector).
struct GradientCheck {
    bool done = false;
    double step = 0.0;
    double loss = std::nan("");
    std::vector<double> adjoint, finite_difference, per_parameter_relative_error;
    double max_abs_error = std::nan(""), relative_error = std::nan("");
};

GradientCheck check_gradient(const TrajectoryLoss& loss, std::size_t n_train, const rules::DifferentiableRule& rule,
                             const std::vector<double>& theta, double step, int threads);

struct FitResult {
    std::vector<double> theta; // raw parameters (masked entries keep their initial value)
    FitLog log;
    std::string status;            // see the header comment
    std::string note;              // human-readable explanation for "zero_rule" (empty otherwise)
    double seconds = 0.0;
    long gradient_evaluations = 0; // trajectory loss+gradient evaluations
    long skipped_steps = 0;        // Adam steps skipped because the loss or gradient was not finite
    int backtracks = 0;            // returns to the previous parameters with a halved learning rate
    double final_learning_rate = 0.0; // Adam: after the backtracks; 0 for L-BFGS
    // First-order optimality at the end point (NaN when not computed): the largest component of the
    // minimum-norm subgradient of the objective, max_i |g_i + lambda sign(theta_i)| (theta_i != 0) or
    // max(0, |g_i| - lambda) (theta_i = 0) with L1; max_i |dL/dtheta_i| otherwise. g = mean data gradient.
    double stationarity = std::nan("");
    double data_gradient_max = std::nan("");      // max_i |g_i| at the end point
    double data_gradient_max_at_zero = std::nan(""); // L1: max_i |g_i| at theta = 0 (the zero rule)
    GradientCheck gradient_check; // at theta0, when FitOptions::check_gradient
};

// Regulariser value; adds its gradient to grad when non-null.
double regularizer(const rules::DifferentiableRule& rule, const FitOptions& opt, const std::vector<double>& theta,
                   double* grad);

using LogCallback = std::function<void(int epoch, double loss, const std::vector<double>& theta)>;

FitResult fit(const TrajectoryLoss& loss, std::size_t n_train, const rules::DifferentiableRule& rule,
              std::vector<double> theta0, const FitOptions& opt, const LogCallback& on_log = {});

} // namespace plast::infer
