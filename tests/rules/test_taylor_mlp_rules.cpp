// Taylor / MLP rule families and rule strings (spec gradient-inference.md §2, §12 test 1).
#include "plast/core/error.hpp"
#include "plast/rate/oja_network.hpp"
#include "plast/rules/mlp_rule.hpp"
#include "plast/rules/rule_string.hpp"
#include "plast/rules/taylor_rule.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace plast;

namespace {
double eval4(const rules::TaylorRule& r, const std::vector<double>& th, double x, double y, double w, double rr)
{
    double g;
    r.eval_row(x, &y, &w, rr, 1, th.data(), &g, nullptr, nullptr);
    return g;
}
} // namespace

TEST(TaylorRule, CanonicalIndexOrderAndNames)
{
    rules::TaylorRule r(true);
    EXPECT_EQ(r.n_params(), 81u);
    EXPECT_EQ(r.index(1, 0, 0, 1), 28u);
    EXPECT_EQ(r.term_name(28), "X1Y0W0R1");
    EXPECT_EQ(r.column_name(28), "A_1001");
    const double x = 0.3, y = 0.7, w = -1.3, rr = 2.0;
    EXPECT_DOUBLE_EQ(eval4(r, rules::parse_rule_string("X1Y1W0R0", true), x, y, w, rr), x * y);
    EXPECT_DOUBLE_EQ(eval4(r, rules::parse_rule_string("X0Y0W1R0", true), x, y, w, rr), w);
    EXPECT_DOUBLE_EQ(eval4(r, rules::parse_rule_string("X2Y1W2R1", true), x, y, w, rr), x * x * y * w * w * rr);
    // legacy (reference) transposition: the entry named x*y multiplies w*r, the one named w multiplies y
    rules::TaylorRule legacy(true, {}, true);
    EXPECT_DOUBLE_EQ(eval4(legacy, rules::parse_rule_string("X1Y1W0R0", true), x, y, w, rr), w * rr);
    EXPECT_DOUBLE_EQ(eval4(legacy, rules::parse_rule_string("X0Y0W1R0", true), x, y, w, rr), y);
    EXPECT_DOUBLE_EQ(eval4(legacy, rules::parse_rule_string("X1Y0W0R1", true), x, y, w, rr), x * rr); // palindrome
    rules::TaylorRule r3(false);
    EXPECT_EQ(r3.n_params(), 27u);
    EXPECT_EQ(r3.index(1, 1, 0), 12u);
    EXPECT_EQ(r3.index(0, 2, 1), 7u);
}

TEST(TaylorRule, PartialDerivativesMatchFiniteDifferences)
{
    rules::TaylorRule r(true);
    std::vector<double> th(81);
    for (std::size_t k = 0; k < 81; ++k)
        th[k] = std::sin(1.0 + static_cast<double>(k));
    const double x = 0.4, rr = -0.6, h = 1e-6;
    double y[2] = {0.3, -0.8}, w[2] = {0.5, 1.1}, g[2], gy[2], gw[2];
    r.eval_row(x, y, w, rr, 2, th.data(), g, gy, gw);
    for (int k = 0; k < 2; ++k) {
        double yp = y[k] + h, ym = y[k] - h, wp = w[k] + h, wm = w[k] - h, a, b;
        r.eval_row(x, &yp, &w[k], rr, 1, th.data(), &a, nullptr, nullptr);
        r.eval_row(x, &ym, &w[k], rr, 1, th.data(), &b, nullptr, nullptr);
        EXPECT_NEAR(gy[k], (a - b) / (2 * h), 1e-7);
        r.eval_row(x, &y[k], &wp, rr, 1, th.data(), &a, nullptr, nullptr);
        r.eval_row(x, &y[k], &wm, rr, 1, th.data(), &b, nullptr, nullptr);
        EXPECT_NEAR(gw[k], (a - b) / (2 * h), 1e-7);
    }
}

TEST(TaylorRule, MaskedTermsAreInactive)
{
    const auto mask = rules::mask_from_terms({"X1R1", "W"}, true);
    rules::TaylorRule r(true, mask);
    auto th = rules::parse_rule_string("XR - 0.05W + 3Y", true);
    EXPECT_DOUBLE_EQ(eval4(r, th, 0.5, 0.9, 2.0, 1.5), 0.5 * 1.5 - 0.05 * 2.0);
    EXPECT_EQ(r.formula(th.data()), "1*x*r - 0.05*w");
}

