// The 6pPol rule kernel reproduces the pair window of spec §5.3 exactly (trace order included),
// and the network's axonal delay shifts arrivals by exactly delay steps.
#include "plast/spiking/network.hpp"
#include "plast/spiking/projection.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace plast::spiking;

namespace {
// One synapse; pre arrives at step a, post spikes at step b; returns the total weight change.
double pair_dw(const SixParamRule& r, long a, long b, double w0 = 5.0)
{
    const double dt = 1e-4, eta = 0.01;
    Projection p("pair", 1, 1, Receptor::ampa, 1);
    p.connect_pairs({{0, 0}}, static_cast<float>(w0));
    p.set_plasticity(r, eta, 20.0, dt);
    float g = 0;
    const long end = std::max(a, b) + 10;
    for (long t = 0; t <= end; ++t) {
        std::vector<std::uint32_t> pre, post;
        if (t == a) pre.push_back(0);
        if (t == b) post.push_back(0);
        p.forward(pre, &g);
        p.backward(post);
        p.update_traces(pre, post);
    }
    return p.weights()[0] - w0;
}
} // namespace

TEST(SixParamKernel, PairWindowMatchesFormulaExactly)
{
    const SixParamRule r{0.02, 0.03, 0.1, -0.2, 1.5, -0.7};
    const double dt = 1e-4, eta = 0.01;
    for (long k : {1L, 2L, 10L, 100L, 400L}) {
        // pre arriving k steps before post: alpha + beta + gamma exp(-k dt/tau_pre)
        EXPECT_NEAR(pair_dw(r, 100, 100 + k), eta * (r.alpha + r.beta + r.gamma * std::exp(-k * dt / r.tau_pre)), 2e-6) << k;
        // k steps after: alpha + beta + kappa exp(-k dt/tau_post)
        EXPECT_NEAR(pair_dw(r, 100 + k, 100), eta * (r.alpha + r.beta + r.kappa * std::exp(-k * dt / r.tau_post)), 2e-6) << k;
    }
    // Same step: the pair does not interact.
    EXPECT_NEAR(pair_dw(r, 100, 100), eta * (r.alpha + r.beta), 2e-6);
}

TEST(SixParamKernel, ClipsToBounds)
{
    const SixParamRule up{0.02, 0.02, 2000.0, 0, 0, 0}, down{0.02, 0.02, -2000.0, 0, 0, 0}; // eta*alpha = +-20
    EXPECT_NEAR(pair_dw(up, 10, 1000, 5.0), 15.0, 1e-5);  // clipped at w_max = 20
    EXPECT_NEAR(pair_dw(down, 10, 1000, 5.0), -5.0, 1e-5); // clipped at 0
}

TEST(SixParamKernel, NetworkDelayShiftsArrivalByDelaySteps)
{
    Network net(1e-4, 1);
    IfParams ip;
    const auto g = net.add_group("post", 1, ip);
    const auto in = net.add_input("pre", 1, 0.0, 0);
    net.input(in).set_schedule({{20, 0}});
    Projection p("in", 1, 1, Receptor::ampa, 8);
    p.connect_pairs({{0, 0}}, 0.5f);
    net.add_projection(std::move(p), {true, in}, g);
    net.set_rate_guard(RateGuard{0, 1.0, -1.0, 1e9, 0.0, false});
    net.run(28 * 1e-4); // steps 0..27: emitted at 20, arrives at 28
    EXPECT_EQ(net.group(g).state().g_ampa[0], 0.f);
    net.run(1e-4); // step 28
    EXPECT_FLOAT_EQ(net.group(g).state().g_ampa[0], 0.5f);
}
