#pragma once
// Explicit linear rate toy rule of "Memory by accident" (Confavreux, Dorrell, Patel, Saxe 2025, §4, A.3).
//
// Network: y = w·x, inputs x non-negative with ||x||_2 = 1, weights unconstrained.
// General 4-parameter family (rate analogues of post-only, Hebbian, pre-only and constant terms):
//     dw_i/dt = eta (theta0·y + theta1·x_i·y + theta2·x_i + theta3)
// Requiring y = y* to be a fixed point for every input gives theta2 = -theta1·y*, theta3 = -theta0·y*:
//     dw/dt = eta·u·(y - y*),   u = theta0·1 + theta1·x                         (reduced family)
// theta0 = 0, theta1 = -1 is gradient descent on (y - y*)^2 / 2; theta1 = 0 is purely non-Hebbian.
//
// Stability: the system is affine and rank one; its only non-zero eigenvalue (per unit eta) is
//     lambda(x) = u·x = theta0·sum_i x_i + theta1
// and sum_i x_i ranges over [1, sqrt(N)] for allowed inputs, so the rule is stable for every
// allowed input iff theta0 + theta1 < 0 and sqrt(N)·theta0 + theta1 < 0.
// Forward Euler additionally needs |1 + eta·lambda| < 1.
//
// Fixed point (reduced family): w moves along u until it reaches W*_x = {w : w·x = y*}:
//     w_final = w + u·(y* - w·x)/(u·x)
// The error e = w·x - y* obeys e_{k+1} = (1 + eta·lambda)·e_k under Euler, so the convergence time
// to |e| <= rho is about ln(|e0|/rho)/(eta·|lambda|): eta sets the speed, not the fixed point.
//
// The rule itself (g = dw/dt / eta) is the rule family ExplicitRuleFamily (explicit_rule_family.hpp):
// ExplicitRule is one point of it (the parameters and the form), plus the closed-form analysis below.
// drift() and the A-B-A simulation (aba_task.cpp) evaluate the rule through the family.
#include "plast/toy/explicit_rule_family.hpp"

#include <Eigen/Core>

#include <vector>

namespace plast::toy {

struct ExplicitRule {
    double theta0 = 0.0, theta1 = -1.0; // post-only, Hebbian
    double theta2 = 0.0, theta3 = 0.0;  // pre-only, constant (general form only)
    bool reduced = true;                // true: theta2, theta3 follow from y* (the 2-parameter family)

    static ExplicitRule reduced_rule(double t0, double t1) { return {t0, t1, 0.0, 0.0, true}; }
    static ExplicitRule general_rule(double t0, double t1, double t2, double t3) { return {t0, t1, t2, t3, false}; }

    // Effective (theta2, theta3) for a target y*.
    double pre_term(double y_target) const { return reduced ? -theta1 * y_target : theta2; }
    double const_term(double y_target) const { return reduced ? -theta0 * y_target : theta3; }

    // The family of this form (y* is a constant of the reduced family) and the parameters in its order.
    ExplicitRuleFamily family(double y_target) const
    {
        return reduced ? ExplicitRuleFamily::reduced(y_target) : ExplicitRuleFamily::general();
    }
    std::vector<double> params() const
    {
        if (reduced) return {theta0, theta1};
        return {theta0, theta1, theta2, theta3};
    }

    // dw/dt / eta at weights w for input x (through the family).
    Eigen::VectorXd drift(const Eigen::VectorXd& w, const Eigen::VectorXd& x, double y_target) const;

    // Non-zero eigenvalue of the linearised dynamics per unit eta for input x: theta0·sum(x) + theta1.
    double eigenvalue(const Eigen::VectorXd& x) const { return theta0 * x.sum() + theta1 * x.squaredNorm(); }

    // Stable for every non-negative unit-norm input in N dimensions.
    bool stable_for_all_inputs(int n_inputs) const;

    // Closed-form fixed point reached from w under input x (reduced family; requires u·x != 0).
    Eigen::VectorXd fixed_point(const Eigen::VectorXd& w, const Eigen::VectorXd& x, double y_target) const;
};

} // namespace plast::toy
