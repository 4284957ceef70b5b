// CVAIF neuron (spec §1.2) and the 21-parameter product rule (§5.5) on the generic event path:
// trace definitions, adaptation, hand-computed rule updates, errors, snapshots and the NaN guard.
#include "plast/core/error.hpp"
#include "plast/io/config.hpp"
#include "plast/spiking/fsbi_network.hpp"
#include "plast/spiking/product_rule_21.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <tuple>

using namespace plast::spiking;

namespace {
constexpr double dt = 1e-4;

// A CVAIF neuron with constant conductances: AMPA and GABA do not decay, g_E = g_AMPA exactly.
IfParams clamped_cvaif()
{
    IfParams p = IfParams::cvaif();
    p.tau_ampa = p.tau_gaba = 1e9;
    p.ampa_nmda_ratio = 1e12; // a = 1, b = 0 in single precision
    return p;
}

void steps(IfGroup& g, long n, std::vector<std::uint32_t>& spikes)
{
    for (long k = 0; k < n; ++k)
        ASSERT_TRUE(g.step(spikes));
}
} // namespace

TEST(CvaifNeuron, TracesConvergeToTheirInputsWithTheirTimeConstants)
{
    const IfParams p = clamped_cvaif();
    IfGroup g("n", 1, p, dt);
    auto& s = g.state();
    const double ge = 0.2, gi = 0.1;
    s.g_ampa[0] = static_cast<float>(ge);
    s.g_gaba[0] = static_cast<float>(gi);
    std::vector<std::uint32_t> spikes;
    steps(g, 20000, spikes); // 2 s: V settles (tau_m/(1 + g) = 15 ms), the traces follow
    EXPECT_TRUE(spikes.empty());
    const double v = (p.v_rest + ge * p.e_exc + gi * p.e_inh) / (1 + ge + gi); // sub-threshold fixed point
    const double ie = ge * (p.e_exc - v), ii = gi * (p.e_inh - v);
    // A single-precision Euler filter x += k (u - x) stalls once k |u - x| < ulp(x)/2: the bound below.
    const auto tol = [](double u, double tau) { return std::ldexp(1.0, std::ilogb(u) - 23) / (dt / tau) + 1e-4; };
    EXPECT_NEAR(s.v[0], v, 1e-3);
    EXPECT_NEAR(s.v_trace[0], v, tol(v, p.tau_vtrace));
    EXPECT_NEAR(s.c_exc[0], ie, tol(ie, p.tau_cexc));
    EXPECT_NEAR(s.c_inh[0], ii, tol(ii, p.tau_cinh));
    EXPECT_LT(s.c_inh[0], 0.f); // signed current term
    // Exponential approach: restart each trace at 0 and compare after one time constant.
    s.v_trace[0] = s.c_exc[0] = s.c_inh[0] = 0.f;
    using Member = std::vector<float> IfState::*;
    const std::tuple<long, double, Member, double> cases[] = {{1000L, p.tau_vtrace, &IfState::v_trace, v},
                                                              {100L, p.tau_cexc, &IfState::c_exc, ie},
                                                              {1000L, p.tau_cinh, &IfState::c_inh, ii}};
    for (const auto& [n, tau, x, u] : cases) {
        IfGroup h = g;
        steps(h, n, spikes);
        const double got = (h.state().*x)[0];
        const double euler = u * (1 - std::pow(1 - dt / tau, static_cast<double>(n))); // forward Euler, exact
        EXPECT_NEAR(got, euler, 1e-4 * std::abs(u)) << tau;
        // Continuous low-pass u (1 - exp(-t/tau)): differs by O(n (dt/tau)^2 / 2) in the decay factor.
        const double bound = std::abs(u) * static_cast<double>(n) * (dt / tau) * (dt / tau) + 1e-4 * std::abs(u);
        EXPECT_NEAR(got, u * (1 - std::exp(-static_cast<double>(n) * dt / tau)), bound) << tau;
    }
}

