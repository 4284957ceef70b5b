// plast command line: plast <verb> [CONFIG.toml] [--set key=value]... [--out DIR] [--threads N] [--seed S]
#include "verb.hpp"

#include "plast/core/error.hpp"
#include "plast/core/interrupt.hpp"
#include "plast/core/utf8.hpp"
#include "plast/core/progress.hpp"
#include "plast/core/version.hpp"
#include "plast/search/executor.hpp"

#include <iostream>

static int run_main(int argc, char** argv);

// Marks the run directory failed. Never throws: when even run.json cannot be written (disk full),
// one more line says so and what was written before stays as it is.
static bool record_failure(plast::app::Context& ctx, const std::string& verb, const std::string& what) noexcept
{
    try {
        ctx.run->finish("failed", what);
        return true;
    } catch (const std::exception& e) {
        try {
            std::cerr << "plast " << verb << ": could not record the failure in run.json: " << e.what() << "\n";
        } catch (...) {
        }
    } catch (...) {
    }
    return false;
}

int main(int argc, char** argv)
{
    plast::search::mpi::init(&argc, &argv); // only when started under mpirun
    const int rc = run_main(argc, argv);
    plast::search::mpi::finalize();
    return rc;
}

static int run_main(int argc, char** argv)
{
    using namespace plast;
    CLI::App app{"plast: discover and infer synaptic plasticity rules"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(version()) + " (" + git_revision() + ")");
    app.failure_message(CLI::FailureMessage::help);

    std::string command_line;
    for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);

    auto& all = app::verbs();
    std::vector<std::unique_ptr<app::Context>> contexts;
    for (auto& v : all) {
        auto* sub = app.add_subcommand(v.name, v.help);
        contexts.push_back(std::make_unique<app::Context>());
        auto& ctx = *contexts.back();
        ctx.verb = v.name;
        ctx.command_line = command_line;
        if (v.uses_config) {
            sub->add_option("config", ctx.opts.config, "configuration file (TOML); omitted: the built-in default");
            sub->add_option("--set", ctx.opts.sets, "override a configuration value: section.key=value")
                ->allow_extra_args(false);
            sub->add_option("--out,-o", ctx.opts.out, "run directory (default: runs/<verb>-<config>-<time>)");
            sub->add_option("--threads,-j", ctx.opts.threads, "worker threads (0 = all cores); results do not depend on it")
                ->check(CLI::Range(0, 4096));
            sub->add_option("--seed", ctx.opts.seed, "override the configuration's seed");
            sub->add_flag("--force", ctx.opts.force, "replace an existing run directory");
            sub->add_flag("--quiet,-q", ctx.opts.quiet, "no progress output");
            sub->add_flag("--no-report", ctx.opts.no_report, "skip figures and report.html");
            sub->add_flag("--print-config", ctx.opts.print_config,
                          "print the resolved configuration with every default, then exit without running");
        }
        if (v.add_options) v.add_options(*sub);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }

    install_interrupt_handlers();
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto* sub = app.get_subcommand(all[i].name);
        if (!sub->parsed()) continue;
        auto& ctx = *contexts[i];
        Progress::set_quiet(ctx.opts.quiet);
        try {
            return all[i].run(ctx);
        } catch (const app::PrintedConfig&) {
            return 0;
        } catch (const Interrupted& e) {
            std::cerr << "plast " << all[i].name << ": " << e.what() << "\n";
            if (ctx.run) {
                try {
                    ctx.run->finish("interrupted", e.what());
                    std::cerr << "plast " << all[i].name << ": completed work kept in " << ctx.run->path() << "\n";
                } catch (const std::exception& w) {
                    std::cerr << "plast " << all[i].name << ": could not record the interrupt in run.json: " << w.what() << "\n";
                }
            }
            return e.exit_code();
        } catch (const Error& e) {
            std::cerr << "plast " << all[i].name << ": error: " << valid_utf8(e.what()) << "\n";
            if (ctx.run && record_failure(ctx, all[i].name, e.what()))
                std::cerr << "plast " << all[i].name << ": partial results kept in " << ctx.run->path() << "\n";
            return e.exit_code();
        } catch (const std::bad_alloc&) {
            std::cerr << "plast " << all[i].name << ": error: out of memory (lower the sizes of the run)\n";
            if (ctx.run) record_failure(ctx, all[i].name, "out of memory");
            return 1;
        } catch (const std::exception& e) {
            std::cerr << "plast " << all[i].name << ": internal error: " << valid_utf8(e.what()) << "\n";
            if (ctx.run) record_failure(ctx, all[i].name, e.what());
            return 1;
        }
    }
    return 2;
}
