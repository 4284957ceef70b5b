#pragma once
// E2L task (a): reward-driven learning (evolving-rules §2; Jordan et al. 2021 §4.5, App. 1 table 1).
//
// N = 50 inputs, each connected with probability p = 0.8 to one escape-noise LIF neuron (NEST
// iaf_psc_exp: exponential currents, reset and refractoriness; spike probability per step
// phi(V) h 1e-3 with phi = rho exp((V - Theta)/delta_u) [Hz]). Weights w ~ N(0, sigma_w) pA, no
// bounds, delay 1 ms. M = 30 frozen Poisson patterns (6 Hz, 500 ms), each with a label +-1.
// A trial picks a pattern uniformly (with replacement), resets membrane, currents and traces,
// simulates 500 ms; decision s = +1 if the neuron spiked, else -1; reward R = +1 if s equals the
// label, else -1. At the trial end every synapse is updated once: w_j += eta f(R, E_j(T), ...),
// eta = 10. Fitness: cumulative reward over the trials, averaged over experiments (as coded).
//
// Eligibility trace (per step, after the PSP update of psp_kernel.hpp):
//   coded (default):  E <- E PE + (1 - PE) (1/delta_syn) PSP (s_post - phi_syn(u) h) 1e9,
//                     phi_syn(u) = rho_syn exp((u - Theta_syn)/delta_syn), rho_syn = 0.01/ms,
//                     delta_syn = 5 mV, Theta_syn = -55 mV, u absolute; PE = exp(-h/tau_M)
//   paper (Eq. 22):   E <- E PE + (1 - PE) (1/delta_u) PSP (s_post/h - phi(u) 1e-3)   [1/ms]
// E_j(T) is linear in the presynaptic spike train, so it is computed exactly by one backward
// (adjoint) pass over the trial: E_j = c sum_{arrivals s of j} S_i(s) with
//   S_psp(t) = PE^(N-t) g(t) + P22 S_psp(t+1),  S_i(t) = P21 S_psp(t+1) + P11 S_i(t+1),
// which costs O(steps + spikes) per trial instead of O(steps x synapses).
// Expected-reward inputs (eLife Eq. 23): Rbar+ <- (1 - 1/m_r) Rbar+ + [R]+/m_r (same for Rbar-),
// from previous trials within an experiment, initial 0; Rbar = Rbar+ + Rbar-.
// Rule inputs by variant: "repo" (R, E); "rbar" (R, E, Rbar); "rbar_split" (R, E, Rbar_plus,
// Rbar_minus).
// Escape noise: a uniform number is drawn only when the spike probability exceeds 1e-13 (V more
// than ~6 mV below threshold with delta_u = 0.2 mV gives < 1e-13 per step); below that the neuron
// is silent, an error of < 1e-8 expected spikes per trial.
//
// Parameters (section [reward]): n_experiments 10, seed 11231, n_trials 500, n_inputs 50,
// p_connect 0.8, n_patterns 30, rate 6 Hz, trial 500 ms, h 0.01 ms, eta 10, sigma_w 1000 pA,
// rho 0.01 Hz, delta_u 0.2 mV, E_L -70, V_reset -70, u_th -55 mV, tau_m 10, C_m 250, tau_ref 2,
// tau_s 2, tau_M 500 ms, eligibility "coded" | "paper", rho_syn 0.01, delta_syn 5, theta_syn -55,
// variant "repo" | "rbar" | "rbar_split", m_r 100 trials.
//
// Given instances (to score rules on another simulator's exact draws, e.g. the reference's):
// inputs = ["exp0", ...] replaces the generator, one directory per experiment holding
//   synapses.csv  input, w0_pA          the connected inputs in synapse order and their initial weights
//   patterns.csv  pattern, label        patterns 0 .. M-1 in order, label +1 or -1
//   spikes.csv    pattern, input, time_ms   when the spike leaves input `input` (relay-neuron output;
//                                       stamp of the step that ends at time_ms, >= h); it reaches the
//                                       neuron `delay` later; spikes of unconnected inputs are ignored
//   trials.csv    trial, pattern        the pattern of every trial, trials 0 .. in order (at least n_trials)
// n_experiments is the number of directories; n_patterns, p_connect, rate and sigma_w shape drawn
// instances only and are refused when they differ from their defaults. The escape noise is still
// drawn by plast (streams keyed by seed + experiment and the trial).
#include "plast/e2l/task.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace plast {
class Section;
}

namespace plast::e2l {

struct RewardTaskParams {
    int n_experiments = 10;
    std::uint64_t seed = 11231;
    int n_trials = 500, n_inputs = 50, n_patterns = 30;
    double p_connect = 0.8, rate = 6.0, trial = 500.0, h = 0.01, eta = 10.0, sigma_w = 1000.0;
    double rho = 0.01, delta_u = 0.2, E_L = -70.0, V_reset = -70.0, u_th = -55.0, tau_m = 10.0, C_m = 250.0,
           tau_ref = 2.0, tau_s = 2.0, tau_M = 500.0, delay = 1.0;
    bool coded_eligibility = true;
    double rho_syn = 0.01, delta_syn = 5.0, theta_syn = -55.0;
    std::string variant = "repo";
    double m_r = 100.0;
    std::vector<std::string> inputs; // one instance directory per experiment (empty: drawn)

    // Reads every key of the section; absent keys keep the values of `defaults`.
    static RewardTaskParams from_config(const Section& s, const RewardTaskParams& defaults);
    static RewardTaskParams from_config(const Section& s);
};

struct RewardTrace {
    std::vector<int> reward; // per trial
    std::vector<double> mean_abs_w;
    // First trial in detail (for checks): membrane u [mV absolute] and spikes per step, the
    // arrivals (step, synapse) and the eligibility traces E_j(T).
    std::vector<double> u0;
    std::vector<std::uint8_t> spikes0;
    std::vector<std::pair<int, int>> arrivals0;
    std::vector<double> E0;
};

class RewardTask : public Task {
  public:
    explicit RewardTask(RewardTaskParams p);
    std::string name() const override { return "reward"; }
    std::vector<std::vector<std::string>> rule_inputs() const override;
    std::vector<std::string> rule_slots() const override { return {"rule"}; }
    int n_experiments() const override { return p_.n_experiments; }
    double experiment(const std::vector<expr::Tape>& rules, int k) const override;
    double run(const expr::Tape& rule, int k, RewardTrace* trace) const;
    const RewardTaskParams& params() const { return p_; }
    // Experiment k's instance as a directory for `inputs` (created if needed).
    void write_instance(int k, const std::string& dir) const;

  private:
    struct Arrival {
        std::int32_t step;
        std::int32_t syn; // index into the connected synapses
    };
    struct Instance {
        std::vector<int> connected; // input index per synapse
        std::vector<double> w0;
        std::vector<std::vector<Arrival>> patterns; // arrivals sorted by step
        std::vector<int> label;
        std::vector<int> choice; // pattern per trial
    };
    void draw_instance(int k, Instance& in) const;
    void read_instance(int k, Instance& in) const;
    RewardTaskParams p_;
    std::vector<Instance> inst_;
    std::int64_t n_steps_ = 0;
};

} // namespace plast::e2l
