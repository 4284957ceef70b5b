#pragma once
// Optimisers for rule parameters.
//
// Adam (Kingma & Ba 2015) with bias correction; reference settings lr 1e-3, beta1 0.9, beta2 0.999,
// eps 1e-8 (spec gradient-inference.md §7.3).
// L-BFGS from NLopt (libnlopt-cxx-dev, algorithm LD_LBFGS) on a deterministic full-batch objective:
// copes with the nearly collinear Taylor terms of the small-input Oja setting (spec §6), where
// Adam's per-coordinate steps crawl along the ill-conditioned directions.
#include <functional>
#include <string>
#include <vector>

namespace plast::infer {

class Adam {
  public:
    explicit Adam(std::size_t n, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8);
    void step(std::vector<double>& theta, const std::vector<double>& grad);
    // Proximal step for l1 * sum_i mask_i |theta_i|: an Adam step on the smooth gradient, then
    // soft-thresholding of each coordinate by lr * l1 / (sqrt(v_hat_i) + eps), the proximal operator of the
    // L1 term in Adam's own diagonal metric (so that exact zeros occur).
    void prox_l1_step(std::vector<double>& theta, const std::vector<double>& grad, double l1,
                      const std::vector<double>& mask);
    long steps() const { return t_; }
    // Backtracking after a step into a region where the rule blows up: a smaller step size and
    // moments forgotten (they point where the step went).
    void backtrack(double lr_factor);
    double learning_rate() const { return lr_; }
    // The whole state (learning rate after backtracks, step count, moments), for checkpoints: a restored
    // optimiser continues exactly as the saved one would have.
    struct State {
        double lr = 0.0;
        long t = 0;
        std::vector<double> m, v;
    };
    State state() const { return {lr_, t_, m_, v_}; }
    void restore(const State& s);

  private:
    double lr_, b1_, b2_, eps_;
    long t_ = 0;
    std::vector<double> m_, v_;
};

// Objective: returns f(theta) and writes grad (same size as theta).
using Objective = std::function<double(const std::vector<double>& theta, std::vector<double>& grad)>;

struct LbfgsResult {
    double f = 0.0;
    int evaluations = 0;
    std::string status; // NLopt's result code as text
};

// Minimise with L-BFGS; `callback(evaluation, f, theta)` is called after each evaluation.
LbfgsResult minimize_lbfgs(const Objective& f, std::vector<double>& theta, int max_evaluations, double ftol_rel,
                           const std::function<void(int, double, const std::vector<double>&)>& callback = {});

} // namespace plast::infer
