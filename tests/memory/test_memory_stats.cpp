#include "plast/core/error.hpp"
#include "plast/memory/memory_stats.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace plast::memory;

TEST(MemoryStats, Definitions)
{
    EXPECT_NEAR(delta_r_mem(6.0, 4.0), 2.0 * 2.0 / 10.01, 1e-15);
    EXPECT_NEAR(delta_sigma_mem(1.0, 1.0), 0.0, 1e-15);
    double m, s;
    window_rate({1, 2, 3}, 0.5, m, s);
    EXPECT_NEAR(m, 4.0, 1e-12);
    EXPECT_NEAR(s, std::sqrt(2.0 / 3.0) / 0.5, 1e-12);
    EXPECT_NEAR(on_transient({1, 1, 4}), 4.0 / 2.01, 1e-12);
}

TEST(MemoryStats, LifetimeIsLastSignificantTest)
{
    // 5 runs x 3 tests: significant novelty at t = 1 s, nothing at 10 s, significant again at 60 s.
    std::vector<std::vector<ProbeStats>> runs(5, std::vector<ProbeStats>(3));
    for (int r = 0; r < 5; ++r) {
        const double jitter = 0.1 * r;
        runs[static_cast<std::size_t>(r)][0] = {8.0 + jitter, 5.0 - jitter, 1, 1, 1, 1};
        runs[static_cast<std::size_t>(r)][1] = {5.0 + jitter, 5.0 + 0.2 - jitter, 1, 1, 1, 1};
        runs[static_cast<std::size_t>(r)][2] = {6.0 + jitter, 5.0 + jitter, 1, 1, 1, 1};
    }
    const auto s = summarise(runs, {1, 10, 60});
    ASSERT_EQ(s.tests.size(), 3u);
    EXPECT_TRUE(s.tests[0].significant);
    EXPECT_EQ(s.tests[0].preference, "novelty");
    EXPECT_FALSE(s.tests[1].significant);
    EXPECT_TRUE(s.tests[2].significant);
    EXPECT_EQ(s.lifetime, 60.0);
    EXPECT_THROW(summarise({runs[0]}, {1, 10, 60}), plast::Error);
}
