#pragma once
// ExprRateRule: an expression over the rate-network variables as a rules::DifferentiableRule, so that a
// typed or evolved expression can be fitted by gradient inference (plast infer, rule.family = "expression").
//
//   dW = eta * g(x, y, w[, r]; theta)     x presynaptic rate, y postsynaptic rate, w weight, r reward
//
// theta are the expression's named parameters (for an evolved rule: its lifted constants, see lift.hpp).
// The partial derivatives dg/dy, dg/dw and the parameter vector-Jacobian product come from one
// reverse-mode sweep of the tape (reverse.hpp); they are exact, not finite differences. x and r are data
// and get no derivative. No L1/L2 regulariser applies (the parameters are constants of a given form, not
// a sparse expansion).
#include "plast/expr/reverse.hpp"
#include "plast/rules/differentiable_rule.hpp"

#include <string>
#include <vector>

namespace plast::expr {

class ExprRateRule : public rules::DifferentiableRule {
  public:
    // The tape's inputs must be exactly (x, y, w) or (x, y, w, r).
    explicit ExprRateRule(Tape tape);
    // Input names for the two layouts.
    static std::vector<std::string> input_names(bool with_reward);

    std::string name() const override { return "expression"; }
    std::vector<std::string> inputs() const override { return rev_.tape().input_names(); }
    std::vector<std::string> param_names() const override { return rev_.tape().param_names(); }
    std::string formula(const double* theta, double tol = 0.0) const override;

    void eval_row(double x, const double* y, const double* w, double r, std::size_t n, const double* theta, double* g,
                  double* dg_dy, double* dg_dw) const override;
    void accumulate_vjp(double x, const double* y, const double* w, double r, std::size_t n, const double* theta,
                        const double* lam, double* grad) const override;
    void adjoint_row(double x, const double* y, const double* w, double r, std::size_t n, const double* theta,
                     double eta, double* wbar, double* ybar, double* grad) const override;
    bool uses_reward() const override { return with_reward_; }
    bool has_param_gradient() const override { return rev_.tape().n_params() > 0; }

    const Tape& tape() const { return rev_.tape(); }
    // The expression with theta written in as numbers (infix, every digit kept).
    std::string expression(const double* theta) const;

  private:
    // Pointers to (x, y, w, r) arrays of length n for one row (x and r broadcast).
    const double* const* row_inputs(double x, const double* y, const double* w, double r, std::size_t n) const;

    ReverseTape rev_;
    bool with_reward_ = false;
};

} // namespace plast::expr
