// ea.early_rejection: an offspring's evaluation stops once the experiments run so far put its fitness
// below the worst parent (a minimum over experiments, or a mean of experiments of known maximum). The
// claim is that the evolution is unchanged: same history (champions, parent means, evaluation counts),
// same champion, also when interrupted and resumed; only the archive rows of rejected offspring differ
// (status "rejected", fitness_min an upper bound below the worst parent).
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

namespace fs = std::filesystem;

// `plast evolve BASE` for a number of generations into out, with extra settings.
plast_test::CliResult evolve(const std::string& base, const std::string& out, int generations, const std::string& extra)
{
    return run_cli("evolve " + base + " --set ea.termination_fitness=1e9 --set ea.max_generations=" +
                   std::to_string(generations) + extra + " --no-report -q --force -j 2 --out " + out);
}

// Runs BASE with and without early rejection into dir/full and dir/rej and checks that they are the same
// evolution; returns the history. Only the rows of rejected offspring may differ, and each must be
// rejected rightly: its bound is the worst parent of the generation before (reconstructed from the full
// run's exact rows by the selection itself: the mu best of the offspring and the previous parents) and its
// exact fitness is below it.
std::string expect_same_evolution(const std::string& base, int mu, int generations, const fs::path& dir)
{
    const std::string full = (dir / "full").string(), rej = (dir / "rej").string();
    auto r = evolve(base, full, generations, " --set ea.early_rejection=false");
    EXPECT_EQ(r.rc, 0) << r.text;
    r = evolve(base, rej, generations, " --set ea.early_rejection=true");
    EXPECT_EQ(r.rc, 0) << r.text;
    const std::string h = read_text(full + "/history.csv");
    EXPECT_FALSE(h.empty());
    EXPECT_EQ(h, read_text(rej + "/history.csv"));
    EXPECT_EQ(nlohmann::json::parse(read_text(full + "/champion.json")).dump(),
              nlohmann::json::parse(read_text(rej + "/champion.json")).dump());

    const auto a = plast::search::Archive::open_read_only(full + "/archive.sqlite");
    const auto b = plast::search::Archive::open_read_only(rej + "/archive.sqlite");
    EXPECT_EQ(a.count(), b.count());
    EXPECT_EQ(a.count("status = 'rejected'"), 0);
    std::vector<double> parents;
    std::map<int, double> worst; // generation -> worst parent after it
    for (int g = 0; g <= generations; ++g) {
        std::vector<double> f;
        for (const auto& row : a.select("round = " + std::to_string(g)))
            f.push_back(std::isnan(row.metrics[0]) ? -INFINITY : row.metrics[0]);
        f.insert(f.end(), parents.begin(), parents.end());
        std::stable_sort(f.begin(), f.end(), std::greater<double>());
        f.resize(static_cast<std::size_t>(mu));
        parents = f;
        worst[g] = parents.back();
    }
    const auto rejected = b.select("status = 'rejected'");
    EXPECT_GT(rejected.size(), 5u) << "the test run should reject offspring";
    for (const auto& row : rejected) {
        EXPECT_EQ(row.metrics.size(), 6u);
        EXPECT_TRUE(std::isnan(row.metrics[0])) << row.rule; // fitness unknown
        const auto at = row.abort_reason.find('(');
        EXPECT_NE(at, std::string::npos) << row.abort_reason;
        if (at == std::string::npos) continue;
        const double bound = std::stod(row.abort_reason.substr(at + 1));
        EXPECT_EQ(bound, worst.at(static_cast<int>(row.round) - 1)) << row.abort_reason;
        EXPECT_LT(row.metrics[3], bound) << row.rule;
        const auto same = a.select("round = " + std::to_string(row.round) + " AND idx = " + std::to_string(row.idx));
        EXPECT_EQ(same.size(), 1u);
        if (same.size() != 1u) continue;
        EXPECT_EQ(same[0].rule, row.rule);
        if (!std::isnan(same[0].metrics[0])) {
            EXPECT_LE(same[0].metrics[0], row.metrics[3]) << row.rule;
        }
    }
    // Simulated rows that were not rejected carry the exact fitness of the full run.
    for (const auto& row : b.select("status = 'completed' AND m_simulated = 1")) {
        const auto same = a.select("round = " + std::to_string(row.round) + " AND idx = " + std::to_string(row.idx));
        EXPECT_EQ(same.size(), 1u);
        if (same.size() == 1u) {
            EXPECT_EQ(same[0].metrics[0], row.metrics[0]) << row.rule;
        }
    }
    return h;
}

} // namespace

