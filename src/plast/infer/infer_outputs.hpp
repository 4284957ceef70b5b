#pragma once
// The files and run.json summary keys of a `plast infer` study, written from the results of its fits
// (study_runs.hpp): weights_true.npy / weights_fit.npy, grid.csv, seeds.csv, animals.csv, constants.csv
// and the summary (final rule, leading terms, metrics). See docs/inference.md for every output.
#include "plast/infer/study_runs.hpp"

#include <vector>

namespace plast {
namespace io {
class RunDir;
}
} // namespace plast

namespace plast::infer {

// Keys every study has, written before its fits: experiment, ground truth, optimizer.
void write_study_header(io::RunDir& dir, const InferStudy& study);

void write_oja_grid(io::RunDir& dir, const InferStudy& study, const OjaGridResults& res);
void write_behaviour_seeds(io::RunDir& dir, const InferStudy& study, const BehaviourSeedResults& res);
// data.source = generate: where the synthetic animals were written.
void write_generated_animals(io::RunDir& dir, const InferStudy& study);
void write_animals(io::RunDir& dir, const InferStudy& study, const AnimalResults& res);

// One FitTrace per fit, in the order of the results (the rows of the run's table); traces may be null.
void append_traces(std::vector<FitTrace>* traces, const OjaGridResults& res);
void append_traces(std::vector<FitTrace>* traces, const BehaviourSeedResults& res);
void append_traces(std::vector<FitTrace>* traces, const AnimalResults& res);

} // namespace plast::infer
