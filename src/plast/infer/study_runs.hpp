#pragma once
// The fits of each kind of `plast infer` study, run through the search executor (threads or MPI ranks:
// fit_jobs.hpp) and returned with their labels (the rows of grid.csv, seeds.csv or animals.csv). They write
// only what must appear while they run (theta.csv of the first fit, checkpoints: fit_live_outputs.hpp);
// infer_outputs.hpp writes the rest from their results. The *_jobs functions make the same fits on an MPI
// worker rank, which knows the run directory's path from rank 0 (checkpoints, generated animals).
#include "plast/infer/behaviour_experiment.hpp"
#include "plast/infer/fit_jobs.hpp"
#include "plast/infer/fly_data.hpp"
#include "plast/infer/infer_study.hpp"
#include "plast/infer/oja_experiment.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace plast::infer {

// model.kind = oja: one fit per (noise, observed fraction, seed) of the sweep grid.
struct OjaGridPoint {
    double noise, frac;
    int seed_index;
};
struct OjaGridResults {
    std::shared_ptr<rules::DifferentiableRule> student;
    std::vector<OjaGridPoint> points;
    std::vector<OjaResult> fits; // one per point
    std::vector<std::string> labels;
};
OjaGridResults run_oja_grid(const InferStudy& study, const io::RunDir& dir, search::Executor& executor, int threads);
FitJobs oja_grid_jobs(const InferStudy& study, const std::string& run_path, int threads);

// model.kind = behaviour, data.source = simulated: one fit per (ground truth, seed), ground truth major.
struct BehaviourSeedResults {
    std::shared_ptr<rules::DifferentiableRule> student;
    std::vector<std::vector<double>>
        truths; // theta of each ground truth (81 Taylor terms; the teacher's for an expression)
    std::size_t seeds = 1;
    std::vector<BehaviourResult> fits;
    std::vector<std::string> labels;
};
BehaviourSeedResults run_behaviour_seeds(const InferStudy& study, const io::RunDir& dir, search::Executor& executor,
                                         int threads);
FitJobs behaviour_seed_jobs(const InferStudy& study, const std::string& run_path, int threads);

// data.source = generate: the synthetic animals, written into <run>/data/ (Fly{k}.mat and .csv) and read back
// through the file loader (read_generated_animals, also on MPI worker ranks). data.source = files: the recorded
// animals.
std::vector<AnimalData> generate_animal_data(const InferStudy& study, const io::RunDir& dir);
std::vector<AnimalData> read_generated_animals(const InferStudy& study, const std::string& run_path);
std::vector<AnimalData> read_animal_files(const InferStudy& study);

// Recorded or generated animals: one fit per (animal, model), animal major; model 0 is the full student, the
// others leave out sweep.compare_without terms.
struct AnimalResults {
    std::vector<std::string> model_names;
    std::vector<std::shared_ptr<rules::DifferentiableRule>> students; // one per model
    std::size_t animals = 0;
    std::vector<AnimalResult> fits;
    std::vector<std::string> labels;
};
AnimalResults run_animals(const InferStudy& study, const std::vector<AnimalData>& animals, const io::RunDir& dir,
                          search::Executor& executor, int threads);
FitJobs animal_jobs(const InferStudy& study, const std::vector<AnimalData>& animals, const std::string& run_path,
                    int threads);

} // namespace plast::infer
