// rule.family = "expression" in gradient inference: adjoint gradients of an expression rule through the
// Oja network against central differences, recovery of lifted constants, and the CLI (outputs, errors).
#include "../cli_test_support.hpp"
#include "plast/expr/lift.hpp"
#include "plast/expr/parser.hpp"
#include "plast/expr/rate_rule.hpp"
#include "plast/infer/fit.hpp"
#include "plast/infer/oja_experiment.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace plast;

namespace {

infer::OjaSettings small_oja()
{
    infer::OjaSettings s;
    s.net = {4, 4, 1.0};
    s.steps = 20;
    s.input_std = 1.0;
    s.num_train = 4;
    s.num_eval = 3;
    return s;
}

std::shared_ptr<expr::ExprRateRule> rate_rule(const std::string& text, std::vector<double>& start)
{
    auto l = expr::lift_constants(expr::parse(text, expr::ExprRateRule::input_names(false)));
    start = l.values;
    return std::make_shared<expr::ExprRateRule>(l.tape);
}

std::string write_cfg(const std::string& name, const std::string& body)
{
    return plast_test::write_file("plast_infer_expr", name, body);
}

nlohmann::json run_ok(const std::string& name, const std::string& body)
{
    const auto cfg = write_cfg(name, body);
    const auto out = std::filesystem::path(cfg).parent_path() / ("run_" + name);
    std::filesystem::remove_all(out);
    const auto r = plast_test::run_cli("infer " + cfg + " --out " + out.string() + " --no-report -q");
    EXPECT_EQ(r.rc, 0) << r.text;
    std::ifstream in(out / "run.json");
    return nlohmann::json::parse(in)["summary"];
}

} // namespace

// The adjoint of the Oja network (reverse through every step) with the expression rule's reverse sweep
// against central differences of the mean loss. With relative step 1e-6 the difference error is about
// h^2 |L'''| + eps |L| / h, ~1e-10 of the gradient here, so 1e-5 leaves room without hiding a wrong
// partial (a wrong dg/dy or dg/dw changes the gradient at order 1).
TEST(InferExpression, OjaAdjointMatchesFiniteDifferences)
{
    std::vector<double> th0;
    const auto student = rate_rule("0.6*x*y - 1.7*y^2*w + 0.3*exp(-w^2)*x + 0.2*max(y, 0.4)*w/(1.5 + x^2)", th0);
    ASSERT_EQ(student->n_params(), 6u); // 0.6 1.7 0.3 0.2 0.4 1.5 (exponents stay)
    const auto s = small_oja();
    const auto obs = infer::observed_neurons(s.net.n_out, 1.0, 1);
    std::vector<double> truth;
    const auto gt = rate_rule("1*x*y - 1*y^2*w", truth);
    std::vector<rate::OjaTrajectory> train;
    for (int k = 0; k < s.num_train; ++k)
        train.push_back(infer::make_oja_trajectory(s, *gt, truth, 1, 0, static_cast<std::uint64_t>(k), obs));
    infer::TrajectoryLoss loss = [&](std::size_t k, const std::vector<double>& th, double* grad) {
        rate::OjaRecord rec;
        return rate::activity_loss(s.net, *student, th.data(), train[k], 0.5, grad, rec);
    };
    const auto gc = infer::check_gradient(loss, train.size(), *student, th0, 1e-6, 1);
    EXPECT_GT(gc.loss, 0.0);
    EXPECT_LE(gc.relative_error, 1e-5);
    std::printf("expression Oja gradient check: relative error %.3g, loss %.4g\n", gc.relative_error, gc.loss);
    for (std::size_t p = 0; p < th0.size(); ++p)
        EXPECT_NE(gc.adjoint[p], 0.0) << p; // every constant moves the loss
}

// Noise-free data and an exact model: theta* = (1, 1) is a zero of the loss, the minimiser near it. At the
// end point the error is bounded to first order by |grad L| / lambda_min(H): with the Hessian H estimated
// from differences of adjoint gradients, the test requires |c - c*| <= 2 sqrt(2) stationarity / lambda_min
// (stationarity = largest gradient component, so the 2-norm is at most sqrt(2) times it) and that bound
// itself to be small (1e-4), i.e. the fit has converged to the truth, not just somewhere flat.
TEST(InferExpression, LbfgsRecoversLiftedConstants)
{
    std::vector<double> th0, truth;
    const auto student = rate_rule("0.6*x*y - 1.7*y^2*w", th0);
    const auto gt = rate_rule("1*x*y - 1*y^2*w", truth);
    infer::FitOptions fo;
    fo.optimizer = "lbfgs";
    fo.regularization = "none";
    fo.lbfgs_max_evaluations = 300;
    const auto s = small_oja();
    const auto r = infer::run_oja(s, *gt, truth, *student, th0, fo, 5);
    ASSERT_EQ(r.theta_eff.size(), 2u);
    // Hessian by central differences of the (exact) gradient at the end point.
    const auto obs = infer::observed_neurons(s.net.n_out, 1.0, 5);
    std::vector<rate::OjaTrajectory> train;
    for (int k = 0; k < s.num_train; ++k)
        train.push_back(infer::make_oja_trajectory(s, *gt, truth, 5, 0, static_cast<std::uint64_t>(k), obs));
    auto grad = [&](std::vector<double> th) {
        std::vector<double> g(2, 0.0);
        rate::OjaRecord rec;
        for (auto& tr : train)
            rate::activity_loss(s.net, *student, th.data(), tr, 0.5, g.data(), rec);
        for (auto& v : g)
            v /= static_cast<double>(train.size());
        return g;
    };
    double H[2][2];
    for (int j = 0; j < 2; ++j) {
        auto tp = r.theta_eff, tm = r.theta_eff;
        tp[static_cast<std::size_t>(j)] += 1e-5;
        tm[static_cast<std::size_t>(j)] -= 1e-5;
        const auto gp = grad(tp), gm = grad(tm);
        for (int i = 0; i < 2; ++i)
            H[i][j] = (gp[static_cast<std::size_t>(i)] - gm[static_cast<std::size_t>(i)]) / 2e-5;
    }
    const double tr = H[0][0] + H[1][1], det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
    const double lmin = 0.5 * (tr - std::sqrt(std::max(0.0, tr * tr - 4 * det)));
    ASSERT_GT(lmin, 0.0);
    const double bound = 2.0 * std::sqrt(2.0) * r.fit.stationarity / lmin;
    const double err = std::hypot(r.theta_eff[0] - 1.0, r.theta_eff[1] - 1.0);
    EXPECT_LE(err, bound + 1e-12) << "stationarity " << r.fit.stationarity << " lambda_min " << lmin;
    EXPECT_LE(bound, 1e-4);
    EXPECT_GE(r.r2_weights_median, 0.999999);
    std::printf("expression lbfgs: %s c = (%.12g, %.12g) |c - c*| = %.3g bound %.3g lambda_min %.3g\n",
                r.fit.status.c_str(), r.theta_eff[0], r.theta_eff[1], err, bound, lmin);
}

