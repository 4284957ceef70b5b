// Expression tape, parser, canonical printer and the RuleFamily adapter.
#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
#include "plast/expr/expr_rule.hpp"
#include "plast/expr/parser.hpp"
#include "plast/expr/simplify.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace plast;
using namespace plast::expr;

namespace {
const std::vector<std::string> vus{"v", "u", "sbar"};
}

TEST(ExprTape, ParseAndEvaluateScalar)
{
    const Tape t = parse("x_2*(x_0-x_1)", vus);
    const double x[3] = {-60.0, -65.0, 0.5};
    EXPECT_DOUBLE_EQ(t.eval(x), 0.5 * 5.0);
    const Tape n = parse("2*(v - u)*sbar", vus);
    EXPECT_DOUBLE_EQ(n.eval(x), 5.0);
    // Precedence and associativity: -x^2 = -(x^2); 2^3^2 = 2^9; a - b - c = (a - b) - c; a/b/c.
    const double y[3] = {3.0, 2.0, 4.0};
    EXPECT_DOUBLE_EQ(parse("-v^2", vus).eval(y), -9.0);
    EXPECT_DOUBLE_EQ(parse("2^3^2", vus).eval(y), 512.0);
    EXPECT_DOUBLE_EQ(parse("v - u - sbar", vus).eval(y), -3.0);
    EXPECT_DOUBLE_EQ(parse("v / u / sbar", vus).eval(y), 3.0 / 8.0);
    EXPECT_DOUBLE_EQ(parse("pow(v, u) + v**u", vus).eval(y), 18.0);
    EXPECT_DOUBLE_EQ(parse("1e-3*x2 + .5", vus).eval(y), 0.504);
}

TEST(ExprTape, BatchMatchesScalarAcrossChunks)
{
    // 200 elements span several 64-wide chunks, including a partial one.
    const Tape t = parse("(v*u - sbar)/(v + 1.5)^2 - pow(u, 2)", vus);
    rng::Stream r(1, "expr_batch");
    std::vector<double> a(200), b(200), c(200), out(200);
    for (std::size_t k = 0; k < 200; ++k) {
        a[k] = r.uniform(-5, 5);
        b[k] = r.uniform(-5, 5);
        c[k] = r.uniform(-5, 5);
    }
    const double* in[3] = {a.data(), b.data(), c.data()};
    t.eval_batch(in, 200, nullptr, out.data());
    for (std::size_t k = 0; k < 200; ++k) {
        const double x[3] = {a[k], b[k], c[k]};
        EXPECT_EQ(out[k], t.eval(x)); // same operations in the same order: bit-identical
    }
}

TEST(ExprTape, InvalidResultsAreNonFiniteNotErrors)
{
    const double x[3] = {0.0, -2.0, 0.0};
    EXPECT_TRUE(std::isinf(parse("1/v", vus).eval(x)));
    EXPECT_TRUE(std::isnan(parse("v/sbar", vus).eval(x)));
    EXPECT_TRUE(std::isnan(parse("u^0.5", vus).eval(x))); // real arithmetic: negative base, fractional power
}

TEST(ExprTape, InfixRoundTrip)
{
    for (const char* s : {"x_2*(x_0-x_1)", "v - (u - sbar)", "v/(u*sbar)", "-(v + u)^2", "(v^u)^sbar", "v*-2"}) {
        const Tape t = parse(s, vus);
        const Tape back = parse(t.infix(), vus);
        const double x[3] = {1.3, 0.7, 2.1};
        EXPECT_DOUBLE_EQ(t.eval(x), back.eval(x)) << s << " printed as " << t.infix();
    }
    EXPECT_EQ(parse("x_2*(x_0-x_1)", vus).infix(), "sbar * (v - u)");
}

TEST(ExprParser, ErrorsNamePosition)
{
    auto msg = [](const std::string& s) {
        try {
            parse(s, vus);
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), Error::Kind::usage);
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(msg("2*(v-u").find("position 7: expected ')'"), std::string::npos) << msg("2*(v-u");
    EXPECT_NE(msg("v + w").find("position 5: unknown name 'w'"), std::string::npos) << msg("v + w");
    EXPECT_NE(msg("v + w").find("v, u, sbar"), std::string::npos);
    EXPECT_NE(msg("x_3").find("unknown name 'x_3'"), std::string::npos);
    EXPECT_NE(msg("v $ u").find("position 3"), std::string::npos) << msg("v $ u");
    EXPECT_NE(msg("").find("empty rule"), std::string::npos);
    EXPECT_NE(msg("v *").find("unexpected end"), std::string::npos);
    EXPECT_NE(msg("(v u)").find("position 4"), std::string::npos) << msg("(v u)");
}

