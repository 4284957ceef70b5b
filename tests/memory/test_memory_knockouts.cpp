// Stability-only knock-outs (knockouts = "stability"): the knock-out conditions run pre-training,
// training and the breaks without probes, fewer runs, and are judged by the knock-out criterion.
#include "plast/core/error.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv_table.hpp"
#include "plast/io/run_dir.hpp"
#include "plast/memory/familiarity_protocol.hpp"
#include "plast/memory/memory_networks.hpp"
#include "plast/memory/memory_study.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

using namespace plast::memory;

namespace {
// A small recurrent network (256 E, 64 I; 40 x 40 input grid with the RF weight scaled so that a neuron
// gets the full network's summed RF input) and a rule whose only active term is E->E alpha = +2: every
// presynaptic E spike adds eta * alpha = 0.02 to the E->E weight, with no depression, so the mean E->E
// weight grows as 0.1 + 0.02 r_E t. By the 10-s test (15 s + 10 s of plastic life) it exceeds the bound
// 0.5 whenever r_E > 0.4 / (0.02 x 25 s) = 0.8 Hz, and a rate below 0.1 Hz fails the rate bound: the
// network with E->E plastic cannot pass. With E->E static no weight moves (every other term is zero), so
// it is the static network, whose E rate lies in [0.1, 100] Hz.
const char* const tiny = R"(seed = 5
[memory]
network = "recurrent"
runs = 2
knockouts = "stability"
conditions = ["control", "only_EE", "no_EE", "only_IE"]
[[rule]]
name = "ee_potentiating"
theta = [0.02, 0.02, 2, 0, 0, 0,  0.02, 0.02, 0, 0, 0, 0,  0.02, 0.02, 0, 0, 0, 0,  0.02, 0.02, 0, 0, 0, 0]
[protocol]
pretrain = 5.0
train = 2.0
breaks = [1.0, 9.0]
[network]
scale = 0.0625
[inputs]
grid = 40
rf_radius = 5.0
w_rf = 0.1923
novel = [320, 520]
familiar = [1120, 1320]
)";

std::map<std::string, std::vector<std::string>> by_condition(const plast::io::CsvTable& t)
{
    std::map<std::string, std::vector<std::string>> m;
    for (const auto& row : t.cells) m[row[0]] = row;
    return m;
}
} // namespace

TEST(MemoryKnockouts, StabilityOnlyRunsSkipTheProbesAndKeepTheTrajectory)
{
    auto cfg = plast::Config::parse(tiny, "t.toml");
    const auto st = MemoryStudy::from_config(cfg);
    FamiliarityProtocol full = st.protocol, stab = st.protocol;
    stab.probes = false;
    EXPECT_DOUBLE_EQ(full.simulated_seconds(), 5 + 2 + 10 + 2 * 8);
    EXPECT_DOUBLE_EQ(stab.simulated_seconds(), 5 + 2 + 10);
    BndConfig c = st.recurrent;
    c.net.set_quadruplet(st.rules[0].theta);
    c.net.plastic = {false, false, false, false};
    auto a = make_bnd_network(c, 5, 0);
    auto b = make_bnd_network(c, 5, 0);
    const auto ra = run_familiarity(*a, full, 5, 0), rb = run_familiarity(*b, stab, 5, 0);
    ASSERT_FALSE(ra.aborted || rb.aborted);
    ASSERT_EQ(rb.probes.size(), 2u);
    // Up to the first test nothing differs: same baseline, same weights; the probes are not run.
    EXPECT_EQ(ra.probes[0].baseline_rate, rb.probes[0].baseline_rate);
    EXPECT_EQ(ra.probes[0].mean_weights, rb.probes[0].mean_weights);
    EXPECT_TRUE(std::isnan(rb.probes[0].stats.r_nov));
    EXPECT_TRUE(rb.probes[1].prate.empty());
    // Without probes the clock at the second test is pretrain + train + both breaks.
    EXPECT_NEAR(rb.probes[1].clock, 5 + 2 + 10, 1e-9);
    EXPECT_NEAR(ra.probes[1].clock, 5 + 2 + 10 + 8, 1e-9);
    // The knock-out criterion's CV and w_blow are measured before every test of a stability-only run (over the
    // last min(8 s, break) s: 1 s and 8 s here), never in a probed run, and not at all with a zero window.
    for (const auto& pt : rb.probes) {
        EXPECT_TRUE(std::isfinite(pt.w_blow));
        EXPECT_GE(pt.w_blow, 0.0);
        EXPECT_LE(pt.w_blow, 1.0);
    }
    EXPECT_TRUE(std::isnan(rb.probes[0].cv_isi)); // a 1-s break is shorter than the 8-s window: no CV
    EXPECT_TRUE(std::isfinite(rb.probes[1].cv_isi));
    EXPECT_GT(rb.probes[1].cv_isi, 0.0);
    EXPECT_TRUE(std::isnan(ra.probes[1].cv_isi) && std::isnan(ra.probes[1].w_blow));
    stab.stability_window = 0;
    auto d = make_bnd_network(c, 5, 0);
    const auto rd = run_familiarity(*d, stab, 5, 0);
    EXPECT_TRUE(std::isnan(rd.probes[1].cv_isi) && std::isnan(rd.probes[1].w_blow));
    EXPECT_EQ(rd.probes[1].baseline_rate, rb.probes[1].baseline_rate); // the window split changes no spike
}

