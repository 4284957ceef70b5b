// Acceptance tests of the rate toy models (spec spiking-stability-memory.md §12, §14.7).
#include "plast/toy/aba_task.hpp"
#include "plast/toy/explicit_rule.hpp"
#include "plast/toy/implicit_rule.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace plast::toy;

TEST(ToyExplicit, EulerMatchesClosedFormFixedPoint)
{
    const AbaSetup s = AbaSetup::paper_2d();
    for (auto [t0, t1] : {std::pair{0.0, -1.0}, {-0.5, -0.5}, {0.3, -1.2}, {-1.0, 0.2}}) {
        const auto rule = ExplicitRule::reduced_rule(t0, t1);
        const auto r = run_aba(rule, s);
        ASSERT_EQ(r.status, "converged") << t0 << "," << t1;
        const auto fb = rule.fixed_point(s.w0, s.x_stim, s.y_target);
        const auto fa = rule.fixed_point(fb, s.x_bg, s.y_target);
        // Euler error after 20000 steps: e decays as (1 + eta*lambda)^k; with |lambda| >= 0.2 it is < 1e-15.
        EXPECT_LT((r.w_after_b - fb).norm(), 1e-9);
        EXPECT_LT((r.w_after_a - fa).norm(), 1e-9);
    }
}

TEST(ToyExplicit, NonHebbianRuleHasNoMemory)
{
    const AbaSetup s = AbaSetup::paper_2d();
    const auto r = run_aba(ExplicitRule::reduced_rule(-1.0, 0.0), s);
    ASSERT_EQ(r.label(), "stable");
    // w0 is on W*_bg only up to rounding (w0·x_bg = 1.001), which bounds |RI| by about 1e-3.
    EXPECT_LT(std::fabs(r.ri), 2e-3);
    // Exactly zero when w0 lies on W*_bg.
    AbaSetup exact = s;
    exact.w0 = s.w0 + s.x_bg * (s.y_target - s.w0.dot(s.x_bg));
    EXPECT_NEAR(run_aba(ExplicitRule::reduced_rule(-1.0, 0.0), exact).ri, 0.0, 1e-12);
}

TEST(ToyExplicit, DeltaRuleRemembers)
{
    const auto r = run_aba(ExplicitRule::reduced_rule(0.0, -1.0), AbaSetup::paper_2d());
    EXPECT_EQ(r.label(), "stable");
    EXPECT_GT(r.ri, 0.05);
}

TEST(ToyExplicit, RiDoesNotDependOnEta)
{
    AbaSetup s = AbaSetup::paper_2d();
    for (auto [t0, t1] : {std::pair{0.0, -1.0}, {-0.4, -0.3}, {0.5, -1.5}}) {
        s.eta = 0.01;
        const auto r1 = run_aba(ExplicitRule::reduced_rule(t0, t1), s);
        s.eta = 0.003;
        s.epochs = 200000;
        const auto r2 = run_aba(ExplicitRule::reduced_rule(t0, t1), s);
        s.epochs = 20000;
        ASSERT_EQ(r1.status, "converged");
        ASSERT_EQ(r2.status, "converged");
        EXPECT_NEAR(r1.ri, r2.ri, 1e-9);
        EXPECT_GT(r2.tau_b, r1.tau_b); // slower rule, longer convergence
    }
}

TEST(ToyExplicit, ScalingThetaKeepsFixedPointsAndShortensTau)
{
    const AbaSetup s = AbaSetup::paper_2d();
    const auto r1 = run_aba(ExplicitRule::reduced_rule(0.2, -1.0), s);
    const auto r2 = run_aba(ExplicitRule::reduced_rule(0.6, -3.0), s);
    EXPECT_LT((r1.w_after_a - r2.w_after_a).norm(), 1e-9);
    EXPECT_LT(r2.tau_b, r1.tau_b);
}

TEST(ToyExplicit, ConvergenceTimeMatchesTheory)
{
    const AbaSetup s = AbaSetup::paper_2d();
    const auto rule = ExplicitRule::reduced_rule(0.0, -1.0);
    const auto r = run_aba(rule, s);
    const double lam = rule.eigenvalue(s.x_stim);
    const double e0 = std::fabs(s.w0.dot(s.x_stim) - s.y_target);
    // Euler: |e_k| = |1 + eta*lambda|^k |e0|  =>  first k with |e_k| <= rho.
    const double k = std::ceil(std::log(s.rho / e0) / std::log(std::fabs(1.0 + s.eta * lam)));
    EXPECT_EQ(r.tau_b, k);
}

