// The two-neuron mean-field RNN and the linear RNN toy models (spec §12.5, §12.6).
#include "../cli_test_support.hpp"
#include "plast/toy/linear_rnn.hpp"
#include "plast/toy/rnn2_sweep.hpp"
#include "plast/toy/two_neuron_rnn.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace plast::toy;

namespace {

TwoNeuronRnn static_net()
{
    TwoNeuronRnn net; // w0 = (EE 0.5, EI 1, IE 0.5, II 0.5), no plasticity
    return net;
}

bool all_finite(const TwoNeuronResult& r)
{
    for (const auto& row : r.trajectory)
        for (double v : row)
            if (!std::isfinite(v)) return false;
    for (double v : r.w_end)
        if (!std::isfinite(v)) return false;
    return r.r_end.allFinite();
}

LinearRnn linear_net(LinearRnn::Rule rule)
{
    LinearRnn net;
    net.rule = rule;
    const int n = 4;
    net.h_tg = Eigen::VectorXd::Ones(n);
    net.w0 = Eigen::MatrixXd::Zero(n, n);
    net.u0 = Eigen::MatrixXd::Identity(n, n);
    net.eta = 0.02;
    return net;
}

LinearAbaTask linear_task()
{
    LinearAbaTask t;
    t.x_a = Eigen::Vector4d(1.0, 0.5, 0.2, 0.8);
    t.x_b = Eigen::Vector4d(0.2, 0.9, 1.0, 0.3);
    t.steps = 3000;
    t.record_every = 0;
    return t;
}

} // namespace

TEST(Rnn2, StaticWeightsConvergeToLinearThresholdSteadyState)
{
    const TwoNeuronRnn net = static_net();
    // Both active: (I - W) r = x with W = [[0.5, -0.5], [1, -0.5]] -> r = (0.8, 1.2).
    const auto ss = TwoNeuronRnn::steady_state(net.w0, Eigen::Vector2d(1, 1));
    ASSERT_TRUE(ss);
    EXPECT_NEAR((*ss)(0), 0.8, 1e-12);
    EXPECT_NEAR((*ss)(1), 1.2, 1e-12);
    // Jacobian eigenvalues (-1 +- 0.5i)/tau: after 0.5 s = 50 tau the distance is ~e^-50 of the start.
    EXPECT_LT(net.max_real_eigenvalue(net.w0, Eigen::Vector2d(1, 1), *ss), 0.0);
    for (const Eigen::Vector2d& x : {Eigen::Vector2d(1, 1), Eigen::Vector2d(1.5, 1), Eigen::Vector2d(0, 1)}) {
        Eigen::Vector2d r(0, 0);
        auto w = net.w0;
        ASSERT_TRUE(simulate(net, x, 0.5, r, w, true));
        const auto s = TwoNeuronRnn::steady_state(net.w0, x);
        ASSERT_TRUE(s);
        EXPECT_LT((r - *s).cwiseAbs().maxCoeff(), 1e-9) << x.transpose();
    }
    // x = (0, 1): E is silenced by inhibition, r = (0, 1/(1 + w_II)).
    const auto s0 = TwoNeuronRnn::steady_state(net.w0, Eigen::Vector2d(0, 1));
    EXPECT_EQ((*s0)(0), 0.0);
    EXPECT_NEAR((*s0)(1), 1.0 / 1.5, 1e-12);
}