TEST(CvaifNeuron, AdaptationLowersTheRateAndZeroIncrementIsTheIfNeuron)
{
    auto run = [](IfParams p, std::vector<std::uint32_t>& spike_steps) {
        p.tau_ampa = 1e9;
        p.ampa_nmda_ratio = 1e12;
        IfGroup g("n", 1, p, dt);
        g.state().g_ampa[0] = 1.f; // V* = -35 mV: a driven neuron
        std::vector<std::uint32_t> sp;
        for (std::uint32_t t = 0; t < 10000; ++t) {
            sp.clear();
            EXPECT_TRUE(g.step(sp));
            if (!sp.empty()) spike_steps.push_back(t);
        }
        return g.state().v;
    };
    std::vector<std::uint32_t> s_if, s_zero, s_adapt;
    IfParams zero = IfParams::cvaif();
    zero.adapt_increment = 0;
    const auto v_if = run(IfParams{}, s_if);
    const auto v_zero = run(zero, s_zero);
    run(IfParams::cvaif(), s_adapt);
    EXPECT_GT(s_if.size(), 20u);
    EXPECT_EQ(s_if, s_zero); // bit-identical spikes and V
    EXPECT_EQ(v_if, v_zero);
    EXPECT_LT(static_cast<double>(s_adapt.size()), 0.8 * static_cast<double>(s_if.size()));
    EXPECT_GT(s_adapt.size(), 0u);
}

namespace {
// The product rule's factors with the default scaling (traces x2, V and C x15e-3 per mV); ci is the
// reference's C_inh = (V - E_I)(g_I + g_adapt) >= 0 in mV.
double pre_rule(const std::array<double, 21>& c, double w, double v, double ce, double ci, double xpre2, double xpost1)
{
    v *= 15e-3, ce *= 15e-3, ci *= 15e-3, xpre2 *= 2, xpost1 *= 2;
    return c[0] * (1 + c[1] + w * (c[2] + c[3] * w)) * (1 + c[4] * v) * (1 + ce * (c[5] + c[6] * ce)) *
           (1 + c[7] * ci) * (1 + c[8] * xpre2) * (1 + c[9] * xpost1);
}
double post_rule(const std::array<double, 21>& c, double w, double v, double ce, double ci, double xpre1, double xpost2)
{
    v *= 15e-3, ce *= 15e-3, ci *= 15e-3, xpre1 *= 2, xpost2 *= 2;
    return c[10] * (1 + c[11] + w * (c[12] + c[13] * w)) * (1 + c[14] * v) * (1 + ce * (c[15] + c[16] * ce)) *
           (1 + c[17] * ci) * (1 + c[18] * xpre1) * (1 + xpost2 * (c[19] + c[20] * xpost2 * xpost2));
}
} // namespace

