// Reverse-mode differentiation of expression tapes (expr/reverse.hpp), the constant lifting helper
// (expr/lift.hpp) and the differentiable rate-rule adapter (expr/rate_rule.hpp), checked against
// central finite differences on random expressions that use every operator.
#include "plast/core/rng.hpp"
#include "plast/expr/expr_rule.hpp"
#include "plast/expr/lift.hpp"
#include "plast/expr/parser.hpp"
#include "plast/expr/rate_rule.hpp"
#include "plast/expr/reverse.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

using namespace plast;
using namespace plast::expr;

namespace {

const std::vector<std::string> xyw{"x", "y", "w"};
const std::vector<std::string> pq{"p", "q"};

// A random expression over x, y, w and parameters p, q. Kink arguments (of abs, step, min/max: a - b)
// and denominators are recorded so that finite-difference points can keep away from them; log and
// non-integer powers get a positive argument, abs(e) + 0.5, so the expression is real-valued.
struct Gen {
    rng::Stream& rs;
    std::vector<std::string> kinks, denominators;
    std::map<std::string, int> used;

    std::string leaf()
    {
        switch (rs.below(4)) {
        case 0: return xyw[rs.below(3)];
        case 1: return pq[rs.below(2)];
        case 2: return std::to_string(std::round(rs.uniform(-2, 2) * 100) / 100);
        default: return xyw[rs.below(3)];
        }
    }
    std::string pos(const std::string& e) { return "(abs(" + e + ") + 0.5)"; }
    std::string node(int depth)
    {
        if (depth == 0) return leaf();
        const std::string a = node(depth - 1), b = node(depth - 1);
        switch (rs.below(15)) {
        case 0: ++used["+"]; return "(" + a + " + " + b + ")";
        case 1: ++used["-"]; return "(" + a + " - " + b + ")";
        case 2:
        case 3: ++used["*"]; return "(" + a + " * " + b + ")";
        case 4:
            ++used["/"];
            denominators.push_back(b);
            return "(" + a + " / " + b + ")";
        case 5: ++used["^"]; ++used["abs"]; kinks.push_back(a); return pos(a) + "^(" + b + ")";
        case 6: ++used["^int"]; return "(" + a + ")^" + std::to_string(2 + rs.below(2));
        case 7: ++used["neg"]; return "(-" + a + ")";
        case 8: ++used["exp"]; return "exp(0.3*" + a + ")";
        case 9: ++used["log"]; ++used["abs"]; kinks.push_back(a); return "log" + pos(a);
        case 10: ++used["abs"]; kinks.push_back(a); return "abs(" + a + ")";
        case 11: ++used["step"]; kinks.push_back(a); return "(step(" + a + ")*" + b + ")";
        case 12: ++used["min"]; kinks.push_back("(" + a + ") - (" + b + ")"); return "min(" + a + ", " + b + ")";
        case 13: ++used["max"]; kinks.push_back("(" + a + ") - (" + b + ")"); return "max(" + a + ", " + b + ")";
        default: ++used["*"]; return "(" + a + " * " + leaf() + ")";
        }
    }
};

// Central difference of f along coordinate i of v (step h * max(1, |v_i|)).
template <class F>
double central(F f, std::vector<double> v, std::size_t i, double h)
{
    const double s = h * std::max(1.0, std::fabs(v[i]));
    const double v0 = v[i];
    v[i] = v0 + s;
    const double fp = f(v);
    v[i] = v0 - s;
    const double fm = f(v);
    return (fp - fm) / (2 * s);
}

} // namespace

