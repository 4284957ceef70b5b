// plast bench coba: the Vogels-Abbott COBA network (Vogels & Abbott 2005; Brette et al. 2007
// benchmark 1): 3200 E + 800 I TIF neurons, p = 0.02, static conductance synapses w_E = 0.6 and
// w_I = 6.7 (6 nS and 67 nS over the 10 nS leak), no external input; initial V ~ U[-60, -50) mV,
// g_E ~ N(4, 1.5^2) and g_I ~ N(20, 12^2) (in units of the leak, clipped at 0) start the
// self-sustained activity; 10 s (times --scale). The network is examples/models/coba.toml (no network is
// wired by hand: one builder builds every network). Prints wall seconds per simulated second, synaptic
// events per second, rates.
#include "bench.hpp"

#include "plast/io/config.hpp"
#include "plast/model/build.hpp"
#include "plast/model/model_file.hpp"

#include <chrono>
#include <cstdio>

namespace plast::app {

static int bench_coba(const BenchOptions& o)
{
    // The network is examples/models/coba.toml, built by the one network builder (model/build.hpp).
    const double sim = 10.0 * o.scale;
    const std::string file = model_path(o, "coba.toml");
    auto cfg = Config::load_file(file);
    std::vector<std::string> warnings;
    const auto m = model::read_model(cfg.root(), "", warnings);
    const auto seed = static_cast<std::uint64_t>(cfg.root().integer("seed", 1, 0, INT64_MAX));
    const auto m0 = std::chrono::steady_clock::now();
    auto b = model::build(m, seed);
    const auto m1 = std::chrono::steady_clock::now();
    b.net->run(sim);
    const auto m2 = std::chrono::steady_clock::now();
    const double mwall = std::chrono::duration<double>(m2 - m1).count();
    auto mrate = [&](std::size_t k) {
        double s = 0;
        for (double x : b.net->spike_counts(k)) s += x;
        return s / (static_cast<double>(b.net->group(k).size()) * sim);
    };
    std::printf("COBA (Vogels-Abbott) from %s (seed %llu): 3200 E + 800 I TIF, p = 0.02, dt = 0.1 ms, %.1f s simulated, one thread\n",
                file.c_str(), static_cast<unsigned long long>(seed), sim);
    std::printf("setup %.3f s; %.4f s wall per simulated second; %.3g synaptic events/s; E %.2f Hz, I %.2f Hz\n",
                std::chrono::duration<double>(m1 - m0).count(), mwall / sim, static_cast<double>(b.net->synaptic_events()) / mwall,
                mrate(0), mrate(1));
    std::printf("target: <= 0.05 s wall per simulated second\n");
    return 0;
}

PLAST_BENCHMARK("coba", "Vogels-Abbott COBA network (4000 TIF neurons, p = 0.02, 10 s)", bench_coba);

} // namespace plast::app