TEST(ExprParser, DeepNestingIsAnErrorNotAStackOverflow)
{
    // 20,000 parentheses and 120,000 unary minuses crashed the recursive parser (SIGSEGV) before the limit.
    auto msg = [](const std::string& s) {
        try {
            parse(s, vus);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    const std::string parens = std::string(20000, '(') + "v" + std::string(20000, ')');
    EXPECT_NE(msg(parens).find("nesting deeper than 256 levels"), std::string::npos);
    EXPECT_NE(msg(std::string(120000, '-') + "v").find("nesting deeper than 256"), std::string::npos);
    EXPECT_NE(msg(std::string(5000, '(') + "v").find("nesting deeper"), std::string::npos);
    // Within the limit, deep expressions still parse and evaluate.
    const auto t = parse(std::string(200, '(') + "v" + std::string(200, ')') + std::string(100, '-') + "u", vus);
    const std::vector<double> x{1.0, 0.5, 0.0};
    EXPECT_DOUBLE_EQ(t.eval(x.data()), 1.5);
}

TEST(ExprCanonical, ConstantFoldingAndCanonicalForm)
{
    EXPECT_EQ(canonical(parse("2*(v-u)*sbar", vus)), "2*sbar*v - 2*sbar*u");
    EXPECT_EQ(canonical(parse("(v - u)*sbar*2", vus)), canonical(parse("sbar*v + v*sbar - 2*u*sbar", vus)));
    EXPECT_EQ(canonical(parse("(1 + 1)*3 - 6", vus)), "0");
    EXPECT_EQ(canonical(parse("v/v", vus)), "1");
    EXPECT_EQ(canonical(parse("u - u + sbar*1", vus)), "sbar");
    EXPECT_EQ(canonical(parse("(v + u)/(2*v + 2*u)", vus)), "0.5");
    EXPECT_EQ(canonical(parse("v/(u - u)", vus)), "nan");
    EXPECT_EQ(canonical(parse("v^2/v", vus)), "v");
    EXPECT_EQ(canonical(parse("1/(v - u) + 1/(-u + v)", vus)), canonical(parse("2/(v - u)", vus)));
    EXPECT_EQ(canonical(parse("sbar/u^2", vus)), "sbar/u^2");
}

TEST(ExprCanonical, SimplifiedTapeRemovesSingularitiesAndKeepsTheFunction)
{
    // Removable singularities go: E*w/E is w also at E = 0, w/w - w/w is 0 also at w = 0.
    const std::vector<std::string> wE{"w", "E"};
    const double at0[2] = {0.7, 0.0}, w0[2] = {0.0, 0.3};
    const Tape a = parse("E - w*E/E", wE);
    EXPECT_TRUE(std::isnan(a.eval(at0)));
    EXPECT_DOUBLE_EQ(simplified(a).eval(at0), -0.7);
    EXPECT_EQ(simplified(parse("w/w - w/w", wE)).eval(w0), 0.0);
    // Elsewhere the function is the same (to the 10 significant digits the canonical form prints),
    // on generic points of random expressions over every operator CGP uses.
    const char* exprs[] = {"(E - w)/(E + 2*w) + w^3*E", "pow(w, E) - 10*E*w", "(w + 0.1)/(E - w)*(E*E - 1)",
                           "E/(w*w) - w/(E*E*E)", "pow(E + 1, w/(E + 1))"};
    rng::Stream r(11, "simplified_test");
    for (const char* e : exprs) {
        const Tape t = parse(e, wE), s = simplified(t);
        EXPECT_EQ(s.input_names(), wE);
        for (int k = 0; k < 50; ++k) {
            const double x[2] = {0.05 + 0.9 * r.uniform(), 0.05 + 3.0 * r.uniform()};
            const double a1 = t.eval(x), b1 = s.eval(x);
            EXPECT_NEAR(b1, a1, 1e-8 * std::max(1.0, std::fabs(a1))) << e << " at w=" << x[0] << ", E=" << x[1];
        }
    }
    // A division by zero is NaN everywhere (an invalid rule, as the reference's zoo).
    EXPECT_TRUE(std::isnan(simplified(parse("w/(E - E)", wE)).eval(w0)));
    EXPECT_TRUE(std::isnan(simplified(parse("w/(E - E)", wE)).eval(at0)));
}

TEST(ExprRuleFamily, AdapterEvaluatesRowsAndPrints)
{
    // Through the base-class pointer, as a simulator would hold it.
    rules::RuleFamilyPtr f = ExprRule::parse("eta*(v - u)*sbar + b", vus, {"eta", "b"});
    EXPECT_EQ(f->name(), "expr");
    EXPECT_EQ(f->inputs(), vus);
    EXPECT_EQ(f->n_params(), 2u);
    EXPECT_TRUE(f->has_param_gradient());
    const double v[3] = {1, 2, 3}, u[3] = {0, 0, 1}, s[3] = {1, 0.5, 2};
    const double* in[3] = {v, u, s};
    const double theta[2] = {2.0, 0.25};
    double out[3];
    f->evaluate(in, 3, theta, out);
    EXPECT_DOUBLE_EQ(out[0], 2.25);
    EXPECT_DOUBLE_EQ(out[1], 2.25);
    EXPECT_DOUBLE_EQ(out[2], 8.25);
    EXPECT_EQ(f->formula(theta), "2*sbar*v - 2*sbar*u + 0.25");
}

TEST(ExprRuleFamily, ParamGradientMatchesFiniteDifferences)
{
    rules::RuleFamilyPtr f = ExprRule::parse("a*v^b/(u + c) - pow(sbar, a)", vus, {"a", "b", "c"});
    const double v[2] = {1.3, 2.0}, u[2] = {0.4, -3.0}, s[2] = {0.7, 1.5};
    const double* in[3] = {v, u, s};
    const double theta[3] = {0.8, 1.7, 2.5};
    double g[6];
    f->param_gradient(in, 2, theta, g);
    // Central differences, step 1e-6: truncation O(h^2) ~ 1e-12, rounding ~ 1e-16 / 1e-6 = 1e-10.
    for (int p = 0; p < 3; ++p) {
        double tp[3] = {theta[0], theta[1], theta[2]}, tm[3] = {theta[0], theta[1], theta[2]};
        tp[p] += 1e-6;
        tm[p] -= 1e-6;
        double op[2], om[2];
        f->evaluate(in, 2, tp, op);
        f->evaluate(in, 2, tm, om);
        for (int i = 0; i < 2; ++i)
            EXPECT_NEAR(g[i * 3 + p], (op[i] - om[i]) / 2e-6, 1e-7) << "param " << p << " row " << i;
    }
}
