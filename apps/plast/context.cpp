#include "verb.hpp"
#include "dispatch.hpp"
#include "headline.hpp"

#include "plast/core/error.hpp"
#include "plast/core/parallel.hpp"
#include "plast/core/version.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace plast::app {

std::vector<Verb>& verbs()
{
    static std::vector<Verb> v;
    return v;
}

void Context::load_config(const std::string& embedded_default, const std::string& embedded_name)
{
    if (opts.config.empty()) config = Config::parse(embedded_default, embedded_name);
    else config = Config::load_file(opts.config);
    for (const auto& s : opts.sets) config.apply_override(s);
    if (opts.seed) config.apply_override("seed=" + std::to_string(*opts.seed)); // recorded in the resolved config
    seed = static_cast<std::uint64_t>(config.root().integer("seed", 1, 0, INT64_MAX));
    threads = resolve_threads(opts.threads);
}

void Context::resume_in_place(const std::string& dir, bool allow_sets)
{
    namespace fs = std::filesystem;
    if (!opts.config.empty() || !opts.out.empty())
        usage_error("--resume", "a run is continued in place with its own configuration", "--resume RUN_DIR without CONFIG or --out");
    if (opts.seed || (!allow_sets && !opts.sets.empty()))
        usage_error("--resume", "a resumed plast " + verb + " run keeps its configuration; " + (allow_sets ? "--seed is" : "--set/--seed are") +
                        " not allowed", "no overrides");
    if (!fs::is_directory(dir) || !fs::exists(fs::path(dir) / "config.toml") || !fs::exists(fs::path(dir) / "run.json"))
        usage_error("--resume", dir + " is not a run directory of plast " + verb + " (no config.toml and run.json)",
                    "the --out directory of an earlier plast " + verb);
    opts.config = (fs::path(dir) / "config.toml").string();
}

io::RunDir& Context::open_run()
{
    config.check_unused();
    if (opts.print_config) {
        std::cout << config.documented_toml();
        throw PrintedConfig{};
    }
    io::RunInfo info;
    info.verb = verb;
    info.config_source = config.source_name();
    info.seed = seed;
    info.threads = threads;
    info.command_line = command_line;
    std::string stem = opts.config.empty() ? "default" : std::filesystem::path(opts.config).stem().string();
    run = io::RunDir::create(opts.out, stem, opts.force, info, config);
    if (!opts.quiet) std::cerr << "plast " << verb << ": writing " << run->path() << "\n";
    return *run;
}

int Context::complete()
{
    if (run->headline().empty())
        for (const auto& line : default_headline(verb, run->summary())) run->headline(line);
    run->finish("completed");
    // The headline goes to stderr (stdout carries only the report path, for scripts).
    for (const auto& line : run->headline()) std::cerr << "plast " << verb << ": " << line << "\n";
    if (opts.no_report) {
        std::cout << run->path() << "\n";
        return 0;
    }
    const std::string report = render_report(run->path());
    std::cout << report << "\n";
    return 0;
}

static std::string shell_quote(const std::string& s)
{
    std::string q = "'";
    for (char c : s) {
        if (c == '\'') q += "'\\''";
        else q += c;
    }
    return q + "'";
}

std::string render_report(const std::string& run_dir)
{
    const std::string py = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    // The report package, and the plast module built next to this program (build/python) for the
    // parts of reports that use it (the screen's density calibration).
    std::string path = std::string(source_dir()) + "/python";
    std::error_code ec;
    const auto built = std::filesystem::path(cli_executable()).parent_path() / "python";
    if (std::filesystem::is_directory(built / "plast", ec)) path += ":" + built.string();
    const std::string cmd = "PYTHONPATH=" + shell_quote(path) +
                            " MPLBACKEND=Agg " + py + " -m plast_report " + shell_quote(run_dir);
    const int rc = std::system(cmd.c_str());
    if (rc != 0)
        runtime_error(run_dir, "report rendering failed (results are kept; run 'plast report " + run_dir +
                                   "' again after fixing the Python environment)");
    return run_dir + "/report.html";
}

} // namespace plast::app
