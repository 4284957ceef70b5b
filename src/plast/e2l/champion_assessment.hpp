#pragma once
// What a `plast evolve` study computes about its champion after the evolution (evolution_run.hpp), for the
// summary and the report: the known rules' fitness on the same task, the champion per experiment (on the
// full task in fast mode) and, on the error task, scale-free errors and the trace of experiment 0.
// Writes no files (evolve_outputs.hpp does).
#include "plast/e2l/error_task.hpp"
#include "plast/e2l/evolution_run.hpp"

#include <optional>
#include <string>
#include <vector>

namespace plast::e2l {

// A known rule (reference_rules) scored on the evolution's task and, in fast mode, on the full task.
struct ReferenceScore {
    std::string name, rule;
    double fitness = 0;
    std::optional<double> fitness_full_task;
};

struct ChampionAssessment {
    std::vector<ReferenceScore> references;
    // Error task: the champion's rule against the delta rule (rule_checks.hpp); absent on other tasks.
    std::optional<double> delta_rule_factor, linearized_delta_factor;
    // Per experiment on the reporting task (the full task in fast mode); all 0 when not evaluated (a
    // non-finite champion outside fast mode).
    std::vector<double> per_experiment;
    // The champion's fitness on the reporting task (the evolution's fitness outside fast mode).
    double full_fitness = 0;
    // Error task (when evaluated): per-sample RMS error [mV] and the final weights' distance from the
    // teacher's [pA], means over experiments, and the recording of experiment 0.
    bool error_task = false;
    double rms_error_mV = 0, weight_distance_pA = 0;
    std::optional<ErrorTrace> trace;
};

ChampionAssessment assess_champion(const EvolveStudy& study, const EvolutionResults& res);

} // namespace plast::e2l
