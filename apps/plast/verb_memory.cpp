// plast memory [CONFIG] | plast memory --resume RUN_DIR: familiarity memory tests of rules (given, or
// selected from a screen archive). Completed runs are journaled (memory_done.jsonl) as they finish; a
// resumed study keeps the run's configuration and seed and simulates only the missing runs.
#include "verb.hpp"

#include "plast/core/error.hpp"
#include "plast/io/run_dir.hpp"
#include "plast/memory/memory_study.hpp"

#include <iostream>

namespace plast::app {

static std::string g_resume_dir;

static int run_memory(Context& ctx)
{
    const bool resume = !g_resume_dir.empty();
    if (resume) ctx.resume_in_place(g_resume_dir, false);
    ctx.load_config(memory::default_memory_config, "<embedded memory default>");
    const auto study = memory::MemoryStudy::from_config(ctx.config);
    if (resume) {
        ctx.config.check_unused();
        ctx.run = io::RunDir::reopen(g_resume_dir, ctx.command_line);
        if (!ctx.opts.quiet) std::cerr << "plast memory: resuming " << g_resume_dir << "\n";
    } else {
        ctx.open_run();
    }
    study.run(*ctx.run, ctx.seed, ctx.threads, resume);
    return ctx.complete();
}

PLAST_VERB("memory", "familiarity memory tests (BND protocol, knock-outs, feed-forward iSTDP) over independent runs (--resume RUN_DIR continues)",
           true,
           [](CLI::App& sub) {
               g_resume_dir.clear(); // a process may dispatch several times (the Python module)
               sub.add_option("--resume", g_resume_dir, "continue the memory study in this run directory");
           },
           run_memory);

} // namespace plast::app
