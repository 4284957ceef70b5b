// The toy models' rules as rule families: the explicit rule (toy/explicit_rule_family.hpp) and the 2RNN rate
// rule (toy/rate_pol_family.hpp).
#include "plast/toy/explicit_rule.hpp"
#include "plast/toy/explicit_rule_family.hpp"
#include "plast/toy/rate_pol_family.hpp"
#include "plast/toy/two_neuron_rnn.hpp"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <random>
#include <vector>

using namespace plast;
using plast::toy::ExplicitRuleFamily;

namespace {
struct Point {
    double x, y, w;
};

std::vector<Point> points(std::size_t n, unsigned seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> d(-2.0, 2.0);
    std::vector<Point> p(n);
    for (auto& q : p)
        q = {d(rng), d(rng), d(rng)};
    return p;
}

double eval1(const rules::DifferentiableRule& r, const std::vector<double>& th, const Point& p, double* gy = nullptr,
             double* gw = nullptr)
{
    double g;
    r.eval_row(p.x, &p.y, &p.w, 0.0, 1, th.data(), &g, gy, gw);
    return g;
}
} // namespace

TEST(ToyExplicitFamily, NamesInputsAndParameters)
{
    const auto gen = ExplicitRuleFamily::general();
    const auto red = ExplicitRuleFamily::reduced(1.0);
    EXPECT_EQ(gen.name(), "toy_explicit");
    EXPECT_EQ(red.name(), "toy_explicit_reduced");
    EXPECT_EQ(gen.inputs(), (std::vector<std::string>{"x", "y", "w"}));
    EXPECT_EQ(gen.param_names(), (std::vector<std::string>{"theta0", "theta1", "theta2", "theta3"}));
    EXPECT_EQ(red.param_names(), (std::vector<std::string>{"theta0", "theta1"}));
    EXPECT_FALSE(red.uses_reward());
    EXPECT_TRUE(red.has_param_gradient());
    EXPECT_DOUBLE_EQ(red.y_target(), 1.0);
}

// The family reproduces the toy model's historical arithmetic exactly (bit for bit), and the closed form.
TEST(ToyExplicitFamily, EvaluateMatchesClosedForm)
{
    const double ys = 0.7;
    const auto gen = ExplicitRuleFamily::general();
    const auto red = ExplicitRuleFamily::reduced(ys);
    const std::vector<double> tg{0.3, -1.2, 0.45, -0.8}, tr{-0.4, 0.9};
    for (const auto& p : points(200, 1)) {
        // Historical expressions of ExplicitRule::drift: exact equality.
        EXPECT_EQ(eval1(gen, tg, p), (tg[0] * p.y + tg[3]) + (tg[1] * p.y + tg[2]) * p.x);
        EXPECT_EQ(eval1(red, tr, p), (tr[0] + tr[1] * p.x) * (p.y - ys));
        // The 4-term closed form theta0 y + theta1 x y + theta2 x + theta3 (rounding only).
        EXPECT_NEAR(eval1(gen, tg, p), tg[0] * p.y + tg[1] * p.x * p.y + tg[2] * p.x + tg[3], 1e-14);
        // The reduced form is the general one with theta2 = -theta1 y*, theta3 = -theta0 y*.
        const std::vector<double> as_general{tr[0], tr[1], -tr[1] * ys, -tr[0] * ys};
        EXPECT_NEAR(eval1(red, tr, p), eval1(gen, as_general, p), 1e-14);
    }
    // Batched evaluate (the interface the toy simulation uses) equals the per-synapse eval_row.
    const auto ps = points(17, 2);
    std::vector<double> x, y, w, out(ps.size());
    for (const auto& p : ps)
        x.push_back(p.x), y.push_back(p.y), w.push_back(p.w);
    const double* in[3] = {x.data(), y.data(), w.data()};
    const rules::RuleFamily& base = red;
    base.evaluate(in, ps.size(), tr.data(), out.data());
    for (std::size_t i = 0; i < ps.size(); ++i)
        EXPECT_EQ(out[i], eval1(red, tr, ps[i]));
}