TEST(Rnn2, IeRuleAloneReachesAnalyticSetPoint)
{
    TwoNeuronRnn net = static_net();
    // beta = 0: r_E* = -alpha/gamma = 1, r_I* = (w_EI + x_I)/(1 + w_II) = 4/3, w_IE* = 0.375.
    net.rules[IE] = {1.0, -1.0, 0.0, 1.0};
    const Eigen::Vector2d x(1, 1);
    const auto sp = ie_set_point(net.rules[IE], net.w0, x);
    ASSERT_TRUE(sp);
    EXPECT_NEAR(sp->r_e, 1.0, 1e-12);
    EXPECT_NEAR(sp->r_i, 4.0 / 3.0, 1e-12);
    EXPECT_NEAR(sp->w_ie, 0.375, 1e-12);
    // Quasi-static relaxation rate eta r_I* gamma |dr_E/dw_IE| ~ 2.4/s: 20 s leaves ~e^-47.
    Eigen::Vector2d r = *TwoNeuronRnn::steady_state(net.w0, x);
    auto w = net.w0;
    ASSERT_TRUE(simulate(net, x, 20.0, r, w, true));
    EXPECT_NEAR(r(0), sp->r_e, 1e-8);
    EXPECT_NEAR(r(1), sp->r_i, 1e-8);
    EXPECT_NEAR(w[IE], sp->w_ie, 1e-8);
    EXPECT_EQ(w[EE], net.w0[EE]); // static synapses untouched

    // beta != 0: the set point is the positive root of the quadratic in the header.
    net.rules[IE] = {1.0, -1.0, -0.25, 1.0};
    const auto sq = ie_set_point(net.rules[IE], net.w0, x);
    ASSERT_TRUE(sq);
    r = *TwoNeuronRnn::steady_state(net.w0, x);
    w = net.w0;
    ASSERT_TRUE(simulate(net, x, 40.0, r, w, true));
    EXPECT_NEAR(r(0), sq->r_e, 1e-7);
    EXPECT_NEAR(w[IE], sq->w_ie, 1e-7);
}

TEST(Rnn2, FrozenProbeReadsStaticSteadyState)
{
    TwoNeuronRnn net = static_net();
    net.rules[IE] = {1.0, -1.0, 0.0, 1.0};
    FamiliarityTask task;
    task.t_bg = task.t_stim = task.t_post = 10.0;
    const auto res = run_familiarity(net, task);
    ASSERT_EQ(res.status, "stable");
    // Probe = r_E at the frozen-weight steady state for x_stim (t_probe = 20 tau -> ~e^-20).
    EXPECT_NEAR(res.probe_before, (*TwoNeuronRnn::steady_state(res.w_after_bg, task.x_stim))(0), 1e-6);
    EXPECT_NEAR(res.probe_after, (*TwoNeuronRnn::steady_state(res.w_end, task.x_stim))(0), 1e-6);
    // During the stimulus the IE rule restores r_E to its set point: stimulus-specific homeostasis.
    EXPECT_NEAR(res.r_after_stim(0), 1.0, 1e-3);
    // A single rule has one weight for one constraint: no degeneracy, the weights return (no memory).
    EXPECT_NEAR(res.w_end[IE], 0.375, 1e-3);
    EXPECT_NEAR(res.familiarity(), 0.0, 1e-2);
    EXPECT_FALSE(res.trajectory.empty());
    EXPECT_EQ(res.phases_done, 3);
    EXPECT_NEAR(res.t_end, 30.0, 1e-6);
}

TEST(Rnn2, ExplodingRuleIsReportedAsDivergedWithoutNaN)
{
    TwoNeuronRnn net = static_net();
    net.rules[EE] = {1.0, 0.0, 0.0, 1.0}; // pure Hebbian EE: w_EE grows until the E unit runs away
    FamiliarityTask task;
    task.t_bg = task.t_stim = task.t_post = 20.0;
    const auto res = run_familiarity(net, task);
    EXPECT_EQ(res.status, "diverged");
    EXPECT_FALSE(res.diverged_in.empty());
    EXPECT_LT(res.phases_done, 3);
    EXPECT_LT(res.t_end, 60.0);
    EXPECT_TRUE(all_finite(res));
    EXPECT_LT(res.r_end.maxCoeff(), net.r_max);
}

TEST(RnnLinear, HebbianAndNonHebbianReachTarget)
{
    for (auto rule : {LinearRnn::Rule::hebbian, LinearRnn::Rule::non_hebbian, LinearRnn::Rule::gradient}) {
        const auto res = run_linear_aba(linear_net(rule), linear_task());
        ASSERT_EQ(res.status, "converged") << LinearRnn::rule_name(rule);
        EXPECT_LE(res.err_a2, 1e-3);
        EXPECT_LE(res.err_b, 1e-3);
    }
}

