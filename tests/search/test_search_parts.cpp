// Prior, archive, restriction classifier and t-test of the screening layer.
#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
#include "plast/search/archive.hpp"
#include "plast/search/prior.hpp"
#include "plast/search/restriction_classifier.hpp"
#include "plast/search/t_test.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace plast::search;
namespace fs = std::filesystem;

TEST(Prior, SamplesInBoxReproducibleAndLogUniform)
{
    BoxPrior p({{"a", -2, 2, false}, {"tau", 0.01, 1.0, true}});
    const int n = 20000;
    double below_01 = 0;
    for (int i = 0; i < n; ++i) {
        const auto t = p.sample(3, 0, static_cast<std::uint64_t>(i));
        ASSERT_TRUE(p.contains(t));
        below_01 += t[1] < 0.1;
    }
    EXPECT_EQ(p.sample(3, 1, 5), p.sample(3, 1, 5));
    EXPECT_NE(p.sample(3, 1, 5), p.sample(3, 1, 6));
    // Log-uniform on [0.01, 1]: P(tau < 0.1) = 1/2; binomial sd = 0.0035, allow 5 sd.
    EXPECT_NEAR(below_01 / n, 0.5, 0.018);
    const auto u = p.to_unit({1.0, 0.1});
    EXPECT_NEAR(u[0], 0.75, 1e-12);
    EXPECT_NEAR(u[1], 0.5, 1e-12);
    EXPECT_EQ(quadruplet_names(true).size(), 25u);
    EXPECT_EQ(quadruplet_names(false)[5], "EE_kappa");
}

static std::string tmp_archive(const std::string& name)
{
    const auto p = fs::temp_directory_path() / ("plast_archive_" + name + ".sqlite");
    fs::remove(p);
    fs::remove(p.string() + "-wal");
    fs::remove(p.string() + "-shm");
    return p.string();
}

TEST(Archive, InsertSelectResumeAndNaN)
{
    const auto path = tmp_archive("basic");
    {
        auto a = Archive::open(path, {"x", "y"}, {"rate", "cv"}, "fp1", false);
        CandidateRow r;
        r.round = 0;
        r.idx = 0;
        r.params = {1, 2};
        r.metrics = {5.0, NAN};
        r.status = "completed";
        r.verdict = "plausible";
        CandidateRow s = r;
        s.idx = 1;
        s.metrics = {60.0, 1.0};
        s.verdict = "implausible";
        a.insert({r, s});
        EXPECT_THROW(a.insert({r}), plast::Error); // duplicate (round, idx) is refused
    }
    EXPECT_THROW(Archive::open(path, {"x", "y"}, {"rate", "cv"}, "fp1", false), plast::Error); // exists
    EXPECT_THROW(Archive::open(path, {"x", "y"}, {"rate", "cv"}, "other", true), plast::Error); // other config
    auto a = Archive::open(path, {"x", "y"}, {"rate", "cv"}, "fp1", true);
    EXPECT_EQ(a.done_indices(0), (std::set<std::int64_t>{0, 1}));
    const auto rows = a.select("verdict = 'plausible'");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_TRUE(std::isnan(rows[0].metrics[1]));
    EXPECT_EQ(a.count("m_rate > 10"), 1);
    EXPECT_THROW(a.select("no_such_column = 1"), plast::Error);
}

