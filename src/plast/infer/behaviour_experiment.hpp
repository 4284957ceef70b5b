#pragma once
// Behavioural inference experiments, spec gradient-inference.md §3-5, §7-9.
//
// Simulated behaviour (run_behaviour_sim): num_train training and num_eval evaluation trajectories of
// the two-odor task from disjoint streams (split 0 / 1), generated closed-loop with the ground-truth rule.
// The student is trained open-loop (recorded inputs x', trial structure, R and E[R]) from ONE fixed
// initial-weight draw (stream "student_w0", spec §7.3). Evaluation per held-out trajectory: three
// open-loop simulations from the same fresh initial weights (stream "eval_w0") with the learned theta,
// the ground truth theta* and theta = 0: R^2 of W1 after every trial (per synapse, averaged), R^2 of the
// plastic layer's output over valid presentations (per unit, averaged), percent deviance explained
// against the theta = 0 network; median and mean over evaluation trajectories.
//
// Recorded behaviour (run_animal, fly data): `samples` trajectories that share the animal's choices and
// differ in the synthetic odor code (spec §5). Train on the first `cutoff` fraction of the trials, test on
// the rest; the test simulation starts from fresh initial weights (reference, default) or continues from
// the weights reached at the cutoff (`continue_test`). Percent deviance explained on train and test parts,
// median over samples.
#include "plast/infer/fit.hpp"
#include "plast/rate/two_odor_task.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace plast::infer {

struct BehaviourSettings {
    rate::BehaviourNetwork net = rate::BehaviourNetwork::make(2, 10);
    rate::TwoOdorTask task;
    double w_init_scale = 0.01;
    int num_train = 20, num_eval = 5;
    rate::BehaviourLossOptions loss;
};

struct BehaviourResult {
    std::uint64_t seed = 0;
    FitResult fit;
    std::vector<double> theta_eff;
    double r2_weights_median = 0, r2_weights_mean = 0, r2_activity_median = 0, r2_activity_mean = 0;
    double pdev_median = 0, pdev_mean = 0;
    std::vector<double> w_true, w_fit; // first evaluation trajectory, (n_trials + 1) x n_syn
    double mean_trial_length = 0;
};

std::vector<double> draw_weights(std::size_t n, double scale, std::uint64_t seed, const char* purpose,
                                 std::uint64_t index = 0);

BehaviourResult run_behaviour_sim(const BehaviourSettings& s, const rules::DifferentiableRule& teacher,
                                  const std::vector<double>& theta_star, const rules::DifferentiableRule& student,
                                  const std::vector<double>& theta0, const FitOptions& fopt, std::uint64_t seed,
                                  const LogCallback& on_log = {});

struct AnimalResult {
    std::string name;
    FitResult fit;
    std::vector<double> theta_eff;
    int n_trials = 0, n_train_trials = 0;
    double pdev_train = 0, pdev_test = 0; // medians over samples
};

AnimalResult run_animal(const BehaviourSettings& s, const std::string& name, const rate::ChoiceRecord& choices,
                        const rules::DifferentiableRule& student, const std::vector<double>& theta0,
                        const FitOptions& fopt, std::uint64_t seed, int samples, double cutoff, bool continue_test,
                        const LogCallback& on_log = {});

} // namespace plast::infer
