// plast screen [CONFIG] | plast screen --resume RUN_DIR : rule discovery by screening rounds.
#include "verb.hpp"

#include "plast/search/e2l_screen_task.hpp"
#include "plast/search/model_screen_task.hpp"

#include <filesystem>

#include "plast/core/error.hpp"
#include "plast/io/csv.hpp"
#include "plast/search/executor.hpp"
#include "plast/search/familiarity_screen_task.hpp"
#include "plast/search/fsbi_screen_task.hpp"
#include "plast/search/screen.hpp"
#include "plast/search/toy_screen_task.hpp"
#include "plast/toy/toy_study.hpp"

#include <filesystem>
#include <optional>
#include <iostream>

namespace plast::app {

static std::string g_resume_dir;

static const char* const default_screen_config = R"(# plast screen: three rounds on the rate toy model (prior, restricted prior, conditional density)
seed = 1

[screen]
task = "toy_aba"

[task]
epochs = 20000

[[round]]
proposal = "prior"
candidates = 300

[[round]]
proposal = "restricted"
candidates = 300

[[round]]
proposal = "conditional"
candidates = 300
train_groups = ["stable"]
condition_on = ["RI"]
targets = { RI = [0.6, 1.0] }
)";

std::unique_ptr<search::ScreenTask> make_screen_task(Config& cfg, std::uint64_t seed)
{
    const auto sc = cfg.section("screen");
    const auto name = sc.string("task", "toy_aba", {"toy_aba", "fsbi", "model", "e2l", "familiarity"});
    if (name == "e2l") return search::E2lScreenTask::from_config(cfg);
    if (name == "familiarity") return search::FamiliarityScreenTask::from_config(cfg);
    if (name == "model")
        return search::ModelScreenTask::from_config(cfg.section("model"), std::filesystem::path(cfg.source_name()).parent_path().string());
    if (name == "fsbi") {
        const auto variant = sc.string("filter_variant", "paper", metrics::fsbi_filter_variants());
        const double target = sc.number("target_rate", 10.0, Range::positive());
        auto net = spiking::FsbiConfig::from_config(cfg.section("network"));
        net.require_six_param_rules(cfg.section("network"), "the fsbi screen");
        return std::make_unique<search::FsbiScreenTask>(net, variant, target);
    }
    if (name == "toy_aba") {
        // The screen searches the reduced explicit rule: theta0, theta1 and log10(eta) come from [prior].
        // A rule or learning rate configured as for `plast toy` would be replaced without notice: refused.
        const Section root = cfg.root();
        for (const char* k : {"explicit", "implicit", "explicit_sweep", "implicit_sweep", "rnn2", "rnn2_sweep", "linear_rnn"})
            if (root.has(k))
                root.fail(k, "the toy_aba screen searches the reduced explicit rule (theta0, theta1, log10_eta from [prior]); this rule would not be used",
                          "no [" + std::string(k) + "] table in a screen (set the search box in [prior.theta0], [prior.theta1], [prior.log10_eta])");
        // Runs begun before this check stored the unused task.eta in config.toml; their resume accepts it.
        if (!g_resume_dir.empty()) (void)cfg.section("task").number("eta", 0.01, Range::positive());
        else if (cfg.section("task").has("eta"))
            cfg.section("task").fail("eta", "the toy_aba screen draws the learning rate from [prior.log10_eta]; this eta would be replaced without notice",
                                     "no task.eta in a screen ([prior.log10_eta] lo, hi: log10 of eta)");
        // The A-B-A setting from [task] (same keys as `plast toy`).
        const auto study = toy::ToyStudy::from_config(cfg, seed, false);
        return std::make_unique<search::ToyScreenTask>(study.setup);
    }
    return nullptr;
}

static int run_screen(Context& ctx)
{
    const bool resume = !g_resume_dir.empty();
    if (resume) ctx.resume_in_place(g_resume_dir, false);
    ctx.load_config(default_screen_config, "<embedded screen default>");
    auto task = make_screen_task(ctx.config, ctx.seed);
    const auto spec = search::ScreenSpec::from_config(ctx.config, *task);
    ctx.config.check_unused();
    if (search::mpi::rank() != 0) {
        // Worker rank: simulate the candidates rank 0 sends until it says stop.
        search::mpi::serve(*task, ctx.seed, ctx.threads);
        return 0;
    }
    std::string fp = task->fingerprint() + " | prior";
    for (const auto& b : spec.prior.boxes()) fp += " " + b.name + (b.log_scale ? ":log" : "") + "[" + std::to_string(b.lo) + "," + std::to_string(b.hi) + "]";
    std::optional<search::Archive> opened;
    if (resume) {
        // Check the archive before touching run.json: a refused resume (exit 2) leaves the run as it was.
        opened.emplace(search::Archive::open(g_resume_dir + "/archive.sqlite", spec.prior.names(), task->metric_names(), fp, true));
        ctx.run = io::RunDir::reopen(g_resume_dir, ctx.command_line);
        if (!ctx.opts.quiet) std::cerr << "plast screen: resuming " << g_resume_dir << "\n";
    } else {
        ctx.open_run();
        opened.emplace(search::Archive::open(ctx.run->file("archive.sqlite"), spec.prior.names(), task->metric_names(), fp, false));
    }
    auto& dir = *ctx.run;
    auto& archive = *opened;
    nlohmann::json rounds;
    {
        auto executor = search::mpi::make_root_executor(ctx.threads);
        dir.summary()["mpi_ranks"] = executor->ranks();
        rounds = search::run_screen(spec, *task, archive, ctx.seed, *executor);
    }
    // The plausible rules as a table anyone can open (parameters, then metrics; provenance first).
    {
        std::vector<std::string> cols{"round", "idx", "source"};
        for (const auto& n : spec.prior.names()) cols.push_back(n);
        for (const auto& n : task->metric_names()) cols.push_back(n);
        io::CsvWriter csv(dir.file("plausible_rules.csv"), cols);
        for (const auto& r : archive.select("verdict = 'plausible'")) {
            std::vector<io::Cell> row{static_cast<long long>(r.round), static_cast<long long>(r.idx), r.source};
            for (double v : r.params) row.emplace_back(v);
            for (double v : r.metrics) row.emplace_back(v);
            csv.row(row);
        }
    }
    dir.summary()["plausible_rules"] = "plausible_rules.csv";
    dir.summary()["task"] = task->name();
    dir.summary()["rounds"] = rounds;
    dir.summary()["archive"] = "archive.sqlite";
    dir.summary()["candidates"] = archive.count();
    dir.summary()["plausible"] = archive.count("verdict = 'plausible'");
    nlohmann::json filt = nlohmann::json::array();
    for (const auto& g : spec.filter) {
        nlohmann::json cs = nlohmann::json::object();
        for (const auto& c : g.constraints) cs[c.metric] = {c.lo, c.hi};
        filt.push_back({{"group", g.name}, {"constraints", cs}});
    }
    dir.summary()["filter"] = filt;
    dir.summary()["param_names"] = spec.prior.names();
    dir.summary()["metric_names"] = task->metric_names();
    return ctx.complete();
}

PLAST_VERB("screen", "rule discovery: screening rounds with a SQLite archive (--resume RUN_DIR continues)", true,
           [](CLI::App& sub) { g_resume_dir.clear(); sub.add_option("--resume", g_resume_dir, "continue the screen in this run directory"); },
           run_screen);

} // namespace plast::app
