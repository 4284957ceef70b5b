#pragma once
// E2L task (c): correlation-driven learning, frozen-noise pattern detection (evolving-rules §4;
// Jordan et al. 2021 §4.7; Masquelier 2018 baseline).
//
// 1000 inputs (Poisson 3 Hz, spike times rounded to the 0.1 ms grid) -> plastic synapses (delay
// 1 ms) -> one LIF neuron with delta currents (NEST iaf_psc_delta: a weight is a voltage jump in
// mV; E_L = V_reset = 0, V_th = 20 mV, tau_m = 18 ms, t_ref = 2 ms, inputs during refractoriness
// are dropped; initial V ~ N(0, 10 mV)). A frozen 100 ms pattern (the same inputs' spikes in a
// separately drawn 3 Hz segment) replaces the background in the windows [400.1 + 500 k,
// 500.1 + 500 k) ms. Rate balancing: pattern neurons (>= 1 spike in the pattern) keep only a
// fraction alpha = 1 - nu_pattern/nu_inter = 1/6 of their between-pattern spikes (drawn without
// replacement by default; with_replacement for parity with the reference: a spike drawn twice is
// one event of multiplicity 2, as NEST's parrot neuron emits it: twice the weight into the membrane
// and, with multiplicity = "unrolled" (default), two plasticity updates in a row, because NEST's
// kernel hands such an event to the synapse as two spikes; "one_update": one update).
// frozen_noise = "reference" (default) draws each train like the reference's generator: at most
// max(1, floor(1.25 rate T)) exponential ISIs, times round(cumsum + 0.1 ms) < T. For the 100 ms
// pattern at 3 Hz that is ONE ISI, so a pattern neuron has exactly one pattern spike, which is what
// alpha assumes (pattern and other neurons then have the same mean rate, 2.4 Hz). "poisson" draws a
// full Poisson segment (1.16 spikes per pattern neuron): pattern neurons fire ~13 % more often than
// the others, a rate cue that plain STDP exploits (higher SNR than the paper's).
//
// Plasticity (lazy NEST stdp_synapse scheme, all-to-all traces, W_max = 1, lambda = 0.01,
// tau+ = tau- = 20 ms, dendritic delay d = 1 ms); at each presynaptic spike t_pre:
//   1. for each post spike t_p in (t_last_pre - d, t_pre - d]:
//        w <- min(1, w + lambda f_fac(w, K+ exp(-(t_p + d - t_last_pre)/tau+)))
//   2. w <- max(0, w - lambda f_dep(w, K-(t_pre - d)))        (K- from post spikes strictly before)
//   3. transmit w; K+ <- K+ exp(-(t_pre - t_last_pre)/tau+) + 1
// Rule inputs x_0 = w (= w/W_max), x_1 = E (the trace). A rule result of +-Inf is absorbed by
// the clipping bound it runs into (min(1, w + inf) = 1, max(0, w - inf) = 0), as in the reference's
// C++ clipping. nonfinite = "reference" (default): a NaN result also lands on the bound the
// reference's comparisons give it (facilitation -> 1, depression -> 0), and a rule is invalid (-inf)
// only when it is non-finite at generic inputs (the reference rejected expressions that simplify
// to zoo/nan); "invalid": any NaN result is invalid. An infinite weight left unclipped is invalid. clip = "asymmetric"
// (default, as coded) or "symmetric" (both updates clipped to [0, 1]). Baseline (Masquelier 2018) = dep "0", fac "E -
// 0.15" with symmetric clipping and w_init 0.5 (w <- clip(w + lambda K+ + W_out), W_out = -0.0015); `baseline_rules()`
// returns it.
//
// Fitness (Eq. 13-14): train for T = 100 s; freeze the weights; re-run the same input for 11 s with
// spiking disabled, recording V every step; SNR = mean over windows of (max V in window - mean V
// outside) / std(V outside); F = min over the 8 tasks. Invalid rule -> -inf.
//
// Parameters (section [correlation]): n_tasks 8, seed 11214124, n_inputs 1000, rate 3 Hz, h 0.1,
// train 100000 ms, test 11000 ms, pattern 100 ms, inter 400 ms, first_pattern 400.1 ms, tau_m 18,
// V_th 20, t_ref 2, V0_sd 10, tau_plus 20, tau_minus 20, lambda 0.01, delay 1, w_init -1 (= draw
// N(w*, 0.1) per task, w* = V_th/(N nu - 2 sqrt(N nu))/(tau_m 1e-3)), w_sd 0.1,
// subsample "without_replacement" | "with_replacement", frozen_noise "reference" | "poisson", clip "asymmetric" |
// "symmetric", pow "real_part" (default for this task: a negative base to a non-integer power gives the real part of
// the complex value, as the reference evaluator did; the published LR2 relies on it) | "real".
//
// Given inputs (for running another simulator's exact inputs, e.g. the reference's own draws):
// inputs = ["task0.csv", ...] replaces the generator: one CSV per task with the columns `input`
// (0 .. n_inputs - 1) and `time_ms` (when the spike leaves the input neuron; rounded to the step h;
// spikes at or after `train` are not used; a repeated (input, step) is one event of multiplicity m).
// n_tasks becomes the number of files; rate, frozen_noise and subsample do not apply (a value other than the default is
// refused). A pattern neuron (reported, not used by the rule) is one with a spike inside the first pattern window.
// task_w_init, task_V0, task_V0_test: one value per task for the initial weight, the initial potential of the training
// and the one of the test (default: w_init / the drawn V0, the test starting where the training started); the reference
// draws its test potential separately per task.
#include "plast/e2l/task.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace plast {
class Section;
}