TEST(MemoryKnockouts, StudyReportsTheStableFractionPerCondition)
{
    auto cfg = plast::Config::parse(tiny, "t.toml");
    const auto st = MemoryStudy::from_config(cfg);
    EXPECT_EQ(st.knockout_runs, 1); // default
    EXPECT_TRUE(st.stability_only("only_EE"));
    EXPECT_FALSE(st.stability_only("control"));
    const std::string out = ::testing::TempDir() + "plast_memory_knockouts";
    std::filesystem::remove_all(out);
    plast::io::RunInfo info;
    info.verb = "memory";
    {
        auto dir = plast::io::RunDir::create(out, "t", true, info, cfg);
        st.run(dir, 5, 2);
        const auto& h = dir.summary()["headline"];
        EXPECT_TRUE(h["conditions"].contains("control"));
        EXPECT_FALSE(h["conditions"].contains("only_EE")); // no memory statistics for stability-only runs
        dir.finish("completed");
    }
    const auto t = plast::io::CsvTable::read(out + "/memory_stability.csv");
    const auto m = by_condition(t);
    const auto mode = t.column("mode"), runs = t.column("runs_per_rule"), stable = t.column("stable");
    EXPECT_EQ(m.at("control")[mode], "memory");
    EXPECT_EQ(m.at("control")[runs], "2");
    EXPECT_EQ(m.at("control")[stable], "0"); // all four rules active: E->E runs away
    EXPECT_EQ(m.at("only_EE")[mode], "stability");
    EXPECT_EQ(m.at("only_EE")[runs], "1");
    EXPECT_EQ(m.at("only_EE")[stable], "0");
    EXPECT_EQ(m.at("no_EE")[stable], "1");
    EXPECT_EQ(m.at("only_IE")[stable], "1");
    // The knock-out rows of memory_runs.csv are the stability runs: one per condition, no probe values.
    const auto r = plast::io::CsvTable::read(out + "/memory_runs.csv");
    std::size_t ko_rows = 0;
    for (std::size_t i = 0; i < r.rows(); ++i)
        if (r.cells[i][r.column("condition")] == "no_EE") {
            ++ko_rows;
            EXPECT_EQ(r.cells[i][r.column("run")], "0");
            EXPECT_TRUE(std::isnan(r.number(i, r.column("r_nov"))));
            const double base = r.number(i, r.column("baseline_rate"));
            EXPECT_GE(base, 0.1);
            EXPECT_LE(base, 100.0);
        }
    EXPECT_EQ(ko_rows, 2u); // two tests
    const auto tests = plast::io::CsvTable::read(out + "/memory_tests.csv");
    for (const auto& row : tests.cells) EXPECT_EQ(row[0 + tests.column("condition")], "control");
    std::filesystem::remove_all(out);
}

