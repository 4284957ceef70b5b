// Familiarity memory on small spiking networks: a static network shows no significant memory at any
// test time; an inhibitory-STDP network shows a significant novelty response shortly after training.
#include "plast/core/parallel.hpp"
#include "plast/memory/familiarity_protocol.hpp"
#include "plast/memory/memory_networks.hpp"

#include <gtest/gtest.h>

using namespace plast::memory;

namespace {
BndConfig small_bnd(bool plastic)
{
    BndConfig c;
    c.net.scale = 0.0625; // 256 E, 64 I
    c.grid = 40;          // 1600 inputs per group; RF radius 5 gives ~78 inputs per neuron
    c.rf_radius = 5.0;
    c.w_rf = 0.075 * 200.0 / 78.0; // keep the total RF drive of the full network
    c.novel = {8 * 40, 13 * 40};   // rows 8-12
    c.familiar = {28 * 40, 33 * 40}; // rows 28-32
    c.net.rules[2] = plast::spiking::SixParamRule{0.02, 0.02, -0.12, 0.0, 1.0, 1.0}; // iSTDP, 3 Hz
    c.net.plastic = {false, false, plastic, false};
    return c;
}

MemorySummary five_runs(bool plastic, const FamiliarityProtocol& p)
{
    std::vector<RunResult> res(5);
    plast::parallel_for(5, 2, [&](std::size_t r) {
        auto net = make_bnd_network(small_bnd(plastic), 11, r);
        res[r] = run_familiarity(*net, p, 11, r);
    });
    std::vector<std::vector<ProbeStats>> runs;
    for (const auto& r : res) {
        EXPECT_FALSE(r.aborted) << r.abort_reason;
        std::vector<ProbeStats> s;
        for (const auto& t : r.probes) s.push_back(t.stats);
        runs.push_back(s);
    }
    return summarise(runs, p.test_times());
}

FamiliarityProtocol short_protocol()
{
    FamiliarityProtocol p;
    p.pretrain = 5;
    p.train = 10;
    p.breaks = {1, 9};
    return p;
}
} // namespace

TEST(MemoryNetworkSlow, StaticNetworkShowsNoSignificantMemory)
{
    const auto s = five_runs(false, short_protocol());
    for (const auto& t : s.tests) EXPECT_GT(t.p, 0.05) << "test at " << t.test_time << " s";
}

TEST(MemoryNetworkSlow, InhibitorySTDPShowsNoveltyResponseAfterTraining)
{
    const auto s = five_runs(true, short_protocol());
    EXPECT_TRUE(s.tests[0].significant) << "p = " << s.tests[0].p;
    EXPECT_EQ(s.tests[0].preference, "novelty");
    EXPECT_GT(s.tests[0].mean_dr_mem, 0.1);
}

TEST(MemoryNetwork, FeedForwardNetworkRunsTheProtocol)
{
    FeedForwardConfig c;
    FamiliarityProtocol p;
    p.pretrain = 2;
    p.train = 2;
    p.breaks = {1};
    auto net = make_feedforward_network(c, 1, 0);
    const auto r = run_familiarity(*net, p, 1, 0);
    ASSERT_FALSE(r.aborted) << r.abort_reason << " at " << r.abort_time;
    ASSERT_EQ(r.probes.size(), 1u);
    EXPECT_EQ(net->spike_counts().size(), 1u);
    EXPECT_NEAR(net->time(), p.simulated_seconds(), 1e-9);
}