// ExplicitRule::drift goes through the family: dw/dt / eta for the one output y = w·x.
TEST(ToyExplicitFamily, DriftOfTheToyRuleUsesTheFamily)
{
    Eigen::VectorXd x(3), w(3);
    x << 0.2, 0.5, 0.84;
    w << 1.0, -0.3, 0.6;
    const double ys = 1.0, y = w.dot(x);
    const auto r = toy::ExplicitRule::reduced_rule(-0.5, -0.5);
    const auto g = toy::ExplicitRule::general_rule(0.1, -0.7, 0.3, 0.05);
    const Eigen::VectorXd dr = r.drift(w, x, ys), dg = g.drift(w, x, ys);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(dr[i], (-0.5 + -0.5 * x[i]) * (y - ys));
        EXPECT_EQ(dg[i], (0.1 * y + 0.05) + (-0.7 * y + 0.3) * x[i]);
    }
    EXPECT_EQ(r.family(ys).name(), "toy_explicit_reduced");
    EXPECT_EQ(g.params(), (std::vector<double>{0.1, -0.7, 0.3, 0.05}));
}

// Exact parameter gradient and dg/dy, dg/dw against central differences. g is affine in each of theta, y
// and w, so the truncation error is zero and only rounding remains: about eps·|g|/h per difference.
TEST(ToyExplicitFamily, GradientsMatchCentralDifferences)
{
    const double h = 1e-6;
    for (bool reduced : {false, true}) {
        const auto fam = reduced ? ExplicitRuleFamily::reduced(0.8) : ExplicitRuleFamily::general();
        std::vector<double> th = reduced ? std::vector<double>{-0.6, 1.3} : std::vector<double>{0.3, -1.2, 0.45, -0.8};
        const std::size_t np = fam.n_params();
        const auto ps = points(50, 3);
        std::vector<double> x, y, w;
        for (const auto& p : ps)
            x.push_back(p.x), y.push_back(p.y), w.push_back(p.w);
        const double* in[3] = {x.data(), y.data(), w.data()};
        std::vector<double> grad(ps.size() * np);
        fam.param_gradient(in, ps.size(), th.data(), grad.data());
        for (std::size_t i = 0; i < ps.size(); ++i) {
            const Point& p = ps[i];
            double gy, gw;
            const double g0 = eval1(fam, th, p, &gy, &gw);
            const double tol = 8.0 * DBL_EPSILON * (1.0 + std::fabs(g0) + 8.0) / h;
            for (std::size_t k = 0; k < np; ++k) {
                auto tp = th, tm = th;
                tp[k] += h, tm[k] -= h;
                const double fd = (eval1(fam, tp, p) - eval1(fam, tm, p)) / (2 * h);
                EXPECT_NEAR(grad[i * np + k], fd, tol) << fam.name() << " param " << k;
            }
            const Point yp{p.x, p.y + h, p.w}, ym{p.x, p.y - h, p.w}, wp{p.x, p.y, p.w + h}, wm{p.x, p.y, p.w - h};
            EXPECT_NEAR(gy, (eval1(fam, th, yp) - eval1(fam, th, ym)) / (2 * h), tol) << fam.name();
            EXPECT_EQ(gw, 0.0);
            EXPECT_EQ(eval1(fam, th, wp), eval1(fam, th, wm)); // no dependence on w at all
        }
    }
}

// The reduced form's defining property: y = y* is a fixed point for every input and parameters.
TEST(ToyExplicitFamily, ReducedFormVanishesAtTarget)
{
    for (double ys : {1.0, -0.35, 2.5}) {
        const auto fam = ExplicitRuleFamily::reduced(ys);
        for (const auto& p : points(100, 4)) {
            const std::vector<double> th{p.y, p.w}; // arbitrary parameters
            EXPECT_EQ(eval1(fam, th, {p.x, ys, p.w}), 0.0);
        }
    }
}