TEST(ToyExplicit, NonNegativeEigenvalueIsUnstableWithoutNaN)
{
    const AbaSetup s = AbaSetup::paper_2d();
    // theta0 + theta1 > 0: lambda >= 0 for every input; diverges on the protocol.
    const auto r = run_aba(ExplicitRule::reduced_rule(1.0, 0.5), s);
    EXPECT_EQ(r.label(), "unstable");
    EXPECT_EQ(r.status, "diverged");
    EXPECT_TRUE(r.w_after_a.allFinite());
    EXPECT_TRUE(r.w_after_b.allFinite());
    // Stable on both presented inputs, but unstable for the allowed input (1, 0): still labelled unstable.
    const auto rule = ExplicitRule::reduced_rule(-1.0, 1.05);
    EXPECT_LT(rule.eigenvalue(s.x_bg), 0.0);
    EXPECT_LT(rule.eigenvalue(s.x_stim), 0.0);
    EXPECT_FALSE(rule.stable_for_all_inputs(2));
    EXPECT_EQ(run_aba(rule, s).label(), "unstable");
}

TEST(ToyExplicit, StabilityLinesMatchEigenvalueScan)
{
    // Scan unit inputs on the quarter circle: max eigenvalue < 0 iff the analytic condition holds.
    for (double t0 = -2; t0 <= 1; t0 += 0.25)
        for (double t1 = -2; t1 <= 1; t1 += 0.25) {
            const auto rule = ExplicitRule::reduced_rule(t0, t1);
            double lmax = -1e300;
            for (int k = 0; k <= 200; ++k) {
                const double a = M_PI / 2 * k / 200.0;
                lmax = std::max(lmax, rule.eigenvalue(Eigen::Vector2d(std::cos(a), std::sin(a))));
            }
            if (std::fabs(lmax) > 1e-9) EXPECT_EQ(rule.stable_for_all_inputs(2), lmax < 0) << t0 << " " << t1;
        }
}

TEST(ToyImplicit, IdentityMetricEqualsDeltaRule)
{
    const AbaSetup s = AbaSetup::paper_2d();
    const auto ri = run_aba(ImplicitRule::from_abc(1, 0, 1), s);
    const auto re = run_aba(ExplicitRule::reduced_rule(0.0, -1.0), s);
    EXPECT_LT((ri.w_after_b - re.w_after_b).norm(), 1e-9);
    EXPECT_LT((ri.w_after_a - re.w_after_a).norm(), 1e-9);
    EXPECT_NEAR(ri.ri, re.ri, 1e-9);
}

TEST(ToyImplicit, NotPsdIsUnstableAndSingularPsdIsHandled)
{
    const AbaSetup s = AbaSetup::paper_2d();
    EXPECT_EQ(run_aba(ImplicitRule::from_abc(1, 2, 1), s).label(), "unstable");
    // ac - b^2 = 0: singular but PSD, the jump goes along the null direction.
    const auto r = run_aba(ImplicitRule::from_abc(1, 1, 1), s);
    EXPECT_EQ(r.label(), "stable");
    EXPECT_NEAR(r.w_after_a.dot(s.x_bg), s.y_target, 1e-9);
}

TEST(ToyImplicit, FixedPointLiesOnTargetSet)
{
    const AbaSetup s = AbaSetup::paper_2d();
    const auto rule = ImplicitRule::from_abc(2.0, 0.5, 1.0);
    const auto w = rule.jump(s.w0, s.x_stim, s.y_target);
    ASSERT_TRUE(w);
    EXPECT_NEAR(w->dot(s.x_stim), s.y_target, 1e-12);
}

TEST(ToyNd, ProxyRiAndRandomInputs)
{
    AbaSetup s;
    Eigen::VectorXd xb(3), xs(3);
    xb << 1, 1, 0;
    xs << 0, 1, 1;
    s.x_bg = xb / xb.norm();
    s.x_stim = xs / xs.norm();
    s.w0 = s.x_bg * s.y_target;
    const auto r = run_aba(ExplicitRule::reduced_rule(0.0, -1.0), s);
    ASSERT_EQ(r.status, "converged");
    EXPECT_NEAR(r.ri, (r.w_after_a - s.w0).norm(), 1e-15);
    EXPECT_FALSE(ExplicitRule::reduced_rule(0.1, -0.15).stable_for_all_inputs(3)); // sqrt(3)*0.1 - 0.15 > 0
}
