// Headline of a memory study: fractions over stable control rules, knock-out table, cross-validated
// regression R² (exact linear data -> 1, independent noise -> about 0 or below).
#include "plast/core/rng.hpp"
#include "plast/memory/study_headline.hpp"

#include <gtest/gtest.h>

using namespace plast::memory;

TEST(StudyHeadline, CrossValidatedR2OfExactAndOfUnrelatedData)
{
    plast::rng::Stream s(1, "test_r2");
    std::vector<std::vector<double>> x;
    std::vector<double> y_lin, y_noise;
    for (int i = 0; i < 100; ++i) {
        std::vector<double> r;
        for (int d = 0; d < 5; ++d) r.push_back(s.uniform(-1, 1));
        y_lin.push_back(1.0 + 2.0 * r[0] - 0.5 * r[3]);
        y_noise.push_back(s.normal());
        x.push_back(r);
    }
    EXPECT_NEAR(cross_validated_r2(x, y_lin, 5, 0.0), 1.0, 1e-9);
    EXPECT_GT(cross_validated_r2(x, y_lin), 0.99); // the ridge penalty shrinks a little
    // Out-of-sample R² of pure noise is about -(d+1)/n on average; well below 0.2 for any draw.
    EXPECT_LT(cross_validated_r2(x, y_noise), 0.2);
    // Too few rows for least squares: undefined; with the ridge penalty it is defined.
    std::vector<std::vector<double>> x3(x.begin(), x.begin() + 6);
    std::vector<double> y3(y_lin.begin(), y_lin.begin() + 6);
    EXPECT_TRUE(std::isnan(cross_validated_r2(x3, y3, 5, 0.0)));
    EXPECT_FALSE(std::isnan(cross_validated_r2(x3, y3)));
}

TEST(StudyHeadline, FractionsOverStableControlRulesAndKnockoutTable)
{
    const std::vector<double> times{1, 10, 60};
    std::vector<RuleOutcome> o;
    auto add = [&](const std::string& cond, bool stable, std::vector<bool> nov, std::vector<bool> fam, double life) {
        RuleOutcome r;
        r.rule = "r" + std::to_string(o.size());
        r.condition = cond;
        r.theta = std::vector<double>(24, 0.0);
        r.tested = true;
        r.stable = stable;
        r.novelty = nov;
        r.familiarity = fam;
        r.on_transient = {false, false, false};
        r.lifetime = life;
        o.push_back(r);
    };
    add("control", true, {true, true, false}, {false, false, false}, 10);
    add("control", true, {true, false, false}, {false, false, true}, 60);
    add("control", true, {false, false, false}, {false, false, false}, 0);
    add("control", false, {true, true, true}, {false, false, false}, 60); // unstable: not counted
    add("only_EE", true, {}, {}, 0);
    add("only_EE", false, {}, {}, 0);
    const auto h = study_headline(o, times, {"control", "only_EE"});
    const auto& c = h["conditions"]["control"];
    EXPECT_EQ(c["rules_stable"].get<int>(), 3);
    EXPECT_NEAR(c["per_test_time"][0]["novelty"].get<double>(), 2.0 / 3.0, 1e-12);
    EXPECT_NEAR(c["per_test_time"][1]["novelty"].get<double>(), 1.0 / 3.0, 1e-12);
    EXPECT_NEAR(c["per_test_time"][2]["familiarity"].get<double>(), 1.0 / 3.0, 1e-12);
    EXPECT_NEAR(c["any_time"]["novelty"].get<double>(), 2.0 / 3.0, 1e-12);
    EXPECT_NEAR(c["any_time"]["familiarity"].get<double>(), 1.0 / 3.0, 1e-12);
    // Lifetime histogram: never, 1 s, 10 s, 60 s.
    EXPECT_EQ(c["lifetime_histogram"][0]["rules"].get<int>(), 1);
    EXPECT_EQ(c["lifetime_histogram"][2]["rules"].get<int>(), 1);
    EXPECT_EQ(c["lifetime_histogram"][3]["rules"].get<int>(), 1);
    EXPECT_NEAR(h["stability_by_condition"][1]["stable_fraction"].get<double>(), 0.5, 1e-12);
    EXPECT_NEAR(h["stability_by_condition"][0]["stable_fraction"].get<double>(), 0.75, 1e-12);
}
