#pragma once
// E2L task (b): error-driven learning (evolving-rules §3; Jordan et al. 2021 §4.6, App. 1 table 2).
//
// n_inputs Poisson inputs (rates r_i ~ U[rate_min, rate_max] Hz, constant per experiment, spikes on
// the h grid, delay 1 ms) drive a teacher and a student neuron: NEST iaf_psc_exp without reset
// (reset_after_spike = false), so both potentials are deterministic leaky integrations:
//   V <- V P22 + I P21,   I <- I P11 + sum_j w_j n_j(t)          (psp_kernel.hpp)
// Teacher weights are static, w ~ U[w_lo, w_hi] + w_shift (code: shift always +15; option
// random_sign: +-15 at random as in the paper). Student weights start at w0 and are plastic.
// Every target_interval (5 ms) the teacher's potential v is copied into the student's u_target.
// Per step and synapse (time-driven rule, §3.2):
//   d   = f(v = u_target, u = E_L + V_student, sbar = PSP_j)    [absolute mV; PSP per 1 pA]
//   I_j <- I_j exp(-h/tau_I) + (1 - exp(-h/tau_I)) d           (low-pass, tau_I = 100 ms)
//   w_j <- w_j + eta I_j h                                     (eta = 1.7)
// The synapse transmits with the weight it had at the start of each 1 ms (min-delay) block, so a
// whole block's rule evaluations are independent of the block's own updates: the rule is evaluated
// as one batch of n_inputs x steps_per_block values (the hot path).
// Fitness (as coded, §3.3): potentials sampled every 1 ms, the first 10 % dropped,
//   F_k = -sqrt(sum (u - v)^2),  F = mean_k F_k  (maximised; 0 unreachable); invalid rule -> -inf.
//
// Parameters (section [error]):
// | key               | default | meaning                                           |
// |-------------------|---------|---------------------------------------------------|
// | n_experiments     | 15      | experiments per fitness (seed + k, k = 0..)       |
// | seed              | 1235    | experiment k draws everything from (seed + k)     |
// | duration          | 10000   | trial length T [ms]                               |
// | h                 | 0.01    | resolution [ms]                                   |
// | n_inputs          | 5       | Poisson inputs                                    |
// | rate_min/rate_max | 150/850 | input rates [Hz]                                  |
// | w_teacher_lo/hi   | -20/20  | teacher weight range before the shift [pA]        |
// | w_shift           | 15      | teacher weight shift [pA]                         |
// | teacher_shift     | "plus"  | "plus" (code) or "random_sign" (paper)            |
// | w0                | 5       | initial student weight [pA]                       |
// | eta, tau_I        | 1.7, 100| learning rate, update low-pass [ms]               |
// | target_interval   | 5       | teacher -> u_target copy interval [ms]            |
// | tau_m, tau_s, C_m, E_L | 10, 2, 250, -70 | neuron (ms, ms, pF, mV)                |
// | delay             | 1       | synaptic delay = weight-update block [ms]         |
// | sample_interval   | 1       | fitness sampling [ms]                              |
// | discard_fraction  | 0.1     | initial fraction of samples not scored            |
#include "plast/e2l/task.hpp"

#include <cstdint>
#include <vector>

namespace plast {
class Section;
}

namespace plast::e2l {

struct ErrorTaskParams {
    int n_experiments = 15;
    std::uint64_t seed = 1235;
    double duration = 10000.0, h = 0.01;
    int n_inputs = 5;
    double rate_min = 150.0, rate_max = 850.0;
    double w_teacher_lo = -20.0, w_teacher_hi = 20.0, w_shift = 15.0;
    bool random_sign = false;
    double w0 = 5.0, eta = 1.7, tau_I = 100.0, target_interval = 5.0;
    double tau_m = 10.0, tau_s = 2.0, C_m = 250.0, E_L = -70.0;
    double delay = 1.0, sample_interval = 1.0, discard_fraction = 0.1;

    // Reads every key of the section; absent keys keep the values of `defaults`.
    static ErrorTaskParams from_config(const Section& s, const ErrorTaskParams& defaults);
    static ErrorTaskParams from_config(const Section& s);
};

// Per-experiment recording (optional) for figures and tests.
struct ErrorTrace {
    std::vector<double> t, v, u;        // sampled every sample_interval
    std::vector<std::vector<double>> w; // student weights per sample
    std::vector<double> w_teacher;
    std::vector<std::vector<std::int64_t>> arrivals; // per input: arrival steps
};

// RMS over synapses of (final student weight - teacher weight) [pA] of a recorded run; with
// initial = true the distance at the start (w0 vs teacher). A rule that cannot learn the teacher's
// weights (e.g. one that moves every synapse alike) leaves this large even when F looks good.
double weight_distance(const ErrorTrace& trace, bool initial = false, double w0 = 0.0);

class ErrorTask : public Task {
  public:
    explicit ErrorTask(ErrorTaskParams p);
    std::string name() const override { return "error"; }
    std::vector<std::vector<std::string>> rule_inputs() const override { return {{"v", "u", "sbar"}}; }
    std::vector<std::string> rule_slots() const override { return {"rule"}; }
    int n_experiments() const override { return p_.n_experiments; }
    double experiment(const std::vector<expr::Tape>& rules, int k) const override;
    double experiment_max() const override { return 0.0; } // F_k = -sqrt(sum (u - v)^2)
    double run(const expr::Tape& rule, int k, ErrorTrace* trace) const;
    const ErrorTaskParams& params() const { return p_; }
    // Samples that enter F_k (after the discarded first fraction).
    std::int64_t scored_samples() const;
    // Per-sample RMS error |u - v| [mV] of an experiment with fitness F_k = -sqrt(sum (u - v)^2):
    // independent of duration and sampling, so fast-mode and full-task runs are comparable.
    double rms_error(double fitness_k) const;

  private:
    struct Instance {
        std::vector<std::vector<std::int64_t>> arrivals; // per input: arrival steps (sorted)
        std::vector<double> w_teacher;
    };
    ErrorTaskParams p_;
    std::vector<Instance> inst_;
    std::int64_t n_steps_ = 0, block_ = 0, target_every_ = 0, sample_every_ = 0;
};

} // namespace plast::e2l
