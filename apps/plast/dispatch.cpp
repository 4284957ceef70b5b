#include "dispatch.hpp"

#include "verb.hpp"

#include "plast/core/error.hpp"
#include "plast/core/interrupt.hpp"
#include "plast/core/progress.hpp"
#include "plast/core/utf8.hpp"
#include "plast/core/version.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

namespace plast::app {

std::string& cli_executable()
{
    static std::string exe = [] {
        std::error_code ec;
        const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
        return ec ? std::string("plast") : p.string();
    }();
    return exe;
}

// Marks the run directory failed. Never throws: when even run.json cannot be written (disk full),
// one more line says so and what was written before stays as it is.
static bool record_failure(Context& ctx, const std::string& verb, const std::string& what) noexcept
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

static Outcome run_verb(const Verb& verb, Context& ctx, bool print)
{
    Outcome o;
    o.verb = verb.name;
    const std::string who = "plast " + verb.name;
    auto fail = [&](Outcome::Kind kind, int code, const std::string& message, const char* label) {
        o.kind = kind;
        o.code = code;
        o.message = valid_utf8(message);
        if (print) std::cerr << who << ": " << label << o.message << "\n";
    };
    try {
        o.code = verb.run(ctx);
    } catch (const PrintedConfig&) {
        o.code = 0;
    } catch (const Interrupted& e) {
        fail(Outcome::Kind::interrupted, e.exit_code(), e.what(), "");
        if (ctx.run) {
            try {
                ctx.run->finish("interrupted", e.what());
                if (print) std::cerr << who << ": completed work kept in " << ctx.run->path() << "\n";
            } catch (const std::exception& w) {
                std::cerr << who << ": could not record the interrupt in run.json: " << w.what() << "\n";
            }
        }
    } catch (const Error& e) {
        fail(Outcome::Kind::error, e.exit_code(), e.what(), "error: ");
        if (ctx.run && record_failure(ctx, verb.name, e.what()) && print)
            std::cerr << who << ": partial results kept in " << ctx.run->path() << "\n";
    } catch (const std::bad_alloc&) {
        fail(Outcome::Kind::out_of_memory, 1, "out of memory (lower the sizes of the run)", "error: ");
        if (ctx.run) record_failure(ctx, verb.name, "out of memory");
    } catch (const std::exception& e) {
        fail(Outcome::Kind::internal, 1, e.what(), "internal error: ");
        if (ctx.run) record_failure(ctx, verb.name, e.what());
    }
    if (ctx.run) o.run_dir = ctx.run->path();
    return o;
}

Outcome dispatch(const std::vector<std::string>& args, bool print_errors)
{
    CLI::App app{"plast: discover and infer synaptic plasticity rules"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(version()) + " (" + git_revision() + ")");
    app.failure_message(CLI::FailureMessage::help);

    std::string command_line;
    for (std::size_t i = 0; i < args.size(); ++i)
        command_line += (i ? " " : "") + args[i];

    auto& all = verbs();
    std::vector<std::unique_ptr<Context>> contexts;
    for (auto& v : all) {
        auto* sub = app.add_subcommand(v.name, v.help);
        contexts.push_back(std::make_unique<Context>());
        auto& ctx = *contexts.back();
        ctx.verb = v.name;
        ctx.command_line = command_line;
        if (v.uses_config) {
            sub->add_option("config", ctx.opts.config, "configuration file (TOML); omitted: the built-in default");
            sub->add_option("--set", ctx.opts.sets, "override a configuration value: section.key=value")
                ->allow_extra_args(false);
            sub->add_option("--out,-o", ctx.opts.out, "run directory (default: runs/<verb>-<config>-<time>)");
            sub->add_option("--threads,-j", ctx.opts.threads,
                            "worker threads (0 = all cores); results do not depend on it")
                ->check(CLI::Range(0, 4096));
            sub->add_option("--seed", ctx.opts.seed, "override the configuration's seed");
            sub->add_flag("--force", ctx.opts.force, "replace an existing run directory");
            sub->add_flag("--quiet,-q", ctx.opts.quiet, "no progress output");
            sub->add_flag("--no-report", ctx.opts.no_report, "skip figures and report.html");
            sub->add_flag("--print-config", ctx.opts.print_config,
                          "print the resolved configuration with every default, then exit without running");
        }
        if (v.add_options) v.add_options(*sub); // also resets the verb's own option values
    }

    Outcome o;
    if (!args.empty()) app.name(args[0]);
    std::vector<std::string> rev(args.begin() + (args.empty() ? 0 : 1), args.end());
    // A rule text may start with a minus ("-x_0 + x_1; ..."), which CLI11 would read as a short option. Option
    // names never hold spaces or operators, so such an argument is a value: a leading space keeps it one (the
    // expression parsers skip it). '/' is not a sign of a rule: "-o/some/dir" is an option with its value.
    for (auto& a : rev)
        if (a.size() > 1 && a[0] == '-' && a[1] != '-' && a.find_first_of(" ;+*()^") != std::string::npos)
            a.insert(a.begin(), ' ');
    std::reverse(rev.begin(), rev.end()); // CLI11 takes the arguments last first
    try {
        app.parse(rev);
    } catch (const CLI::ParseError& e) {
        o.kind = e.get_exit_code() == 0 ? Outcome::Kind::ok : Outcome::Kind::usage;
        if (print_errors)
            o.code = app.exit(e) == 0 ? 0 : 2;
        else {
            o.code = e.get_exit_code() == 0 ? 0 : 2;
            o.message = e.get_exit_code() == 0 ? app.help() : e.what();
        }
        return o;
    }

    for (std::size_t i = 0; i < all.size(); ++i) {
        auto* sub = app.get_subcommand(all[i].name);
        if (!sub->parsed()) continue;
        Progress::set_quiet(contexts[i]->opts.quiet);
        return run_verb(all[i], *contexts[i], print_errors);
    }
    o.kind = Outcome::Kind::usage;
    o.code = 2;
    return o;
}

} // namespace plast::app
