// plast bench fsbi: the full fSBI background network (4096 E + 1024 I, p = 0.1, 5000 Poisson inputs
// at 10 Hz), static and with all four projections plastic (I->E iSTDP tau = 20 ms, alpha = -0.4,
// beta = 0, gamma = kappa = 1; EE, EI, II at zero parameters, updates still computed).
// Prints set-up time, wall seconds per simulated second, synaptic events per second and E/I rates.
// Rows: the network built by the fSBI builder, the same network built from examples/models/fsbi.toml,
// and that model with its I->E rule written as an expression ("x_post - 0.4" / "x_pre", the generic
// event-rule path) instead of the fused 6pPol kernel.
#include "bench.hpp"

#include "plast/io/config.hpp"
#include "plast/model/build.hpp"
#include "plast/model/model_file.hpp"
#include "plast/spiking/fsbi_network.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>

namespace plast::app {

static int bench_fsbi(const BenchOptions& o)
{
    const double sim = 5.0 * o.scale; // simulated seconds measured (after 1 s of warm-up)
    nlohmann::json out = nlohmann::json::array();
    std::printf("fSBI background network: 4096 E + 1024 I, p = 0.1, 5000 Poisson inputs at 10 Hz, dt = 0.1 ms, one thread\n");
    std::printf("%-8s %10s %10s %14s %14s %8s %8s\n", "mode", "setup[s]", "sim[s]", "wall/sim-s", "events/s", "E[Hz]", "I[Hz]");
    struct Mode {
        const char* name;
        bool plastic, from_model, expression;
    };
    const std::vector<Mode> modes{{"static", false, false, false}, {"plastic", true, false, false},
                                  {"m-static", false, true, false}, {"m-plast", true, true, false}, {"m-expr", true, true, true}};
    const std::string file = model_path(o, "fsbi.toml");
    for (const auto& mode : modes) {
        const bool plastic = mode.plastic;
        const auto t0 = std::chrono::steady_clock::now();
        std::unique_ptr<spiking::Network> owned;
        std::size_t exc = 0, inh = 1;
        if (mode.from_model) {
            auto cfg = Config::load_file(file);
            std::vector<std::string> warnings;
            auto m = model::read_model(cfg.root(), "", warnings);
            for (auto& p : m.projections) p.plastic = plastic && p.rule != "static";
            if (mode.expression) {
                model::Rule& r = m.rules.at("istdp");
                r.family = model::Rule::Family::expression;
                r.on_pre = "x_post - 0.4";
                r.on_post = "x_pre";
                r.tau_pre = r.tau_post = 0.02;
            }
            m.monitors.clear();
            owned = model::build(m, 1).net;
        } else {
            spiking::FsbiConfig c;
            c.rules[2] = spiking::SixParamRule{0.02, 0.02, -0.4, 0.0, 1.0, 1.0};
            c.plastic = {plastic, plastic, plastic, plastic};
            auto run = spiking::build_fsbi(c, 1, 0);
            owned = std::move(run.net);
            exc = run.exc;
            inh = run.inh;
        }
        const auto t1 = std::chrono::steady_clock::now();
        auto& net = *owned;
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
        std::printf("%-8s %10.2f %10.1f %14.3f %14.3g %8.2f %8.2f%s\n", mode.name, setup, sim, wall / sim,
                    events / wall, rate(exc), rate(inh), net.aborted() ? "  (aborted)" : "");
        out.push_back({{"mode", mode.name}, {"setup_seconds", setup}, {"simulated_seconds", sim},
                       {"wall_per_simulated_second", wall / sim}, {"synaptic_events_per_second", events / wall},
                       {"rate_E", rate(exc)}, {"rate_I", rate(inh)}, {"synapses", [&] {
                            std::size_t n = 0;
                            for (std::size_t p = 0; p < net.n_projections(); ++p) n += net.projection(p).size();
                            return n;
                        }()}});
    }
    std::printf("m-*: built from %s (same network and seed as the builder); m-expr: I->E rule as an expression\n", file.c_str());
    std::printf("targets on one core: <= 0.3 s (plastic), <= 0.2 s (static) per simulated second; Auryn: 0.87 / 0.58\n");
    if (!o.json_out.empty()) std::ofstream(o.json_out) << out.dump(2) << "\n";
    return 0;
}

PLAST_BENCHMARK("fsbi", "full fSBI network, static and plastic: wall time per simulated second, events/s, rates", bench_fsbi);

} // namespace plast::app
