// Details that follow Auryn (docs/spiking.md, "Differences from Auryn"): the IFGroup NMDA update, the
// RateChecker reading delayed spikes, the guard's start, and weight samples over the whole run.
#include "plast/spiking/fsbi_network.hpp"
#include "plast/spiking/network.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace plast::spiking;

namespace {
constexpr double dt = 1e-4;

// g_NMDA after one step from g_AMPA = 1, g_NMDA = 0 (the neuron stays far below threshold).
double nmda_after_one_step(IfParams::NmdaUpdate u)
{
    IfParams p;
    p.nmda_update = u;
    IfGroup g("n", 1, p, dt);
    g.state().g_ampa[0] = 1.f;
    std::vector<std::uint32_t> spikes;
    g.step(spikes);
    return g.state().g_nmda[0];
}
} // namespace

TEST(SpikingAuryn, NmdaUpdateIsIFGroupsOrTheEulerStep)
{
    const double m = -std::expm1(-dt / 0.1), d = dt / 0.1;
    // Auryn: g += m g_AMPA, then g -= m g (on the updated g): (1 - m) m. Euler: d.
    EXPECT_NEAR(nmda_after_one_step(IfParams::NmdaUpdate::auryn), (1 - m) * m, 1e-6 * m);
    EXPECT_NEAR(nmda_after_one_step(IfParams::NmdaUpdate::euler), d, 1e-6 * d);
}

TEST(SpikingAuryn, RateGuardCountsSpikesAfterTheAxonalDelay)
{
    // One neuron above threshold spikes in step 0; the guard (delay 8 steps) sees it in step 8.
    Network net(dt, 1);
    const auto g = net.add_group("n", 1, IfParams{});
    Projection loop("loop", 1, 1, Receptor::ampa, 8); // no synapses: only sets the delay-ring length
    loop.connect_pairs({}, 0.f);
    net.add_projection(std::move(loop), {false, g}, g);
    RateGuard guard;
    guard.group = g;
    guard.r_min = 0;
    guard.r_max = 1e9;
    guard.rate = 50;
    guard.delay = 8;
    net.set_rate_guard(guard);
    net.group(g).state().v[0] = -45.f;
    const double decay = std::exp(-dt / 1.0);
    net.run(8 * dt); // steps 0..7
    EXPECT_NEAR(net.guard_rate(), 50 * std::pow(decay, 8), 1e-9);
    net.run(dt); // step 8: the spike of step 0 arrives, +1/(tau N) = +1 Hz
    EXPECT_NEAR(net.guard_rate(), 50 * std::pow(decay, 9) + 1.0, 1e-9);
}

TEST(SpikingAuryn, GuardStartMidpointOrMeasured)
{
    // A silent group: the midpoint start (Auryn) decays from 50 Hz and never reaches r_min = 0 within
    // 2 s; the measured start reads 0 Hz and aborts at the first check, after one time constant.
    auto silent = [](RateGuard::Start start) {
        auto net = std::make_unique<Network>(dt, 1);
        const auto g = net->add_group("n", 4, IfParams{});
        RateGuard guard;
        guard.group = g;
        guard.r_min = 0;
        guard.r_max = 100;
        guard.rate = 50;
        guard.start = start;
        net->set_rate_guard(guard);
        net->run(2.0);
        return net;
    };
    const auto mid = silent(RateGuard::Start::midpoint);
    EXPECT_FALSE(mid->aborted());
    EXPECT_NEAR(mid->guard_rate(), 50 * std::exp(-2.0), 1e-6);
    const auto measured = silent(RateGuard::Start::measured);
    EXPECT_TRUE(measured->aborted());
    EXPECT_NEAR(measured->abort_time(), 1.0 - dt, 0.5 * dt); // the step that ends at t = tau (abort times are step starts)
}

TEST(SpikingAuryn, GuardMeasuredStartIsTheMeanRateSinceTheStart)
{
    FsbiConfig c;
    c.scale = 0.0625; // 256 E, 64 I
    c.warmup = 0.5;
    c.score = 0.5;
    c.guard_start = RateGuard::Start::measured;
    auto run = build_fsbi(c, 2, 0);
    run.net->run(0.5);
    double spikes = 0;
    for (double x : run.net->spike_counts(run.exc)) spikes += x;
    // The guard lags by the 8-step delay: it has seen the spikes of the first 0.5 s - 0.8 ms.
    const auto& pc = run.net->population_counts(run.exc);
    double late = 0;
    for (std::size_t k = pc.size() - 8; k < pc.size(); ++k) late += pc[k];
    EXPECT_NEAR(run.net->guard_rate(), (spikes - late) / (256.0 * 0.5), 1e-9);
}

