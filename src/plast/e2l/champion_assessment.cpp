#include "plast/e2l/champion_assessment.hpp"

#include "plast/e2l/rule_checks.hpp"

#include <cmath>

namespace plast::e2l {

namespace {

// Known rules on the same task (the report's reference lines): on the evolution's task, and on the
// full task when the evolution ran in fast mode.
std::vector<ReferenceScore> score_references(const EvolveStudy& study)
{
    const Task& t = *study.task;
    std::vector<ReferenceScore> out;
    for (const auto& [name, text] : reference_rules(t)) {
        ReferenceScore r{name, text, t.fitness(parse_rules(t, text)), std::nullopt};
        if (study.full_task) r.fitness_full_task = study.full_task->fitness(parse_rules(*study.full_task, text));
        out.push_back(r);
    }
    return out;
}

// The champion on every experiment of the reporting task, with the error task's scale-free numbers
// (the error fitness is a root-sum-square over samples, so F grows with the trial length).
void per_experiment(const EvolveStudy& study, const EvolutionResults& res, ChampionAssessment& a)
{
    const Task& rt = study.full_task ? *study.full_task : *study.task;
    const auto* et = dynamic_cast<const ErrorTask*>(&rt);
    a.error_task = et != nullptr;
    a.per_experiment.assign(static_cast<std::size_t>(rt.n_experiments()), 0.0);
    if (std::isfinite(res.champion.fitness) || study.full_task) {
        for (int k = 0; k < rt.n_experiments(); ++k) {
            auto& f = a.per_experiment[static_cast<std::size_t>(k)];
            if (et) {
                ErrorTrace tr;
                f = et->run(res.tapes[0], k, &tr);
                a.rms_error_mV += et->rms_error(f) / et->n_experiments();
                a.weight_distance_pA += weight_distance(tr) / et->n_experiments();
                if (k == 0) a.trace = std::move(tr);
            } else {
                f = rt.experiment(res.tapes, k);
            }
        }
    }
    a.full_fitness = study.full_task ? rt.aggregate(a.per_experiment) : res.champion.fitness;
}

} // namespace

ChampionAssessment assess_champion(const EvolveStudy& study, const EvolutionResults& res)
{
    ChampionAssessment a;
    if (study.task->name() == "error") {
        a.delta_rule_factor = delta_rule_factor(res.tapes[0]);
        a.linearized_delta_factor = linearized_delta_factor(res.tapes[0]);
    }
    a.references = score_references(study);
    per_experiment(study, res, a);
    return a;
}

} // namespace plast::e2l
