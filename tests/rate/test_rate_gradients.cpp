// Exact adjoint gradients of whole-trajectory losses vs central finite differences (design anchors §7).
// Tolerance: central differences with step h have truncation error O(h^2 |f'''|) and round-off
// O(eps |f| / h); with h = 1e-5 both are ~1e-10 relative, so 1e-5 (the bound) leaves a wide margin
// while still catching any missing term (those show up at the 1e-2 ... 1 level).
#include "plast/core/rng.hpp"
#include "plast/rate/behaviour_network.hpp"
#include "plast/rate/oja_network.hpp"
#include "plast/rate/two_odor_task.hpp"
#include "plast/rules/mlp_rule.hpp"
#include "plast/rules/rule_string.hpp"
#include "plast/rules/taylor_rule.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

using namespace plast;

namespace {

// max_p |g_fd - g| / max(||g||_inf, tiny)
double fd_rel_error(const std::function<double(const std::vector<double>&)>& f, const std::vector<double>& theta,
                    const std::vector<double>& grad, double h = 1e-5)
{
    double gmax = 0.0, emax = 0.0;
    for (double g : grad)
        gmax = std::max(gmax, std::fabs(g));
    for (std::size_t p = 0; p < theta.size(); ++p) {
        auto tp = theta, tm = theta;
        const double hp = h * std::max(1.0, std::fabs(theta[p]));
        tp[p] += hp;
        tm[p] -= hp;
        const double fd = (f(tp) - f(tm)) / (2 * hp);
        emax = std::max(emax, std::fabs(fd - grad[p]));
    }
    return emax / std::max(gmax, 1e-300);
}

std::vector<double> small_random(std::size_t n, double scale, std::uint64_t seed)
{
    rng::Stream s(seed, "test_theta");
    std::vector<double> v(n);
    for (auto& x : v)
        x = scale * s.normal();
    return v;
}

rate::GeneratedBehaviour small_behaviour(const rate::BehaviourNetwork& net, std::uint64_t seed)
{
    rate::TwoOdorTask task;
    task.trials_per_block = 6;
    task.recording_noise_std = 0.05;
    rules::TaylorRule gen(true);
    const auto th = rules::parse_rule_string("X1Y0W0R1", true);
    return rate::generate_behaviour(task, net, gen, th.data(), 0.01, seed, 0, 0);
}

void check_behaviour(const rules::DifferentiableRule& rule, const std::vector<double>& theta,
                     const rate::BehaviourNetwork& net, const rate::BehaviourLossOptions& opt)
{
    const auto gen = small_behaviour(net, 3);
    const auto w0 = small_random(net.n_syn(), 0.3, 11);
    rate::BehaviourRecord rec;
    std::vector<double> grad(rule.n_params(), 0.0);
    const double L = rate::behaviour_loss(net, rule, theta.data(), gen.data, w0.data(), opt, grad.data(), rec);
    auto f = [&](const std::vector<double>& t) {
        rate::BehaviourRecord r2;
        return rate::behaviour_loss(net, rule, t.data(), gen.data, w0.data(), opt, nullptr, r2);
    };
    EXPECT_NEAR(L, f(theta), 1e-14 * std::fabs(L));
    double gnorm = 0.0;
    for (double g : grad)
        gnorm = std::max(gnorm, std::fabs(g));
    EXPECT_GT(gnorm, 1e-6); // a gradient that is identically zero would pass any FD check trivially
    EXPECT_LT(fd_rel_error(f, theta, grad), 1e-5);
}

} // namespace

TEST(RateGradient, Taylor81BehaviourBceReferencePadding)
{
    const auto net = rate::BehaviourNetwork::make(2, 5);
    rules::TaylorRule rule(true);
    check_behaviour(rule, small_random(81, 0.1, 1), net, {});
}

TEST(RateGradient, Taylor81BehaviourBceValidOnlyAndMse)
{
    const auto net = rate::BehaviourNetwork::make(4, 3, /*sigmoid*/ true, /*centered*/ false);
    rules::TaylorRule rule(true);
    rate::BehaviourLossOptions opt;
    opt.reference_padding = false;
    opt.mse = true;
    check_behaviour(rule, small_random(81, 0.1, 2), net, opt);
}

