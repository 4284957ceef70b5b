#pragma once
// `plast infer CONFIG`: model-based inference of plasticity rules by gradient descent through whole
// trajectories (Mehta et al., NeurIPS 2024; spec gradient-inference.md). See docs/inference.md for every key.
//
// Experiments (model.kind + data.source):
//   oja        + simulated   Oja recovery from activity (optionally a noise x observed-fraction grid)
//   behaviour  + simulated   rule recovery from simulated two-odor choices (optionally over several seeds)
//   behaviour  + files       fit recorded choices per animal (.mat / .csv), train on the first x % of
//                            trials, test on the rest; optional model comparison without given terms
//   behaviour  + generate    as `files`, on synthetic animals written first into <run>/data/
// Rule families (rule.family): taylor (27/81 terms), mlp, expression (a given or evolved expression whose
// named parameters and/or lifted numeric constants are fitted).
// Outputs: theta.csv (theta over epochs of the first fit), weights_true.npy / weights_fit.npy,
// seeds.csv, grid.csv, animals.csv, and the summary in run.json (final rule, leading terms, metrics).
// Code: the settings are read by from_config (infer_study_config.cpp), each kind's fits run in
// study_runs.hpp and return their results, infer_outputs.hpp writes the files and the summary from them.
#include "plast/infer/behaviour_experiment.hpp"
#include "plast/infer/oja_experiment.hpp"

#include "plast/expr/rate_rule.hpp"

#include <memory>
#include <string>
#include <vector>

namespace plast {
class Config;
namespace io {
class RunDir;
}
namespace search {
class Executor;
}
} // namespace plast

namespace plast::infer {

struct RuleSpec {
    std::string family = "taylor";  // taylor | mlp | expression
    std::string ground_truth;       // rule string (Taylor) or, for the expression family, an expression
    std::vector<std::string> terms; // mask (empty = all)
    std::string init = "random";
    double init_scale = 1e-5;
    bool legacy_index_order = false;
    int mlp_hidden = 10;
    bool mlp_legacy_shared_key = false;
    // family = expression: the expression over x, y, w[, r] with its named parameters (then the lifted
    // constants c0, c1, ...), their start values, and the generating expression when ground_truth is one.
    std::string expression;
    bool lift_constants = false;
    std::shared_ptr<const expr::ExprRateRule> expr_student, expr_teacher;
    std::vector<double> expr_start;
    std::vector<double> expr_truth; // true values of the student's parameters (empty: forms differ / none)
};

// One fit of a run, for the search archive that `plast infer` writes (archive.sqlite): which fit
// (label), the names of its parameters (the theta.csv columns), its log (epoch, loss, effective
// parameters) and its end status.
struct FitTrace {
    std::string label;
    std::vector<std::string> param_names;
    FitLog log;
    std::string status;
};

struct InferStudy {
    std::string kind = "behaviour";   // oja | behaviour
    std::string source = "simulated"; // simulated | files | generate
    OjaSettings oja;
    BehaviourSettings beh;
    RuleSpec rule;
    FitOptions fit;
    // Non-empty: every Adam fit i checkpoints to checkpoints/fit_<i>.json in the run directory under this key
    // (+ " fit i") and continues from it when the file is there (`plast infer --resume RUN_DIR`).
    std::string checkpoint_key;
    std::uint64_t seed = 1;
    int seeds = 1;
    std::vector<std::string> ground_truths; // behaviour/simulated: rules to recover (default: rule.ground_truth)
    std::vector<double> grid_noise, grid_fraction;
    std::vector<std::string> compare_without;
    std::vector<std::string> files;
    int samples = 20, generate_animals = 4;
    bool generate_only = false; // source = generate: write the synthetic animals and stop
    double cutoff = 0.8;
    bool continue_test = false;
    std::string aggregate = "median";

    static InferStudy from_config(Config& cfg, std::uint64_t seed);
    // The fits run through executor (threads or MPI ranks; threads also parallelise the trajectories of a
    // study's only fit). traces (optional): one entry per fit, in the order of the run's tables (grid.csv,
    // seeds.csv, animals.csv).
    void run(io::RunDir& dir, search::Executor& executor, int threads, std::vector<FitTrace>* traces = nullptr) const;
    // An MPI worker rank: waits for rank 0's run directory, then runs the fits rank 0 sends until it says stop.
    void serve(int threads) const;

    // Rule objects for this study (student with its mask; teacher = full Taylor family).
    std::shared_ptr<rules::DifferentiableRule> student(const std::vector<std::string>& drop = {}) const;
    std::shared_ptr<rules::DifferentiableRule> teacher() const;
    std::vector<double> theta_star() const;
    std::vector<double> theta0(const rules::DifferentiableRule& student, std::uint64_t seed) const;
};

extern const char* const default_infer_config;

} // namespace plast::infer
