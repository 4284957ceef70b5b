// plast infer [CONFIG] [--resume RUN_DIR]: model-based inference of plasticity rules by gradient descent through whole
// trajectories (Mehta et al., NeurIPS 2024). See src/plast/infer/infer_study.hpp and docs/inference.md.
#include "verb.hpp"

#include "plast/core/error.hpp"
#include "plast/infer/infer_study.hpp"
#include "plast/io/config.hpp"
#include "plast/search/executor.hpp"
#include "plast/search/fit_archive.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace plast::app {

static std::string g_resume;

static int run_infer(Context& ctx)
{
    // --resume RUN_DIR continues a killed or interrupted run in place with its stored configuration: every
    // Adam fit continues from its last checkpoint (checkpoints/fit_<i>.json, written after every logged
    // epoch), L-BFGS fits start again (deterministic), and every output is written as by an uninterrupted run.
    namespace fs = std::filesystem;
    if (!g_resume.empty()) ctx.resume_in_place(g_resume, true);
    ctx.load_config(infer::default_infer_config, "<embedded infer default>");
    auto study = infer::InferStudy::from_config(ctx.config, ctx.seed);
    study.checkpoint_key = "infer " + ctx.config.resolved_json().dump();
    if (search::mpi::rank() != 0) {
        // Worker rank: run the fits rank 0 sends (it shares the run directory first) until it says stop.
        study.serve(ctx.threads);
        return 0;
    }
    // Made before anything can fail here, so that an error on rank 0 still releases the workers.
    auto executor = search::mpi::make_root_executor(ctx.threads);
    if (!g_resume.empty()) {
        ctx.config.check_unused();
        if (ctx.opts.print_config) {
            std::cout << ctx.config.documented_toml();
            return 0;
        }
        // Checkpoints of another configuration (a --set on resume) are refused before anything is touched.
        const fs::path cdir = fs::path(g_resume) / "checkpoints";
        if (fs::is_directory(cdir))
            for (const auto& e : fs::directory_iterator(cdir)) {
                if (e.path().extension() != ".json") continue;
                std::ifstream in(e.path());
                const auto j = nlohmann::json::parse(in, nullptr, false);
                const std::string key = j.is_object() ? j.value("key", std::string()) : std::string();
                if (key.rfind(study.checkpoint_key + " fit ", 0) != 0)
                    usage_error("--resume " + g_resume, e.path().string() + " was written by another configuration (its fingerprint differs)",
                                "the run's own configuration, without --set");
            }
        ctx.run = io::RunDir::reopen(g_resume, ctx.command_line);
        fs::remove(fs::path(g_resume) / "archive.sqlite"); // written again from the fits below
        if (!ctx.opts.quiet) std::cerr << "plast infer: resuming " << g_resume << " in place\n";
    }
    auto& dir = ctx.run ? *ctx.run : ctx.open_run();
    std::vector<infer::FitTrace> traces;
    dir.summary()["mpi_ranks"] = executor->ranks();
    study.run(dir, *executor, ctx.threads, &traces);
    executor.reset(); // the workers stop here
    // The checkpoints served their purpose once every fit ended and its results are written.
    fs::remove_all(dir.file("checkpoints"));
    // Every logged epoch of every fit in the search archive (the layout screen and evolve write).
    if (!traces.empty()) {
        const auto n = search::write_fit_archive(dir.file("archive.sqlite"), traces, study.fit.optimizer,
                                                 "infer " + ctx.config.resolved_json().dump());
        dir.summary()["archive"] = "archive.sqlite";
        dir.summary()["archive_rows"] = n.rows;
        dir.summary()["archive_fits"] = n.fits;
        if (n.left_out) dir.summary()["archive_fits_left_out"] = n.left_out;
    }
    const auto& s = dir.summary();
    if (!ctx.opts.quiet && s.contains("fitted_rule")) {
        std::cerr << "fitted rule: " << s["fitted_rule"].value("formula_leading", s["fitted_rule"].value("formula", ""))
                  << "\n";
        if (s.contains("ground_truth_formula"))
            std::cerr << "ground truth: " << s["ground_truth_formula"].get<std::string>() << "\n";
    }
    return ctx.complete();
}

PLAST_VERB(
    "infer", "fit a plasticity rule to activity or behaviour by gradient descent through whole trajectories", true,
    [](CLI::App& sub) {
        g_resume.clear(); // a process may dispatch several times (the Python module)
        sub.add_option("--resume", g_resume, "continue a killed or interrupted run directory in place (Adam fits from their checkpoints)");
    },
    run_infer);

} // namespace plast::app