TEST(RateGradient, Taylor81MaskedAndLegacyOrder)
{
    const auto net = rate::BehaviourNetwork::make(2, 4);
    auto mask = rules::mask_from_terms({"X0Y0W0R0", "X1R1", "W1", "X1Y1W0R0", "Y2W1R1"}, true);
    rules::TaylorRule masked(true, mask);
    check_behaviour(masked, small_random(81, 0.2, 3), net, {});
    rules::TaylorRule legacy(true, {}, true);
    check_behaviour(legacy, small_random(81, 0.1, 4), net, {});
}

TEST(RateGradient, TwoLayerBehaviourNetwork)
{
    const auto net = rate::BehaviourNetwork::make(2, 0);
    rules::TaylorRule rule(true);
    rate::BehaviourLossOptions opt;
    opt.mse = true;
    check_behaviour(rule, small_random(81, 0.1, 5), net, opt);
}

TEST(RateGradient, MlpBehaviour)
{
    const auto net = rate::BehaviourNetwork::make(2, 5);
    rules::MlpRule rule(true);
    auto th = rule.init_theta(7, 0.5); // larger than the 0.01 init so that every path is exercised
    rate::BehaviourLossOptions opt;
    opt.mse = true;
    check_behaviour(rule, th, net, opt);
}

namespace {

void check_oja(const rules::DifferentiableRule& rule, const std::vector<double>& theta, double observed_fraction)
{
    rate::OjaNetwork net{5, 4, 1.0};
    rate::OjaTrajectory traj;
    traj.steps = 12;
    rng::Stream s(9, "test_oja");
    traj.x.resize(traj.steps * 5);
    for (auto& v : traj.x)
        v = s.normal();
    traj.w0.resize(net.n_syn());
    for (auto& v : traj.w0)
        v = 0.3 * s.normal();
    traj.activity.resize(traj.steps * 4);
    for (auto& v : traj.activity)
        v = 0.5 + 0.2 * s.normal();
    traj.observed.assign(4, 1);
    const int n_off = static_cast<int>(std::lround((1.0 - observed_fraction) * 4));
    for (int i = 0; i < n_off; ++i)
        traj.observed[static_cast<std::size_t>(i)] = 0;
    rate::OjaRecord rec;
    std::vector<double> grad(rule.n_params(), 0.0);
    rate::activity_loss(net, rule, theta.data(), traj, 0.5, grad.data(), rec);
    auto f = [&](const std::vector<double>& t) {
        rate::OjaRecord r2;
        return rate::activity_loss(net, rule, t.data(), traj, 0.5, nullptr, r2);
    };
    double gnorm = 0.0;
    for (double g : grad)
        gnorm = std::max(gnorm, std::fabs(g));
    EXPECT_GT(gnorm, 1e-6);
    EXPECT_LT(fd_rel_error(f, theta, grad), 1e-5);
}

} // namespace

TEST(RateGradient, Taylor27OjaFullAndPartialObservation)
{
    rules::TaylorRule rule(false);
    auto th = small_random(27, 0.03, 6);
    th[rule.index(1, 1, 0)] += 1.0;
    th[rule.index(0, 2, 1)] -= 1.0;
    check_oja(rule, th, 1.0);
    check_oja(rule, th, 0.5);
}

TEST(RateGradient, MlpOja)
{
    rules::MlpRule rule(false);
    check_oja(rule, rule.init_theta(3, 0.5), 0.75);
}

TEST(RateGradient, PartialObservationChangesTheLoss)
{
    // Unobserved neurons must not enter the loss: perturbing their recorded activity leaves it unchanged.
    rules::TaylorRule rule(false);
    rate::OjaNetwork net{3, 4, 1.0};
    rate::OjaTrajectory traj;
    traj.steps = 5;
    traj.x.assign(15, 0.3);
    traj.w0.assign(12, 0.1);
    traj.activity.assign(20, 0.4);
    traj.observed = {1, 1, 0, 0};
    const auto th = rules::parse_rule_string("X1Y1W0-Y2W1", false);
    rate::OjaRecord rec;
    const double a = rate::activity_loss(net, rule, th.data(), traj, 0.5, nullptr, rec);
    for (int t = 0; t < 5; ++t)
        traj.activity[static_cast<std::size_t>(t * 4 + 3)] = 5.0;
    EXPECT_EQ(a, rate::activity_loss(net, rule, th.data(), traj, 0.5, nullptr, rec));
    for (int t = 0; t < 5; ++t)
        traj.activity[static_cast<std::size_t>(t * 4 + 1)] = 5.0;
    EXPECT_GT(rate::activity_loss(net, rule, th.data(), traj, 0.5, nullptr, rec), a + 1.0);
}
