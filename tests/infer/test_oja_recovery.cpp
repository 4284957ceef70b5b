// Oja recovery (spec §12 test 5) on a small, well-conditioned setting and teacher = student checks.
#include "plast/infer/oja_experiment.hpp"
#include "plast/rules/rule_string.hpp"
#include "plast/rules/taylor_rule.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace plast;

namespace {
infer::OjaSettings small_setting()
{
    infer::OjaSettings s;
    s.net = {6, 6, 1.0};
    s.steps = 30;
    s.input_std = 1.0; // unit variance: the Taylor terms are well separated
    s.num_train = 8;
    s.num_eval = 5;
    return s;
}
} // namespace

TEST(OjaRecovery, TeacherEqualsStudentZeroLossAndGradient)
{
    rules::TaylorRule rule(false);
    const auto oja = rules::parse_rule_string("X1Y1W0-X0Y2W1", false);
    auto s = small_setting();
    const auto obs = infer::observed_neurons(s.net.n_out, 0.5, 1);
    const auto tr = infer::make_oja_trajectory(s, rule, oja, 1, 0, 0, obs);
    rate::OjaRecord rec;
    std::vector<double> g(27, 0.0);
    EXPECT_EQ(rate::activity_loss(s.net, rule, oja.data(), tr, 0.5, g.data(), rec), 0.0);
    for (double v : g)
        EXPECT_EQ(v, 0.0);
}

TEST(OjaRecovery, LbfgsRecoversOjaWithUnitVarianceInputs)
{
    rules::TaylorRule rule(false);
    const auto oja = rules::parse_rule_string("X1Y1W0-X0Y2W1", false);
    infer::FitOptions fo;
    fo.optimizer = "lbfgs";
    fo.regularization = "none";
    fo.lbfgs_max_evaluations = 3000;
    std::vector<double> th0(27, 0.0);
    const auto r = infer::run_oja(small_setting(), rule, oja, rule, th0, fo, 3);
    // Noise-free data with an exact model: the optimum is theta*; the bounds.
    EXPECT_GE(r.r2_weights_median, 0.99);
    EXPECT_NEAR(r.theta_eff[rule.index(1, 1, 0)], 1.0, 0.05);
    EXPECT_NEAR(r.theta_eff[rule.index(0, 2, 1)], -1.0, 0.05);
    EXPECT_LE(r.max_abs_other_terms, 0.05);
    std::printf("lbfgs: %s evals=%ld r2=%.6f err=%.2e other=%.2e cond=%.3g\n", r.fit.status.c_str(),
                r.fit.gradient_evaluations, r.r2_weights_median, r.max_err_truth_terms, r.max_abs_other_terms,
                r.condition_number);
}
