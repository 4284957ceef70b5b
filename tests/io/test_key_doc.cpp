// Key documentation and the documented configuration printout (--print-config).
#include "plast/io/config.hpp"
#include "plast/io/key_doc.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <string>

using plast::Config;
using plast::Range;
using plast::io::key_pattern_matches;

TEST(KeyDoc, PatternsMatchWithinOneComponent)
{
    EXPECT_TRUE(key_pattern_matches("prior.*.lo", "prior.EE_alpha.lo"));
    EXPECT_FALSE(key_pattern_matches("prior.*.lo", "prior.a.b.lo")); // '*' stays inside a component
    EXPECT_TRUE(key_pattern_matches("network.rule_*.theta", "network.rule_IE.theta"));
    EXPECT_FALSE(key_pattern_matches("network.rule_*.theta", "network.rules.theta"));
    EXPECT_TRUE(key_pattern_matches("*.neuron.tau_m", "feedforward.neuron.tau_m"));
    EXPECT_FALSE(key_pattern_matches("error.h", "error.h2"));
    EXPECT_TRUE(key_pattern_matches("round[].targets.*", "round[].targets.rate"));
}

TEST(KeyDoc, ConcreteKeysFindTheirRowIgnoringArrayIndices)
{
    const auto* d = plast::io::find_key_doc("round[3].targets.rate");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(std::string(d->pattern), "round[].targets.*");
    // The specific row wins over the general one listed after it.
    d = plast::io::find_key_doc("prior.EE_tau_pre.lo");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(std::string(d->unit), "s");
    EXPECT_EQ(plast::io::find_key_doc("no_such_section.no_such_key"), nullptr);
}

TEST(KeyDoc, EveryPatternIsUniqueAndEveryRowHasAMeaning)
{
    std::set<std::string> seen;
    for (const auto& d : plast::io::key_docs()) {
        EXPECT_TRUE(seen.insert(d.pattern).second) << "pattern listed twice: " << d.pattern;
        EXPECT_FALSE(std::string(d.meaning).empty()) << d.pattern;
    }
}

TEST(DocumentedToml, CommentsUnitMeaningAndAllowedValues)
{
    auto c = Config::parse("[error]\nh = 0.01\n", "t.toml");
    c.section("error").number("h", 0.1, Range::open_closed(0.0, 1.0));
    c.section("error").number("tau_m", 10.0, Range::positive());
    c.section("error").string("teacher_shift", "plus", {"plus", "random_sign"});
    c.root().integer("seed", 1, 0, INT64_MAX);
    std::vector<std::string> undocumented;
    const auto text = c.documented_toml(&undocumented);
    EXPECT_TRUE(undocumented.empty());
    EXPECT_NE(text.find("h = 0.01 "), std::string::npos) << text;
    EXPECT_NE(text.find("# ms, integration step (in (0, 1])"), std::string::npos) << text;
    EXPECT_NE(text.find("# ms, membrane time constant of teacher and student (> 0)"), std::string::npos) << text;
    EXPECT_NE(text.find("(one of plus, random_sign)"), std::string::npos) << text;
    EXPECT_NE(text.find("seed = 1 "), std::string::npos) << text;
    EXPECT_NE(text.find("(integer >= 0)"), std::string::npos) << text;
}

TEST(DocumentedToml, UndocumentedKeysAreMarkedAndReported)
{
    auto c = Config::parse("", "t.toml");
    c.section("zz_unknown").number("key", 1.5);
    std::vector<std::string> undocumented;
    const auto text = c.documented_toml(&undocumented);
    ASSERT_EQ(undocumented.size(), 1u);
    EXPECT_EQ(undocumented[0], "zz_unknown.key");
    EXPECT_NE(text.find("key = 1.5"), std::string::npos);
    EXPECT_NE(text.find("(undocumented key)"), std::string::npos);
}

TEST(DocumentedToml, ReadsBackToTheSameResolvedConfiguration)
{
    // Numbers that print long with 17 digits, arrays, arrays of tables with sub-tables, quoted keys.
    const std::string src = R"(seed = 3
[network]
eta = 0.3
dt = 1e-4
[prior."odd key"]
lo = 0.1
[[round]]
proposal = "prior"
candidates = 10
[[round]]
proposal = "conditional"
condition_on = ["rate"]
[round.targets]
rate = [1.0, 15.5]
)";
    auto read = [](Config& c) {
        c.root().integer("seed", 1, 0, INT64_MAX);
        c.section("network").number("eta", 0.0);
        c.section("network").number("dt", 0.0, Range::positive());
        c.section("prior").sub("odd key").number("lo", 0.0);
        const auto n = c.root().array_size("round");
        for (std::size_t i = 0; i < n; ++i) {
            const auto r = c.root().element("round", i);
            r.string("proposal", "prior");
            if (r.has("candidates")) r.integer("candidates", 1, 1, 100);
            if (r.has("condition_on")) {
                r.strings("condition_on", {});
                r.sub("targets").numbers("rate", {}, Range::any(), 2, 2);
            }
        }
        c.check_unused();
    };
    auto a = Config::parse(src, "a.toml");
    read(a);
    const auto text = a.documented_toml();
    EXPECT_NE(text.find("eta = 0.3 "), std::string::npos) << text;
    EXPECT_NE(text.find("[prior.\"odd key\"]"), std::string::npos) << text;
    EXPECT_NE(text.find("[round.targets]"), std::string::npos) << text;
    auto b = Config::parse(text, "printed.toml");
    read(b);
    EXPECT_EQ(a.resolved_json(), b.resolved_json());
    const auto again = b.documented_toml(); // identical after the first line (which names the source)
    EXPECT_EQ(again.substr(again.find('\n')), text.substr(text.find('\n')));
}
