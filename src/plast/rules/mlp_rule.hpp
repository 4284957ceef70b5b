#pragma once
// MLP rule family of Mehta et al. (NeurIPS 2024), spec gradient-inference.md §2.2.
//
//   g = tanh( W_out · leaky_relu( W_h · u + b_h ) + b_out ),   u = (x, y, w, r)  or (x, y, w)
//
// Hidden width H (default 10), leaky-ReLU negative slope 0.01, |g| < 1. Parameter order:
//   W_h[h][i] (H x n_in, row-major), b_h[h] (H), W_out[h] (H), b_out (1)
// = 4·10 + 10 + 10 + 1 = 61 parameters for the default. Initialisation (see init_theta):
// 0.01·N(0, 1) on every entry from independent streams; `legacy_shared_key` reproduces the reference's
// quirk of drawing every layer from the same key (same normal sequence restarted per tensor).
// No regularisation term applies to the MLP (as in the reference).
#include "plast/rules/differentiable_rule.hpp"

#include <cstdint>

namespace plast::rules {

class MlpRule : public DifferentiableRule {
  public:
    MlpRule(bool with_reward, int hidden = 10, double negative_slope = 0.01);

    std::string name() const override { return "mlp"; }
    std::vector<std::string> inputs() const override;
    std::vector<std::string> param_names() const override;
    std::string formula(const double* theta, double tol = 0.0) const override;

    void eval_row(double x, const double* y, const double* w, double r, std::size_t n, const double* theta, double* g,
                  double* dg_dy, double* dg_dw) const override;
    void accumulate_vjp(double x, const double* y, const double* w, double r, std::size_t n, const double* theta,
                        const double* lam, double* grad) const override;
    bool uses_reward() const override { return with_reward_; }

    int hidden() const { return hidden_; }
    int n_inputs() const { return with_reward_ ? 4 : 3; }
    std::vector<double> init_theta(std::uint64_t seed, double scale = 0.01, bool legacy_shared_key = false) const;

  private:
    bool with_reward_;
    int hidden_;
    double slope_;
};

} // namespace plast::rules
