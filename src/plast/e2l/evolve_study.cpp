#include "plast/e2l/evolve_study.hpp"

#include "plast/core/error.hpp"
#include "plast/core/progress.hpp"
#include "plast/e2l/error_task.hpp"
#include "plast/e2l/rule_checks.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"
#include "plast/io/run_dir.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>

namespace plast::e2l {

const char* const default_evolve_config =
    R"(# plast evolve: CGP search for an error-driven plasticity rule (Jordan et al. 2021, §3)
seed = 12
task = "error"
fast = false          # true: caps to 3 experiments x 2 s and 400 generations (demo)

[error]               # the coded task: 15 experiments x 10 s at h = 0.01 ms, teacher shift +15 pA
n_experiments = 15

[cgp]
n_columns = 12
levels_back = 12
primitives = ["+", "-", "*", "/", "1.0"]

[ea]
mu = 4
lambda = 4
p_mutation = 0.045
max_generations = 1000
termination_fitness = 0.0
legacy_mutation_0_1_0 = true   # as the published runs (hal-cgp 0.1.0): 3 of 6 paper seeds find (v - u) sbar
)";

EvolveStudy EvolveStudy::from_config(Config& cfg, std::uint64_t seed, int threads, const std::string& resume_override)
{
    EvolveStudy st;
    const Section root = cfg.root();
    st.task_name = root.string("task", "error", task_names());
    st.fast = root.flag("fast", false);
    st.task = make_task(cfg, st.task_name, st.fast);
    if (st.fast) st.full_task = make_task(cfg, st.task_name, false);
    const auto inputs = st.task->rule_inputs();
    const Section cg = cfg.section("cgp");
    // One genome per rule slot, all with the same layout (correlation: dep and fac).
    auto spec = cgp::read_genome_spec(cg, static_cast<int>(inputs[0].size()));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i].size() != inputs[0].size()) runtime_error("evolve", "rule slots with different input counts");
        st.specs.push_back(spec);
    }
    cgp::EaConfig d;
    d.seed = seed;
    d.threads = threads;
    if (st.task_name == "error") d.termination_fitness = 0.0;
    const Section ea = cfg.section("ea");
    st.settings = cgp::read_ea_settings(ea, d);
    if (st.fast) st.settings.ea.max_generations = std::min(st.settings.ea.max_generations, 400);
    st.settings.ea.seed = seed;
    st.settings.ea.threads = threads;
    std::string resume = ea.string("resume", "");
    if (!resume_override.empty()) resume = resume_override;
    if (!resume.empty()) {
        if (std::filesystem::is_directory(resume)) resume += "/checkpoint.json";
        if (!std::filesystem::exists(resume)) {
            if (!resume_override.empty()) usage_error("--resume " + resume_override, "no checkpoint.json there");
            ea.fail("resume", "no checkpoint at '" + resume + "'", "a checkpoint.json or a run directory holding one");
        }
        // A corrupted checkpoint is bad input (exit 2), found before a run directory is touched.
        try {
            (void)cgp::read_json(resume);
        } catch (const Error& e) {
            usage_error("--resume " + (resume_override.empty() ? resume : resume_override), e.problem(),
                        "an intact checkpoint.json written by plast evolve");
        }
    }
    st.resume = resume;
    // Everything read from the configuration defines the rows, except how long the run goes on and how
    // often it checkpoints (a run continued with a larger max_generations extends the same archive).
    nlohmann::json fp = cfg.resolved_json();
    if (fp.contains("ea") && fp["ea"].is_object())
        for (const char* k : {"max_generations", "termination_fitness", "checkpoint_every", "resume"}) fp["ea"].erase(k);
    fp["seed"] = seed;
    fp["fast"] = st.fast; // the effective value, also when the key is absent
    st.fingerprint = "cgp " + fp.dump();
    st.genome_task = std::make_unique<search::GenomeTask>(*st.task, st.specs, st.fingerprint);
    return st;
}

search::Archive EvolveStudy::open_archive(const std::string& path, bool resume) const
{
    auto a = search::Archive::open(path, {}, search::EvolveArchive::metric_names(), fingerprint, resume);
    if (!resume) {
        a.set_meta("method", "cgp");
        a.set_meta("rule_slots", nlohmann::json(task->rule_slots()).dump());
        a.set_meta("rule_inputs", nlohmann::json(task->rule_inputs()).dump());
        a.set_meta("task", task->name());
    }
    return a;
}

