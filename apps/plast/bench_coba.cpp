// plast bench coba: the Vogels-Abbott COBA network (Vogels & Abbott 2005; Brette et al. 2007
// benchmark 1): 3200 E + 800 I TIF neurons, p = 0.02, static conductance synapses w_E = 0.6 and
// w_I = 6.7 (6 nS and 67 nS over the 10 nS leak), no external input; initial V ~ U[-60, -50) mV,
// g_E ~ N(4, 1.5^2) and g_I ~ N(20, 12^2) (in units of the leak, clipped at 0) start the
// self-sustained activity; 10 s (times --scale). Prints wall seconds per simulated second, synaptic events per second, rates.
#include "bench.hpp"

#include "plast/core/rng.hpp"
#include "plast/io/config.hpp"
#include "plast/model/build.hpp"
#include "plast/model/model_file.hpp"
#include "plast/spiking/network.hpp"

#include <algorithm>

#include <chrono>
#include <cstdio>

namespace plast::app {

static int bench_coba(const BenchOptions& o)
{
    using namespace spiking;
    const double sim = 10.0 * o.scale;
    const auto t0 = std::chrono::steady_clock::now();
    Network net(1e-4, 1);
    const auto p = IfParams::tif();
    const auto e = net.add_group("E", 3200, p), i = net.add_group("I", 800, p);
    for (std::size_t k : {e, i}) {
        net.group(k).randomize_v(-60, -50, 1, k);
        rng::Stream r(1, "coba_initial_g", k);
        auto& st = net.group(k).state();
        for (std::size_t n = 0; n < st.v.size(); ++n) {
            st.g_ampa[n] = static_cast<float>(std::max(0.0, r.normal(4.0, 1.5)));
            st.g_gaba[n] = static_cast<float>(std::max(0.0, r.normal(20.0, 12.0)));
        }
    }
    auto proj = [&](const char* name, std::size_t a, std::size_t b, Receptor r, float w, std::uint64_t key) {
        Projection pr(name, net.group(a).size(), net.group(b).size(), r, 8);
        pr.connect_random(0.02, a == b, w, 1, key);
        net.add_projection(std::move(pr), {false, a}, b);
    };
    proj("EE", e, e, Receptor::ampa, 0.6f, 0);
    proj("EI", e, i, Receptor::ampa, 0.6f, 1);
    proj("IE", i, e, Receptor::gaba, 6.7f, 2);
    proj("II", i, i, Receptor::gaba, 6.7f, 3);
    RateGuard g;
    g.enabled = false;
    net.set_rate_guard(g);
    const auto t1 = std::chrono::steady_clock::now();
    net.run(sim);
    const auto t2 = std::chrono::steady_clock::now();
    const double wall = std::chrono::duration<double>(t2 - t1).count();
    auto rate = [&](std::size_t k) {
        double s = 0;
        for (double x : net.spike_counts(k)) s += x;
        return s / (static_cast<double>(net.group(k).size()) * sim);
    };
    std::printf("COBA (Vogels-Abbott): 3200 E + 800 I TIF, p = 0.02, dt = 0.1 ms, %.1f s simulated, one thread\n", sim);
    std::printf("setup %.3f s; %.4f s wall per simulated second; %.3g synaptic events/s; E %.2f Hz, I %.2f Hz\n",
                std::chrono::duration<double>(t1 - t0).count(), wall / sim,
                static_cast<double>(net.synaptic_events()) / wall, rate(e), rate(i));
    // The same network from examples/models/coba.toml (its own seed: the self-sustained state depends
    // on the initial draw).
    {
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
        std::printf("model file %s (seed %llu): setup %.3f s; %.4f s wall per simulated second; %.3g synaptic events/s; E %.2f Hz, I %.2f Hz\n",
                    file.c_str(), static_cast<unsigned long long>(seed), std::chrono::duration<double>(m1 - m0).count(), mwall / sim,
                    static_cast<double>(b.net->synaptic_events()) / mwall, mrate(0), mrate(1));
    }
    std::printf("target: <= 0.05 s wall per simulated second\n");
    return 0;
}

PLAST_BENCHMARK("coba", "Vogels-Abbott COBA network (4000 TIF neurons, p = 0.02, 10 s)", bench_coba);

} // namespace plast::app