TEST(SpikingAuryn, WeightsOverTheWholeRunLeaveTheScoredMetricsUnchanged)
{
    FsbiConfig c;
    c.scale = 0.0625;
    c.warmup = 1.0;
    c.score = 1.0;
    c.rules[2] = SixParamRule{0.02, 0.02, -0.4, 0.0, 1.0, 1.0};
    c.plastic = {false, false, true, false};
    c.weights_whole_run = true;
    const auto whole = run_fsbi(c, 5, 0);
    c.weights_whole_run = false;
    const auto scored = run_fsbi(c, 5, 0);
    ASSERT_FALSE(whole.aborted) << whole.abort_reason;
    for (const auto& [k, v] : scored.metrics) EXPECT_EQ(whole.metrics.at(k), v) << k;
    ASSERT_EQ(whole.weight_times.size(), 20u); // every 0.1 s from t = 0
    ASSERT_EQ(scored.weight_times.size(), 10u);
    EXPECT_NEAR(whole.weight_times.front(), 0.0, 1e-12);
    EXPECT_NEAR(scored.weight_times.front(), 1.0, 1e-9);
    ASSERT_EQ(whole.weights.size(), 1u);
    EXPECT_EQ(whole.weights[0].samples[0], std::vector<float>(whole.weights[0].samples[0].size(), 1.f)); // initial w_IE
    for (std::size_t t = 0; t < 10; ++t) EXPECT_EQ(whole.weights[0].samples[10 + t], scored.weights[0].samples[t]);
    // Full-population rates cover more neurons than the recorded subsets but the same window.
    EXPECT_GT(whole.rate_exc_all, 0.0);
    EXPECT_GT(whole.rate_inh_all, 0.0);
}

TEST(SpikingAuryn, CvaifReferenceOrderFollowsCVAIFGroup)
{
    IfParams p = IfParams::cvaif();
    p.cvaif_update = IfParams::CvaifUpdate::reference;
    IfGroup g("n", 1, p, dt);
    auto& s = g.state();
    s.v[0] = -60.f;
    s.g_ampa[0] = 0.5f;
    s.g_nmda[0] = 0.2f;
    s.g_gaba[0] = 0.3f;
    s.g_adapt[0] = 0.1f;
    s.theta[0] = 2.f;
    s.v_trace[0] = -65.f;
    s.c_exc[0] = 1.f;
    s.c_inh[0] = 2.f;
    std::vector<std::uint32_t> spikes;
    g.step(spikes);
    // By hand, in the reference's order: decay, NMDA from the decayed AMPA (factor dt/tau), currents from the
    // decayed conductances and the start V, traces, then V.
    const double a2 = 0.5 * std::exp(-dt / 5e-3), i2 = 0.3 * std::exp(-dt / 10e-3), ad = 0.1 * std::exp(-dt / 0.1);
    const double d = dt / 0.1, n2 = (1 - d) * (0.2 + d * a2), a = 0.3 / 1.3;
    const double ie = (a * a2 + (1 - a) * n2) * (0.0 + 60.0), ii = (i2 + ad) * (-60.0 + 80.0);
    const auto near = [](double x, double want) { EXPECT_NEAR(x, want, 2e-6 * std::fabs(want) + 1e-7); };
    near(s.g_ampa[0], a2);
    near(s.g_gaba[0], i2);
    near(s.g_adapt[0], ad);
    near(s.g_nmda[0], n2);
    near(s.c_exc[0], 1 + dt / 0.01 * (ie - 1));
    near(s.c_inh[0], 2 + dt / 0.1 * (ii - 2));
    near(s.v_trace[0], -65 + dt / 0.1 * (-60 + 65));
    near(s.v[0], -60 + dt / 0.02 * ((-70 + 60) + ie - ii));
    near(s.theta[0], 2 * std::exp(-dt / 5e-3));
    EXPECT_TRUE(spikes.empty());
    EXPECT_GT(ii, 0.0); // C_inh's input is positive in the reference (plast's default order: negative)
}
