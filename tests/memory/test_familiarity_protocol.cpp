// The familiarity protocol's schedule, save/restore semantics and statistics, on a synthetic
// network whose E neurons fire Poisson spikes at a rate set by the pattern and by a "memory" state.
#include "plast/core/rng.hpp"
#include "plast/memory/familiarity_protocol.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace plast::memory;

namespace {

// Rate = 5 Hz background; a pattern adds 10 Hz, minus `suppression` for the familiar pattern.
// With plasticity on, presenting the familiar pattern builds suppression (adaptation), which decays
// with time constant tau; a static network has no suppression.
class SyntheticNetwork : public ProbeableNetwork {
public:
    SyntheticNetwork(bool plastic, double tau, std::uint64_t seed) : plastic_(plastic), tau_(tau), rng_(seed, "synthetic") {}
    void set_pattern(int p) override { pattern_ = p; }
    void set_plasticity(bool on) override { learning_ = on; }
    bool advance(double s) override
    {
        const double dt = 0.1;
        // The clock is exact; the synthetic dynamics use whole 0.1 s steps (rounded).
        const long steps = std::lround(s / dt);
        clock_ += s;
        for (long k = 0; k < steps; ++k) {
            double rate = 5.0;
            if (pattern_ == 1) rate += 10.0 - suppression_;
            if (pattern_ == 0) rate += 10.0;
            if (plastic_ && learning_ && pattern_ == 1) suppression_ = std::min(8.0, suppression_ + 0.5 * dt * 10);
            suppression_ *= std::exp(-dt / tau_);
            double total = 0;
            for (auto& c : counts_) {
                const double k = static_cast<double>(rng_.poisson(rate * dt));
                c += k;
                total += k;
            }
            if (recording_) {
                bin_acc_ += total;
                if (++bin_steps_ == 1) {
                    prate_.push_back(bin_acc_ / (counts_.size() * dt));
                    bin_acc_ = 0;
                    bin_steps_ = 0;
                }
            }
        }
        return true;
    }
    void start_recording(double) override
    {
        recording_ = true;
        prate_.clear();
        std::fill(counts_.begin(), counts_.end(), 0.0);
    }
    std::vector<double> spike_counts() const override { return counts_; }
    double inhibitory_rate() const override { return std::nan(""); }
    std::vector<double> population_rate() const override { return prate_; }
    void save_state() override { saved_ = suppression_; }
    void restore_state() override { suppression_ = saved_; }
    double time() const override { return clock_; }
    std::string abort_reason() const override { return {}; }
    std::vector<std::pair<std::string, double>> mean_weights() const override { return {{"IE", suppression_}}; }

private:
    bool plastic_, learning_ = true, recording_ = false;
    double tau_, suppression_ = 0, saved_ = 0, clock_ = 0, bin_acc_ = 0;
    int pattern_ = -1, bin_steps_ = 0;
    plast::rng::Stream rng_;
    std::vector<double> counts_ = std::vector<double>(200, 0.0), prate_;
};

FamiliarityProtocol short_protocol()
{
    FamiliarityProtocol p;
    p.pretrain = 2;
    p.train = 5;
    p.breaks = {1, 9, 50, 200};
    return p;
}

MemorySummary run_five(bool plastic)
{
    std::vector<std::vector<ProbeStats>> runs;
    auto p = short_protocol();
    p.plasticity_during_probes = false; // frozen probes: no suppression builds during the test itself
    for (std::uint64_t r = 0; r < 5; ++r) {
        SyntheticNetwork net(plastic, 20.0, 100 + r);
        const auto res = run_familiarity(net, p, 1, r);
        EXPECT_FALSE(res.aborted);
        std::vector<ProbeStats> s;
        for (const auto& t : res.probes) s.push_back(t.stats);
        runs.push_back(s);
    }
    return summarise(runs, p.test_times());
}

} // namespace

TEST(FamiliarityProtocol, ScheduleAndClock)
{
    const auto p = short_protocol();
    EXPECT_EQ(p.test_times(), (std::vector<double>{1, 10, 60, 260}));
    SyntheticNetwork net(false, 20, 1);
    const auto res = run_familiarity(net, p, 1, 0);
    ASSERT_EQ(res.probes.size(), 4u);
    // Novel onset of test 0: pretrain + train + 1 s break; the clock advances 8 s per cycle.
    EXPECT_NEAR(res.probes[0].clock, 2 + 5 + 1, 1e-6);
    EXPECT_NEAR(res.probes[1].clock, 2 + 5 + 1 + 8 + 9, 1e-6);
    EXPECT_NEAR(net.time(), p.simulated_seconds(), 1e-6);
    EXPECT_EQ(res.probes[0].prate.size(), 90u); // 100 ms bins over [t_i - 1, t_i + 8)
}

TEST(FamiliarityProtocol, StaticNetworkHasNoSignificantMemory)
{
    const auto s = run_five(false);
    for (const auto& t : s.tests) EXPECT_GT(t.p, 0.05) << t.test_time;
    EXPECT_EQ(s.lifetime, 0.0);
}

TEST(FamiliarityProtocol, AdaptingNetworkRemembersThenForgets)
{
    // Suppression after training ~8 Hz decays with tau = 20 s: significant at 1 s and 10 s,
    // gone (< 0.01 Hz) by 260 s. Noise: 200 neurons x 1 s at ~15 Hz, sd of the mean ~0.27 Hz.
    const auto s = run_five(true);
    EXPECT_TRUE(s.tests[0].significant);
    EXPECT_EQ(s.tests[0].preference, "novelty");
    EXPECT_GT(s.tests[0].mean_dr_mem, 0.2);
    EXPECT_FALSE(s.tests[3].significant);
    EXPECT_GE(s.lifetime, 10.0);
    EXPECT_LT(s.lifetime, 260.0);
}