TEST(ProductRule21, SingleSynapseMatchesTheHandComputedFormula)
{
    Product21Config q;
    q.c = {0.5, 0.1,  -0.05, 0.01,  0.2, 0.3,  -0.1, 0.15, 0.7, -0.4, -0.3,
           0.2, 0.04, -0.02, -0.25, 0.1, 0.05, -0.2, 0.9,  0.6, -0.3};
    const double eta = 0.01, w0 = 5.0;
    Projection p("pair", 1, 1, Receptor::ampa, 1);
    p.connect_pairs({{0, 0}}, static_cast<float>(w0));
    plast::spiking::EventTraceTaus taus;
    taus.fast = 0.02;
    taus.slow = 0.1;
    p.set_event_rules(q.pre(), q.theta_pre(), q.post(), q.theta_post(), 0.02, 0.02, eta, 20.0, dt, taus);
    ASSERT_TRUE(p.needs_post_neuron());
    IfState st;
    st.resize(1, -60.f, true);
    st.v_trace[0] = -55.f;
    st.c_exc[0] = 3.f;
    st.c_inh[0] = -2.f;
    float g = 0;
    std::vector<std::uint32_t> none, one{0};
    // Without a CVAIF state the rule cannot read its inputs.
    EXPECT_THROW(p.forward(one, &g), plast::Error);
    p.set_post_state(&st);
    // pre arrives at 100 and 200, post spikes at 150 and 260. The state holds plast's default C_inh =
    // (g_I + g_adapt)(E_I - V) = -2 mV; the rule reads the reference's (V - E_I)(g_I + g_adapt) = +2 mV.
    const double V = -55, Ce = 3, Ci = 2;
    double w = w0;
    const auto e = [](long k, double tau) { return std::exp(-static_cast<double>(k) * dt / tau); };
    w += eta * pre_rule(q.c, w, V, Ce, Ci, 0, 0);                                     // 100: no traces yet
    w += eta * post_rule(q.c, w, V, Ce, Ci, e(50, 0.02), 0);                          // 150
    w += eta * pre_rule(q.c, w, V, Ce, Ci, e(100, 0.1), e(50, 0.02));                 // 200
    w += eta * post_rule(q.c, w, V, Ce, Ci, e(160, 0.02) + e(60, 0.02), e(110, 0.1)); // 260
    for (long t = 0; t <= 300; ++t) {
        const bool a = t == 100 || t == 200, b = t == 150 || t == 260;
        p.forward(a ? one : none, &g);
        p.backward(b ? one : none);
        p.update_traces(a ? one : none, b ? one : none);
    }
    EXPECT_NE(p.weights()[0], static_cast<float>(w0));
    EXPECT_NEAR(p.weights()[0], w, 2e-5);
    // Post-side weight factor: documented additive form, and the reference typo on request.
    const double in_w = 2.0, zero = 0.0;
    const double* in[6] = {&in_w, &zero, &zero, &zero, &zero, &zero};
    const std::vector<double> th = q.theta_post();
    double add = 0, typo = 0;
    ProductRule21(ProductRule21::Side::post).evaluate(in, 1, th.data(), &add);
    ProductRule21(ProductRule21::Side::post, {}, true).evaluate(in, 1, th.data(), &typo);
    EXPECT_DOUBLE_EQ(add, q.c[10] * (1 + q.c[11] + 2 * (q.c[12] + q.c[13] * 2)));
    EXPECT_DOUBLE_EQ(typo, q.c[10] * (1 + q.c[11] + 2 * (q.c[12] * q.c[13] * 2)));
}

TEST(ProductRule21, CInhIsReadWithTheReferenceSign)
{
    // Only the C_inh factor varies: f_pre = c0 (1 + c7 Ci), Ci = 15e-3/mV x C_inh^ref.
    Product21Config q;
    q.c[0] = 1.0;
    q.c[7] = 2.0;
    const double w = 0, v = -60, ce = 0, x = 0, stored_plast = -4, stored_ref = 4;
    const auto eval = [&](const Product21Config& cfg, double stored) {
        const double* in[6] = {&w, &v, &ce, &stored, &x, &x};
        const auto th = cfg.theta_pre();
        double out = 0;
        cfg.pre()->evaluate(in, 1, th.data(), &out);
        return out;
    };
    const double expected = 1.0 + 2.0 * 15e-3 * 4; // C_inh^ref = +4 mV
    EXPECT_EQ(q.c_inh, Product21Config::CInh::reference);
    EXPECT_DOUBLE_EQ(eval(q, stored_plast), expected); // default: a "plast" neuron stores -C_inh^ref
    q.set_post_c_inh_sign(true);                       // a cvaif_update = "reference" neuron stores C_inh^ref
    EXPECT_DOUBLE_EQ(eval(q, stored_ref), expected);
    q.c_inh = Product21Config::CInh::stored; // the earlier reading: the stored value as it is
    q.set_post_c_inh_sign(false);
    EXPECT_DOUBLE_EQ(eval(q, stored_plast), 1.0 - 2.0 * 15e-3 * 4);
}

