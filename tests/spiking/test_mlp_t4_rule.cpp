// The MLP rule of fSBI Fig. 4 (mlp_t4_rule.hpp): forward pass against a hand evaluation, the shipped
// reference weights, and the rule on one synapse of the engine.
#include "plast/core/error.hpp"
#include "plast/spiking/if_neuron.hpp"
#include "plast/spiking/mlp_t4_rule.hpp"
#include "plast/spiking/projection.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace plast::spiking;

namespace {

constexpr double dt = 1e-4;
const std::string shipped = std::string(PLAST_TEST_SOURCE_DIR) + "/examples/data/mlp_t4_hidden_weights.csv";

double sig(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// Hidden weights that can be evaluated by hand: unit 0 of layer 1 reads input i with weight c_i, every
// other unit reads nothing (h1 = 1/2, ignored below); every unit of layer 2 reads unit 0 only, with
// weight 1. So h2_k = sig(sig(z)) for all k, z = sum_i c_i s_i u_i, and f = sig(sig(z)) sum_k W_k + b.
const double c[6] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};

std::string hand_file()
{
    const auto path = (std::filesystem::temp_directory_path() / "plast_test_mlp_t4_hand.csv").string();
    std::ofstream f(path);
    f << "# hand-evaluable weights\nlayer,input,unit,weight\n";
    for (int j = 0; j < 50; ++j)
        for (int i = 0; i < 6; ++i) f << "1," << i << "," << j << "," << (j == 0 ? c[i] : 0.0) << "\n";
    for (int k = 0; k < 4; ++k)
        for (int j = 0; j < 50; ++j) f << "2," << j << "," << k << "," << (j == 0 ? 1.0 : 0.0) << "\n";
    return path;
}

// u: (trace a, trace b, w, V_trace mV, C_exc mV, C_inh mV) with the default scalings
// (2, 2, 1, 15e-3, 15e-3, -15e-3).
double hand(const double u[6], const double W[5])
{
    const double s[6] = {2, 2, 1, 15e-3, 15e-3, -15e-3};
    double z = 0;
    for (int i = 0; i < 6; ++i) z += c[i] * s[i] * u[i];
    return sig(sig(z)) * (W[0] + W[1] + W[2] + W[3]) + W[4];
}

} // namespace

TEST(MlpT4Rule, ForwardPassMatchesAHandEvaluation)
{
    auto w = std::make_shared<const MlpT4Weights>(mlp_t4_weights_from_csv(hand_file()));
    MlpT4Rule pre(MlpT4Rule::Side::pre, w);
    const double u[6] = {0.5, 0.25, 1.5, -60.0, 10.0, -5.0};
    const double W[5] = {0.3, -0.7, 0.2, 0.9, -0.1};
    // By hand: z = 0.1*2*0.5 + 0.2*2*0.25 + 0.3*1.5 + 0.4*0.015*(-60) + 0.5*0.015*10 + 0.6*(-0.015)*(-5)
    //            = 0.1 + 0.1 + 0.45 - 0.36 + 0.075 + 0.045 = 0.41
    // sig(0.41) = 0.6010879, sig(0.6010879) = 0.6459052, f = 0.6459052 * 0.7 - 0.1 = 0.3521336
    EXPECT_NEAR(hand(u, W), 1.0 / (1.0 + std::exp(-1.0 / (1.0 + std::exp(-0.41)))) * 0.7 - 0.1, 1e-15);
    EXPECT_NEAR(hand(u, W), 0.3521336, 1e-7);
    const double* in[6] = {&u[0], &u[1], &u[2], &u[3], &u[4], &u[5]};
    double out = 0;
    pre.evaluate(in, 1, W, &out);
    EXPECT_NEAR(out, hand(u, W), 1e-14);
    // Input order differs between the two events only in the traces (pre: x_pre2, x_post1; post: x_pre1, x_post2).
    EXPECT_EQ(pre.inputs()[0], "x_pre2");
    EXPECT_EQ(MlpT4Rule(MlpT4Rule::Side::post, w).inputs()[1], "x_post2");
}

