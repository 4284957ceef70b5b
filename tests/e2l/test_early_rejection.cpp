// ea.early_rejection: an offspring's evaluation stops once its minimum over the experiments is below the
// worst parent. The claim is that the evolution is unchanged: same history (champions, parent means,
// evaluation counts), same champion, also when interrupted and resumed; only the archive rows of
// rejected offspring differ (status "rejected", fitness_min an upper bound below the worst parent).
#include "../cli_test_support.hpp"
#include "../temp_files.hpp"

#include "plast/search/archive.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <vector>
#include <filesystem>
#include <string>

using plast_test::read_text;
using plast_test::run_cli;

namespace {

// The correlation task (minimum over tasks) in fast mode (2 tasks x 20 s: a rejection comes after 1 or 2
// of them); no termination, so every generation runs.
std::string evolve(const std::string& out, int generations, const std::string& extra)
{
    return std::string("evolve ") + PLAST_TEST_SOURCE_DIR + "/examples/e2l_correlation.toml --seed 5" +
           " --set fast=true --set ea.termination_fitness=1e9 --set ea.max_generations=" + std::to_string(generations) +
           extra + " --no-report -q --force -j 2 --out " + out;
}

} // namespace

TEST(E2lEarlyRejection, SameEvolutionAsFullEvaluationsAndResumable)
{
    namespace fs = std::filesystem;
    const auto tmp = fs::temp_directory_path() / ("plast_early_rejection_" + std::to_string(::getpid()));
    fs::remove_all(tmp);
    const std::string full = (tmp / "full").string(), rej = (tmp / "rej").string(), half = (tmp / "half").string();
    auto r = run_cli(evolve(full, 40, " --set ea.early_rejection=false"));
    ASSERT_EQ(r.rc, 0) << r.text;
    r = run_cli(evolve(rej, 40, " --set ea.early_rejection=true"));
    ASSERT_EQ(r.rc, 0) << r.text;
    const std::string h = read_text(full + "/history.csv");
    ASSERT_FALSE(h.empty());
    EXPECT_EQ(h, read_text(rej + "/history.csv"));
    const auto ca = nlohmann::json::parse(read_text(full + "/champion.json")),
               cb = nlohmann::json::parse(read_text(rej + "/champion.json"));
    EXPECT_EQ(ca.dump(), cb.dump());

    // Rows: the same individuals, and every rejected one is below a completed run's worst parent of
    // the previous generation (mean_parent_fitness >= worst, so it is checked against that mean).
    const auto a = plast::search::Archive::open_read_only(full + "/archive.sqlite");
    const auto b = plast::search::Archive::open_read_only(rej + "/archive.sqlite");
    EXPECT_EQ(a.count(), b.count());
    const auto rejected = b.select("status = 'rejected'");
    ASSERT_GT(rejected.size(), 5u) << "the test run should reject offspring";
    EXPECT_GT(b.count("status = 'rejected' AND abort_reason LIKE '%after 1 of%'"), 0);
    EXPECT_EQ(a.count("status = 'rejected'"), 0);
    for (const auto& row : rejected) {
        ASSERT_EQ(row.metrics.size(), 6u);
        EXPECT_TRUE(std::isnan(row.metrics[0])) << row.rule; // fitness unknown
        const auto same = a.select("round = " + std::to_string(row.round) + " AND idx = " + std::to_string(row.idx));
        ASSERT_EQ(same.size(), 1u);
        EXPECT_EQ(same[0].rule, row.rule);
        // The exact fitness is at most the bound kept in fitness_min.
        if (!std::isnan(same[0].metrics[0])) EXPECT_LE(same[0].metrics[0], row.metrics[3]) << row.rule;
    }
    // The bound each rejection used is the worst parent of the generation before, reconstructed from the
    // full run's exact rows by the selection itself (top mu of the offspring and the previous parents).
    const int mu = 8;
    std::vector<double> parents;
    std::map<int, double> worst; // generation -> worst parent after it
    for (int g = 0; g <= 40; ++g) {
        std::vector<double> f;
        for (const auto& row : a.select("round = " + std::to_string(g)))
            f.push_back(std::isnan(row.metrics[0]) ? -INFINITY : row.metrics[0]);
        f.insert(f.end(), parents.begin(), parents.end());
        std::stable_sort(f.begin(), f.end(), std::greater<double>());
        f.resize(mu);
        parents = f;
        worst[g] = parents.back();
    }
    for (const auto& row : rejected) {
        const auto at = row.abort_reason.find('(');
        ASSERT_NE(at, std::string::npos) << row.abort_reason;
        const double bound = std::stod(row.abort_reason.substr(at + 1));
        EXPECT_EQ(bound, worst.at(static_cast<int>(row.round) - 1)) << row.abort_reason;
        EXPECT_LT(row.metrics[3], bound) << row.rule;
    }
    // Simulated rows that were not rejected carry the exact fitness of the full run.
    for (const auto& row : b.select("status = 'completed' AND m_simulated = 1")) {
        const auto same = a.select("round = " + std::to_string(row.round) + " AND idx = " + std::to_string(row.idx));
        ASSERT_EQ(same.size(), 1u);
        EXPECT_EQ(same[0].metrics[0], row.metrics[0]) << row.rule;
    }

    // Interrupted at 17 (checkpoints every 5) and resumed in place: the same history again.
    r = run_cli(evolve(half, 17, " --set ea.early_rejection=true --set ea.checkpoint_every=5"));
    ASSERT_EQ(r.rc, 0) << r.text;
    r = run_cli("evolve --resume " + half + " --set ea.max_generations=40 --no-report -q -j 1");
    ASSERT_EQ(r.rc, 0) << r.text;
    EXPECT_EQ(h, read_text(half + "/history.csv"));
    // Its cache holds rejection bounds, so it cannot go on without early rejection (exit 2, nothing lost).
    const std::string run_json = read_text(half + "/run.json");
    r = run_cli("evolve --resume " + half + " --set ea.max_generations=45 --set ea.early_rejection=false --no-report -q");
    EXPECT_EQ(r.rc, 2) << r.text;
    EXPECT_NE(r.text.find("early_rejection"), std::string::npos) << r.text;
    EXPECT_EQ(h, read_text(half + "/history.csv"));
    EXPECT_EQ(run_json, read_text(half + "/run.json")); // refused before the run directory is touched
    fs::remove_all(tmp);
}

TEST(E2lEarlyRejection, RefusedForTasksThatAverageTheirExperiments)
{
    const auto r = run_cli("evolve --set fast=true --set ea.early_rejection=true --no-report -q --out /tmp/plast_er_never");
    EXPECT_EQ(r.rc, 2) << r.text;
    EXPECT_NE(r.text.find("early_rejection"), std::string::npos) << r.text;
    EXPECT_NE(r.text.find("averages its experiments"), std::string::npos) << r.text;
}