TEST(ToyExplicitFamily, FormulaText)
{
    const auto gen = ExplicitRuleFamily::general();
    const std::vector<double> t4{0.5, -1.0, 0.2, 0.1}, t4small{1e-9, 1.0, 0.0, -2.0}, zero4{0, 0, 0, 0};
    EXPECT_EQ(gen.formula(t4.data()), "0.5*y - 1*x*y + 0.2*x + 0.1");
    EXPECT_EQ(gen.formula(t4small.data(), 1e-6), "1*x*y - 2");
    EXPECT_EQ(gen.formula(zero4.data()), "0");
    const auto red = ExplicitRuleFamily::reduced(1.0);
    const std::vector<double> delta{0.0, -1.0}, both{0.5, -1.0}, post{-2.0, 0.0}, zero2{0.0, 0.0};
    EXPECT_EQ(red.formula(delta.data()), "-1*x*(y - 1)");
    EXPECT_EQ(red.formula(both.data()), "(0.5 - 1*x)*(y - 1)");
    EXPECT_EQ(red.formula(post.data()), "-2*(y - 1)");
    EXPECT_EQ(red.formula(zero2.data()), "0");
    EXPECT_EQ(ExplicitRuleFamily::reduced(-0.25).formula(both.data()), "(0.5 - 1*x)*(y + 0.25)");
    EXPECT_EQ(ExplicitRuleFamily::reduced(0.0).formula(delta.data()), "-1*x*y");
}

// The 2RNN's rate rule as a family (toy/rate_pol_family.hpp).
TEST(ToyRatePolFamily, EvaluateGradientsAndFormula)
{
    const toy::RatePolFamily fam;
    EXPECT_EQ(fam.name(), "toy_rate_pol");
    EXPECT_EQ(fam.param_names(), (std::vector<std::string>{"alpha", "beta", "gamma"}));
    const std::vector<double> th{-1.0, 0.25, 1.5};
    const double h = 1e-6;
    for (const auto& p : points(100, 5)) {
        // RateRule::drift is eta·g with the historical arithmetic, bit for bit.
        const toy::RateRule rr{0.1, th[0], th[1], th[2]};
        EXPECT_EQ(rr.drift(p.x, p.y), 0.1 * (th[0] * p.x + th[1] * p.y + th[2] * p.x * p.y));
        double gy, gw;
        const double g0 = eval1(fam, th, p, &gy, &gw);
        EXPECT_EQ(g0, toy::RatePolFamily::g(p.x, p.y, th.data()));
        const double tol = 8.0 * DBL_EPSILON * (1.0 + std::fabs(g0) + 8.0) / h;
        const double* in[3] = {&p.x, &p.y, &p.w};
        double grad[3];
        fam.param_gradient(in, 1, th.data(), grad);
        for (int k = 0; k < 3; ++k) {
            auto tp = th, tm = th;
            tp[k] += h, tm[k] -= h;
            EXPECT_NEAR(grad[k], (eval1(fam, tp, p) - eval1(fam, tm, p)) / (2 * h), tol) << k;
        }
        EXPECT_NEAR(gy, (eval1(fam, th, {p.x, p.y + h, p.w}) - eval1(fam, th, {p.x, p.y - h, p.w})) / (2 * h), tol);
        EXPECT_EQ(gw, 0.0);
    }
    // beta = 0: the post set point y* = -alpha/gamma is a zero of g for every x.
    const std::vector<double> sp{-1.0, 0.0, 2.0};
    EXPECT_EQ(eval1(fam, sp, {0.7, 0.5, 0.0}), 0.0);
    EXPECT_EQ(fam.formula(th.data()), "-1*x + 0.25*y + 1.5*x*y");
    EXPECT_EQ(fam.formula(sp.data()), "-1*x + 2*x*y");
}
