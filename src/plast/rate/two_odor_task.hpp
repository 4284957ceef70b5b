#pragma once
// Simulated Drosophila two-odor task, spec gradient-inference.md §4 (Mehta et al., NeurIPS 2024;
// reference data_loader.generate_experiment / generate_trial).
//
// | item            | value (defaults)                                                                  |
// |-----------------|-----------------------------------------------------------------------------------|
// | blocks          | 3 x 80 trials; reward probabilities (A, B): (0.2, 0.8), (0.9, 0.1), (0.2, 0.8)    |
// | baiting         | each trial start: rewards_in_arena[o] |= Bernoulli(p_block[o]); kept until collected |
// | within a trial  | repeat { odor ~ Bernoulli(0.5); x ~ enc(odor); p = sigmoid(logit); accept ~ Bern(p) } |
// | acceptance      | R = rewards_in_arena[odor]; slot reset; plasticity update; trial ends             |
// | expected reward | E[R]_t = mean of the last `window` collected rewards (history starts as zeros),   |
// |                 | computed before trial t                                                           |
// | odor code       | a random half S of the inputs codes A: mu_A[k] = mean if k in S else 0, mu_B the  |
// |                 | complement; x = mu_odor + input_noise_std * N(0, I)                               |
// Stored per presentation: a re-sampled x' of the same odor (the model is trained on x', as in the
// reference), the decision, the generator's output probability p (the "neural recording", plus
// optional observation noise), and per trial R and E[R]. Trials are padded to the longest trial.
// Randomness: streams keyed (seed, purpose, split, index); split 0 = training, 1 = evaluation, so
// training and evaluation trajectories are always disjoint (unlike the reference HEAD, spec §4).
#include "plast/rate/behaviour_network.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace plast::rate {

struct TwoOdorTask {
    int trials_per_block = 80;
    std::vector<std::array<double, 2>> block_probs{{0.2, 0.8}, {0.9, 0.1}, {0.2, 0.8}};
    double input_firing_mean = 0.75;
    double input_noise_std = 0.12247448713915890; // sqrt(0.015), reference HEAD
    int moving_avg_window = 10;
    double recording_noise_std = 0.0; // observation noise on the stored output probability
    int max_presentations = 1000;     // per trial; beyond it the generating rule is declared degenerate
    bool resample_inputs = true;      // store a fresh x' (reference) or the x that drove the choice
    int n_trials() const { return trials_per_block * static_cast<int>(block_probs.size()); }
};

struct OdorEncoding {
    std::vector<double> mu_a, mu_b;
    const std::vector<double>& mu(int odor) const { return odor == 0 ? mu_a : mu_b; }
};
OdorEncoding make_encoding(int n_in, double firing_mean, std::uint64_t seed, std::uint64_t split, std::uint64_t index);

// E[R]_t for every trial: mean of the previous `window` rewards with a zero-initialised history.
std::vector<double> expected_rewards(const std::vector<double>& rewards, int window);

struct GeneratedBehaviour {
    BehaviourTrajectory data;
    std::vector<double> w0;     // generator's initial W1 (n_syn)
    std::vector<double> w_true; // (n_trials + 1) x n_syn under the generating rule
    std::vector<int> odor;      // per cell, -1 on padded cells
};

// Closed-loop generation with the generating rule theta_star; W1(0) = w_scale * N(0, 1).
GeneratedBehaviour generate_behaviour(const TwoOdorTask& task, const BehaviourNetwork& net,
                                      const rules::DifferentiableRule& rule, const double* theta_star, double w_scale,
                                      std::uint64_t seed, std::uint64_t split, std::uint64_t index);

// Recorded choices of one animal (fly data, spec §5): per event the odor (0 = A, 1 = B) and the
// decision, per accepted event the reward. Events after the last acceptance are dropped.
struct ChoiceRecord {
    std::vector<int> odor;
    std::vector<int> accept;
    std::vector<double> reward; // one per acceptance
};

// Open-loop trajectory from recorded choices, with synthetic inputs: sample `sample` redraws the odor
// code and one frozen noise vector per odor (all presentations of an odor are identical in a sample).
BehaviourTrajectory trajectory_from_choices(const ChoiceRecord& rec, int n_in, double firing_mean, double noise_std,
                                            int window, std::uint64_t seed, std::uint64_t sample);

} // namespace plast::rate
