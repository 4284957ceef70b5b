#pragma once
// The files and run.json summary keys of a `plast toy` study, written from the results of its runs
// (toy_runs.hpp): explicit_rule.json and explicit_trajectory.csv, implicit_rule.json, explicit_sweep.csv and
// explicit_*.npy, implicit_sweep.csv and implicit_*.npy, rnn2.json and rnn2_trajectory.csv, rnn2_sweep.csv and
// rnn2_sweep_*.npy, linear_rnn.csv and linear_rnn_trajectory.csv. See docs/toy.md for every output.
#include "plast/toy/toy_runs.hpp"

#include <vector>

namespace plast {
namespace io {
class RunDir;
}
} // namespace plast

namespace plast::toy {

// Keys every study has, written before its runs: the task's inputs, start point and the RI definition.
void write_setup(io::RunDir& dir, const AbaSetup& setup);

void write_explicit_rule(io::RunDir& dir, const ToyStudy& study, const AbaResult& r);
void write_implicit_rule(io::RunDir& dir, const ToyStudy& study, const AbaResult& r);
void write_explicit_sweep(io::RunDir& dir, const ToyStudy& study, const ExplicitSweepResults& res);
void write_implicit_sweep(io::RunDir& dir, const ToyStudy& study, const ImplicitSweepResults& res);
void write_rnn2(io::RunDir& dir, const ToyStudy& study, const TwoNeuronResult& r);
void write_rnn2_sweep(io::RunDir& dir, const Rnn2Sweep& sweep, const std::vector<TwoNeuronResult>& res);
void write_linear_rnn(io::RunDir& dir, const ToyStudy& study, const std::vector<LinearAbaResult>& res);

} // namespace plast::toy
