// Counter-based streams: reproducible, independent of use order, and with the right moments.
#include "plast/core/parallel.hpp"
#include "plast/core/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using plast::rng::Stream;

TEST(Rng, SameKeySameNumbersDifferentKeyDifferentNumbers)
{
    Stream a(1, "input", 3), b(1, "input", 3), c(1, "input", 4), d(2, "input", 3), e(1, "other", 3);
    for (int i = 0; i < 10; ++i) {
        const auto x = a.next_u64();
        EXPECT_EQ(x, b.next_u64());
        EXPECT_NE(x, c.next_u64());
        EXPECT_NE(x, d.next_u64());
        EXPECT_NE(x, e.next_u64());
    }
}

TEST(Rng, SeekReproducesBlocks)
{
    Stream a(7, "p");
    std::vector<std::uint64_t> v;
    for (int i = 0; i < 40; ++i) v.push_back(a.next_u64());
    Stream b(7, "p");
    b.seek_block(5); // block 5 holds draws 20..23
    for (int i = 20; i < 24; ++i) EXPECT_EQ(b.next_u64(), v[static_cast<std::size_t>(i)]);
}

TEST(Rng, MomentsWithinStatisticalBounds)
{
    // n = 200000 draws: the standard error of a mean of unit variance is 0.0022; allow 5 SE.
    const int n = 200000;
    Stream s(11, "moments");
    double su = 0, sn = 0, sn2 = 0, se = 0, sp = 0;
    for (int i = 0; i < n; ++i) {
        su += s.uniform();
        const double z = s.normal();
        sn += z;
        sn2 += z * z;
        se += s.exponential(2.0);
        sp += static_cast<double>(s.poisson(3.5));
    }
    EXPECT_NEAR(su / n, 0.5, 5 * std::sqrt(1.0 / 12 / n));
    EXPECT_NEAR(sn / n, 0.0, 5 / std::sqrt(n));
    EXPECT_NEAR(sn2 / n, 1.0, 5 * std::sqrt(2.0 / n));
    EXPECT_NEAR(se / n, 2.0, 5 * 2.0 / std::sqrt(n));
    EXPECT_NEAR(sp / n, 3.5, 5 * std::sqrt(3.5 / n));
}

TEST(Rng, BinomialAndBelow)
{
    const int n = 20000;
    Stream s(5, "binomial");
    double sb = 0;
    for (int i = 0; i < n; ++i) sb += static_cast<double>(s.binomial(100, 0.05));
    EXPECT_NEAR(sb / n, 5.0, 5 * std::sqrt(100 * 0.05 * 0.95 / n));
    for (int i = 0; i < 1000; ++i) EXPECT_LT(s.below(7), 7u);
}

TEST(Rng, ParallelDrawsIndependentOfThreadCount)
{
    auto draw = [](int threads) {
        std::vector<double> out(64);
        plast::parallel_for(out.size(), threads, [&](std::size_t i) {
            Stream s(3, "trial", i);
            double acc = 0;
            for (int k = 0; k < 100; ++k) acc += s.normal();
            out[i] = acc;
        });
        return out;
    };
    EXPECT_EQ(draw(1), draw(2));
    EXPECT_EQ(draw(1), draw(4));
}
