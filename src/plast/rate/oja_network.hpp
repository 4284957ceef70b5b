#pragma once
// Single-layer plastic rate network of the neural-activity setting (Oja recovery),
// spec gradient-inference.md §6 (Mehta et al., NeurIPS 2024, Section 3, Fig. 2).
//
//   y(t)      = sigmoid( W(t) x(t) )                              n_out postsynaptic rates
//   W(t+1)_ij = W(t)_ij + eta * g_theta( x_j(t), y_i(t), W(t)_ij )  eta = 1 (paper)
//
// Observation model: m_i(t) = y_i(t) + noise, recorded for the observed neurons only.
// Loss of one trajectory (teacher forcing on x; the student starts from the recorded W(0)):
//   L = factor * mean over observed (t, i) of ( y_i(t) - m_i(t) )^2       factor = 1/2 (Oja code) or 1
// Weights are stored presynaptic-major: w[j * n_out + i] = W_ij, so that one presynaptic row is contiguous
// (the rule is evaluated one row at a time).
//
// Gradients: activity_loss() returns dL/dtheta by a hand-written adjoint (reverse pass through every
// step, no truncation) over the stored forward trajectory; exact up to round-off.
#include "plast/rules/differentiable_rule.hpp"

#include <cstdint>
#include <vector>

namespace plast::rate {

struct OjaNetwork {
    int n_in = 10, n_out = 10;
    double eta = 1.0;
    std::size_t n_syn() const { return static_cast<std::size_t>(n_in) * static_cast<std::size_t>(n_out); }
};

// One recorded trajectory.
struct OjaTrajectory {
    int steps = 0;
    std::vector<double> x;              // steps x n_in
    std::vector<double> w0;             // n_in x n_out (presynaptic-major)
    std::vector<double> activity;       // steps x n_out recorded rates (noise included)
    std::vector<std::uint8_t> observed; // n_out, 1 = recorded
};

// Forward trajectory: w is (steps + 1) x n_syn (W(0) ... W(steps)), y is steps x n_out.
struct OjaRecord {
    std::vector<double> w, y;
    bool finite = true;                   // false when the rule produced NaN/Inf (recorded as a result, not an error)
    std::vector<double> wbar, ybar, u, g; // adjoint / forward scratch, kept to avoid reallocation
};

void simulate(const OjaNetwork& net, const rules::DifferentiableRule& rule, const double* theta, const double* x,
              const double* w0, int steps, OjaRecord& rec);

// Data loss of one trajectory; when grad is non-null, dL/dtheta is added to grad[0 .. n_params).
// rec is scratch (reused between calls to avoid allocation).
double activity_loss(const OjaNetwork& net, const rules::DifferentiableRule& rule, const double* theta,
                     const OjaTrajectory& traj, double factor, double* grad, OjaRecord& rec);

// Sensitivity of the recorded activity to theta for a 3-variable Taylor rule (27 coefficients, canonical
// order, masked terms inactive): a tangent-linear pass carries dW(t)/dtheta for all 27 directions along
// the trajectory (exact up to round-off) and accumulates
//   jtj += sum over steps t and observed neurons i of  J_ti^T J_ti,   J_ti = d y_i(t) / d theta  (27-vector).
// jtj is 27 x 27, row-major. Returns the number of rows (steps x observed neurons) added. At theta = the
// generating rule on noise-free data, the Hessian of the loss is 2 * factor / rows * jtj (Gauss-Newton exact).
std::size_t activity_jtj(const OjaNetwork& net, const std::vector<double>& mask27, const double* theta,
                         const OjaTrajectory& traj, double* jtj);

} // namespace plast::rate
