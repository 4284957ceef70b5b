#pragma once
// Rate-network rules that gradient inference can differentiate through (Taylor, MLP).
//
// The rate networks evaluate a rule one presynaptic row at a time: one presynaptic activity x,
// the postsynaptic activities y[k] and weights w[k] of its n synapses, and one scalar reward r
// (ignored by 3-variable families). The adjoint needs the partial derivatives of g with respect to
// the state that depends on theta (y and w; x and r are data) and the vector-Jacobian product
// sum_k lam[k] * dg_k/dtheta. Both are exact (no finite differences).
#include "plast/rules/rule_family.hpp"

#include <cstddef>
#include <vector>

namespace plast::rules {

class DifferentiableRule : public RuleFamily {
  public:
    // g[k] = g_theta(x, y[k], w[k], r); dg_dy / dg_dw may be null.
    virtual void eval_row(double x, const double* y, const double* w, double r, std::size_t n, const double* theta,
                          double* g, double* dg_dy, double* dg_dw) const = 0;
    // grad[p] += sum_k lam[k] * d g(x, y[k], w[k], r) / d theta_p.
    virtual void accumulate_vjp(double x, const double* y, const double* w, double r, std::size_t n,
                                const double* theta, const double* lam, double* grad) const = 0;
    // One reverse step through W' = W + eta * g(x, y, W, r) for one presynaptic row, fused for speed:
    // on entry wbar[k] = dL/dW'[k]; adds sum_k wbar[k] dg_k/dtheta to grad (unscaled by eta),
    // adds eta * wbar[k] * dg_k/dy to ybar[k], and leaves wbar[k] = dL/dW[k] through this path,
    // wbar[k] * (1 + eta * dg_k/dw). The default calls eval_row and accumulate_vjp.
    virtual void adjoint_row(double x, const double* y, const double* w, double r, std::size_t n, const double* theta,
                             double eta, double* wbar, double* ybar, double* grad) const;
    // Whether r enters the rule (4-variable families).
    virtual bool uses_reward() const = 0;
    // 1 for trainable parameters, 0 for masked ones (masked parameters have no effect and zero gradient).
    virtual std::vector<double> param_mask() const { return std::vector<double>(n_params(), 1.0); }
    // Whether L1/L2 regularisation applies (Taylor: yes; MLP: no, as in the reference).
    virtual bool regularised() const { return false; }
    // The parameters as the rule uses them (masked entries zeroed), for printing and logging.
    std::vector<double> effective(const std::vector<double>& theta) const;

    // RuleFamily batched evaluation in terms of eval_row: inputs x, y, w[, r] per element.
    void evaluate(const double* const* inputs, std::size_t n, const double* theta, double* out) const override;
    bool has_param_gradient() const override { return true; }
    void param_gradient(const double* const* inputs, std::size_t n, const double* theta, double* grad) const override;
};

} // namespace plast::rules