TEST(MlpT4Rule, ShippedReferenceWeightsLoad)
{
    const auto w = mlp_t4_weights_from_csv(shipped);
    ASSERT_EQ(w.w_h1.size(), 300u);
    ASSERT_EQ(w.w_h2.size(), 200u);
    // First and last numbers of W_h1 and W_h2 in the reference's rule_cst_part (after the 4 taus).
    EXPECT_DOUBLE_EQ(w.w_h1[0], 0.330212086);  // input 0 -> unit 0
    EXPECT_DOUBLE_EQ(w.w_h1[1], 0.145547777);  // input 1 -> unit 0
    EXPECT_DOUBLE_EQ(w.w_h2[199], 0.124614477); // unit 49 -> unit 3
    // A broken file is an error naming the file and the line.
    const auto bad = (std::filesystem::temp_directory_path() / "plast_test_mlp_t4_bad.csv").string();
    std::ofstream(bad) << "layer,input,unit,weight\n1,6,0,0.5\n";
    try {
        mlp_t4_weights_from_csv(bad);
        FAIL() << "input 6 of layer 1 must be refused";
    } catch (const plast::Error& e) {
        EXPECT_NE(std::string(e.what()).find(bad + ":2"), std::string::npos) << e.what();
    }
}

TEST(MlpT4Rule, OneSynapseFollowsTheForwardPassOnEachEvent)
{
    MlpT4Config q;
    q.weights = std::make_shared<const MlpT4Weights>(mlp_t4_weights_from_csv(hand_file()));
    q.w_pre = {0.3, -0.7, 0.2, 0.9, -0.1};
    q.w_post = {-0.2, 0.4, 0.1, 0.5, 0.05};
    const double eta = 0.5, w0 = 2.0;
    Projection p("mlp", 1, 1, Receptor::ampa, 1);
    p.connect_pairs({{0, 0}}, static_cast<float>(w0));
    EventTraceTaus taus;
    taus.listed = true;
    taus.pre = taus.post = {q.tau_fast, q.tau_slow};
    p.set_event_rules(q.pre(), {q.w_pre.begin(), q.w_pre.end()}, q.post(), {q.w_post.begin(), q.w_post.end()}, q.tau_fast,
                      q.tau_fast, eta, 20.0, dt, taus);
    ASSERT_TRUE(p.needs_post_neuron());
    IfState st;
    st.resize(1, -60.f, true);
    st.v_trace[0] = -58.f;
    st.c_exc[0] = 4.f;
    st.c_inh[0] = -3.f;
    p.set_post_state(&st);
    const auto e = [](long k, double tau) { return std::exp(-static_cast<double>(k) * dt / tau); };
    // pre arrives at 100 and 300; post spikes at 200. Pre events read (x_pre2, x_post1), post events
    // (x_pre1, x_post2), each before this step's own increments.
    double w = w0;
    {
        const double u[6] = {0, 0, w, -58, 4, -3};
        w += eta * hand(u, q.w_pre.data());
    }
    {
        const double u[6] = {e(100, 0.01), 0, w, -58, 4, -3};
        w += eta * hand(u, q.w_post.data());
    }
    {
        const double u[6] = {e(200, 0.1), e(100, 0.01), w, -58, 4, -3};
        w += eta * hand(u, q.w_pre.data());
    }
    float g = 0;
    const std::vector<std::uint32_t> none, one{0};
    for (long t = 0; t <= 320; ++t) {
        const bool a = t == 100 || t == 300, b = t == 200;
        p.forward(a ? one : none, &g);
        p.backward(b ? one : none);
        p.update_traces(a ? one : none, b ? one : none);
    }
    EXPECT_GT(std::abs(p.weights()[0] - w0), 0.1);
    EXPECT_NEAR(p.weights()[0], w, 2e-6); // single-precision weight and traces
}
