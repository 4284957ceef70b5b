// EvolveStudy::from_config: the top-level keys (task, fast), the task's section, [cgp] and [ea] of a
// `plast evolve` configuration, each read and checked by its own reader (docs/evolution.md lists every key).
#include "plast/e2l/evolve_study.hpp"

#include "plast/core/error.hpp"
#include "plast/io/config.hpp"

#include <algorithm>
#include <filesystem>

namespace plast::e2l {

namespace {

// task, fast and the task's section: the evolution's task and, in fast mode, the full task it reports on.
void read_task(Config& cfg, EvolveStudy& st)
{
    const Section root = cfg.root();
    st.task_name = root.string("task", "error", task_names());
    st.fast = root.flag("fast", false);
    st.task = make_task(cfg, st.task_name, st.fast);
    if (st.fast) st.full_task = make_task(cfg, st.task_name, false);
}

// [cgp]: one genome per rule slot, all with the same layout (correlation: dep and fac).
std::vector<std::shared_ptr<const cgp::GenomeSpec>> read_genome_specs(Config& cfg, const Task& task)
{
    const auto inputs = task.rule_inputs();
    const Section cg = cfg.section("cgp");
    auto spec = cgp::read_genome_spec(cg, static_cast<int>(inputs[0].size()));
    std::vector<std::shared_ptr<const cgp::GenomeSpec>> specs;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i].size() != inputs[0].size()) runtime_error("evolve", "rule slots with different input counts");
        specs.push_back(spec);
    }
    return specs;
}

// [ea] without resume: the strategy; fast mode caps the run to 400 generations.
cgp::EaSettings read_ea(const Section& ea, const EvolveStudy& st, std::uint64_t seed, int threads)
{
    cgp::EaConfig d;
    d.seed = seed;
    d.threads = threads;
    if (st.task_name == "error") d.termination_fitness = 0.0;
    cgp::EaSettings settings = cgp::read_ea_settings(ea, d);
    if (st.fast) settings.ea.max_generations = std::min(settings.ea.max_generations, 400);
    if (settings.ea.early_rejection && !st.task->bounds_partial_fitness())
        ea.fail("early_rejection",
                "the " + st.task_name + " task averages experiments of unbounded score, so a partial score bounds nothing",
                "false, or a task whose experiments bound its fitness: correlation (minimum), error or stability (mean of scores <= 0)");
    settings.ea.seed = seed;
    settings.ea.threads = threads;
    return settings;
}

// [ea] resume, or --resume (which wins): the checkpoint file to continue from, empty for a fresh start.
// A missing or corrupted checkpoint is bad input (exit 2), found before a run directory is touched; so is a
// checkpoint written with early rejection continued without it (cgp::Evolution::restore checks it too).
std::string read_resume(const Section& ea, const std::string& resume_override, bool early_rejection)
{
    std::string resume = ea.string("resume", "");
    if (!resume_override.empty()) resume = resume_override;
    if (resume.empty()) return resume;
    if (std::filesystem::is_directory(resume)) resume += "/checkpoint.json";
    if (!std::filesystem::exists(resume)) {
        if (!resume_override.empty()) usage_error("--resume " + resume_override, "no checkpoint.json there");
        ea.fail("resume", "no checkpoint at '" + resume + "'", "a checkpoint.json or a run directory holding one");
    }
    nlohmann::json checkpoint;
    try {
        checkpoint = cgp::read_json(resume);
    } catch (const Error& e) {
        usage_error("--resume " + (resume_override.empty() ? resume : resume_override), e.problem(),
                    "an intact checkpoint.json written by plast evolve");
    }
    if (!early_rejection && checkpoint.value("early_rejection", false))
        ea.fail("early_rejection", "the checkpoint " + resume + " was written with early rejection (its cache holds upper bounds, not scores)",
                "true: a run that used early rejection continues with it");
    return resume;
}

// Everything read from the configuration defines the rows, except how long the run goes on, how often it
// checkpoints (a run continued with a larger max_generations extends the same archive) and early
// rejection (it shortens evaluations, not the selection: a run may be continued with it switched).
std::string rows_fingerprint(const Config& cfg, std::uint64_t seed, bool fast)
{
    nlohmann::json fp = cfg.resolved_json();
    if (fp.contains("ea") && fp["ea"].is_object())
        for (const char* k : {"max_generations", "termination_fitness", "checkpoint_every", "resume", "early_rejection"}) fp["ea"].erase(k);
    fp["seed"] = seed;
    fp["fast"] = fast; // the effective value, also when the key is absent
    return "cgp " + fp.dump();
}

} // namespace

EvolveStudy EvolveStudy::from_config(Config& cfg, std::uint64_t seed, int threads, const std::string& resume_override)
{
    EvolveStudy st;
    read_task(cfg, st);
    st.specs = read_genome_specs(cfg, *st.task);
    const Section ea = cfg.section("ea");
    st.settings = read_ea(ea, st, seed, threads);
    st.resume = read_resume(ea, resume_override, st.settings.ea.early_rejection);
    st.fingerprint = rows_fingerprint(cfg, seed, st.fast);
    st.settings.ea.simplify = cfg.section("cgp").flag("simplify", false);
    st.genome_task = std::make_unique<search::GenomeTask>(*st.task, st.specs, st.fingerprint, st.settings.ea.simplify);
    return st;
}

} // namespace plast::e2l