void EvolveStudy::run(io::RunDir& dir) const
{
    auto archive = open_archive(dir.file("archive.sqlite"), false);
    search::LocalExecutor executor(settings.ea.threads);
    run(dir, archive, executor);
}

namespace {

std::string join(const std::vector<std::string>& parts, const std::string& sep)
{
    std::string s;
    for (std::size_t i = 0; i < parts.size(); ++i)
        s += (i ? sep : "") + parts[i];
    return s;
}

// The champion on experiment 0 of the error task (on the full task in fast mode), for the report's
// "student against teacher" figures: champion_trace.csv (t [ms], teacher v and student u [mV], sampled
// every sample_interval) and champion_weights.csv (t [ms], then the student's weight of every input
// [pA]); the teacher's weights go to the summary (champion_trace.w_teacher_pA).
static void write_error_trace(io::RunDir& dir, const ErrorTrace& tr)
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

std::string short_number(double x)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.4g", x);
    return b;
}

nlohmann::json num(double x)
{
    return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

} // namespace

void EvolveStudy::run(io::RunDir& dir, search::Archive& archive, search::Executor& executor) const
{
    const auto t0 = std::chrono::steady_clock::now();
    const Task& t = *task;
    cgp::Evolution ev(settings.ea, specs, t.rule_inputs(),
                      [&t](const std::vector<expr::Tape>& r) { return t.fitness(r); });
    if (!resume.empty()) ev.restore(cgp::read_json(resume), resume);
    search::EvolveArchive rec(archive, *genome_task, executor, ev, settings.ea.seed, resume.empty() ? 0 : ev.generation() + 1);
    ev.set_batch_evaluator([&rec](int g, const std::vector<const cgp::Individual*>& m, const std::vector<int>& i) {
        return rec.evaluate(g, m, i);
    });
    ev.set_observer([&rec](int g, const std::vector<cgp::Newcomer>& n) { rec.observe(g, n); });
    if (resume.empty()) ev.initialize();

    const auto slots = t.rule_slots();
    io::CsvWriter csv(dir.file("history.csv"), {"generation", "champion_fitness", "mean_parent_fitness",
                                                "n_evaluations", "n_cache_hits", "n_silent", "champion"});
    auto row = [&](const cgp::GenerationRecord& r) {
        csv.row({static_cast<long long>(r.generation), r.champion_fitness, r.mean_parent_fitness, r.n_evaluations,
                 r.n_cache_hits, r.n_silent, join(r.champion_formula, " ; ")});
    };
    for (const auto& r : ev.history())
        row(r);
    csv.flush();
    const std::string ckpt = dir.file("checkpoint.json");
    const int every = settings.checkpoint_every;
    Progress prog("evolve " + t.name(), static_cast<std::size_t>(settings.ea.max_generations), "generations");
    prog.advance(static_cast<std::size_t>(std::min(ev.generation(), settings.ea.max_generations)));
    while (!ev.finished()) {
        const auto r = ev.step();
        row(r);
        csv.flush();
        prog.advance();
        prog.set_note("best F = " + io::format_number(r.champion_fitness) + "  " + join(r.champion_formula, " ; "));
        if (r.generation % every == 0) {
            rec.flush(); // the archive is never behind the checkpoint
            cgp::write_json_atomic(ckpt, ev.checkpoint());
        }
    }
    prog.done();
    rec.flush();
    cgp::write_json_atomic(ckpt, ev.checkpoint());

    const auto& ch = ev.champion();
    const auto tapes = ev.phenotype(ch);
    const auto formulas = ev.formulas(ch);
    nlohmann::json cj;
    cj["fitness"] = num(ch.fitness);
    cj["generation"] = ev.generation();
    for (std::size_t i = 0; i < slots.size(); ++i) {
        cj["rules"][slots[i]] = {{"formula", formulas[i]},
                                 {"expression", tapes[i].infix()},
                                 {"inputs", tapes[i].input_names()},
                                 {"dna", ch.genomes[i].dna()}};
    }
    dir.write_json("champion.json", cj);
    // Hall of fame: the 20 best distinct rules, then the complexity front (best fitness per size that
    // beats every smaller rule), with the fitness of this run's evaluation mode.
    {
        io::CsvWriter hof(dir.file("hall_of_fame.csv"), {"list", "rank", "fitness", "size", "generation", "formula"});
        long long rank = 0;
        for (const auto& e : ev.hall_of_fame(20))
            hof.row({std::string("best"), ++rank, e.fitness, static_cast<long long>(e.size), static_cast<long long>(e.generation),
                     join(e.formulas, " ; ")});
        rank = 0;
        for (const auto& e : ev.complexity_front())
            hof.row({std::string("front"), ++rank, e.fitness, static_cast<long long>(e.size), static_cast<long long>(e.generation),
                     join(e.formulas, " ; ")});
    }

    auto& s = dir.summary();
    s["task"] = t.name();
    s["champion"] = join(formulas, " ; ");
    s["champion_fitness"] = num(ch.fitness);
    s["generations"] = ev.generation();
    s["evaluations"] = ev.n_evaluations();
    s["cache_hits"] = ev.n_cache_hits();
    s["silent_offspring"] = ev.n_silent();
    s["resumed_from"] = resume;
    s["archive"] = "archive.sqlite";
    s["archive_rows"] = archive.count();
    s["archive_rows_replayed"] = rec.replayed();
    s["mpi_ranks"] = executor.ranks();
    if (t.name() == "error") {
        s["delta_rule_factor"] = num(delta_rule_factor(tapes[0]));
        s["linearized_delta_factor"] = num(linearized_delta_factor(tapes[0]));
    }
    // Known rules on the same task (the report's reference lines): on the evolution's task, and on the
    // full task when the evolution ran in fast mode.
    nlohmann::json refs = nlohmann::json::array();
    for (const auto& [name, text] : reference_rules(t)) {
        const auto rt_tapes = parse_rules(t, text);
        nlohmann::json r = {{"name", name}, {"rule", text}, {"fitness", num(t.fitness(rt_tapes))}};
        if (full_task) r["fitness_full_task"] = num(full_task->fitness(parse_rules(*full_task, text)));
        refs.push_back(r);
    }
    s["references"] = refs;
    // Scale-free numbers next to F (the error fitness is a root-sum-square over samples, so F grows
    // with the trial length): per-sample RMS error and the final weights' distance from the teacher's,
    // on the full task when the run was in fast mode.
    const Task& rt = full_task ? *full_task : t;
    const auto* et = dynamic_cast<const ErrorTask*>(&rt);
    std::vector<double> per(static_cast<std::size_t>(rt.n_experiments()));
    double rms = 0, dist = 0;
    if (std::isfinite(ch.fitness) || full_task) {
        for (int k = 0; k < rt.n_experiments(); ++k) {
            auto& f = per[static_cast<std::size_t>(k)];
            if (et) {
                ErrorTrace tr;
                f = et->run(tapes[0], k, &tr);
                rms += et->rms_error(f) / et->n_experiments();
                dist += weight_distance(tr) / et->n_experiments();
                if (k == 0) write_error_trace(dir, tr);
            } else {
                f = rt.experiment(tapes, k);
            }
        }
    }
    const double full_f = full_task ? rt.aggregate(per) : ch.fitness;
    if (full_task) {
        s["fast_mode"] = true;
        s["champion_fitness_full_task"] = num(full_f);
    }
    // The paper reports means over tasks where the evolution aggregates (correlation: the minimum).
    if (std::isfinite(full_f)) {
        const auto sp = spread(per);
        s["champion_per_experiment"] = per;
        s["champion_mean"] = sp.mean;
        s["champion_sd"] = sp.sd;
        if (et) {
            s["champion_rms_error_mV"] = rms;
            s["champion_weight_distance_pA"] = dist;
        }
    }
    if (full_task)
        std::cerr << "plast evolve: fast mode: F = " << short_number(ch.fitness)
                  << " is on the fast task's scale (shorter and fewer trials) and cannot be compared with "
                     "full-task references; on the full task this champion scores F = "
                  << short_number(full_f) << " (summary key champion_fitness_full_task)\n";
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    s["evolution_wall_s"] = secs;
}

} // namespace plast::e2l
