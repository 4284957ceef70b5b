// plast bench screen: screening throughput on the fSBI task. Runs candidates through the real
// screening machinery (proposal, simulation, filter, SQLite archive) on one thread, with the rate
// guard (early abort) and without it, and prints candidates and plausible rules per core-hour at the
// 70-s protocol and the share of wall time spent simulating. Sets: candidates from the fSBI box
// prior, and (with --archive) the candidates of the last round of a discovery archive, re-simulated
// on this network — the rate at which the final round of a discovery yields plausible rules.
#include "bench.hpp"

#include "plast/io/config.hpp"
#include "plast/search/archive.hpp"
#include "plast/search/executor.hpp"
#include "plast/tasks/fsbi_task.hpp"
#include "plast/search/screen.hpp"

#include "plast/core/progress.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

namespace plast::app {

namespace {
// Times the simulations inside the task.
class TimedTask : public tasks::FsbiTask {
public:
    using FsbiTask::FsbiTask;
    search::EvalOutcome evaluate(const std::vector<double>& p, std::uint64_t seed, std::uint64_t key) const override
    {
        const auto t0 = std::chrono::steady_clock::now();
        auto out = FsbiTask::evaluate(p, seed, key);
        sim_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        simulated_ += out.status == "completed" ? total_ : out.abort_time;
        return out;
    }
    mutable double sim_ = 0, simulated_ = 0;
    double total_ = 70;
};

void bench_set(const BenchOptions& o, const std::string& set, const std::string& round_toml)
{
    const double scale = o.scale;
    for (const bool guard : {true, false}) {
        spiking::FsbiConfig c;
        c.scale = o.network_scale;
        c.warmup = 60.0 * scale;
        c.score = 10.0 * scale;
        if (!guard) {
            c.guard_min = 0.0;
            c.guard_max = 1e9; // effectively off: exploding networks run to the end
        }
        TimedTask task(c, "paper");
        task.total_ = c.warmup + c.score;
        Config cfg = Config::parse(round_toml + "\n[screen]\nchunk = 1\n", "bench");
        const auto spec = search::ScreenSpec::from_config(cfg, task);
        const auto path = (std::filesystem::temp_directory_path() / ("plast_bench_screen_" + std::to_string(guard) + ".sqlite")).string();
        std::filesystem::remove(path);
        std::filesystem::remove(path + "-wal");
        std::filesystem::remove(path + "-shm");
        auto archive = search::Archive::open(path, spec.prior.names(), task.metric_names(), task.fingerprint(), false);
        search::LocalExecutor exec(1);
        const auto t0 = std::chrono::steady_clock::now();
        search::run_screen(spec, task, archive, 1, exec);
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const auto n = archive.count();
        const auto aborted = archive.count("status != 'completed'");
        const auto plausible = archive.count("verdict = 'plausible'");
        // Set-up (connectivity) cost of one candidate, measured separately.
        const auto b0 = std::chrono::steady_clock::now();
        { auto net = spiking::build_fsbi(c, 1, 0); }
        const double build = std::chrono::duration<double>(std::chrono::steady_clock::now() - b0).count();
        const double sim_wall = task.sim_ - static_cast<double>(n) * build;
        const double per_sim_s = sim_wall / std::max(1e-9, task.simulated_);
        // At the full protocol each candidate simulates (simulated / candidates) / scale seconds.
        const double cand70 = build + per_sim_s * task.simulated_ / static_cast<double>(n) / scale;
        const double cand_per_hour = 3600.0 / cand70;
        std::printf("%-14s %-12s %8.1f %9.1f%% %5lld/%-4lld %10.3f %14.0f %5lld/%-4lld %14.1f\n", set.c_str(),
                    guard ? "early abort" : "no abort", wall, 100.0 * sim_wall / wall, static_cast<long long>(aborted),
                    static_cast<long long>(n), per_sim_s, cand_per_hour, static_cast<long long>(plausible),
                    static_cast<long long>(n), cand_per_hour * static_cast<double>(plausible) / static_cast<double>(n));
        std::filesystem::remove(path);
        std::filesystem::remove(path + "-wal");
        std::filesystem::remove(path + "-shm");
    }
}
} // namespace

static int bench_screen(const BenchOptions& o)
{
    std::printf("fSBI screening throughput: network scale %.2f (%s), protocol (60 + 10) x %.2f s, one thread, %d candidates per set\n",
                o.network_scale, o.network_scale == 1.0 ? "4096 E + 1024 I" : "in-degrees of the full network", o.scale, o.candidates);
    Progress::set_quiet(true);
    std::printf("%-14s %-12s %8s %10s %10s %10s %14s %10s %14s\n", "set", "guard", "wall[s]", "sim share", "aborted",
                "wall/sim-s", "cand/core-h@70s", "plausible", "plaus/core-h@70s");
    bench_set(o, "box prior", "[[round]]\nproposal = \"prior\"\ncandidates = " + std::to_string(o.candidates) + "\n");
    if (!o.archive.empty())
        bench_set(o, "final round",
                  "[[round]]\nproposal = \"archive\"\narchive = \"" + o.archive +
                      "\"\nquery = \"round = (SELECT MAX(round) FROM candidates)\"\nlimit = " + std::to_string(o.candidates) + "\n");
    std::printf("plausible rules per core-hour = candidates per core-hour x plausible fraction of the set (70-s protocol);\n"
                "published fSBI pipeline: about 11 per core-hour; target for the final round: >= 100\n");
    return 0;
}

PLAST_BENCHMARK("screen", "fSBI screening throughput: candidates and plausible rules per core-hour (--archive: a discovery's final round)", bench_screen);

} // namespace plast::app