TEST(Archive, RuleColumnAndSchemaOneArchives)
{
    // Schema 2: an expression search's rows carry their rule; parameter rows read back an empty one.
    const auto path = tmp_archive("rule");
    {
        auto a = Archive::open(path, {}, {"fitness"}, "fp", false);
        EXPECT_EQ(a.schema(), archive_schema_version);
        CandidateRow r;
        r.rule = "x*y - w ; 0.5";
        r.metrics = {-1.5};
        r.source = "cgp";
        CandidateRow s = r;
        s.idx = 1;
        s.rule.clear();
        a.insert({r, s});
        const auto rows = a.select();
        ASSERT_EQ(rows.size(), 2u);
        EXPECT_EQ(rows[0].rule, "x*y - w ; 0.5");
        EXPECT_EQ(rows[1].rule, "");
        EXPECT_EQ(a.count("rule IS NULL"), 1);
        a.set_meta("method", "cgp");
        EXPECT_EQ(a.meta("method"), "cgp");
    }
    // Schema 1 (no rule column, written by earlier versions): opens for reading and for resuming.
    const auto old = tmp_archive("schema1");
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(old.c_str(), &db), SQLITE_OK);
        const char* sql =
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
            "INSERT INTO meta VALUES ('schema_version', '1'), ('fingerprint', 'fp1'), ('param_names', '[\"x\"]'),"
            " ('metric_names', '[\"rate\"]');"
            "CREATE TABLE candidates (round INTEGER NOT NULL, idx INTEGER NOT NULL, seed INTEGER, source TEXT, status TEXT,"
            " verdict TEXT, abort_reason TEXT, abort_time REAL, wall_seconds REAL, \"p_x\" REAL, \"m_rate\" REAL,"
            " PRIMARY KEY (round, idx));"
            "INSERT INTO candidates VALUES (0, 0, 7, 'prior', 'completed', 'plausible', '', -1, 0.5, 0.25, 3.0);";
        ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    {
        const auto a = Archive::open_read_only(old);
        EXPECT_EQ(a.schema(), 1);
        const auto rows = a.select();
        ASSERT_EQ(rows.size(), 1u);
        EXPECT_EQ(rows[0].params, std::vector<double>{0.25});
        EXPECT_EQ(rows[0].metrics, std::vector<double>{3.0});
        EXPECT_EQ(rows[0].seed, 7u);
        EXPECT_TRUE(rows[0].rule.empty());
    }
    auto a = Archive::open(old, {"x"}, {"rate"}, "fp1", true);
    CandidateRow r;
    r.idx = 1;
    r.params = {0.5};
    r.metrics = {1.0};
    a.insert({r});
    EXPECT_EQ(a.count(), 2);
    r.idx = 2;
    r.rule = "x";
    EXPECT_THROW(a.insert({r}), plast::Error); // nowhere to keep a rule
    EXPECT_EQ(a.count(), 2);
    // A newer schema is refused with a message naming it.
    a.set_meta("schema_version", "99");
    try {
        (void)Archive::open_read_only(old);
        ADD_FAILURE() << "schema 99 opened";
    } catch (const plast::Error& e) {
        EXPECT_NE(std::string(e.what()).find("archive schema 99 is newer"), std::string::npos) << e.what();
    }
}

TEST(Archive, CorruptedOrForeignFilesAreRejectedAndLeftIntact)
{
    const auto path = tmp_archive("corrupt");
    {
        std::ofstream out(path);
        out << "this is not a database";
    }
    EXPECT_THROW(Archive::open_read_only(path), plast::Error);
    std::ifstream in(path);
    std::string s;
    std::getline(in, s);
    EXPECT_EQ(s, "this is not a database");
}

TEST(RestrictionClassifier, LearnsTheValidRegionWithFewFalseNegatives)
{
    // Valid iff a + b < 0.5 on [-1, 1]^2 (a quarter... a half-plane region).
    BoxPrior p({{"a", -1, 1, false}, {"b", -1, 1, false}});
    std::vector<std::vector<double>> th;
    std::vector<bool> ok;
    for (int i = 0; i < 2000; ++i) {
        th.push_back(p.sample(1, 0, static_cast<std::uint64_t>(i)));
        ok.push_back(th.back()[0] + th.back()[1] < 0.5);
    }
    RestrictionClassifier c(p, 2);
    const double acc = c.fit(th, ok, 0.01, 100);
    EXPECT_GT(acc, 0.95);
    // Fresh samples: most accepted ones are valid, and almost all valid ones are accepted.
    int acc_valid = 0, acc_all = 0, valid = 0, valid_acc = 0;
    for (int i = 0; i < 2000; ++i) {
        const auto t = p.sample(9, 0, static_cast<std::uint64_t>(i));
        const bool v = t[0] + t[1] < 0.5, a = c.accept(t);
        acc_all += a;
        acc_valid += a && v;
        valid += v;
        valid_acc += v && a;
    }
    EXPECT_GT(static_cast<double>(valid_acc) / valid, 0.97);
    EXPECT_GT(static_cast<double>(acc_valid) / acc_all, 0.8); // prior: 0.72 valid
}

TEST(TTest, MatchesReferenceValues)
{
    // scipy.stats.ttest_ind([1,2,3,4,5],[2,4,6,8,10]) -> t = -1.8973665961010275, p = 0.09434977284243756
    const auto r = t_test_independent({1, 2, 3, 4, 5}, {2, 4, 6, 8, 10});
    EXPECT_NEAR(r.t, -1.8973665961010275, 1e-12);
    EXPECT_NEAR(r.p, 0.09434977284243756, 1e-10);
    EXPECT_EQ(r.dof, 8);
    EXPECT_EQ(t_test_independent({1, 1}, {1, 1}).p, 1.0);
    EXPECT_THROW(t_test_independent({1}, {1, 2}), plast::Error);
}