TEST(ProductRule21, TheNetworkBuilderSetsTheCInhSignFromThePostNeuron)
{
    // I->E product rule f_pre = c0 (1 + c7 Ci), post side off. V is clipped to [E_I, 0], so the reference's
    // C_inh^ref = (V - E_I)(g_I + g_adapt) >= 0 and every arrival potentiates (f_pre >= c0 > 0) when the
    // rule reads it; read with the opposite sign, 1 + c7 Ci < 0 as soon as C_inh^ref > 1/(15e-3 c7) =
    // 0.067 mV (a few inhibitory arrivals), so the synapses depress.
    const auto run = [](IfParams::CvaifUpdate update, Product21Config::CInh reading) {
        FsbiConfig c;
        c.scale = 0.0625;
        c.neuron = IfParams::cvaif();
        c.neuron.cvaif_update = update;
        Product21Config q;
        q.c[0] = 0.1;
        q.c[7] = 1000;
        q.c_inh = reading;
        c.product21[2] = q;
        auto r = build_fsbi(c, 5, 0);
        r.net->run(0.3);
        const auto& w = r.net->projection(r.proj[2]).weights();
        double lo = 1e9, mean = 0;
        for (float x : w) lo = std::min(lo, static_cast<double>(x)), mean += x;
        return std::pair{lo, mean / static_cast<double>(w.size()) - c.w_ie};
    };
    using U = IfParams::CvaifUpdate;
    using R = Product21Config::CInh;
    for (const U u : {U::plast, U::reference}) {
        const auto [lo, dmean] = run(u, R::reference);
        EXPECT_GE(lo, 1.0) << "no I->E weight may fall below its initial 1";
        EXPECT_GT(dmean, 0.1); // measured +0.70 (plast update), +0.64 (reference update)
    }
    const auto [lo, dmean] = run(U::plast, R::stored); // plast's stored C_inh <= 0
    EXPECT_LT(dmean, -0.1); // measured -1.0 (every weight at 0)
    (void)lo;
}

TEST(ProductRule21, NeuronInputsNeedACvaifPostGroup)
{
    Product21Config q;
    q.c[0] = 1;
    for (const auto& model : {IfParams{}, IfParams::cvaif()}) {
        Network net(dt, 1);
        const auto post = net.add_group("post", 2, model);
        const auto in = net.add_input("in", 2, 10.0, 0);
        Projection p("in_post", 2, 2, Receptor::ampa, 1);
        p.connect_pairs({{0, 0}, {1, 1}}, 0.1f);
        p.set_event_rules(q.pre(), q.theta_pre(), q.post(), q.theta_post(), 0.02, 0.02, 0.01, 20, dt);
        if (model.model == IfParams::Model::cvaif) {
            EXPECT_NO_THROW(net.add_projection(std::move(p), {true, in}, post));
        } else {
            try {
                net.add_projection(std::move(p), {true, in}, post);
                ADD_FAILURE() << "no error";
            } catch (const plast::Error& e) {
                EXPECT_NE(std::string(e.what()).find("CVAIF"), std::string::npos) << e.what();
            }
        }
    }
}

TEST(CvaifNetwork, SnapshotRestoreIsBitIdentical)
{
    FsbiConfig c;
    c.scale = 0.0625;
    c.neuron = IfParams::cvaif();
    Product21Config q;
    q.c[0] = 0.05;
    q.c[9] = 0.5;
    q.c[10] = -0.05;
    q.c[18] = 0.5;
    c.product21[0] = q;
    c.product21[2] = q;
    auto run = build_fsbi(c, 3, 0);
    Network& net = *run.net;
    net.run(0.4);
    const auto snap = net.save();
    net.set_recording(true);
    net.run(0.3);
    const auto a = net.spikes(run.exc);
    const auto wa = net.projection(run.proj[0]).weights();
    const auto sa = net.group(run.exc).state();
    net.clear_recordings();
    net.restore(*snap, true);
    net.run(0.3);
    const auto b = net.spikes(run.exc);
    EXPECT_GT(a.step.size(), 10u);
    EXPECT_EQ(a.step, b.step);
    EXPECT_EQ(a.neuron, b.neuron);
    EXPECT_EQ(wa, net.projection(run.proj[0]).weights());
    EXPECT_NE(wa, decltype(wa)(wa.size(), static_cast<float>(c.w_ee))); // the rule acted
    EXPECT_EQ(sa.g_adapt, net.group(run.exc).state().g_adapt);
    EXPECT_EQ(sa.v_trace, net.group(run.exc).state().v_trace);
    EXPECT_EQ(sa.c_exc, net.group(run.exc).state().c_exc);
    EXPECT_EQ(sa.c_inh, net.group(run.exc).state().c_inh);
}

