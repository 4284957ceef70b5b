// End-to-end: `plast evolve` (fast error task) interrupted and resumed gives the same history as an
// uninterrupted run; `plast evaluate` reports bad rules with the error position and exit code 2.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

struct Result {
    int rc;
    std::string out;
};

Result sh(const std::string& cmd)
{
    std::array<char, 4096> buf{};
    std::string out;
    FILE* p = popen((cmd + " 2>&1").c_str(), "r");
    while (p && fgets(buf.data(), buf.size(), p))
        out += buf.data();
    const int st = p ? pclose(p) : -1;
    return {WEXITSTATUS(st), out};
}

std::string slurp(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

const std::string cli = PLAST_CLI;

} // namespace

TEST(E2lEvolveCli, ResumeReproducesUninterruptedRun)
{
    const auto tmp = std::filesystem::temp_directory_path() / "plast_cgp_cli_test";
    std::filesystem::remove_all(tmp);
    const std::string common =
        " --set fast=true --set error.n_experiments=1 --set error.duration=500 --no-report -q --force -j 2";
    ASSERT_EQ(sh(cli + " evolve --set ea.max_generations=40" + common + " --out " + (tmp / "full").string()).rc, 0);
    ASSERT_EQ(sh(cli + " evolve --set ea.max_generations=20 --set ea.checkpoint_every=7" + common + " --out " +
                 (tmp / "half").string())
                  .rc,
              0);
    const auto r = sh(cli + " evolve --set ea.max_generations=40" + common + " --resume " + (tmp / "half").string() +
                      " --out " + (tmp / "resumed").string());
    ASSERT_EQ(r.rc, 0) << r.out;
    const std::string a = slurp((tmp / "full" / "history.csv").string()),
                      b = slurp((tmp / "resumed" / "history.csv").string());
    EXPECT_FALSE(a.empty());
    EXPECT_EQ(a, b);
    EXPECT_EQ(slurp((tmp / "full" / "champion.json").string()), slurp((tmp / "resumed" / "champion.json").string()));
    std::filesystem::remove_all(tmp);
}

TEST(E2lEvolveCli, BadRulesAndConfigsAreClearErrors)
{
    auto r = sh(cli + " evaluate error \"2*(v - w)*sbar\"");
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.out.find("position 8: unknown name 'w'"), std::string::npos) << r.out;
    r = sh(cli + " evaluate error \"2*(v - u\"");
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.out.find("expected ')'"), std::string::npos) << r.out;
    r = sh(cli + " evaluate correlation \"w - E\"");
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.out.find("dep ; fac"), std::string::npos) << r.out;
    r = sh(cli +
           " evolve --set fast=true --set 'cgp.primitives=[\"+\", \"sin\"]' --no-report -q --out /tmp/plast_cgp_never");
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.out.find("unknown primitive 'sin'"), std::string::npos) << r.out;
    r = sh(cli + " evolve --set fast=true --set cgp.n_columns=0 --no-report -q --out /tmp/plast_cgp_never");
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.out.find("genome size is zero"), std::string::npos) << r.out;
    r = sh(cli + " evaluate error \"(v - u)/(sbar - sbar)\" --set error.n_experiments=1 --set error.duration=100");
    EXPECT_EQ(r.rc, 0) << r.out; // an invalid rule is a result, not an error
    EXPECT_NE(r.out.find("-inf"), std::string::npos) << r.out;
}
