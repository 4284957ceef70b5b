// plast screen [CONFIG] | plast screen --resume RUN_DIR : rule discovery by screening rounds.
#include "verb.hpp"

#include "plast/core/error.hpp"
#include "plast/io/csv.hpp"
#include "plast/search/executor.hpp"
#include "plast/search/screen.hpp"
#include "plast/tasks/registry.hpp"

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

static int run_screen(Context& ctx)
{
    const bool resume = !g_resume_dir.empty();
    if (resume) ctx.resume_in_place(g_resume_dir, false);
    ctx.load_config(default_screen_config, "<embedded screen default>");
    auto task = tasks::make_task(ctx.config, {ctx.seed, resume, std::filesystem::path(ctx.config.source_name()).parent_path().string()});
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