TEST(RuleString, ParsesTheSpecExamplesAndRoundTrips)
{
    auto th = rules::parse_rule_string("XR-0.05W", true);
    EXPECT_EQ(th[28], 1.0);
    EXPECT_EQ(th[3], -0.05);
    th = rules::parse_rule_string("X2R2-0.05W2", true);
    EXPECT_EQ(th[27 * 2 + 2], 1.0);
    EXPECT_EQ(th[6], -0.05);
    th = rules::parse_rule_string("R-0.05XW", true);
    EXPECT_EQ(th[1], 1.0);
    EXPECT_EQ(th[27 + 3], -0.05);
    th = rules::parse_rule_string(" r x - 1e-3 ", true); // any order, whitespace, exponent, bias
    EXPECT_EQ(th[28], 1.0);
    EXPECT_EQ(th[0], -1e-3);
    for (const char* s :
         {"X1Y0W0R1", "XR-0.05W", "X1Y0W0R1-0.05X0Y0W1R0", "X2R2-0.05W2", "R-0.05XW", "XYWR-0.05R", "X2R2-0.05XWR"}) {
        const auto a = rules::parse_rule_string(s, true);
        const auto printed = rules::format_rule_string(a, true);
        EXPECT_EQ(rules::parse_rule_string(printed, true), a) << s << " -> " << printed;
    }
    EXPECT_EQ(rules::format_rule_string(rules::parse_rule_string("XR-0.05W", true), true), "-0.05X0Y0W1R0+X1Y0W0R1");
}

TEST(RuleString, RejectsBadTerms)
{
    auto bad = [](const std::string& s, bool rw, const std::string& frag) {
        try {
            rules::parse_rule_string(s, rw, "cfg.toml:3", "rule.ground_truth");
            ADD_FAILURE() << s;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(frag), std::string::npos) << e.what();
            EXPECT_EQ(e.key(), "rule.ground_truth");
        }
    };
    bad("X3R", true, "above 2");
    bad("XQ", true, "unknown symbol");
    bad("XRX", true, "repeated");
    bad("XR", false, "no reward variable");
    bad("XR+", true, "empty term");
    bad("", true, "empty rule");
}

TEST(MlpRule, ParameterCountAndBoundedOutput)
{
    rules::MlpRule r(true);
    EXPECT_EQ(r.n_params(), 61u);
    auto th = r.init_theta(1, 0.5);
    double y[3] = {1, -1, 0}, w[3] = {2, -2, 0}, g[3];
    r.eval_row(1.5, y, w, -1.0, 3, th.data(), g, nullptr, nullptr);
    for (double v : g)
        EXPECT_LT(std::fabs(v), 1.0); // tanh output (saturates to 1 only in floating point)
    // independent streams per layer by default; the legacy option restarts the same sequence per tensor
    const auto a = r.init_theta(1, 0.01), b = r.init_theta(1, 0.01, true);
    EXPECT_NE(a[40], a[0]);
    EXPECT_EQ(b[40], b[0]);
}

TEST(OjaNetwork, HandComputedStepsOnOneUnit)
{
    // 1 input, 1 output, eta = 1: y = sigmoid(w x), w' = w + x y - y^2 w.
    rules::TaylorRule r(false);
    const auto oja = rules::parse_rule_string("XY-Y2W", false);
    rate::OjaNetwork net{1, 1, 1.0};
    const double x[2] = {0.8, -0.5}, w0 = 0.3;
    rate::OjaRecord rec;
    rate::simulate(net, r, oja.data(), x, &w0, 2, rec);
    double w = w0;
    for (int t = 0; t < 2; ++t) {
        const double y = 1.0 / (1.0 + std::exp(-w * x[t]));
        EXPECT_DOUBLE_EQ(rec.y[static_cast<std::size_t>(t)], y);
        w = w + x[t] * y - y * y * w;
        EXPECT_DOUBLE_EQ(rec.w[static_cast<std::size_t>(t + 1)], w);
    }
}
