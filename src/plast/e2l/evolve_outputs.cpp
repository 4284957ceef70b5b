#include "plast/e2l/evolve_outputs.hpp"

#include "plast/io/run_dir.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>

namespace plast::e2l {

namespace {

nlohmann::json num(double x)
{
    return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

std::string short_number(double x)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.4g", x);
    return b;
}

// champion.json: fitness, generation and, per rule slot, formula, expression, inputs and genome.
void write_champion(io::RunDir& dir, const EvolveStudy& study, const EvolutionResults& res)
{
    const auto slots = study.task->rule_slots();
    nlohmann::json cj;
    cj["fitness"] = num(res.champion.fitness);
    cj["generation"] = res.generation;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        cj["rules"][slots[i]] = {{"formula", res.formulas[i]},
                                 {"expression", res.tapes[i].infix()},
                                 {"inputs", res.tapes[i].input_names()},
                                 {"dna", res.champion.genomes[i].dna()}};
    }
    dir.write_json("champion.json", cj);
}

// Hall of fame: the 20 best distinct rules, then the complexity front (best fitness per size that
// beats every smaller rule), with the fitness of this run's evaluation mode.
void write_hall_of_fame(io::RunDir& dir, const EvolutionResults& res)
{
    io::CsvWriter hof(dir.file("hall_of_fame.csv"), {"list", "rank", "fitness", "size", "generation", "formula"});
    auto rows = [&hof](const char* list, const std::vector<cgp::Evolution::FameEntry>& entries) {
        long long rank = 0;
        for (const auto& e : entries)
            hof.row({std::string(list), ++rank, e.fitness, static_cast<long long>(e.size),
                     static_cast<long long>(e.generation), join_slots(e.formulas)});
    };
    rows("best", res.hall_of_fame);
    rows("front", res.complexity_front);
}

// The champion on experiment 0 of the error task (on the full task in fast mode), for the report's
// "student against teacher" figures: champion_trace.csv (t [ms], teacher v and student u [mV], sampled
// every sample_interval) and champion_weights.csv (t [ms], then the student's weight of every input
// [pA]); the teacher's weights go to the summary (champion_trace.w_teacher_pA).
void write_error_trace(io::RunDir& dir, const ErrorTrace& tr)
{
    io::CsvWriter uv(dir.file("champion_trace.csv"), {"t_ms", "v_teacher_mV", "u_student_mV"});
    for (std::size_t i = 0; i < tr.t.size(); ++i) uv.row({tr.t[i], tr.v[i], tr.u[i]});
    std::vector<std::string> header{"t_ms"};
    for (std::size_t j = 0; j < tr.w_teacher.size(); ++j) {
        std::string name = "w";
        name += std::to_string(j + 1);
        name += "_pA";
        header.push_back(std::move(name));
    }
    io::CsvWriter w(dir.file("champion_weights.csv"), header);
    for (std::size_t i = 0; i < tr.t.size() && i < tr.w.size(); ++i) {
        std::vector<io::Cell> row;
        row.reserve(tr.w[i].size() + 1);
        row.emplace_back(tr.t[i]);
        for (double x : tr.w[i]) row.emplace_back(x);
        w.row(row);
    }
    dir.summary()["champion_trace"] = {{"experiment", 0}, {"w_teacher_pA", tr.w_teacher},
                                       {"files", {"champion_trace.csv", "champion_weights.csv"}}};
}

// The evolution's keys: task, champion, counters, resume and archive.
void write_evolution_keys(nlohmann::json& s, const EvolveStudy& study, const EvolutionResults& res)
{
    s["task"] = study.task->name();
    s["champion"] = join_slots(res.formulas);
    s["champion_fitness"] = num(res.champion.fitness);
    s["generations"] = res.generation;
    s["evaluations"] = res.evaluations;
    s["cache_hits"] = res.cache_hits;
    s["silent_offspring"] = res.silent;
    s["resumed_from"] = study.resume;
    s["archive"] = "archive.sqlite";
    s["archive_rows"] = res.archive_rows;
    s["archive_rows_replayed"] = res.archive_rows_replayed;
    s["mpi_ranks"] = res.mpi_ranks;
}

// The assessment's keys: delta-rule factors, references, the full-task fitness in fast mode and, when
// finite, the champion per experiment (the paper reports means over tasks where the evolution
// aggregates; correlation: the minimum) with the error task's RMS error and weight distance.
void write_assessment_keys(nlohmann::json& s, const EvolveStudy& study, const ChampionAssessment& a)
{
    if (a.delta_rule_factor) s["delta_rule_factor"] = num(*a.delta_rule_factor);
    if (a.linearized_delta_factor) s["linearized_delta_factor"] = num(*a.linearized_delta_factor);
    nlohmann::json refs = nlohmann::json::array();
    for (const auto& r : a.references) {
        nlohmann::json j = {{"name", r.name}, {"rule", r.rule}, {"fitness", num(r.fitness)}};
        if (r.fitness_full_task) j["fitness_full_task"] = num(*r.fitness_full_task);
        refs.push_back(j);
    }
    s["references"] = refs;
    if (study.full_task) {
        s["fast_mode"] = true;
        s["champion_fitness_full_task"] = num(a.full_fitness);
    }
    if (std::isfinite(a.full_fitness)) {
        const auto sp = spread(a.per_experiment);
        s["champion_per_experiment"] = a.per_experiment;
        s["champion_mean"] = sp.mean;
        s["champion_sd"] = sp.sd;
        if (a.error_task) {
            s["champion_rms_error_mV"] = a.rms_error_mV;
            s["champion_weight_distance_pA"] = a.weight_distance_pA;
        }
    }
}

} // namespace

std::string join_slots(const std::vector<std::string>& formulas)
{
    std::string s;
    for (std::size_t i = 0; i < formulas.size(); ++i)
        s += (i ? " ; " : "") + formulas[i];
    return s;
}

HistoryCsv::HistoryCsv(const io::RunDir& dir, const std::vector<cgp::GenerationRecord>& earlier)
    : csv_(dir.file("history.csv"), {"generation", "champion_fitness", "mean_parent_fitness", "n_evaluations",
                                     "n_cache_hits", "n_silent", "champion"})
{
    for (const auto& r : earlier)
        row(r);
    csv_.flush();
}

void HistoryCsv::add(const cgp::GenerationRecord& r)
{
    row(r);
    csv_.flush();
}

void HistoryCsv::row(const cgp::GenerationRecord& r)
{
    csv_.row({static_cast<long long>(r.generation), r.champion_fitness, r.mean_parent_fitness, r.n_evaluations,
              r.n_cache_hits, r.n_silent, join_slots(r.champion_formula)});
}

void write_outputs(io::RunDir& dir, const EvolveStudy& study, const EvolutionResults& res, const ChampionAssessment& a)
{
    write_champion(dir, study, res);
    write_hall_of_fame(dir, res);
    if (a.trace) write_error_trace(dir, *a.trace);
    write_evolution_keys(dir.summary(), study, res);
    write_assessment_keys(dir.summary(), study, a);
    if (study.full_task)
        std::cerr << "plast evolve: fast mode: F = " << short_number(res.champion.fitness)
                  << " is on the fast task's scale (shorter and fewer trials) and cannot be compared with "
                     "full-task references; on the full task this champion scores F = "
                  << short_number(a.full_fitness) << " (summary key champion_fitness_full_task)\n";
}

} // namespace plast::e2l
