// Behaviour inference on simulated two-odor data (spec §12 tests 4, 6) at reduced scale.
#include "plast/infer/behaviour_experiment.hpp"
#include "plast/rules/rule_string.hpp"
#include "plast/rules/taylor_rule.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace plast;

TEST(BehaviourInference, TeacherEqualsStudentZeroDataGradient)
{
    // Identical theta and initial weights, no observation noise: the MSE data term is exactly 0 and its
    // gradient vanishes; the BCE term is at its minimum over the model's own probabilities.
    rules::TaylorRule rule(true);
    const auto th = rules::parse_rule_string("X1Y0W0R1", true);
    auto net = rate::BehaviourNetwork::make(2, 10);
    rate::TwoOdorTask task;
    task.trials_per_block = 10;
    task.resample_inputs = false; // the student must see the inputs that drove the teacher
    const auto g = rate::generate_behaviour(task, net, rule, th.data(), 0.01, 5, 0, 0);
    rate::BehaviourLossOptions opt;
    opt.bce = false;
    opt.mse = true;
    rate::BehaviourRecord rec;
    std::vector<double> grad(81, 0.0);
    EXPECT_EQ(rate::behaviour_loss(net, rule, th.data(), g.data, g.w0.data(), opt, grad.data(), rec), 0.0);
    for (double v : grad)
        EXPECT_EQ(v, 0.0);
    // and the student's open-loop weights reproduce the generator's weight trajectory exactly
    rate::simulate(net, rule, th.data(), g.data, g.w0.data(), rec);
    ASSERT_EQ(rec.w.size(), g.w_true.size());
    for (std::size_t i = 0; i < rec.w.size(); ++i)
        EXPECT_NEAR(rec.w[i], g.w_true[i], 1e-15);
}

TEST(BehaviourInference, RewardRuleDominatesAndDevianceIsPositive)
{
    infer::BehaviourSettings s;
    s.num_train = 8;
    s.num_eval = 4;
    rules::TaylorRule rule(true);
    const auto truth = rules::parse_rule_string("X1Y0W0R1", true);
    infer::FitOptions fo;
    fo.optimizer = "adam";
    fo.learning_rate = 1e-2; // 10x the reference rate, so that 40 epochs suffice at this reduced scale
    fo.epochs = 40;
    std::vector<double> th0(81, 0.0);
    const auto r = infer::run_behaviour_sim(s, rule, truth, rule, th0, fo, 1);
    std::size_t top = 0;
    for (std::size_t k = 0; k < 81; ++k)
        if (std::fabs(r.theta_eff[k]) > std::fabs(r.theta_eff[top])) top = k;
    std::printf("top %s = %.3f, xr = %.3f, r2w %.3f, r2y %.3f, pdev %.2f%%, %.2fs\n", rule.term_name(top).c_str(),
                r.theta_eff[top], r.theta_eff[rule.index(1, 0, 0, 1)], r.r2_weights_median, r.r2_activity_median,
                r.pdev_median, r.fit.seconds);
    EXPECT_EQ(top, rule.index(1, 0, 0, 1));
    EXPECT_GT(r.pdev_median, 0.0);
}
