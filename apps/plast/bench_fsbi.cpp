// plast bench fsbi: the full fSBI background network (4096 E + 1024 I, p = 0.1, 5000 Poisson inputs
// at 10 Hz), static and with all four projections plastic (I->E iSTDP tau = 20 ms, alpha = -0.4,
// beta = 0, gamma = kappa = 1; EE, EI, II at zero parameters, updates still computed).
// Prints set-up time, wall seconds per simulated second, synaptic events per second and E/I rates.
#include "bench.hpp"

#include "plast/spiking/fsbi_network.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>

namespace plast::app {

static int bench_fsbi(const BenchOptions& o)
{
    const double sim = 5.0 * o.scale; // simulated seconds measured (after 1 s of warm-up)
    nlohmann::json out = nlohmann::json::array();
    std::printf("fSBI background network: 4096 E + 1024 I, p = 0.1, 5000 Poisson inputs at 10 Hz, dt = 0.1 ms, one thread\n");
    std::printf("%-8s %10s %10s %14s %14s %8s %8s\n", "mode", "setup[s]", "sim[s]", "wall/sim-s", "events/s", "E[Hz]", "I[Hz]");
    for (const bool plastic : {false, true}) {
        spiking::FsbiConfig c;
        c.rules[2] = spiking::SixParamRule{0.02, 0.02, -0.4, 0.0, 1.0, 1.0};
        c.plastic = {plastic, plastic, plastic, plastic};
        const auto t0 = std::chrono::steady_clock::now();
        auto run = spiking::build_fsbi(c, 1, 0);
        const auto t1 = std::chrono::steady_clock::now();
        auto& net = *run.net;
        net.run(1.0);
        const auto ev0 = net.synaptic_events();
        net.reset_counts();
        const auto t2 = std::chrono::steady_clock::now();
        net.run(sim);
        const auto t3 = std::chrono::steady_clock::now();
        const double wall = std::chrono::duration<double>(t3 - t2).count();
        const double events = static_cast<double>(net.synaptic_events() - ev0);
        auto rate = [&](std::size_t g) {
            double s = 0;
            for (double x : net.spike_counts(g)) s += x;
            return s / (static_cast<double>(net.group(g).size()) * sim);
        };
        const double setup = std::chrono::duration<double>(t1 - t0).count();
        std::printf("%-8s %10.2f %10.1f %14.3f %14.3g %8.2f %8.2f%s\n", plastic ? "plastic" : "static", setup, sim, wall / sim,
                    events / wall, rate(run.exc), rate(run.inh), net.aborted() ? "  (aborted)" : "");
        out.push_back({{"mode", plastic ? "plastic" : "static"}, {"setup_seconds", setup}, {"simulated_seconds", sim},
                       {"wall_per_simulated_second", wall / sim}, {"synaptic_events_per_second", events / wall},
                       {"rate_E", rate(run.exc)}, {"rate_I", rate(run.inh)}, {"synapses", [&] {
                            std::size_t n = 0;
                            for (std::size_t p = 0; p < net.n_projections(); ++p) n += net.projection(p).size();
                            return n;
                        }()}});
    }
    std::printf("targets on one core: <= 0.3 s (plastic), <= 0.2 s (static) per simulated second; Auryn: 0.87 / 0.58\n");
    if (!o.json_out.empty()) std::ofstream(o.json_out) << out.dump(2) << "\n";
    return 0;
}

PLAST_BENCHMARK("fsbi", "full fSBI network, static and plastic: wall time per simulated second, events/s, rates", bench_fsbi);

} // namespace plast::app
