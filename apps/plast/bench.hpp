#pragma once
// `plast bench NAME`: benchmarks that print their figures (wall time, events/s, workload).
// Each benchmark lives in apps/plast/bench_<name>.cpp and registers itself with PLAST_BENCHMARK.
// Benchmarks print; they never assert on time.
#include <functional>
#include <string>
#include <vector>

namespace plast::app {

struct BenchOptions {
    double scale = 1.0; // shrink or grow the workload (e.g. simulated seconds)
    int threads = 1;
    std::string json_out; // optional: write the figures as JSON here
    std::string archive;  // screen: also bench the last round of this discovery archive
    int candidates = 8;   // screen: candidates per set
    double network_scale = 1.0; // screen: fSBI network scale
    std::string models;   // folder of the shipped model files (default: next to the executable's source tree)
};

struct Benchmark {
    std::string name, help;
    std::function<int(const BenchOptions&)> run;
};

std::vector<Benchmark>& benchmarks();

// Path of a shipped model file (examples/models/NAME): --models, else ../examples/models next to the
// executable's folder, else examples/models under the working directory.
std::string model_path(const BenchOptions& o, const std::string& name);

struct BenchRegistrar {
    explicit BenchRegistrar(Benchmark b) { benchmarks().push_back(std::move(b)); }
};

} // namespace plast::app

#define PLAST_BENCH_CAT2(a, b) a##b
#define PLAST_BENCH_CAT(a, b) PLAST_BENCH_CAT2(a, b)
#define PLAST_BENCHMARK(...) static ::plast::app::BenchRegistrar PLAST_BENCH_CAT(plast_bench_, __LINE__){::plast::app::Benchmark{__VA_ARGS__}}