TEST(MemoryKnockouts, BadModeIsAClearError)
{
    std::string text = tiny;
    text.replace(text.find("\"stability\""), 11, "\"fast\"");
    try {
        auto bad = plast::Config::parse(text, "t.toml");
        MemoryStudy::from_config(bad);
        FAIL() << "accepted knockouts = \"fast\"";
    } catch (const plast::Error& e) {
        const std::string w = e.what();
        EXPECT_NE(w.find("knockouts"), std::string::npos) << w;
        EXPECT_NE(w.find("stability"), std::string::npos) << w;
    }
}

namespace {
std::string bytes_of(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}
} // namespace

// Resume: a study whose journal holds only some of its runs (plus a line cut off by a kill) simulates
// the others and writes every output byte for byte as the uninterrupted study did.
TEST(MemoryResume, ResumedStudyEqualsTheUninterruptedOne)
{
    std::string text = tiny;
    text.replace(text.find("conditions = ["), std::string("conditions = [").size(), "conditions = [\"static\", ");
    auto cfg = plast::Config::parse(text, "t.toml");
    const auto st = MemoryStudy::from_config(cfg);
    const std::string a = ::testing::TempDir() + "plast_memory_resume_a", b = ::testing::TempDir() + "plast_memory_resume_b";
    std::filesystem::remove_all(a);
    std::filesystem::remove_all(b);
    plast::io::RunInfo info;
    info.verb = "memory";
    {
        auto dir = plast::io::RunDir::create(a, "t", true, info, cfg);
        st.run(dir, 5, 2);
        dir.finish("completed");
    }
    // static 2 runs, control 2, three knock-outs 1 each: 7 journaled runs.
    std::vector<std::string> lines;
    {
        std::ifstream f(a + "/memory_done.jsonl");
        for (std::string l; std::getline(f, l);) lines.push_back(l);
    }
    ASSERT_EQ(lines.size(), 7u) << bytes_of(a + "/memory_done.jsonl").substr(0, 3000);
    long resumed = -1;
    {
        auto dir = plast::io::RunDir::create(b, "t", true, info, cfg);
        {
            std::ofstream f(b + "/memory_done.jsonl");
            for (std::size_t i = 0; i < 3; ++i) f << lines[i] << "\n";
            f << lines[3].substr(0, lines[3].size() / 2); // a write cut off by a kill
        }
        st.run(dir, 5, 1, true);
        resumed = dir.summary()["resumed_runs"].get<long>();
        dir.finish("completed");
    }
    EXPECT_EQ(resumed, 3);
    for (const char* f : {"memory_runs.csv", "memory_tests.csv", "memory_summary.csv", "memory_headline.csv", "memory_stability.csv",
                          "memory_recheck.csv", "prate_mean.npy"}) {
        const auto x = bytes_of(a + "/" + f), y = bytes_of(b + "/" + f);
        EXPECT_FALSE(x.empty()) << f;
        EXPECT_EQ(x, y) << f;
    }
    // The resumed journal is complete again: a second resume simulates nothing.
    {
        auto dir = plast::io::RunDir::reopen(b, "resume");
        st.run(dir, 5, 1, true);
        EXPECT_EQ(dir.summary()["resumed_runs"].get<long>(), 7);
        dir.finish("completed");
    }
    EXPECT_EQ(bytes_of(a + "/memory_runs.csv"), bytes_of(b + "/memory_runs.csv"));
    std::filesystem::remove_all(a);
    std::filesystem::remove_all(b);
}
