#pragma once
// The runs of a `plast toy` study, each returning its results; they write no files (toy_outputs.hpp writes
// them). The single 2RNN run is run_familiarity (two_neuron_rnn.hpp), its grid Rnn2Sweep::run (rnn2_sweep.hpp).
#include "plast/toy/toy_study.hpp"

#include <cstddef>
#include <vector>

namespace plast::toy {

// [explicit]: one Euler run of the explicit rule, trajectory sampled every study.record_every steps.
AbaResult run_explicit_rule(const ToyStudy& study);
// [implicit]: one run of the implicit rule with the configured metric.
AbaResult run_implicit_rule(const ToyStudy& study);

// [explicit_sweep]: one run per (eta, theta0, theta1), eta major, theta1 minor.
struct ExplicitSweepResults {
    std::vector<double> theta0, theta1, etas;
    std::vector<AbaResult> runs;
};
ExplicitSweepResults run_explicit_sweep(const ToyStudy& study, int threads);

// [implicit_sweep]: one run per (a, b), a major.
struct ImplicitSweepResults {
    std::vector<double> a, b;
    std::vector<AbaResult> runs;
};
ImplicitSweepResults run_implicit_sweep(const ToyStudy& study, int threads);

// [linear_rnn]: one result per configured rule, in study.linear_rnns order.
std::vector<LinearAbaResult> run_linear_rnns(const ToyStudy& study);

} // namespace plast::toy