// Central differences with step h = 1e-5 have truncation error ~h^2 |f'''| / 6 and rounding error
// ~eps |f| / h ~ 1e-11 |f|; at points at least 0.05 from every kink and every zero denominator, with |f|
// and the gradient bounded by 1e3, both are far below the 1e-5 relative tolerance.
TEST(ExprReverse, MatchesCentralDifferencesOnRandomExpressions)
{
    rng::Stream rs(7, "expr_reverse_fd");
    std::map<std::string, int> used;
    int checked = 0;
    for (int e = 0; e < 400; ++e) {
        Gen g{rs, {}, {}, {}};
        const std::string text = g.node(1 + static_cast<int>(rs.below(4)));
        const Tape t = parse(text, xyw, pq);
        const ReverseTape rt(t);
        std::vector<Tape> kinks, dens;
        for (auto& k : g.kinks)
            kinks.push_back(parse(k, xyw, pq));
        for (auto& d : g.denominators)
            dens.push_back(parse(d, xyw, pq));
        for (int trial = 0; trial < 4; ++trial) {
            std::vector<double> v(5); // x, y, w, p, q
            for (auto& a : v)
                a = rs.uniform(-1.5, 1.5);
            bool ok = true;
            for (auto& k : kinks)
                ok = ok && std::fabs(k.eval(v.data(), v.data() + 3)) > 0.05;
            for (auto& d : dens)
                ok = ok && std::fabs(d.eval(v.data(), v.data() + 3)) > 0.05;
            double dx[3], dth[2];
            const double f = rt.gradient(v.data(), v.data() + 3, dx, dth);
            const double f_eval = t.eval(v.data(), v.data() + 3);
            ASSERT_TRUE(f == f_eval || (std::isnan(f) && std::isnan(f_eval))) << text;
            const double grad[5] = {dx[0], dx[1], dx[2], dth[0], dth[1]};
            for (double gi : grad)
                ok = ok && std::isfinite(gi) && std::fabs(gi) < 1e3;
            if (!ok || !std::isfinite(f) || std::fabs(f) > 1e3) continue;
            auto fv = [&](const std::vector<double>& u) { return t.eval(u.data(), u.data() + 3); };
            for (std::size_t i = 0; i < 5; ++i) {
                const double fd = central(fv, v, i, 1e-5);
                EXPECT_LE(std::fabs(grad[i] - fd), 1e-5 * std::max(1.0, std::fabs(fd)))
                    << text << " coordinate " << i << " reverse " << grad[i] << " fd " << fd;
            }
            ++checked;
            for (auto& [k, c] : g.used)
                used[k] += c;
        }
    }
    EXPECT_GT(checked, 800);
    for (const char* op : {"+", "-", "*", "/", "^", "^int", "neg", "exp", "log", "abs", "step", "min", "max"})
        EXPECT_GT(used[op], 20) << op;
}

TEST(ExprReverse, BatchAndVjpAgreeWithScalarAndForwardMode)
{
    const std::string text = "p*x*y - q*y^2*w + max(x, w)/(1 + y^2) + pow(abs(x) + 0.5, q)";
    const Tape t = parse(text, xyw, pq);
    const ReverseTape rt(t);
    const ExprRule fwd(t);
    rng::Stream rs(3, "expr_reverse_batch");
    const std::size_t n = 150; // three 64-wide chunks, the last partial
    std::vector<double> x(n), y(n), w(n), lam(n);
    for (std::size_t k = 0; k < n; ++k)
        x[k] = rs.uniform(-1, 1), y[k] = rs.uniform(-1, 1), w[k] = rs.uniform(-1, 1), lam[k] = rs.uniform(-1, 1);
    const double theta[2] = {0.7, -1.3};
    const double* in[3] = {x.data(), y.data(), w.data()};
    std::vector<double> out(n), gx(n), gy(n), gw(n), gth(2 * n), fth(2 * n);
    double* dx[3] = {gx.data(), gy.data(), gw.data()};
    rt.gradient_batch(in, n, theta, out.data(), dx, gth.data());
    fwd.param_gradient(in, n, theta, fth.data());
    double vjp_ref[2] = {0, 0};
    for (std::size_t k = 0; k < n; ++k) {
        const double v[3] = {x[k], y[k], w[k]};
        double sx[3], st[2];
        EXPECT_EQ(rt.gradient(v, theta, sx, st), out[k]);
        EXPECT_EQ(sx[0], gx[k]);
        EXPECT_EQ(sx[1], gy[k]);
        EXPECT_EQ(sx[2], gw[k]);
        for (int p = 0; p < 2; ++p) {
            EXPECT_EQ(st[p], gth[k * 2 + p]);
            EXPECT_NEAR(st[p], fth[k * 2 + p], 1e-12 * std::max(1.0, std::fabs(st[p])));
            vjp_ref[p] += lam[k] * st[p];
        }
    }
    double vjp[2] = {0.5, 0.5}; // accumulates
    std::vector<double> lx(n);
    double* ldx[3] = {nullptr, lx.data(), nullptr};
    rt.vjp_batch(in, n, theta, lam.data(), nullptr, ldx, vjp);
    for (int p = 0; p < 2; ++p)
        EXPECT_NEAR(vjp[p] - 0.5, vjp_ref[p], 1e-12 * (1 + std::fabs(vjp_ref[p])));
    for (std::size_t k = 0; k < n; ++k)
        EXPECT_NEAR(lx[k], lam[k] * gy[k], 1e-15 * (1 + std::fabs(gy[k])));
}

TEST(ExprReverse, NonFiniteValuesPropagateWithoutThrowing)
{
    const Tape t = parse("p*log(x) + y/w", xyw, pq);
    const ReverseTape rt(t);
    const double th[2] = {2.0, 0.0};
    double dx[3], dth[2];
    const double neg[3] = {-1.0, 1.0, 1.0};
    EXPECT_TRUE(std::isnan(rt.gradient(neg, th, dx, dth)));
    EXPECT_TRUE(std::isnan(dth[0]));
    const double zero_w[3] = {1.0, 1.0, 0.0};
    EXPECT_TRUE(std::isinf(rt.gradient(zero_w, th, dx, dth)));
    EXPECT_TRUE(std::isinf(dx[1]));
    EXPECT_EQ(dth[0], 0.0); // log(1) = 0: the parameter's partial is finite
    // A constant integer exponent of a negative base is differentiable in the base (no log of the base).
    const ReverseTape sq(parse("y^2 + x^3", xyw));
    const double v[3] = {-2.0, -3.0, 0.0};
    EXPECT_EQ(sq.gradient(v, nullptr, dx, nullptr), 9.0 - 8.0);
    EXPECT_EQ(dx[0], 12.0);
    EXPECT_EQ(dx[1], -6.0);
}