TEST(InferExpression, CliOjaRunReportsConstantsAndGradientCheck)
{
    const auto j = run_ok("oja.toml", R"([model]
kind = "oja"
n_in = 4
n_out = 4
steps = 20
[data]
num_train = 4
num_eval = 2
[rule]
family = "expression"
expression = "a*x*y - 1.7*y^2*w"
params = { a = 0.6 }
lift_constants = true
ground_truth = "1*x*y - 1*y^2*w"
[fit]
optimizer = "lbfgs"
lbfgs_max_evaluations = 200
check_gradient = true
)");
    ASSERT_TRUE(j.contains("constants")) << j.dump();
    EXPECT_EQ(j["fitted_rule"]["family"], "expression");
    EXPECT_EQ(j["constants"][0]["name"], "a");
    EXPECT_EQ(j["constants"][1]["name"], "c0");
    EXPECT_EQ(j["constants"][1]["start"], 1.7);
    EXPECT_LE(j["constants_max_rel_error"].get<double>(), 1e-4);
    EXPECT_LE(j["gradient_check"]["relative_error"].get<double>(), 1e-5);
    EXPECT_FALSE(j.contains("theta_110")); // Taylor-only outputs stay Taylor-only
}

// A reward-modulated expression on the behavioural task (x, y, w, r), Adam, gradient check at the start.
TEST(InferExpression, CliBehaviourRunWithRewardExpression)
{
    const auto j = run_ok("beh.toml", R"(seed = 3
[model]
kind = "behaviour"
[task]
trials_per_block = 10
[data]
num_train = 2
num_eval = 2
[rule]
family = "expression"
expression = "a*x*r - b*w"
params = { a = 0.5, b = 0.01 }
[fit]
epochs = 2
check_gradient = true
)");
    EXPECT_LE(j["gradient_check"]["relative_error"].get<double>(), 1e-5);
    EXPECT_TRUE(j["fitted_rule"]["params"].contains("a"));
    EXPECT_FALSE(j.contains("theta_xr"));
}

TEST(InferExpression, BadInputIsOneConfigErrorEach)
{
    auto expect_err = [](const std::string& rule, const std::string& frag, const std::string& extra = "") {
        const auto cfg = write_cfg("bad.toml", "[model]\nkind = \"oja\"\n[rule]\nfamily = \"expression\"\n" + rule + extra);
        const auto r = plast_test::run_cli("infer " + cfg + " --no-report -q --out " + cfg + ".run");
        EXPECT_EQ(r.rc, 2) << r.text;
        EXPECT_NE(r.text.find("bad.toml"), std::string::npos) << r.text;
        EXPECT_NE(r.text.find(frag), std::string::npos) << r.text;
        EXPECT_FALSE(std::filesystem::exists(cfg + ".run/run.json")) << "no run before the error";
    };
    // a parameter without a start value (or a misspelt variable)
    expect_err("expression = \"a*x*y - b*y^2*w\"\nparams = { a = 1.0 }\n", "'b' is neither a variable");
    // the reward exists only on the behavioural task
    expect_err("expression = \"a*x*r\"\nparams = { a = 1.0 }\n", "'r' is neither a variable (x, y, w)");
    // a params key the expression does not have
    expect_err("expression = \"a*x*y\"\nparams = { a = 1.0, q = 2.0 }\n", "rule.params.q");
    // nothing to fit
    expect_err("expression = \"x*y - y^2*w\"\n", "nothing to fit");
    // syntax errors name the key
    expect_err("expression = \"0.5*x*(y\"\nlift_constants = true\n", "rule.expression");
    expect_err("expression = \"0.5*x*y\"\nlift_constants = true\nground_truth = \"x*q\"\n", "rule.ground_truth");
    // regularisation is for the Taylor family only; Taylor keys are unknown here
    expect_err("expression = \"0.5*x*y\"\nlift_constants = true\n", "fit.regularization",
               "[fit]\nregularization = \"l2\"\n");
    expect_err("expression = \"0.5*x*y\"\nlift_constants = true\nterms = [\"X1Y1W0\"]\n", "rule.terms");
}
