// End-to-end: `plast evolve` (fast error task) interrupted and resumed gives the same history as an
// uninterrupted run; `plast evaluate` reports bad rules with the error position and exit code 2.
#include "../cli_test_support.hpp"
#include "../temp_files.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

#include <cstdio>
#include <filesystem>
#include <string>

using plast_test::read_text;
using plast_test::run_cli;

TEST(E2lEvolveCli, ResumeReproducesUninterruptedRun)
{
    const auto tmp = std::filesystem::temp_directory_path() / "plast_cgp_cli_test";
    std::filesystem::remove_all(tmp);
    const std::string common =
        " --set fast=true --set error.n_experiments=1 --set error.duration=500 --no-report -q --force -j 2";
    ASSERT_EQ(run_cli("evolve --set ea.max_generations=40" + common + " --out " + (tmp / "full").string()).rc, 0);
    ASSERT_EQ(run_cli("evolve --set ea.max_generations=20 --set ea.checkpoint_every=7" + common + " --out " +
                      (tmp / "half").string())
                  .rc,
              0);
    const auto r = run_cli("evolve --set ea.max_generations=40" + common + " --resume " + (tmp / "half").string() +
                           " --out " + (tmp / "resumed").string());
    ASSERT_EQ(r.rc, 0) << r.text;
    const std::string a = read_text((tmp / "full" / "history.csv").string()),
                      b = read_text((tmp / "resumed" / "history.csv").string());
    EXPECT_FALSE(a.empty());
    EXPECT_EQ(a, b);
    EXPECT_EQ(read_text((tmp / "full" / "champion.json").string()), read_text((tmp / "resumed" / "champion.json").string()));
    // --resume RUN_DIR alone continues in the same directory with the stored configuration (extended
    // by --set): the same history again, and run.json records the resume.
    const std::string base = " --no-report -q -j 2";
    ASSERT_EQ(run_cli("evolve --set ea.max_generations=20 --set ea.checkpoint_every=7" + common + " --out " + (tmp / "inplace").string()).rc, 0);
    const auto ip = run_cli("evolve --resume " + (tmp / "inplace").string() + " --set ea.max_generations=40" + base);
    ASSERT_EQ(ip.rc, 0) << ip.text;
    EXPECT_EQ(read_text((tmp / "inplace" / "history.csv").string()), a);
    EXPECT_NE(read_text((tmp / "inplace" / "run.json").string()).find("\"resumed\""), std::string::npos);
    EXPECT_NE(read_text((tmp / "inplace" / "config.toml").string()).find("max_generations = 40"), std::string::npos);
    std::filesystem::remove_all(tmp);
}

TEST(E2lEvolveCli, BadRulesAndConfigsAreClearErrors)
{
    auto r = run_cli("evaluate error \"2*(v - w)*sbar\"");
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.text.find("position 8: unknown name 'w'"), std::string::npos) << r.text;
    r = run_cli("evaluate error \"2*(v - u\"");
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.text.find("expected ')'"), std::string::npos) << r.text;
    r = run_cli("evaluate correlation \"w - E\"");
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.text.find("dep ; fac"), std::string::npos) << r.text;
    r = run_cli(
        "evolve --set fast=true --set 'cgp.primitives=[\"+\", \"sin\"]' --no-report -q --out /tmp/plast_cgp_never");
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.text.find("unknown primitive 'sin'"), std::string::npos) << r.text;
    r = run_cli("evolve --set fast=true --set cgp.n_columns=0 --no-report -q --out /tmp/plast_cgp_never");
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.text.find("genome size is zero"), std::string::npos) << r.text;
    r = run_cli("evaluate error \"(v - u)/(sbar - sbar)\" --set error.n_experiments=1 --set error.duration=100");
    EXPECT_EQ(r.rc, 0) << r.text; // an invalid rule is a result, not an error
    EXPECT_NE(r.text.find("-inf"), std::string::npos) << r.text;
}

TEST(E2lEvolveCli, FastModeChampionIsReportedOnTheFullTask)
{
    // Fast mode caps the error task to 3 experiments x 2 s; the full task here is 4 x 2.5 s. The
    // champion's full-task F in the summary must equal what `plast evaluate` gives for it, and the
    // run warns that the fast-mode F is not comparable with full-task references.
    const auto tmp = std::filesystem::temp_directory_path() / "plast_e2l_fast_full_test";
    std::filesystem::remove_all(tmp);
    const std::string task = " --set error.n_experiments=4 --set error.duration=2500";
    const auto r = run_cli("evolve --set fast=true --set ea.max_generations=5" + task +
                           " --no-report --force -j 2 --out " + tmp.string());
    ASSERT_EQ(r.rc, 0) << r.text;
    EXPECT_NE(r.text.find("fast mode"), std::string::npos) << r.text;
    const auto run = nlohmann::json::parse(read_text((tmp / "run.json").string()));
    const auto& s = run.at("summary");
    ASSERT_TRUE(s.contains("champion_fitness_full_task"));
    ASSERT_TRUE(s.contains("champion_rms_error_mV"));
    ASSERT_TRUE(s.contains("champion_weight_distance_pA"));
    const auto champ = nlohmann::json::parse(read_text((tmp / "champion.json").string()));
    const std::string expr = champ.at("rules").at("rule").at("expression").get<std::string>();
    const auto json = (tmp / "eval.json").string();
    const auto e = run_cli("evaluate error" + task + " --json " + json + " -- \"" + expr + "\"");
    ASSERT_EQ(e.rc, 0) << e.text;
    const auto ej = nlohmann::json::parse(read_text(json));
    EXPECT_DOUBLE_EQ(ej.at("fitness").get<double>(), s.at("champion_fitness_full_task").get<double>());
    // RMS = |F_k| / sqrt(scored samples): 2250 samples after the first 10 % of 2500 are dropped.
    EXPECT_NEAR(ej.at("rms_error_mV").get<double>(), s.at("champion_rms_error_mV").get<double>(), 1e-12);
    double rms = 0;
    for (const auto& f : ej.at("per_experiment"))
        rms += std::fabs(f.get<double>()) / std::sqrt(2250.0);
    EXPECT_NEAR(ej.at("rms_error_mV").get<double>(), rms / 4, 1e-12);
    EXPECT_NE(e.text.find("over experiments: mean"), std::string::npos) << e.text;
    std::filesystem::remove_all(tmp);
}

TEST(E2lEvolveCli, ShortErrorTrialsWarnThatFIsOnAnotherScale)
{
    auto r = run_cli("evaluate error \"(v - u)*sbar\" --set error.n_experiments=1 --set error.duration=500");
    ASSERT_EQ(r.rc, 0) << r.text;
    EXPECT_NE(r.text.find("not comparable with full-task references"), std::string::npos) << r.text;
    EXPECT_NE(r.text.find("per-sample RMS error"), std::string::npos) << r.text;
    r = run_cli("evaluate error \"(v - u)*sbar\" --set error.n_experiments=1");
    ASSERT_EQ(r.rc, 0) << r.text;
    EXPECT_EQ(r.text.find("not comparable"), std::string::npos) << r.text;
}