TEST(RnnLinear, NonHebbianRuleStoresNoInputSpecificTrace)
{
    const LinearRnn net = linear_net(LinearRnn::Rule::non_hebbian);
    const auto task = linear_task();
    const auto res = run_linear_aba(net, task);
    ASSERT_EQ(res.status, "converged");
    // W = W0 + C 1^T with C fixed by the input: C = (h_tg - W0 h_tg - U0 x)/(1^T h_tg + 1^T x).
    const Eigen::VectorXd c = (net.h_tg - net.w0 * net.h_tg - net.u0 * task.x_a) / (net.h_tg.sum() + task.x_a.sum());
    const Eigen::MatrixXd w_expect = net.w0 + c * Eigen::RowVectorXd::Ones(net.n());
    // Residual error e decays geometrically; weights are within O(err/eta-step) of the closed form.
    EXPECT_LT((res.w_a - w_expect).cwiseAbs().maxCoeff(), 1e-6);
    EXPECT_LT(res.weight_change, 1e-6);
    EXPECT_NEAR(res.ri, 0.0, 1e-6);
}

TEST(RnnLinear, HebbianRuleKeepsTraceOfB)
{
    const auto heb = run_linear_aba(linear_net(LinearRnn::Rule::hebbian), linear_task());
    ASSERT_EQ(heb.status, "converged");
    EXPECT_GT(heb.weight_change, 1e-2);
    EXPECT_GT(heb.ri, 0.0);
}

namespace {
using plast_test::run_cli;
std::string write_cfg(const std::string& name, const std::string& body)
{
    return plast_test::write_file("plast_rnn_cli", name, body);
}
} // namespace

TEST(RnnCli, SmallRunWritesOutputs)
{
    const auto cfg = write_cfg("rnn.toml", R"(seed = 2
[rnn2]
t_bg = 5.0
t_stim = 5.0
t_post = 5.0
IE = [1.0, -1.0, 0.0, 1.0]
[linear_rnn]
n = 3
steps = 500
rules = ["hebbian", "non_hebbian"]
)");
    const auto out = std::filesystem::path(cfg).parent_path() / "run";
    std::filesystem::remove_all(out);
    const auto r = run_cli("toy " + cfg + " --out " + out.string() + " --no-report -q");
    ASSERT_EQ(r.rc, 0) << r.text;
    for (const char* f : {"rnn2_trajectory.csv", "rnn2.json", "linear_rnn.csv", "linear_rnn_trajectory.csv"})
        EXPECT_TRUE(std::filesystem::exists(out / f)) << f;
    std::ifstream in(out / "run.json");
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["summary"]["rnn2"]["status"], "stable");
    EXPECT_NEAR(j["summary"]["rnn2"]["ie_set_point"]["r_E"].get<double>(), 1.0, 1e-12);
}

TEST(RnnCli, BadConfigNamesFileAndKey)
{
    auto expect_err = [](const std::string& body, const std::string& key) {
        const auto cfg = write_cfg("bad_rnn.toml", body);
        const auto r = run_cli("toy " + cfg + " --no-report -q --out " + cfg + ".run");
        EXPECT_EQ(r.rc, 2) << r.text;
        EXPECT_NE(r.text.find("bad_rnn.toml"), std::string::npos) << r.text;
        EXPECT_NE(r.text.find(key), std::string::npos) << r.text;
    };
    expect_err("[rnn2]\ndt = 0.5\n", "dt");
    expect_err("[rnn2]\nIE = [1.0, 2.0]\n", "IE");
    expect_err("[linear_rnn]\nrules = [\"oja\"]\n", "rules");
    expect_err("[linear_rnn]\nn = 3\nx_a = [1.0, -1.0, 0.5]\n", "x_a");
}

