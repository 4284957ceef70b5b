#include "plast/e2l/evolve_study.hpp"

#include "plast/e2l/champion_assessment.hpp"
#include "plast/e2l/evolution_run.hpp"
#include "plast/e2l/evolve_outputs.hpp"
#include "plast/io/run_dir.hpp"

#include <chrono>

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
legacy_mutation_0_1_0 = true   # as the published runs (hal-cgp 0.1.0): 9 of 12 seeds (12-23) find c (v - u) sbar
)";

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

// The generation loop (evolution_run.hpp), then the champion's assessment (champion_assessment.hpp), then
// the files and summary keys (evolve_outputs.hpp); the wall time covers all three.
void EvolveStudy::run(io::RunDir& dir, search::Archive& archive, search::Executor& executor) const
{
    const auto t0 = std::chrono::steady_clock::now();
    const auto res = run_evolution(*this, dir, archive, executor);
    write_outputs(dir, *this, res, assess_champion(*this, res));
    dir.summary()["evolution_wall_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace plast::e2l
