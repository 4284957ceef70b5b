// plast evolve [CONFIG] [--resume CHECKPOINT|RUN_DIR]: CGP evolution of plasticity rules on an E2L task.
#include "verb.hpp"

#include "plast/e2l/evolve_study.hpp"

#include "plast/core/error.hpp"
#include "plast/search/executor.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

namespace plast::app {

static std::string g_resume;

// --resume RUN_DIR (without CONFIG or --out) continues in place with the run's stored configuration, as
// screen does; --set may extend it (e.g. ea.max_generations). With CONFIG or --out, or a checkpoint.json, a
// new run starts from the checkpoint.
static bool resumes_in_place(const Context& ctx)
{
    namespace fs = std::filesystem;
    return !g_resume.empty() && fs::is_directory(g_resume) && fs::exists(fs::path(g_resume) / "config.toml") &&
           fs::exists(fs::path(g_resume) / "run.json") && ctx.opts.config.empty() && ctx.opts.out.empty();
}

// In place: the run's archive, checked before touching run.json (a refused resume, exit 2, leaves the run
// as it was), then the run directory reopened with the configuration as now resolved. A run from before
// evolve wrote archives continues from its checkpoint with a new archive.
static search::Archive reopen_run(Context& ctx, const e2l::EvolveStudy& study, bool archive_only)
{
    namespace fs = std::filesystem;
    const auto path = (fs::path(g_resume) / "archive.sqlite").string();
    if (archive_only && !fs::exists(path))
        usage_error("--resume " + g_resume, "neither checkpoint.json nor archive.sqlite is there", "a run directory of plast evolve");
    auto archive = study.open_archive(path, fs::exists(path));
    ctx.run = io::RunDir::reopen(g_resume, ctx.command_line);
    ctx.run->write_text("config.toml", ctx.config.resolved_toml());
    if (!ctx.opts.quiet) std::cerr << "plast evolve: resuming " << g_resume << " in place\n";
    return archive;
}

// The champion line on stderr, from the summary.
static void print_champion(const nlohmann::json& s)
{
    auto g = [](const nlohmann::json& x) {
        char b[32];
        if (!x.is_number()) return x.dump();
        std::snprintf(b, sizeof b, "%.4g", x.get<double>());
        return std::string(b);
    };
    std::cerr << "plast evolve: champion " << s["champion"].get<std::string>() << "  (F = " << g(s["champion_fitness"]);
    if (s.contains("champion_fitness_full_task"))
        std::cerr << " in fast mode; F = " << g(s["champion_fitness_full_task"]) << " on the full task";
    if (s.contains("champion_rms_error_mV"))
        std::cerr << "; RMS error " << g(s["champion_rms_error_mV"]) << " mV, weights "
                  << g(s["champion_weight_distance_pA"]) << " pA from the teacher's";
    std::cerr << ")\n";
}

static int run_evolve(Context& ctx)
{
    namespace fs = std::filesystem;
    const bool in_place = resumes_in_place(ctx);
    if (in_place) ctx.resume_in_place(g_resume, true);
    ctx.load_config(e2l::default_evolve_config, "<embedded evolve default>");
    // A run killed before its first checkpoint continues from its archive alone (replayed from generation 0).
    const bool archive_only = in_place && !fs::exists(fs::path(g_resume) / "checkpoint.json");
    const auto study = e2l::EvolveStudy::from_config(ctx.config, ctx.seed, ctx.threads, archive_only ? "" : g_resume);
    if (search::mpi::rank() != 0) {
        // Worker rank: evaluate the individuals rank 0 sends until it says stop.
        search::mpi::serve(*study.genome_task, ctx.seed, ctx.threads);
        return 0;
    }
    // Made before anything can fail here, so that an error on rank 0 still releases the workers.
    auto executor = search::mpi::make_root_executor(ctx.threads);
    std::optional<search::Archive> archive;
    if (in_place) {
        ctx.config.check_unused();
        if (ctx.opts.print_config) {
            std::cout << ctx.config.documented_toml();
            return 0;
        }
        archive.emplace(reopen_run(ctx, study, archive_only));
    } else {
        ctx.open_run();
        archive.emplace(study.open_archive(ctx.run->file("archive.sqlite"), false));
    }
    study.run(*ctx.run, *archive, *executor);
    executor.reset(); // the workers stop here
    if (!ctx.opts.quiet) print_champion(ctx.run->summary());
    return ctx.complete();
}

PLAST_VERB(
    "evolve", "evolve readable plasticity rules with CGP on an E2L task (error, reward, correlation)", true,
    [](CLI::App& sub) {
        g_resume.clear(); // a process may dispatch several times (the Python module)
        sub.add_option("--resume", g_resume, "continue from a checkpoint.json (or a run directory holding one)");
    },
    run_evolve);

} // namespace plast::app
