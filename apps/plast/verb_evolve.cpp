// plast evolve [CONFIG] [--resume CHECKPOINT|RUN_DIR]: CGP evolution of plasticity rules on an E2L task.
#include "verb.hpp"

#include "plast/e2l/evolve_study.hpp"

#include <iostream>

namespace plast::app {

static std::string g_resume;

static int run_evolve(Context& ctx)
{
    ctx.load_config(e2l::default_evolve_config, "<embedded evolve default>");
    const auto study = e2l::EvolveStudy::from_config(ctx.config, ctx.seed, ctx.threads, g_resume);
    auto& dir = ctx.open_run();
    study.run(dir);
    if (!ctx.opts.quiet)
        std::cerr << "plast evolve: champion " << dir.summary()["champion"].get<std::string>()
                  << "  (F = " << dir.summary()["champion_fitness"].dump() << ")\n";
    return ctx.complete();
}

PLAST_VERB(
    "evolve", "evolve readable plasticity rules with CGP on an E2L task (error, reward, correlation)", true,
    [](CLI::App& sub) {
        sub.add_option("--resume", g_resume, "continue from a checkpoint.json (or a run directory holding one)");
    },
    run_evolve);

} // namespace plast::app