TEST(ExprLift, ConstantsBecomeParametersWithTheirValues)
{
    const Tape t = parse("0.6*x*y - 1.7*y^2*w + -2.5", xyw);
    const LiftedTape l = lift_constants(t);
    ASSERT_EQ(l.tape.param_names(), (std::vector<std::string>{"c0", "c1", "c2"}));
    EXPECT_EQ(l.values, (std::vector<double>{0.6, 1.7, -2.5})); // the exponent 2 stays; -(2.5) is folded
    const double v[3] = {0.3, -0.8, 1.1};
    EXPECT_EQ(l.tape.eval(v, l.values.data()), t.eval(v));
    // Names already used by parameters are skipped; non-integer exponents are lifted.
    const Tape u = parse("c0*x^1.5 + 2*y", xyw, {"c0"});
    const LiftedTape m = lift_constants(u);
    EXPECT_EQ(m.tape.param_names(), (std::vector<std::string>{"c0", "c1", "c2"}));
    EXPECT_EQ(m.values, (std::vector<double>{1.5, 2.0}));
    // The generating rule written with explicit constants gives the true parameter values.
    const auto truth = match_parameters(l.tape, parse("1*x*y - 1*y^2*w + 0", xyw));
    ASSERT_TRUE(truth.has_value());
    EXPECT_EQ(*truth, (std::vector<double>{1.0, 1.0, 0.0}));
    EXPECT_FALSE(match_parameters(l.tape, parse("x*y - y^2*w", xyw)).has_value());
    EXPECT_FALSE(match_parameters(l.tape, parse("1*x*y - 1*y^3*w + 0", xyw)).has_value());
}

// The rate-rule adapter: dg/dy and dg/dw against central differences, and the fused adjoint step equal
// to the generic one built from eval_row and accumulate_vjp.
TEST(ExprRateRule, RowDerivativesAndFusedAdjoint)
{
    const LiftedTape l = lift_constants(parse("0.6*x*y - 1.7*y^2*w + 0.1*exp(-w^2)", ExprRateRule::input_names(false)));
    const ExprRateRule rule(l.tape);
    EXPECT_EQ(rule.name(), "expression");
    EXPECT_TRUE(rule.has_param_gradient());
    const std::size_t n = 7;
    std::vector<double> y(n), w(n), g(n), gy(n), gw(n);
    rng::Stream rs(5, "expr_rate_rule");
    for (std::size_t k = 0; k < n; ++k)
        y[k] = rs.uniform(-1, 1), w[k] = rs.uniform(-1, 1);
    const double x = 0.4;
    rule.eval_row(x, y.data(), w.data(), 0.0, n, l.values.data(), g.data(), gy.data(), gw.data());
    for (std::size_t k = 0; k < n; ++k) {
        auto at = [&](double yy, double ww) {
            double o;
            rule.eval_row(x, &yy, &ww, 0.0, 1, l.values.data(), &o, nullptr, nullptr);
            return o;
        };
        const double h = 1e-5;
        EXPECT_NEAR(gy[k], (at(y[k] + h, w[k]) - at(y[k] - h, w[k])) / (2 * h), 1e-8);
        EXPECT_NEAR(gw[k], (at(y[k], w[k] + h) - at(y[k], w[k] - h)) / (2 * h), 1e-8);
    }
    std::vector<double> wb1(n), wb2(n), yb1(n, 0.1), yb2(n, 0.1), gr1(3, 0.0), gr2(3, 0.0);
    for (std::size_t k = 0; k < n; ++k)
        wb1[k] = wb2[k] = rs.uniform(-1, 1);
    rule.adjoint_row(x, y.data(), w.data(), 0.0, n, l.values.data(), 0.5, wb1.data(), yb1.data(), gr1.data());
    rule.rules::DifferentiableRule::adjoint_row(x, y.data(), w.data(), 0.0, n, l.values.data(), 0.5, wb2.data(),
                                                yb2.data(), gr2.data());
    for (std::size_t k = 0; k < n; ++k) {
        EXPECT_NEAR(wb1[k], wb2[k], 1e-14);
        EXPECT_NEAR(yb1[k], yb2[k], 1e-14);
    }
    for (int p = 0; p < 3; ++p)
        EXPECT_NEAR(gr1[static_cast<std::size_t>(p)], gr2[static_cast<std::size_t>(p)], 1e-13);
}
