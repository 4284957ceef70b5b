#include "plast/e2l/evolution_run.hpp"

#include "plast/core/progress.hpp"
#include "plast/e2l/evolve_outputs.hpp"
#include "plast/io/csv.hpp"
#include "plast/io/run_dir.hpp"

#include <algorithm>

namespace plast::e2l {

namespace {

// Steps until the evolution finishes: a history row per generation, a checkpoint every checkpoint_every
// generations and one at the end, the archive flushed before each (never behind the checkpoint).
void step_to_end(const EvolveStudy& study, io::RunDir& dir, cgp::Evolution& ev, search::EvolveArchive& rec,
                 HistoryCsv& history)
{
    const std::string ckpt = dir.file("checkpoint.json");
    const int every = study.settings.checkpoint_every;
    const int max_generations = study.settings.ea.max_generations;
    Progress prog("evolve " + study.task->name(), static_cast<std::size_t>(max_generations), "generations");
    prog.advance(static_cast<std::size_t>(std::min(ev.generation(), max_generations)));
    while (!ev.finished()) {
        const auto r = ev.step();
        history.add(r);
        prog.advance();
        prog.set_note("best F = " + io::format_number(r.champion_fitness) + "  " + join_slots(r.champion_formula));
        if (r.generation % every == 0) {
            rec.flush();
            cgp::write_json_atomic(ckpt, ev.checkpoint());
        }
    }
    prog.done();
    rec.flush();
    cgp::write_json_atomic(ckpt, ev.checkpoint());
}

EvolutionResults results_of(const cgp::Evolution& ev, const search::EvolveArchive& rec, const search::Archive& archive,
                            const search::Executor& executor)
{
    EvolutionResults res;
    res.champion = ev.champion();
    res.tapes = ev.phenotype(res.champion);
    res.formulas = ev.formulas(res.champion);
    res.generation = ev.generation();
    res.evaluations = ev.n_evaluations();
    res.cache_hits = ev.n_cache_hits();
    res.silent = ev.n_silent();
    res.hall_of_fame = ev.hall_of_fame(20);
    res.complexity_front = ev.complexity_front();
    res.archive_rows = archive.count();
    res.archive_rows_replayed = rec.replayed();
    res.mpi_ranks = executor.ranks();
    return res;
}

} // namespace

EvolutionResults run_evolution(const EvolveStudy& study, io::RunDir& dir, search::Archive& archive,
                               search::Executor& executor)
{
    const Task& t = *study.task;
    const bool resume = !study.resume.empty();
    cgp::Evolution ev(study.settings.ea, study.specs, t.rule_inputs(),
                      [&t](const std::vector<expr::Tape>& r) { return t.fitness(r); });
    if (resume) ev.restore(cgp::read_json(study.resume), study.resume);
    // Evaluations go through the executor and into the archive; rows already there are replayed.
    search::EvolveArchive rec(archive, *study.genome_task, executor, ev, study.settings.ea.seed,
                              resume ? ev.generation() + 1 : 0);
    ev.set_batch_evaluator([&rec](int g, const std::vector<const cgp::Individual*>& m, const std::vector<int>& i) {
        return rec.evaluate(g, m, i);
    });
    ev.set_observer([&rec](int g, const std::vector<cgp::Newcomer>& n) { rec.observe(g, n); });
    if (!resume) ev.initialize();
    HistoryCsv history(dir, ev.history()); // a resumed run starts with the checkpoint's rows
    step_to_end(study, dir, ev, rec, history);
    return results_of(ev, rec, archive, executor);
}

} // namespace plast::e2l
