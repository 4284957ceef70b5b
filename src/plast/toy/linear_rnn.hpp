#pragma once
// Linear rate RNN with a target activity ("Memory by accident" Fig. S3; spec §12.6).
//
// N units with non-negative activities (linear-threshold, i.e. rectified at 0), recurrent weights W
// (row = post, column = pre) and plastic input weights U (N x N, input x of size N):
//     h = [W h + U x]_+                                     (the network's fixed point)
// Choice where the paper is silent: learning is quasi-static. Each learning step first relaxes the rates
// to their fixed point (forward Euler of tau dh/dt = -h + [W h + U x]_+ with dt/tau = 0.2, warm-started
// from the previous h, until max|dh| <= 1e-12 (1 + max h)), then applies one rule step with rate eta.
// All weights (W and U) are plastic and unconstrained in sign; only activities are clipped.
// Rules (e = h_tg - h, pre = h for W and x for U):
//     hebbian:      dW = eta e h^T,   dU = eta e x^T
//     non_hebbian:  dW = eta e 1^T,   dU = eta e 1^T
//     gradient:     online gradient descent on L = |h - h_tg|^2 / 2 through the fixed point:
//                   g = D (I - D W)^{-T} e  (D = active units),  dW = eta g h^T,  dU = eta g x^T
// The Hebbian rule is the gradient rule without the recurrent factor (I - D W)^{-T} (the delta rule).
//
// A-B-A protocol (as aba_task): phase A (x_A, from W0, U0) -> W_A; phase B (x_B) -> W_B; phase A'
// (x_A) -> W_A'. Each phase runs `steps` learning steps; it converged when max|h - h_tg| <= rho.
// Memory measures:
//     weight_change = ||(W, U)_A' - (W, U)_A||_F          (the N-D proxy of spec §12.2)
//     RI            = 1 - |h_B(A') - h_tg| / |h_B(A) - h_tg|
// where h_B(.) is the response to x_B with those weights: does the network keep a trace of B after
// returning to A? RI > 0: closer to a network that is at target for both inputs.
// Derived property: under the non-Hebbian rule every update is e 1^T, so W = W0 + C 1^T, U = U0 + C 1^T with
// one accumulated vector C; with all units active the target condition for input x fixes C uniquely,
//     C = (h_tg - W0 h_tg - U0 x) / (1^T h_tg + 1^T x),
// so A' returns exactly to W_A (weight_change = RI = 0: no input-specific storage). The Hebbian and
// gradient updates move along h^T and x^T, which depend on the input, so they store a trace.
// A run "diverged" when the relaxation does not settle (spectral radius of D W >= 1) or |h| > h_max.
#include <Eigen/Core>

#include <string>
#include <vector>

namespace plast::toy {

struct LinearRnn {
    enum class Rule { hebbian, non_hebbian, gradient };
    Rule rule = Rule::hebbian;
    Eigen::MatrixXd w0, u0; // N x N
    Eigen::VectorXd h_tg;   // N
    double eta = 0.01;
    double h_max = 1e3;
    int n() const { return static_cast<int>(h_tg.size()); }

    static Rule parse_rule(const std::string& s);
    static const char* rule_name(Rule r);
    // Relax h to the fixed point for (W, U, x); false when it does not settle or leaves [0, h_max].
    bool relax(const Eigen::MatrixXd& w, const Eigen::MatrixXd& u, const Eigen::VectorXd& x, Eigen::VectorXd& h) const;
    // One rule step at the relaxed h.
    void update(Eigen::MatrixXd& w, Eigen::MatrixXd& u, const Eigen::VectorXd& x, const Eigen::VectorXd& h) const;
};

struct LinearAbaTask {
    Eigen::VectorXd x_a, x_b;
    long steps = 4000; // learning steps per phase
    double rho = 1e-3;
    long record_every = 20;
};

struct LinearAbaResult {
    std::string status; // "converged", "not_converged", "diverged"
    Eigen::MatrixXd w_a, w_b, w_a2, u_a, u_b, u_a2;
    double err_a = 0, err_b = 0, err_a2 = 0;  // max|h - h_tg| at the end of each phase
    double weight_change = 0.0, ri = 0.0;     // NaN unless converged
    double err_b_before = 0, err_b_after = 0; // |h_B - h_tg| with W_A and W_A'
    // Rows: step, phase (0 A, 1 B, 2 A'), |h - h_tg|, ||(W, U) - (W, U)_0||_F, h_0..h_{N-1}.
    std::vector<std::vector<double>> trajectory;
};

LinearAbaResult run_linear_aba(const LinearRnn& net, const LinearAbaTask& task);

} // namespace plast::toy
