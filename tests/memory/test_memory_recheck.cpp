// The memory study carries a rule's screened input rate and re-checks stability on the memory network.
#include "plast/core/error.hpp"
#include "plast/io/config.hpp"
#include "plast/memory/familiarity_protocol.hpp"
#include "plast/memory/memory_networks.hpp"
#include "plast/memory/memory_study.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

using namespace plast::memory;

namespace {
BndConfig tiny_bnd()
{
    BndConfig c;
    c.net.scale = 0.0625; // 256 E, 64 I
    c.grid = 40;
    c.rf_radius = 5.0;
    c.w_rf = 0.075 * 200.0 / 78.0;
    c.novel = {8 * 40, 13 * 40};
    c.familiar = {28 * 40, 33 * 40};
    c.net.rules[2] = plast::spiking::SixParamRule{0.02, 0.02, -0.12, 0.0, 1.0, 1.0};
    c.net.plastic = {false, false, true, false};
    return c;
}

const char* const quad24 = "0.02, 0.02, 0, 0, 0, 0, 0.02, 0.02, 0, 0, 0, 0, 0.02, 0.02, -0.12, 0, 1, 1, 0.02, 0.02, 0, 0, 0, 0";

std::string error_of(const std::string& text)
{
    try {
        auto cfg = plast::Config::parse(text, "t.toml");
        MemoryStudy::from_config(cfg);
    } catch (const plast::Error& e) {
        return e.what();
    }
    return "";
}
} // namespace

TEST(MemoryRecheck, PretrainingMetricsDoNotChangeTheProtocol)
{
    FamiliarityProtocol p;
    p.pretrain = 3;
    p.train = 2;
    p.breaks = {1};
    auto a = make_bnd_network(tiny_bnd(), 3, 0);
    const auto plain = run_familiarity(*a, p, 3, 0);
    p.recheck_window = 2;
    auto b = make_bnd_network(tiny_bnd(), 3, 0);
    const auto checked = run_familiarity(*b, p, 3, 0);
    ASSERT_FALSE(plain.aborted || checked.aborted);
    EXPECT_TRUE(plain.recheck.empty());
    ASSERT_EQ(plain.probes.size(), checked.probes.size());
    EXPECT_EQ(plain.probes[0].stats.r_nov, checked.probes[0].stats.r_nov);
    EXPECT_EQ(plain.probes[0].stats.r_fam, checked.probes[0].stats.r_fam);
    EXPECT_EQ(plain.probes[0].prate, checked.probes[0].prate);
    // The re-check window is the last 2 s of pre-training; its rates are those of the recorded subsets.
    EXPECT_NEAR(checked.recheck_t0, 1.0, 1e-9);
    EXPECT_NEAR(checked.recheck_t1, 3.0, 1e-9);
    ASSERT_FALSE(checked.recheck.empty());
    EXPECT_GT(checked.recheck.at("rate"), 0.0);
    EXPECT_GT(checked.recheck.at("rate_i"), 0.0);
    EXPECT_EQ(checked.recheck.at("weef"), 0.1f); // static E->E: its constant mean weight
    EXPECT_TRUE(std::isfinite(checked.recheck.at("w_blow")));
}

TEST(MemoryRecheck, RulesCarryTheirInputRate)
{
    auto cfg = plast::Config::parse("[memory]\nruns = 2\ninput_rate = \"rule\"\n[[rule]]\ntheta = [" + std::string(quad24) +
                                        ", 12.5]\n",
                                    "t.toml");
    const auto st = MemoryStudy::from_config(cfg);
    ASSERT_EQ(st.rules.size(), 1u);
    EXPECT_EQ(st.rules[0].theta.size(), 24u);
    EXPECT_EQ(st.rules[0].input_rate, 12.5);
    EXPECT_TRUE(st.rule_input_rate);
    EXPECT_EQ(st.protocol.recheck_window, 10.0); // on by default for the recurrent network
    // A rule without an input rate cannot drive the network at "its" rate.
    const auto e = error_of("[memory]\ninput_rate = \"rule\"\n[[rule]]\ntheta = [" + std::string(quad24) + "]\n");
    EXPECT_NE(e.find("input_rate"), std::string::npos) << e;
    EXPECT_NE(e.find("carries no input rate"), std::string::npos) << e;
    // A pre-training shorter than the default 10 s is re-checked whole.
    auto shortcfg = plast::Config::parse("[protocol]\npretrain = 2\n[[rule]]\ntheta = [" + std::string(quad24) + "]\n", "t.toml");
    EXPECT_EQ(MemoryStudy::from_config(shortcfg).protocol.recheck_window, 2.0);
    // An explicit re-check window must lie in pre-training.
    const auto w = error_of("[memory]\nrecheck_window = 40\n[protocol]\npretrain = 30\n[[rule]]\ntheta = [" + std::string(quad24) + "]\n");
    EXPECT_NE(w.find("recheck_window"), std::string::npos) << w;
}

TEST(MemoryRecheck, RulesCsvInputRateColumnIsRead)
{
    const std::string path = ::testing::TempDir() + "plast_rules_rate.csv";
    {
        std::ofstream f(path);
        const char* names[] = {"tau_pre", "tau_post", "alpha", "beta", "gamma", "kappa"};
        for (const char* t : {"EE", "EI", "IE", "II"})
            for (const char* n : names) f << t << "_" << n << ",";
        f << "input_rate\n";
        f << quad24 << ",7.25\n";
    }
    std::string text = "[memory]\nrules_csv = \"" + path + "\"\n";
    auto cfg = plast::Config::parse(text, "t.toml");
    const auto st = MemoryStudy::from_config(cfg);
    ASSERT_EQ(st.rules.size(), 1u);
    EXPECT_EQ(st.rules[0].input_rate, 7.25);
    EXPECT_FALSE(st.rule_input_rate); // the published protocol keeps the 10 Hz background by default
    std::remove(path.c_str());
}