namespace plast::e2l {

struct CorrelationTaskParams {
    int n_tasks = 8;
    std::uint64_t seed = 11214124;
    int n_inputs = 1000;
    double rate = 3.0, h = 0.1, train = 100000.0, test = 11000.0;
    double pattern = 100.0, inter = 400.0, first_pattern = 400.1;
    double tau_m = 18.0, V_th = 20.0, t_ref = 2.0, V0_sd = 10.0;
    double tau_plus = 20.0, tau_minus = 20.0, lambda = 0.01, delay = 1.0;
    double w_init = -1.0, w_sd = 0.1;
    bool with_replacement = false, symmetric_clip = false;
    bool reference_noise = true;     // frozen_noise = "reference" | "poisson"
    bool nonfinite_reference = true; // nonfinite = "reference" | "invalid"
    // multiplicity = "unrolled" (default): an input event of multiplicity m (a spike drawn twice by
    // with_replacement, or two background spikes rounded onto one step) runs the plasticity update m
    // times in a row, as NEST's kernel delivers it to the synapse (the later runs see no new post spikes
    // but depress again and add 1 to K+ each); "one_update": one update per event (before).
    bool unroll_multiplicity = true;
    bool pow_real_part = true;       // pow = "real_part" (reference semantics, default here) | "real"
    std::vector<std::string> inputs; // one spike file per task (empty: drawn)
    std::vector<double> task_w_init, task_V0, task_V0_test; // per task (empty: w_init / drawn / = V0)

    // Reads every key of the section; absent keys keep the values of `defaults`.
    static CorrelationTaskParams from_config(const Section& s, const CorrelationTaskParams& defaults);
    static CorrelationTaskParams from_config(const Section& s);
};

struct CorrelationTrace {
    std::vector<double> w_final;
    std::vector<bool> pattern_neuron;
    std::vector<int> n_spikes;  // input spikes per input over the training (multiplicity counted)
    long n_multi_events = 0;    // events carrying more than one spike (with_replacement duplicates)
    std::vector<double> v_test; // free membrane potential during the test phase
    double snr = 0.0, post_rate = 0.0;
};

class CorrelationTask : public Task {
  public:
    explicit CorrelationTask(CorrelationTaskParams p);
    std::string name() const override { return "correlation"; }
    std::vector<std::vector<std::string>> rule_inputs() const override { return {{"w", "E"}, {"w", "E"}}; }
    std::vector<std::string> rule_slots() const override { return {"dep", "fac"}; }
    int n_experiments() const override { return p_.n_tasks; }
    bool aggregate_min() const override { return true; }
    double experiment(const std::vector<expr::Tape>& rules, int k) const override;
    double run(const expr::Tape& dep, const expr::Tape& fac, int k, CorrelationTrace* trace) const;
    const CorrelationTaskParams& params() const { return p_; }
    // Task k's input spikes as a spike file for `inputs` (input, time_ms; an event of multiplicity m is m
    // rows), e.g. to run plast's own draws in another simulator, or to read them back.
    void write_inputs(int k, const std::string& path) const;
    // The Masquelier homeostatic STDP baseline as a task with symmetric clipping and w_init = 0.5.
    static CorrelationTaskParams baseline_params(CorrelationTaskParams p);
    static const char* baseline_rule() { return "0; E - 0.15"; }

  private:
    struct Event {
        std::int32_t step;
        std::int32_t input;
        std::int32_t mult; // spikes of this input in this step (> 1 only with with_replacement)
    };
    struct Instance {
        std::vector<Event> events; // presynaptic spikes sorted by step (training; the test re-uses the start)
        std::vector<bool> pattern_neuron;
        double w0 = 0.0, V0 = 0.0, V0_test = 0.0;
    };
    // Instance k's input events, drawn or from the spike file p_.inputs[k] (unsorted; the constructor sorts
    // and merges them).
    void draw_inputs(int k, Instance& in) const;
    void read_inputs(int k, Instance& in) const;
    CorrelationTaskParams p_;
    std::vector<Instance> inst_;
    std::vector<double> decay_plus_, decay_minus_; // exp(-k h / tau+), exp(-k h / tau-) for small k
    std::int64_t n_train_ = 0, n_test_ = 0;
};

} // namespace plast::e2l
