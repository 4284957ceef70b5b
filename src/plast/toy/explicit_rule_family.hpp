#pragma once
// The explicit toy rule of "Memory by accident" (explicit_rule.hpp) as a rule family of the one rule model.
//
// Inputs (x, y, w): presynaptic activity x_i, postsynaptic activity y = w·x, weight w_i (unused: the
// rule does not depend on w, dg/dw = 0). Two forms:
//     general ("toy_explicit", theta0..theta3):
//         g = (theta0·y + theta3) + (theta1·y + theta2)·x
//     reduced ("toy_explicit_reduced", theta0, theta1; y* a fixed constant of the family):
//         g = u·(y - y*),  u = theta0 + theta1·x
// The reduced form is the general one with theta2 = -theta1·y*, theta3 = -theta0·y*, written as a product
// so that g is exactly 0 at y = y* for every x (no cancellation between large terms). Its dg/dy = u does not
// depend on y or w; the toy's Euler step uses that (aba_task.cpp). The toy model's weight update is
// w ← w + eta·g (eta is the task's learning rate, not a parameter of the family).
//
// The arithmetic (operation order) is the toy model's historical one, so results through the family are
// bit-identical to the closed-form code this replaced. The scalar kernels below are the only place where
// the rule is evaluated. Exact derivatives: dg/dy = theta0 + theta1·x (both forms), dg/dw = 0,
// dg/dtheta = (y, x·y, x, 1) (general) or ((y - y*), x·(y - y*)) (reduced).
#include "plast/rules/differentiable_rule.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace plast::toy {

class ExplicitRuleFamily : public rules::DifferentiableRule {
  public:
    static ExplicitRuleFamily general() { return ExplicitRuleFamily(false, 0.0); }
    static ExplicitRuleFamily reduced(double y_target) { return ExplicitRuleFamily(true, y_target); }

    bool is_reduced() const { return reduced_; }
    double y_target() const { return y_target_; } // y* (reduced form; 0 and unused for the general form)

    // g at one synapse; the one definition of the rule's arithmetic.
    double g(double x, double y, const double* theta) const
    {
        if (reduced_) return (theta[0] + theta[1] * x) * (y - y_target_);
        return (theta[0] * y + theta[3]) + (theta[1] * y + theta[2]) * x;
    }
    static double dg_dy(double x, const double* theta) { return theta[0] + theta[1] * x; }

    std::string name() const override { return reduced_ ? "toy_explicit_reduced" : "toy_explicit"; }
    std::vector<std::string> inputs() const override { return {"x", "y", "w"}; }
    std::vector<std::string> param_names() const override;
    // Terms in the fixed order y, x*y, x, 1 with coefficients as "%.4g" (as TaylorRule), |c| <= tol dropped.
    // General: e.g. "0.5*y - 1*x*y + 0.2*x + 0.1"; reduced: e.g. "(0.5 - 1*x)*(y - 1)", "-1*x*(y - 1)".
    std::string formula(const double* theta, double tol = 0.0) const override;

    void eval_row(double x, const double* y, const double* w, double r, std::size_t n, const double* theta, double* g,
                  double* dg_dy, double* dg_dw) const override;
    void accumulate_vjp(double x, const double* y, const double* w, double r, std::size_t n, const double* theta,
                        const double* lam, double* grad) const override;
    bool uses_reward() const override { return false; }
    // Direct loop over (x, y, w) triples (the base class calls eval_row once per element).
    void evaluate(const double* const* inputs, std::size_t n, const double* theta, double* out) const override;

  private:
    ExplicitRuleFamily(bool reduced, double y_target) : reduced_(reduced), y_target_(y_target) {}
    bool reduced_;
    double y_target_;
};

} // namespace plast::toy
