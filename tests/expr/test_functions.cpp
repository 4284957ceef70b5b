// Functions in expressions: exp, log, abs, step, min, max, clip: scalar and batched evaluation agree,
// printing round-trips through the parser, parameter gradients match finite differences.
#include "plast/core/error.hpp"
#include "plast/expr/expr_rule.hpp"
#include "plast/expr/parser.hpp"
#include "plast/expr/simplify.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace plast::expr;

TEST(ExprFunctions, ScalarValues)
{
    const std::vector<std::string> in{"x", "y"};
    auto f = [&](const std::string& s, double x, double y) {
        const double v[2] = {x, y};
        return parse(s, in).eval(v);
    };
    EXPECT_DOUBLE_EQ(f("clip(x, 0, 1)", 1.7, 0), 1.0);
    EXPECT_DOUBLE_EQ(f("clip(x, 0, 1)", -0.3, 0), 0.0);
    EXPECT_DOUBLE_EQ(f("clip(x, 0, 1)", 0.25, 0), 0.25);
    EXPECT_DOUBLE_EQ(f("step(x - 0.5)", 0.6, 0), 1.0);
    EXPECT_DOUBLE_EQ(f("step(x - 0.5)", 0.5, 0), 0.0);
    EXPECT_NEAR(f("exp(log(x))", 3.3, 0), 3.3, 1e-15);
    EXPECT_DOUBLE_EQ(f("abs(x - y)", 1.0, 4.0), 3.0);
    EXPECT_DOUBLE_EQ(f("max(x, y) - min(x, y)", 1.0, 4.0), 3.0);
    EXPECT_TRUE(std::isnan(f("log(x)", -1.0, 0)));
    EXPECT_TRUE(std::isnan(f("max(x, log(y))", 1.0, -1.0))); // an invalid operand stays invalid
    EXPECT_TRUE(std::isnan(f("step(log(x))", -1.0, 0)));
    EXPECT_THROW(parse("clip(x, 0)", in), plast::Error);
    EXPECT_THROW(parse("exp(x, y)", in), plast::Error);
}

TEST(ExprFunctions, BatchEqualsScalarAndPrintingRoundTrips)
{
    const std::vector<std::string> in{"x", "y"};
    for (const char* s : {"clip(x*y, -1, 2) + exp(-abs(x))", "step(x - y)*min(x, 3) - max(log(abs(y) + 1), x)"}) {
        const Tape t = parse(s, in);
        std::vector<double> x, y, out(300);
        for (int k = 0; k < 300; ++k) x.push_back(std::sin(k * 0.37) * 4), y.push_back(std::cos(k * 0.11) * 3);
        const double* cols[2] = {x.data(), y.data()};
        t.eval_batch(cols, 300, nullptr, out.data());
        const Tape back = parse(t.infix(), in);
        for (int k = 0; k < 300; ++k) {
            const double v[2] = {x[static_cast<std::size_t>(k)], y[static_cast<std::size_t>(k)]};
            EXPECT_EQ(out[static_cast<std::size_t>(k)], t.eval(v)) << s << " at " << k;
            EXPECT_EQ(back.eval(v), t.eval(v)) << t.infix();
        }
        EXPECT_FALSE(canonical(t).empty());
    }
}

TEST(ExprFunctions, ParameterGradientsMatchFiniteDifferences)
{
    const auto r = ExprRule::parse("exp(a*x) + log(b + y) + abs(a - 0.3)*max(x, b)", {"x", "y"}, {"a", "b"});
    std::vector<double> x{0.2, -0.7, 1.1}, y{0.5, 2.0, 0.1};
    const double* cols[2] = {x.data(), y.data()};
    const double theta[2] = {0.8, 0.4};
    std::vector<double> g(6);
    r->param_gradient(cols, 3, theta, g.data());
    for (int p = 0; p < 2; ++p) {
        double tp[2] = {theta[0], theta[1]}, tm[2] = {theta[0], theta[1]};
        const double h = 1e-6;
        tp[p] += h, tm[p] -= h;
        std::vector<double> fp(3), fm(3);
        r->evaluate(cols, 3, tp, fp.data());
        r->evaluate(cols, 3, tm, fm.data());
        for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(g[i * 2 + static_cast<std::size_t>(p)], (fp[i] - fm[i]) / (2 * h), 1e-6) << p << " " << i;
    }
}
