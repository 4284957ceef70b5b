#pragma once
// Fitting loop of gradient inference, spec gradient-inference.md §7.2-7.3.
//
// L(theta) = data loss + lambda * sum |theta ⊙ mask|   (L1)   or   lambda * sum (theta ⊙ mask)^2   (L2)
// Adam (reference): one step per batch of `batch_size` consecutive training trajectories (1 = the
// reference's one step per trajectory), looping over the trajectories in order, for epochs 0 … num_epochs
// inclusive. Gradients of a batch are computed in parallel into per-trajectory slots and summed in
// trajectory order, so results do not depend on the thread count.
// L-BFGS (NLopt): full-batch mean loss, deterministic; one "epoch" in the log = one objective evaluation.
// A batch whose loss or gradient is not finite (the rule blows up) is skipped and counted; an epoch with no
// finite batch ends the fit as "diverged" (a result, not an error).
#include "plast/rules/differentiable_rule.hpp"

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
};

// Data loss of training trajectory k; when grad is non-null adds dL/dtheta to it. Must be thread-safe.
using TrajectoryLoss = std::function<double(std::size_t k, const std::vector<double>& theta, double* grad)>;

struct FitLog {
    std::vector<int> epoch;
    std::vector<double> loss;               // mean training loss of the epoch (data + regulariser)
    std::vector<std::vector<double>> theta; // effective (masked) parameters at the end of the epoch
};

struct FitResult {
    std::vector<double> theta; // raw parameters (masked entries keep their initial value)
    FitLog log;
    std::string status = "converged"; // "converged", "diverged" (non-finite loss), "backtrack_limit", or the L-BFGS stop reason
    double seconds = 0.0;
    long gradient_evaluations = 0; // trajectory loss+gradient evaluations
    long skipped_steps = 0;        // Adam steps skipped because the loss or gradient was not finite
    int backtracks = 0;            // returns to the previous parameters with a halved learning rate
    double final_learning_rate = 0.0; // Adam: after the backtracks; 0 for L-BFGS
};

// Regulariser value; adds its gradient to grad when non-null.
double regularizer(const rules::DifferentiableRule& rule, const FitOptions& opt, const std::vector<double>& theta,
                   double* grad);

using LogCallback = std::function<void(int epoch, double loss, const std::vector<double>& theta)>;

FitResult fit(const TrajectoryLoss& loss, std::size_t n_train, const rules::DifferentiableRule& rule,
              std::vector<double> theta0, const FitOptions& opt, const LogCallback& on_log = {});

} // namespace plast::infer
