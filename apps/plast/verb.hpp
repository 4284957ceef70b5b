#pragma once
// Verbs of the plast command line. Each verb lives in its own verb_<name>.cpp and registers itself
// with PLAST_VERB; main.cpp adds the shared options and dispatches.
#include "plast/io/config.hpp"
#include "plast/io/run_dir.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace plast::app {

// Options shared by every verb that reads a configuration.
struct CommonOptions {
    std::string config;             // path; empty = the verb's embedded default
    std::vector<std::string> sets;  // --set key=value
    std::string out;                // --out DIR
    int threads = 0;                // 0 = all cores
    std::optional<std::uint64_t> seed;
    bool force = false;
    bool quiet = false;
    bool no_report = false;
    bool print_config = false; // print the resolved configuration (all defaults) and exit
};

class Context {
public:
    CommonOptions opts;
    std::string verb;
    std::string command_line;
    Config config;
    std::uint64_t seed = 1;
    int threads = 1;
    std::optional<io::RunDir> run;

    // Load opts.config (or the embedded default text), apply --set, read the top-level seed.
    void load_config(const std::string& embedded_default, const std::string& embedded_name);
    // --resume DIR: the run in DIR continues in place with its stored configuration (opts.config becomes
    // DIR/config.toml). DIR must hold config.toml and run.json; a CONFIG, --out and --seed are refused, and --set
    // too unless allow_sets (a verb that checks a changed configuration itself, against its checkpoints).
    void resume_in_place(const std::string& dir, bool allow_sets);
    // After every key was read: reject unknown keys, then create the run directory.
    io::RunDir& open_run();
    // Finish run.json, render the report unless --no-report, print where it is.
    int complete();
};

struct Verb {
    std::string name;
    std::string help;
    bool uses_config = true; // adds the config positional and the common options
    std::function<void(CLI::App&)> add_options;
    std::function<int(Context&)> run;
};

std::vector<Verb>& verbs();

// Thrown by open_run() after --print-config printed the configuration.
struct PrintedConfig {};

struct VerbRegistrar {
    explicit VerbRegistrar(Verb v) { verbs().push_back(std::move(v)); }
};

// Render report.html for a run directory with the Python report tool; returns its path.
std::string render_report(const std::string& run_dir);

} // namespace plast::app

#define PLAST_VERB_CAT2(a, b) a##b
#define PLAST_VERB_CAT(a, b) PLAST_VERB_CAT2(a, b)
#define PLAST_VERB(...) static ::plast::app::VerbRegistrar PLAST_VERB_CAT(plast_verb_, __LINE__){::plast::app::Verb{__VA_ARGS__}}