TEST(RnnSweep, ParametersStatusesAndOutputs)
{
    // with_param: a swept coefficient of a static synapse switches its rule on (eta 0.1).
    const TwoNeuronRnn base = static_net();
    const auto n1 = Rnn2Sweep::with_param(base, "EE.gamma", 0.7);
    EXPECT_EQ(n1.rules[EE].eta, 0.1);
    EXPECT_EQ(n1.rules[EE].gamma, 0.7);
    EXPECT_EQ(Rnn2Sweep::with_param(base, "w0.IE", 2.0).w0[IE], 2.0);
    // Along IE.alpha with IE as the only rule (beta = 0, gamma = 1): the set point r_E* = -alpha is reached
    // for alpha < 0 (stable, the probe reads the static network); alpha > 0 has no positive set point.
    const auto cfg = write_cfg("sweep.toml", R"([rnn2]
t_bg = 20.0
t_stim = 5.0
t_post = 20.0
record_dt = 0.0
IE = [1.0, -1.0, 0.0, 1.0]
[rnn2_sweep]
x_param = "IE.alpha"
y_param = "w0.EE"
x = { min = -1.5, max = 0.5, points = 3 }
y = { min = 0.2, max = 0.5, points = 2 }
)");
    const auto out = std::filesystem::path(cfg).parent_path() / "sweep_run";
    std::filesystem::remove_all(out);
    const auto r = run_cli("toy " + cfg + " --out " + out.string() + " --no-report -q -j 2");
    ASSERT_EQ(r.rc, 0) << r.text;
    std::ifstream in(out / "run.json");
    const auto j = nlohmann::json::parse(in)["summary"]["rnn2_sweep"];
    EXPECT_EQ(j["points"], 6);
    std::ifstream csv(out / "rnn2_sweep.csv");
    std::string line;
    std::getline(csv, line);
    EXPECT_EQ(line.rfind("IE.alpha,w0.EE,status,familiarity", 0), 0u) << line;
    int n = 0, stable_neg_alpha = 0;
    while (std::getline(csv, line)) {
        ++n;
        const double alpha = std::stod(line.substr(0, line.find(',')));
        const bool stable = line.find(",stable,") != std::string::npos;
        if (alpha < 0 && stable) {
            ++stable_neg_alpha;
            // r_E at the end (column 7) sits at the set point -alpha, unless that needs w_IE < 0: then the
            // clip at 0 binds and E runs alone, r_E = x_E / (1 - w_EE).
            std::stringstream ss(line);
            std::string cell, w_ee;
            std::getline(ss, cell, ',');
            std::getline(ss, w_ee, ',');
            for (int c = 2; c < 7; ++c)
                std::getline(ss, cell, ',');
            TwoNeuronRnn net = static_net();
            net.w0[EE] = std::stod(w_ee);
            const auto sp = ie_set_point({1.0, alpha, 0.0, 1.0}, net.w0, {1.0, 1.0});
            const double expected = sp && sp->w_ie >= 0 ? -alpha : 1.0 / (1.0 - net.w0[EE]);
            EXPECT_NEAR(std::stod(cell), expected, 1e-3) << line;
        }
    }
    EXPECT_EQ(n, 6);
    EXPECT_EQ(stable_neg_alpha, 4);
    // A sweep needs [rnn2]; unknown parameters are named with the allowed forms.
    const auto bad = write_cfg("bad_sweep.toml", "[rnn2_sweep]\nx_param = \"IE.alpha\"\n");
    auto rb = run_cli("toy " + bad + " --no-report -q --out " + bad + ".run");
    EXPECT_EQ(rb.rc, 2);
    EXPECT_NE(rb.text.find("[rnn2]"), std::string::npos) << rb.text;
    const auto bad2 = write_cfg("bad_sweep2.toml", "[rnn2]\n[rnn2_sweep]\nx_param = \"IE.delta\"\n");
    rb = run_cli("toy " + bad2 + " --no-report -q --out " + bad2 + ".run");
    EXPECT_EQ(rb.rc, 2);
    EXPECT_NE(rb.text.find("x_param"), std::string::npos) << rb.text;
}