// The correlation task (fitness: the minimum over tasks) in fast mode: 2 tasks x 20 s, mu = 8.
TEST(E2lEarlyRejection, CorrelationSameEvolutionAsFullEvaluationsAndResumable)
{
    const auto tmp = fs::temp_directory_path() / ("plast_early_rejection_" + std::to_string(::getpid()));
    fs::remove_all(tmp);
    const std::string base = std::string(PLAST_TEST_SOURCE_DIR) + "/examples/e2l_correlation.toml --seed 5 --set fast=true";
    const std::string h = expect_same_evolution(base, 8, 40, tmp);
    const auto b = plast::search::Archive::open_read_only((tmp / "rej" / "archive.sqlite").string());
    EXPECT_GT(b.count("status = 'rejected' AND abort_reason LIKE '%after 1 of 2%'"), 0); // stopped half way

    // Interrupted at 17 (checkpoints every 5) and resumed in place: the same history again.
    const std::string half = (tmp / "half").string();
    auto r = evolve(base, half, 17, " --set ea.early_rejection=true --set ea.checkpoint_every=5");
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

// The error task (fitness: the mean of -sqrt(sum (u - v)^2) <= 0 over experiments) in fast mode: 3
// experiments x 2 s, mu = 4.
TEST(E2lEarlyRejection, ErrorTaskSameEvolutionAsFullEvaluations)
{
    const auto tmp = fs::temp_directory_path() / ("plast_early_rejection_error_" + std::to_string(::getpid()));
    fs::remove_all(tmp);
    expect_same_evolution("--seed 3 --set fast=true", 4, 60, tmp);
    fs::remove_all(tmp);
}

TEST(E2lEarlyRejection, RefusedForTasksWhosePartialScoresBoundNothing)
{
    const auto r = run_cli("evolve --set task=reward --set fast=true --set ea.early_rejection=true --no-report -q --out /tmp/plast_er_never");
    EXPECT_EQ(r.rc, 2) << r.text;
    EXPECT_NE(r.text.find("early_rejection"), std::string::npos) << r.text;
    EXPECT_NE(r.text.find("unbounded score"), std::string::npos) << r.text;
}

// cgp.simplify: the phenotype is the simplified expression, in the archive's rule text and in what the
// evaluations simulated (the executor's path), so `plast evaluate` of an archived rule gives its fitness.
TEST(E2lSimplifiedPhenotype, ArchivedRulesScoreTheirFitness)
{
    const auto tmp = fs::temp_directory_path() / ("plast_simplify_" + std::to_string(::getpid()));
    fs::remove_all(tmp);
    const std::string config = std::string(PLAST_TEST_SOURCE_DIR) + "/examples/e2l_correlation.toml";
    const std::string task = " --set correlation.n_tasks=2 --set correlation.train=20000"; // fast mode's task
    auto r = evolve(config + " --seed 5 --set cgp.simplify=true" + task, tmp.string(), 30, "");
    ASSERT_EQ(r.rc, 0) << r.text;
    const auto a = plast::search::Archive::open_read_only((tmp / "archive.sqlite").string());
    int checked = 0;
    for (const auto& row : a.select("status = 'completed' AND m_simulated = 1", 8)) {
        const auto e = run_cli("evaluate correlation \"" + row.rule + "\" --config " + config + task);
        ASSERT_EQ(e.rc, 0) << e.text;
        char buf[64];
        std::snprintf(buf, sizeof buf, "fitness (min over 2 experiments): %.12g", row.metrics[0]);
        EXPECT_NE(e.text.find(std::string(buf).substr(0, 44)), std::string::npos) << row.rule << ": " << e.text;
        ++checked;
    }
    EXPECT_GT(checked, 3);
    fs::remove_all(tmp);
}
