// plast bench NAME [--scale S] [--threads N] [--json FILE]
#include "bench.hpp"
#include "dispatch.hpp"
#include "verb.hpp"

#include "plast/core/error.hpp"

#include <filesystem>
#include <iostream>

namespace plast::app {

std::string model_path(const BenchOptions& o, const std::string& name)
{
    namespace fs = std::filesystem;
    if (!o.models.empty()) return (fs::path(o.models) / name).string();
    const fs::path exe = cli_executable();
    {
        const auto p = exe.parent_path().parent_path() / "examples" / "models" / name;
        if (fs::exists(p)) return p.string();
    }
    return (fs::path("examples") / "models" / name).string();
}

std::vector<Benchmark>& benchmarks()
{
    static std::vector<Benchmark> b;
    return b;
}

static std::string g_bench_name;
static BenchOptions g_bench_opts;

static int run_bench(Context&)
{
    std::string names;
    for (const auto& b : benchmarks()) {
        names += (names.empty() ? "" : ", ") + b.name;
        if (b.name == g_bench_name) return b.run(g_bench_opts);
    }
    if (g_bench_name == "list" || g_bench_name.empty()) {
        for (const auto& b : benchmarks()) std::cout << b.name << "  - " << b.help << "\n";
        return 0;
    }
    usage_error("bench " + g_bench_name, "unknown benchmark", names.empty() ? "none built" : names);
}

PLAST_VERB("bench", "run a benchmark and print its figures (plast bench list)", false,
           [](CLI::App& sub) {
               g_bench_name.clear(); // a process may dispatch several times (the Python module)
               g_bench_opts = BenchOptions{};
               sub.add_option("name", g_bench_name, "benchmark name, or 'list'")->required();
               sub.add_option("--scale", g_bench_opts.scale, "workload scale factor")->check(CLI::PositiveNumber);
               sub.add_option("--threads,-j", g_bench_opts.threads, "threads")->check(CLI::Range(1, 4096));
               sub.add_option("--json", g_bench_opts.json_out, "also write the figures as JSON");
               sub.add_option("--archive", g_bench_opts.archive, "screen: also bench the last round of this discovery archive");
               sub.add_option("--candidates", g_bench_opts.candidates, "screen: candidates per set")->check(CLI::Range(1, 100000));
               sub.add_option("--models", g_bench_opts.models, "folder of the model files (default: the source tree's examples/models)");
               sub.add_option("--network-scale", g_bench_opts.network_scale, "screen: fSBI network scale")->check(CLI::Range(0.01, 1.0));
           },
           run_bench);

} // namespace plast::app
