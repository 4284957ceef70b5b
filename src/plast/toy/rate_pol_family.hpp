#pragma once
// The 2RNN's plasticity rule (two_neuron_rnn.hpp) as a rule family of the one rule model.
//
// The rate equivalent of the 6pPol spike rule: inputs (x, y, w) = (presynaptic rate r_X, postsynaptic
// rate r_Y, weight; w unused), parameters (alpha, beta, gamma):
//     g = alpha·x + beta·y + gamma·x·y           name "toy_rate_pol"
// The 2RNN applies dw/dt = eta·g per weight (eta is the synapse's learning rate, kept outside the family so
// that eta = 0 marks a static weight). Exact derivatives: dg/dy = beta + gamma·x, dg/dw = 0,
// dg/dtheta = (x, y, x·y). The inline kernel g() is the one definition of the arithmetic; the 2RNN's Euler
// loop calls it directly (four weights per time step, millions of steps: no virtual call per weight), and the
// operation order is the historical one, ((alpha·x + beta·y) + (gamma·x)·y), so results are bit-identical.
#include "plast/rules/differentiable_rule.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace plast::toy {

class RatePolFamily : public rules::DifferentiableRule {
  public:
    static double g(double x, double y, const double* theta) { return theta[0] * x + theta[1] * y + theta[2] * x * y; }

    std::string name() const override { return "toy_rate_pol"; }
    std::vector<std::string> inputs() const override { return {"x", "y", "w"}; }
    std::vector<std::string> param_names() const override { return {"alpha", "beta", "gamma"}; }
    // Terms in the order x, y, x*y, coefficients as "%.4g" (as TaylorRule), |c| <= tol dropped: "1*x - 1*x*y".
    std::string formula(const double* theta, double tol = 0.0) const override;

    void eval_row(double x, const double* y, const double* w, double r, std::size_t n, const double* theta, double* g,
                  double* dg_dy, double* dg_dw) const override;
    void accumulate_vjp(double x, const double* y, const double* w, double r, std::size_t n, const double* theta,
                        const double* lam, double* grad) const override;
    bool uses_reward() const override { return false; }
    void evaluate(const double* const* inputs, std::size_t n, const double* theta, double* out) const override;
};

} // namespace plast::toy
