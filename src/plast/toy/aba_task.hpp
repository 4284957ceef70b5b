#pragma once
// The A-B-A familiarity task of the rate toy models ("Memory by accident" A.3.1).
//
// Start at w0 (on W*_{x_bg}); present x_stim (phase B) for `epochs` Euler steps, then x_bg again
// (phase A'). Memory is read from where the weights end up:
//   w_cap = the w with w·x_bg = y* and w·x_stim = y* (2-D only: intersection of the two lines)
//   RI    = (||w_bg - w_cap|| - ||w_bg' - w_cap||) / ||w_bg - w_cap||      (2-D)
//   RI    = ||w_bg' - w_bg||                                               (N-D proxy, N > 2)
// RI = 0 means no memory, RI > 0 moved towards weights that stabilise both inputs.
// tau (per phase) = first Euler step after which |y - y*| <= rho.
#include "plast/toy/explicit_rule.hpp"
#include "plast/toy/implicit_rule.hpp"

#include <Eigen/Core>

#include <string>
#include <vector>

namespace plast::toy {

struct AbaSetup {
    Eigen::VectorXd x_bg, x_stim, w0;
    double y_target = 1.0;
    double eta = 0.01;
    long epochs = 20000; // Euler steps per phase
    double rho = 0.01;
    long record_every = 0; // >0: keep a trajectory sample every that many steps

    int dim() const { return static_cast<int>(x_bg.size()); }
    // The 2-D setting of the paper: angles pi/6 and pi/6 + pi/4, w0 = (1, 0.27).
    static AbaSetup paper_2d();
};

// Outcome of one protocol run. Status values:
//   "converged"      every phase reached |y - y*| <= rho
//   "not_converged"  a phase ended with |y - y*| > rho but bounded
//   "diverged"       the error grew past 1e8 (lambda >= 0 or Euler unstable); stopped, weights finite
//   "no_fixed_point" implicit rule with a metric that is not PSD (no closest point exists)
struct AbaResult {
    std::string status;
    bool stable_all_inputs = false; // analytic condition for every allowed input
    double lambda_bg = 0.0, lambda_stim = 0.0;
    Eigen::VectorXd w_after_b, w_after_a;
    double tau_b = -1.0, tau_a = -1.0; // steps; -1 when not reached
    double ri = 0.0;                   // NaN unless converged
    double dist_end_start = 0.0;       // ||w_bg' - w_bg||
    std::string label() const;         // "stable", "unstable" or "not_converged"
    // Trajectory samples (step, phase index, w..., y) when record_every > 0.
    std::vector<std::vector<double>> trajectory;
};

// w_cap for 2-D inputs (throws if the inputs are parallel).
Eigen::VectorXd w_capture(const AbaSetup& s);
double relative_improvement(const AbaSetup& s, const Eigen::VectorXd& w_bg, const Eigen::VectorXd& w_bg_after);

AbaResult run_aba(const ExplicitRule& rule, const AbaSetup& s);
AbaResult run_aba(const ImplicitRule& rule, const AbaSetup& s);

} // namespace plast::toy