TEST(CvaifNetwork, NaNInTheStateAbortsThroughTheGuard)
{
    Network net(dt, 1);
    const auto g = net.add_group("n", 5, IfParams::cvaif());
    net.set_rate_guard(RateGuard{0, 1.0, -1.0, 1e9, 0.0, true});
    ASSERT_TRUE(net.run(0.01));
    net.group(g).state().g_adapt[3] = std::numeric_limits<float>::quiet_NaN();
    EXPECT_FALSE(net.run(0.01));
    EXPECT_TRUE(net.aborted());
    EXPECT_NE(net.abort_reason().find("NaN"), std::string::npos);
    EXPECT_NEAR(net.abort_time(), 0.0100, 1e-9); // the time of the step that failed (step 100)
}

TEST(CvaifConfig, BadValuesAreRefusedWithKeyAndRange)
{
    auto error_of = [](const std::string& text) -> std::string {
        try {
            auto cfg = plast::Config::parse(text, "t.toml");
            FsbiConfig::from_config(cfg.section("network"));
        } catch (const plast::Error& e) {
            return e.what();
        }
        return "no error";
    };
    const std::string cv = "[network.neuron]\nmodel = \"cvaif\"\n";
    std::string c21 = "c = [";
    for (int k = 0; k < 21; ++k)
        c21 += (k ? ", " : "") + std::string("0.1");
    c21 += "]\n";
    auto ok = plast::Config::parse(
        "[network.neuron]\nmodel = \"cvaif\"\ntau_vtrace = 0.01\n[network.rule_EE]\npreset = \"product21\"\n" + c21,
        "t.toml");
    const auto c = FsbiConfig::from_config(ok.section("network"));
    ASSERT_TRUE(c.product21[0].has_value());
    EXPECT_EQ(c.neuron.tau_vtrace, 0.01);
    EXPECT_EQ(c.product21[0]->tau_slow, 0.1);
    EXPECT_EQ(c.product21[0]->c_inh, Product21Config::CInh::reference);
    const auto bad_c_inh = error_of(cv + "[network.rule_EE]\npreset = \"product21\"\n" + c21 + "c_inh = \"plast\"\n");
    EXPECT_NE(bad_c_inh.find("rule_EE.c_inh"), std::string::npos) << bad_c_inh;
    EXPECT_NE(bad_c_inh.find("stored"), std::string::npos) << bad_c_inh;
    EXPECT_NE(error_of(cv + "tau_cexc = 0\n").find("tau_cexc"), std::string::npos);
    EXPECT_NE(error_of("[network.neuron]\ntau_adapt = 0.1\n").find("cvaif"), std::string::npos);
    const auto not_cv = error_of("[network.rule_IE]\npreset = \"product21\"\n" + c21);
    EXPECT_NE(not_cv.find("rule_IE.preset"), std::string::npos) << not_cv;
    EXPECT_NE(not_cv.find("cvaif"), std::string::npos) << not_cv;
    const auto short_c = error_of(cv + "[network.rule_EE]\npreset = \"product21\"\nc = [1, 2]\n");
    EXPECT_NE(short_c.find("exactly 21"), std::string::npos) << short_c;
    EXPECT_NE(error_of(cv + "[network.rule_EE]\npreset = \"product21\"\n" + c21 + "tau_slow = -1\n").find("tau_slow"),
              std::string::npos);
}
