// Strict configuration: every error names the file, line, key and what is allowed.
#include "plast/core/error.hpp"
#include "plast/io/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

using plast::Config;
using plast::Error;
using plast::Range;

namespace {
std::string error_of(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        EXPECT_EQ(e.exit_code(), 2);
        return e.what();
    }
    ADD_FAILURE() << "no error thrown";
    return {};
}
} // namespace

TEST(Config, ReadsValuesAndDefaults)
{
    auto c = Config::parse("seed = 3\n[task]\neta = 0.5\nn = 4\nname = \"a\"\nv = [1, 2.5]\n", "t.toml");
    auto s = c.section("task");
    EXPECT_EQ(s.number("eta", 0.1, Range::positive()), 0.5);
    EXPECT_EQ(s.integer("n", 1, 1, 10), 4);
    EXPECT_EQ(s.string("name", "b", {"a", "b"}), "a");
    EXPECT_EQ(s.numbers("v", {}), (std::vector<double>{1, 2.5}));
    EXPECT_EQ(s.number("missing", 7.0), 7.0);
    EXPECT_EQ(c.root().integer("seed", 1, 0, 100), 3);
    c.check_unused();
    const auto j = c.resolved_json();
    EXPECT_EQ(j["task"]["missing"], 7.0); // defaults are recorded in the resolved config
}

TEST(Config, UnknownKeyNamesFileLineAndKnownKeys)
{
    auto c = Config::parse("[task]\neta = 0.5\netta = 0.1\n", "t.toml");
    c.section("task").number("eta", 0.1);
    const auto msg = error_of([&] { c.check_unused(); });
    EXPECT_NE(msg.find("t.toml:3: task.etta: unknown key (allowed: eta)"), std::string::npos) << msg;
}

TEST(Config, WrongTypeOutOfRangeAndNonFinite)
{
    auto c = Config::parse("[t]\na = \"x\"\nb = -1.0\nc = nan\nd = 2.5\ne = inf\n", "f.toml");
    auto s = c.section("t");
    EXPECT_NE(error_of([&] { s.number("a", 1.0); }).find("f.toml:2: t.a: expected a number"), std::string::npos);
    EXPECT_NE(error_of([&] { s.number("b", 1.0, Range::positive()); }).find("f.toml:3: t.b: out of range: -1 (allowed: (0, inf])"),
              std::string::npos);
    EXPECT_NE(error_of([&] { s.number("c", 1.0); }).find("t.c: must be finite"), std::string::npos);
    EXPECT_NE(error_of([&] { s.integer("d", 1, 0, 5); }).find("t.d: expected an integer"), std::string::npos);
    EXPECT_NE(error_of([&] { s.number("e", 1.0); }).find("t.e: must be finite"), std::string::npos);
}

TEST(Config, MissingFileAndSyntaxError)
{
    EXPECT_NE(error_of([] { Config::load_file("/nonexistent/x.toml"); }).find("/nonexistent/x.toml: cannot open"),
              std::string::npos);
    EXPECT_NE(error_of([] { Config::parse("[t\n", "bad.toml"); }).find("bad.toml:1"), std::string::npos);
}

TEST(Config, OverridesApplyAndAreNamedInErrors)
{
    auto c = Config::parse("[task]\neta = 0.5\n", "t.toml");
    c.apply_override("task.eta=0.25");
    c.apply_override("task.mode=fast");
    auto s = c.section("task");
    EXPECT_EQ(s.number("eta", 0.1), 0.25);
    EXPECT_EQ(s.string("mode", "slow"), "fast");
    c.apply_override("task.eta=-3");
    EXPECT_NE(error_of([&] { s.number("eta", 0.1, Range::positive()); }).find("--set task.eta=-3: task.eta: out of range"),
              std::string::npos);
    EXPECT_THROW(c.apply_override("novalue"), Error);
}

