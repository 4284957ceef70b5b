// plast demo [CONFIG]: plast's main job on its embedded default. Runs the most complete discovery
// path plast has, one step per capability (each step is an ordinary verb run with its own run
// directory inside the demo's), and writes one report.html that links and summarises them.
#include "dispatch.hpp"
#include "verb.hpp"

#include "plast/core/error.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace plast::app {

static const char* const default_demo_config = R"TOML(# plast demo: one short run of every capability, each with its own report
seed = 1

[[step]]
name = "toy"
title = "Rate toy models: memory by accident in the A-B-A task"
verb = "toy"
args = []

[[step]]
name = "infer"
title = "Gradient inference: recover the reward rule x(R - E[R]) from simulated two-odor behaviour (81-term Taylor rule, exact adjoint)"
verb = "infer"
args = []

[[step]]
name = "evolve"
title = "Evolving readable rules with CGP on the error-driven E2L task (fast mode: short trials, 400 generations)"
verb = "evolve"
args = ["--set", "fast=true"]

[[step]]
name = "evolve_rate_rule"
title = "One rule through two methods: CGP evolves a rate rule on Oja data (taught at learning rate 0.3) ..."
verb = "evolve"
args = ["@ROOT@/examples/evolve_oja_rule.toml"]

[[step]]
name = "fit_evolved_constants"
title = "... then gradient descent fits the champion's constants through whole trajectories (finite-difference-checked gradient)"
verb = "infer"
args = ["@ROOT@/examples/infer_evolved_constants.toml"]

[[step]]
name = "screen"
title = "Rule discovery by screening rounds (rate toy task): prior, restricted prior, conditional density"
verb = "screen"
args = []

[[step]]
name = "spiking_screen"
title = "Spiking rule discovery (fSBI network at scale 0.25): box prior vs mean-field set-point proposal, a few candidates each"
verb = "screen"
args = ["@ROOT@/examples/fsbi_screen_demo.toml"]

[[step]]
name = "simulate"
title = "Spiking fSBI network (1024 E + 256 I) with iSTDP: stability metrics and plausibility verdict"
verb = "simulate"
args = []

[[step]]
name = "model_file"
title = "Your own network from a model file: two E populations settle at their own inhibitory set points (4 and 12 Hz), trained by a stimulus schedule, probed from one snapshot"
verb = "simulate"
args = ["@ROOT@/examples/models/two_setpoints.toml"]

[[step]]
name = "memory"
title = "Familiarity memory of a recurrent iSTDP network vs a static control (5 runs each, t-test per test time)"
verb = "memory"
args = ["--set", "protocol.breaks=[1.0,9.0]"]

[[step]]
name = "memory_by_accident"
title = "Memory by accident: familiarity test of 3 discovered plausible rules (shipped set) vs a static control, tests at 1 s and 10 s"
verb = "memory"
args = ["@ROOT@/examples/memory_by_accident.toml", "--set", "memory.rules_csv='@ROOT@/examples/data/fsbi_plausible_rules.csv'",
        "--set", "memory.rules_limit=3", "--set", "memory.conditions=['control','static']", "--set", "protocol.breaks=[1.0,9.0]",
        "--set", "protocol.pretrain=10.0"]
)TOML";

// The folder that holds plast's examples: the source tree above the executable's build folder, or
// the working directory. "@ROOT@" in step arguments stands for it, so the demo runs from anywhere.
static std::string examples_root(const std::string& exe)
{
    namespace fs = std::filesystem;
    const fs::path up = fs::path(exe).parent_path().parent_path();
    if (fs::exists(up / "examples")) return up.string();
    return fs::current_path().string();
}

static std::string with_root(std::string a, const std::string& root)
{
    for (std::size_t p; (p = a.find("@ROOT@")) != std::string::npos;) a.replace(p, 6, root);
    return a;
}

static std::string self_exe() { return cli_executable(); }

static std::string quote(const std::string& s)
{
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

static int run_demo(Context& ctx)
{
    ctx.load_config(default_demo_config, "<embedded demo default>");
    struct Step {
        std::string name, title, verb;
        std::vector<std::string> args;
    };
    std::vector<Step> steps;
    const Section root = ctx.config.root();
    const std::size_t n = root.array_size("step");
    if (n == 0) root.fail("step", "no steps configured", "one or more [[step]] tables");
    for (std::size_t i = 0; i < n; ++i) {
        const Section s = root.element("step", i);
        Step st;
        st.name = s.string("name");
        st.title = s.string("title", st.name);
        st.verb = s.string("verb");
        st.args = s.strings("args", {});
        bool known = false;
        for (const auto& v : verbs()) known = known || (v.name == st.verb && v.uses_config && v.name != "demo");
        if (!known) s.fail("verb", "unknown verb '" + st.verb + "'", "a verb that takes a configuration");
        steps.push_back(std::move(st));
    }
    auto& dir = ctx.open_run();
    const std::string exe = self_exe();
    const std::string ex_root = examples_root(exe);
    nlohmann::json results = nlohmann::json::array();
    int failures = 0;
    for (const auto& st : steps) {
        const std::string out = dir.file(st.name);
        std::string cmd = quote(exe) + " " + st.verb;
        for (const auto& a : st.args) cmd += " " + quote(with_root(a, ex_root));
        cmd += " --out " + quote(out) + " --seed " + std::to_string(ctx.seed) + " --threads " +
               std::to_string(ctx.threads) + (ctx.opts.quiet ? " --quiet" : "") + " > /dev/null";
        if (!ctx.opts.quiet) std::cerr << "plast demo: step '" << st.name << "': " << st.title << "\n";
        const int rc = std::system(cmd.c_str());
        nlohmann::json r = {{"name", st.name}, {"title", st.title}, {"verb", st.verb}, {"dir", st.name},
                            {"exit_code", WIFEXITED(rc) ? WEXITSTATUS(rc) : -1}};
        std::ifstream rj(out + "/run.json");
        if (rj) {
            const auto j = nlohmann::json::parse(rj, nullptr, false);
            if (!j.is_discarded()) {
                r["status"] = j.value("status", "unknown");
                r["wall_seconds"] = j.value("wall_seconds", 0.0);
            }
        }
        if (rc != 0) ++failures;
        results.push_back(r);
        dir.summary()["steps"] = results;
        dir.finish("running");
    }
    if (failures) {
        dir.finish("failed", std::to_string(failures) + " demo step(s) failed");
        if (!ctx.opts.no_report) render_report(dir.path());
        runtime_error("plast demo", std::to_string(failures) + " step(s) failed; see " + dir.path());
    }
    return ctx.complete();
}

PLAST_VERB("demo", "the main job: a short run of every capability with one combined report", true, nullptr, run_demo);

} // namespace plast::app
