#pragma once
// Behavioural plastic network of the two-odor task, spec gradient-inference.md §3 (Mehta et al., NeurIPS 2024).
//
//   3-layer [n_in, H, 1]:  y = act(x·W1 + b1) (act = tanh, or sigmoid), logit = y·W2 + b2, p(accept) = sigmoid(logit)
//   2-layer [n_in, 1]:     logit = x·W1 + b1, and "y" in the rule is the logit
// Only W1 is plastic. After every trial (rejections cause no plasticity), with x, y of the accepted
// (last) presentation of the trial:
//   r_t    = R_t - E[R]_t   (centred, reference default)   or   r_t = R_t   (raw, Fig. 4E/F)
//   W1_ij <- W1_ij + eta * g_theta(x_i, y_j, W1_ij, r_t),   eta = 1 / n_in
// No clipping, no normalisation. Initialisation of the fixed layers: b1 = 0, W2 = 5/H every entry, b2 = 0
// (scale 0.01 for W1 is drawn by the caller).
//
// Loss of one open-loop trajectory (inputs, trial structure, R and E[R] from the data):
//   BCE  (reference padding): sum over valid cells of softplus(z) - d·z, plus log 2 per padded cell,
//        divided by n_trials · max_len (spec §7.2); or (valid-only) divided by the number of valid cells.
//   MSE  (fit to the generator's output probability): sum over valid cells of (sigmoid(z) - m)^2 divided
//        by the same denominator (m = recording + observation noise, fixed when the data were made).
// dL/dtheta by a hand-written adjoint through every trial (no truncation).
#include "plast/rules/differentiable_rule.hpp"

#include <vector>

namespace plast::rate {

struct BehaviourNetwork {
    int n_in = 2;
    int n_hidden = 10; // 0 = 2-layer network
    bool sigmoid_hidden = false;
    bool centered_reward = true;
    double eta = 0.5;
    std::vector<double> b1, w2; // n_post, n_hidden
    double b2 = 0.0;

    int n_post() const { return n_hidden > 0 ? n_hidden : 1; }
    std::size_t n_syn() const { return static_cast<std::size_t>(n_in) * static_cast<std::size_t>(n_post()); }
    // Reference initialisation of the fixed layers (b1 = 0, W2 = 5/H, b2 = 0, eta = 1/n_in).
    static BehaviourNetwork make(int n_in, int n_hidden, bool sigmoid_hidden = false, bool centered_reward = true);
    // One presentation: fills y (n_post) and returns the logit.
    double forward(const double* W, const double* x, double* y) const;
};

// Open-loop data of one trajectory. Cells are (trial, step) with step < max_len; padded cells have
// decision NaN and zero input.
struct BehaviourTrajectory {
    int n_trials = 0, max_len = 0, n_in = 0;
    std::vector<int> len;                        // presentations per trial, >= 1 (the last is the accepted one)
    std::vector<double> x;                       // n_trials x max_len x n_in
    std::vector<double> decision;                // n_trials x max_len (0 reject, 1 accept, NaN padded)
    std::vector<double> recording;               // n_trials x max_len generator output probability (may be empty)
    std::vector<double> reward, expected_reward; // n_trials
    std::size_t cells() const { return static_cast<std::size_t>(n_trials) * static_cast<std::size_t>(max_len); }
    std::size_t valid_cells() const;
    // The same data restricted to trials [first, first + count).
    BehaviourTrajectory slice(int first, int count) const;
};

struct BehaviourRecord {
    std::vector<double> w;     // (n_trials + 1) x n_syn
    std::vector<double> y;     // cells x n_post (plastic-layer output, 0 on padded cells)
    std::vector<double> logit; // cells
    bool finite = true;
};

struct BehaviourLossOptions {
    bool bce = true;
    bool mse = false;
    bool reference_padding = true; // BCE mean over all padded cells (constant log 2 each)
};

void simulate(const BehaviourNetwork& net, const rules::DifferentiableRule& rule, const double* theta,
              const BehaviourTrajectory& traj, const double* w0, BehaviourRecord& rec);

double behaviour_loss(const BehaviourNetwork& net, const rules::DifferentiableRule& rule, const double* theta,
                      const BehaviourTrajectory& traj, const double* w0, const BehaviourLossOptions& opt, double* grad,
                      BehaviourRecord& rec);

// Reward signal of trial t as the rule sees it.
inline double reward_signal(const BehaviourNetwork& net, const BehaviourTrajectory& traj, int t)
{
    return net.centered_reward ? traj.reward[t] - traj.expected_reward[t] : traj.reward[t];
}

} // namespace plast::rate
