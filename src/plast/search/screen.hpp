#pragma once
// Rule discovery by screening (fSBI, spec §8.1): rounds of candidates drawn from the prior, from
// the prior restricted by a classifier of blow-ups, or from a conditional density p(theta | x)
// trained on the archive and sampled at admissible target metrics; every candidate is simulated,
// its metrics and filter verdict stored in the SQLite archive.
//
// Configuration:
//   [screen]  task = "toy_aba" | ...; chunk = 16 (candidates per transaction);
//             allowed_false_negatives = 0.01; mdn_components = 5; mdn_hidden = 64; mdn_epochs = 300
//   [prior.<param>]    lo, hi, scale = "uniform" | "log"   (defaults from the task)
//   [filter.<group>]   <metric> = [lo, hi]                  (defaults from the task)
//   [[round]]  proposal = "prior" | "restricted" | "conditional"; candidates = N;
//              train_groups = [...]  (conditional: train on earlier rows passing these groups;
//                                     default all groups listed in targets' metrics... see docs)
//              condition_on = ["rate", ...]; targets = { rate = [5, 10], ... }
//              train_on = { w_blow = [0, 0.1], ... }  (conditional: metric bounds on the training rows)
//              proposal = "setpoint": rate = [lo, hi], rate_i = [lo, hi], homeostatic = true
//              (mean-field set-point proposal, setpoint_proposal.hpp)
//              proposal = "archive": archive = PATH, query = "verdict = 'plausible'", limit = N
//              (promotion: re-simulate another archive's rows on this task; a .csv rule set is read whole)
//              proposal = "perturb": particles = "verdict = 'plausible'", kernel_scale = 2
//              (population Monte Carlo move from earlier rows, perturbation_kernel.hpp)
// Candidate (round r, index i) is a pure function of (seed, r, i, archive rows of rounds < r), so
// threads, resume and MPI ranks give the same rows.
#include "plast/search/archive.hpp"
#include "plast/search/executor.hpp"
#include "plast/search/mixture_density.hpp"
#include "plast/search/screen_task.hpp"
#include "plast/search/setpoint_proposal.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace plast {
class Config;
}

namespace plast::search {

struct RoundSpec {
    std::string proposal = "prior"; // prior | restricted | setpoint | conditional | cmaes | archive | perturb
    std::int64_t candidates = 100;
    std::vector<std::string> train_groups;
    std::vector<Constraint> train_on;   // conditional: extra metric bounds the training rows must meet
    bool restrict_blowups = false;      // setpoint / conditional: reject draws the blow-up classifier refuses
    // setpoint / conditional: > 0 also rejects draws a plausibility classifier (trained on the earlier rounds'
    // verdicts) rates below the quantile `restrict_plausible` of its held-out plausible rows, i.e. about that
    // fraction of plausible rules is given up for a higher plausible fraction among the simulated ones.
    double restrict_plausible = 0.0;
    SetpointOptions setpoint;           // setpoint: target rates, homeostatic sign
    bool project_setpoint = false;      // conditional: project each draw onto the mean-field set point
    // archive (promotion): re-simulate the rows of another archive that match `query`, in their
    // stored order, on this screen's task (e.g. the plausible rules of a scale-0.25 screen on the
    // full network and the full 70-s protocol). candidates = the number of rows taken.
    std::string archive_path, archive_query = "verdict = 'plausible'";
    std::vector<std::vector<double>> archive_params;
    std::vector<std::string> archive_origin; // each row's `source`: "archive:ROUND:IDX" or "csv:ROW" (0-based data row)
    // perturb: the particles are the earlier rounds' rows matching `particles` (SQL condition on the archive);
    // each draw moves one of them by a Gaussian step of `kernel_scale` times their covariance (logit space).
    // With project_setpoint the draw is put back onto the mean-field set point at its particle's measured rates.
    std::string particles = "verdict = 'plausible'";
    double kernel_scale = 2.0;
    std::vector<std::string> condition_on;
    std::vector<Constraint> targets;
    int generations = 30, population = 12; // cmaes
    double sigma0 = 0.3;
};

struct ScreenSpec {
    BoxPrior prior;
    std::vector<FilterGroup> filter;
    std::vector<RoundSpec> rounds;
    int chunk = 16;
    double allowed_false_negatives = 0.01;
    MixtureDensityOptions mdn;
    int mdn_ensemble = 1; // conditional density: independently trained members, each draw from a random one

    static ScreenSpec from_config(Config& cfg, const ScreenTask& task);
};

using metrics::group_pass;

// Runs (or resumes) all rounds; returns per-round statistics for the summary.
nlohmann::json run_screen(const ScreenSpec& spec, const ScreenTask& task, Archive& archive, std::uint64_t seed,
                          Executor& executor);

// Archive row for an evaluated candidate (verdict from the filter).
CandidateRow make_row(const ScreenSpec& spec, const ScreenTask& task, int round, std::int64_t idx, std::uint64_t seed,
                      const std::string& source, const std::vector<double>& params, const EvalOutcome& out);

} // namespace plast::search
