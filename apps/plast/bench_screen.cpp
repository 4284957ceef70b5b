// plast bench screen: screening throughput on the fSBI task. Draws candidates from the fSBI prior,
// runs them through the real screening machinery (proposal, simulation, filter, SQLite archive) on
// one thread, with the rate guard (early abort) and without it, and prints candidates per core-hour
// extrapolated to the 70 s protocol and the share of wall time spent simulating.
#include "bench.hpp"

#include "plast/io/config.hpp"
#include "plast/search/archive.hpp"
#include "plast/search/executor.hpp"
#include "plast/search/fsbi_screen_task.hpp"
#include "plast/search/screen.hpp"

#include "plast/core/progress.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

namespace plast::app {

namespace {
// Times the simulations inside the task.
class TimedTask : public search::FsbiScreenTask {
public:
    using FsbiScreenTask::FsbiScreenTask;
    search::EvalOutcome evaluate(const std::vector<double>& p, std::uint64_t seed, std::uint64_t key) const override
    {
        const auto t0 = std::chrono::steady_clock::now();
        auto out = FsbiScreenTask::evaluate(p, seed, key);
        sim_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        simulated_ += out.status == "completed" ? total_ : out.abort_time;
        return out;
    }
    mutable double sim_ = 0, simulated_ = 0;
    double total_ = 70;
};
} // namespace

static int bench_screen(const BenchOptions& o)
{
    const double scale = o.scale; // protocol length factor: 60 s + 10 s times scale
    const int candidates = 8;
    std::printf("fSBI screening throughput: full network (4096 E + 1024 I), %d prior candidates, protocol (60 + 10) x %.2f s, one thread\n",
                candidates, scale);
    Progress::set_quiet(true);
    std::printf("%-12s %8s %9s %10s %8s %10s %10s %20s\n", "guard", "wall[s]", "build[s]", "sim share", "aborted",
                "sim[s]", "wall/sim-s", "cand/core-hour@70s");
    for (const bool guard : {true, false}) {
        spiking::FsbiConfig c;
        c.warmup = 60.0 * scale;
        c.score = 10.0 * scale;
        if (!guard) {
            c.guard_min = 0.0;
            c.guard_max = 1e9; // effectively off: exploding networks run to the end
        }
        TimedTask task(c, "paper");
        task.total_ = c.warmup + c.score;
        Config cfg = Config::parse("[[round]]\nproposal = \"prior\"\ncandidates = " + std::to_string(candidates) + "\n[screen]\nchunk = 1\n", "bench");
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
        const auto aborted = archive.count("status != 'completed'");
        // Set-up (connectivity) cost of one candidate, measured separately.
        const auto b0 = std::chrono::steady_clock::now();
        { auto net = spiking::build_fsbi(c, 1, 0); }
        const double build = std::chrono::duration<double>(std::chrono::steady_clock::now() - b0).count();
        const double sim_wall = task.sim_ - candidates * build;
        const double per_sim_s = sim_wall / std::max(1e-9, task.simulated_);
        // At the full protocol each candidate simulates (simulated / candidates) / scale seconds.
        const double cand70 = build + per_sim_s * task.simulated_ / candidates / scale;
        std::printf("%-12s %8.1f %9.2f %9.1f%% %5lld/%-2d %10.1f %10.3f %20.0f\n", guard ? "early abort" : "no abort", wall,
                    build, 100.0 * sim_wall / wall, static_cast<long long>(aborted), candidates, task.simulated_, per_sim_s,
                    3600.0 / cand70);
        std::filesystem::remove(path);
    }
    std::printf("target: >= 95 %% of wall time in simulation (no recompilation, negligible per-candidate set-up)\n");
    return 0;
}

PLAST_BENCHMARK("screen", "fSBI screening throughput (candidates per core-hour, share of wall time simulating)", bench_screen);

} // namespace plast::app