TEST(Config, DirectoriesAndFifosAreNotConfigurations)
{
    // A directory read as an empty file (exit 0 on defaults) and a FIFO blocked forever before the check.
    const auto dir = std::filesystem::temp_directory_path() / ("plast_cfg_dir_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    EXPECT_NE(error_of([&] { Config::load_file(dir.string()); }).find("not a regular file"), std::string::npos);
    const auto fifo = dir / "pipe.toml";
    std::filesystem::remove(fifo);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_NE(error_of([&] { Config::load_file(fifo.string()); }).find("pipe.toml: not a regular file"), std::string::npos);
    EXPECT_NE(error_of([] { Config::load_file("/dev/null"); }).find("not a regular file"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(Config, OverridesReachArraysOfTablesOrAreRefused)
{
    auto c = Config::parse("[[round]]\ncandidates = 5\n[[round]]\ncandidates = 6\n", "r.toml");
    c.apply_override("round[1].candidates=20");
    c.apply_override("round[0].proposal=prior");
    auto r = c.root();
    EXPECT_EQ(r.element("round", 1).integer("candidates", 0, 0, 100), 20);
    EXPECT_EQ(r.element("round", 0).string("proposal", ""), "prior");
    // Errors about an overridden value name the override.
    c.apply_override("round[0].candidates=-1");
    EXPECT_NE(error_of([&] { r.element("round", 0).integer("candidates", 0, 0, 100); }).find("--set round[0].candidates=-1"),
              std::string::npos);
    EXPECT_NE(error_of([&] { c.apply_override("round[2].candidates=1"); }).find("index 2 is out of range"), std::string::npos);
    EXPECT_NE(error_of([&] { c.apply_override("step[0].x=1"); }).find("'step' is not an array of tables"), std::string::npos);
    EXPECT_NE(error_of([&] { c.apply_override("round[x].candidates=1"); }).find("malformed element"), std::string::npos);
}

TEST(Config, NonAsciiOutsideStringsIsRefusedBeforeTheParser)
{
    // Found by fuzzing: toml++ reaches __builtin_unreachable on U+02E2 where it expects a key.
    EXPECT_NE(error_of([] { Config::parse("seed = 1\n\xcb\xa2 = 2\n", "u.toml"); }).find("u.toml:2: non-ASCII character"),
              std::string::npos);
    EXPECT_NE(error_of([] { Config::parse(std::string("a = 1\0", 6), "z.toml"); }).find("NUL byte"), std::string::npos);
    // Inside strings and comments it is fine (also multi-line and literal strings).
    auto c = Config::parse("# \xc3\xa9t\xc3\xa9\nname = \"\xc3\xa9\" # \xcb\xa2\nm = \"\"\"a\n\xcb\xa2\"\"\"\nl = '\xcb\xa2'\n", "ok.toml");
    EXPECT_EQ(c.root().string("name", ""), "\xc3\xa9");
    EXPECT_EQ(c.root().string("l", ""), "\xcb\xa2");
    // --set with a non-ASCII bare word is a string.
    c.apply_override("x=\xcb\xa2");
    EXPECT_EQ(c.root().string("x", ""), "\xcb\xa2");
    // Found by fuzzing: after a syntax error a quote need not start a string, and toml++ scanned the
    // non-ASCII text behind it into __builtin_unreachable. Malformed text is now a clean TOML error.
    EXPECT_NE(error_of([] { Config::parse("a = 0.[s\"\xc9\x8c", "q.toml"); }).find("q.toml:1"), std::string::npos);
    EXPECT_NE(error_of([] { Config::parse("k.scale=0.[sc[sc\"[zrk\xc9\x8c" "cale=0.5", "q.toml"); }).find("q.toml:1"), std::string::npos);
}

TEST(Config, RequiredKeysAndArraysOfTables)
{
    auto c = Config::parse("[[step]]\nname = \"a\"\n[[step]]\nname = \"b\"\nbogus = 1\n", "s.toml");
    auto r = c.root();
    ASSERT_EQ(r.array_size("step"), 2u);
    EXPECT_EQ(r.element("step", 1).string("name"), "b");
    EXPECT_EQ(r.element("step", 0).string("name"), "a");
    EXPECT_NE(error_of([&] { r.element("step", 0).number("x", Range::positive()); }).find("step[0].x: required key is missing"),
              std::string::npos);
    EXPECT_NE(error_of([&] { c.check_unused(); }).find("s.toml:5: step[1].bogus: unknown key"), std::string::npos);
}

TEST(Config, ResolvedConfigRoundTripsArraysOfTables)
{
    auto c = Config::parse("[[round]]\nn = 1\n[round.t]\nx = [1, 2]\n[[round]]\nn = 2\n", "r.toml");
    auto r = c.root();
    ASSERT_EQ(r.array_size("round"), 2u);
    r.element("round", 0).integer("n", 0, 0, 9);
    r.element("round", 0).sub("t").numbers("x", {});
    r.element("round", 1).integer("n", 0, 0, 9);
    c.check_unused();
    auto back = Config::parse(c.resolved_toml(), "resolved.toml");
    auto rb = back.root();
    ASSERT_EQ(rb.array_size("round"), 2u);
    EXPECT_EQ(rb.element("round", 1).integer("n", 0, 0, 9), 2);
    EXPECT_EQ(rb.element("round", 0).sub("t").numbers("x", {}), (std::vector<double>{1, 2}));
}
