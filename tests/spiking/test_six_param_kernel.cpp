// The 6pPol rule kernel reproduces the pair window of spec §5.3 exactly (trace order included),
// and the network's axonal delay shifts arrivals by exactly delay steps.
#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
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

#include "plast/expr/expr_rule.hpp"

namespace {
// The same random arrivals and postsynaptic spikes (3 x 3 synapses, 20000 steps) through two projections.
void drive_both(Projection& a, Projection& b, std::uint64_t seed)
{
    std::vector<float> ga(3), gb(3);
    plast::rng::Stream rs(seed, "events");
    for (int t = 0; t < 20000; ++t) {
        std::vector<std::uint32_t> spre, spost;
        for (std::uint32_t i = 0; i < 3; ++i) {
            if (rs.uniform() < 0.003) spre.push_back(i);
            if (rs.uniform() < 0.002) spost.push_back(i);
        }
        a.forward(spre, ga.data());
        b.forward(spre, gb.data());
        a.backward(spost);
        b.backward(spost);
        a.update_traces(spre, spost);
        b.update_traces(spre, spost);
    }
}
} // namespace

TEST(SixParamKernel, ExpressionRulesDriveTheSameEventsAsTheKernel)
{
    // 6pPol written as expressions must give the specialised kernel's weights (float rounding only).
    const SixParamRule r{0.02, 0.03, 0.1, -0.2, 1.5, -0.7};
    auto pre = plast::expr::ExprRule::parse("0.1 + -0.7*x_post", {"x_pre", "x_post", "w"});
    auto post = plast::expr::ExprRule::parse("-0.2 + 1.5*x_pre", {"x_pre", "x_post", "w"});
    Projection a("kernel", 3, 3, Receptor::ampa, 1), b("expr", 3, 3, Receptor::ampa, 1);
    const std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs{{0, 1}, {0, 2}, {1, 0}, {2, 1}, {2, 2}};
    a.connect_pairs(pairs, 5.f);
    b.connect_pairs(pairs, 5.f);
    a.set_plasticity(r, 0.01, 20.0, 1e-4);
    b.set_event_rules(pre, {}, post, {}, r.tau_pre, r.tau_post, 0.01, 20.0, 1e-4);
    drive_both(a, b, 4);
    for (std::size_t s = 0; s < pairs.size(); ++s) EXPECT_NEAR(a.weights()[s], b.weights()[s], 1e-4) << s;
    EXPECT_NE(a.weights()[0], 5.f);
    EXPECT_THROW(b.set_event_rules(plast::expr::ExprRule::parse("v*2", {"v"}), {}, nullptr, {}, 0.02, 0.02, 0.01, 20, 1e-4),
                 plast::Error);
}

#include "plast/spiking/six_param_family.hpp"

TEST(SixParamKernel, TheRuleFamilyOfTheOneRuleModelDrivesTheSameEventsAsTheKernel)
{
    // 6pPol as rule families (pre: alpha + kappa x_post, post: beta + gamma x_pre) through the generic event
    // path gives the specialised kernel's weights (float rounding only).
    const SixParamRule r{0.02, 0.03, 0.1, -0.2, 1.5, -0.7};
    const auto pre = six_param_pre_family(), post = six_param_post_family();
    EXPECT_EQ(pre->param_names(), (std::vector<std::string>{"alpha", "kappa"}));
    EXPECT_EQ(post->inputs(), (std::vector<std::string>{"x_pre"}));
    const auto tp = six_param_theta_pre(r), tq = six_param_theta_post(r);
    EXPECT_EQ(pre->formula(tp.data()), "0.1 - 0.7*x_post");
    EXPECT_EQ(post->formula(tq.data()), "-0.2 + 1.5*x_pre");
    const double xs[] = {0.0, 0.5, 2.0};
    const double* in[] = {xs};
    double out[3], grad[6];
    post->evaluate(in, 3, tq.data(), out);
    post->param_gradient(in, 3, tq.data(), grad);
    for (int i = 0; i < 3; ++i) {
        EXPECT_DOUBLE_EQ(out[i], r.beta + r.gamma * xs[i]);
        EXPECT_EQ(grad[2 * i], 1.0);
        EXPECT_EQ(grad[2 * i + 1], xs[i]);
    }
    Projection a("kernel", 3, 3, Receptor::ampa, 1), b("family", 3, 3, Receptor::ampa, 1);
    const std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs{{0, 1}, {0, 2}, {1, 0}, {2, 1}, {2, 2}};
    a.connect_pairs(pairs, 5.f);
    b.connect_pairs(pairs, 5.f);
    a.set_plasticity(r, 0.01, 20.0, 1e-4);
    b.set_event_rules(pre, tp, post, tq, r.tau_pre, r.tau_post, 0.01, 20.0, 1e-4);
    drive_both(a, b, 5);
    for (std::size_t s = 0; s < pairs.size(); ++s) EXPECT_NEAR(a.weights()[s], b.weights()[s], 1e-4) << s;
    EXPECT_NE(a.weights()[0], 5.f);
}
