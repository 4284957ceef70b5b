// Metrics on synthetic trains: Poisson gives CV ~ 1 and Fano ~ 1; regular trains give CV ~ 0;
// synchronous bursts give large fft and std_rate_temporal.
#include "plast/core/rng.hpp"
#include "plast/metrics/stability_metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace plast::metrics;

static Trains poisson(int n, double rate, double T, std::uint64_t seed)
{
    Trains t(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) {
        plast::rng::Stream r(seed, "poisson_train", static_cast<std::uint64_t>(k));
        for (double s = r.exponential(1 / rate); s < T; s += r.exponential(1 / rate)) t[static_cast<std::size_t>(k)].push_back(s);
    }
    return t;
}

TEST(StabilityMetrics, PoissonTrains)
{
    // 200 neurons at 10 Hz for 10 s: ~100 ISIs per neuron, CV standard error ~0.1 per neuron,
    // ~0.007 for the mean; Fano of counts in 100 ms bins (mean 1) has a similar spread.
    const auto t = poisson(200, 10.0, 10.0, 1);
    EXPECT_NEAR(mean_rate(t, 0, 10), 10.0, 0.3);
    double cv, scv;
    cv_isi(t, cv, scv);
    EXPECT_NEAR(cv, 1.0, 0.05);
    EXPECT_LT(scv, 0.2);
    EXPECT_NEAR(spatial_fano(t, 0, 10), 1.0, 0.05);
    EXPECT_NEAR(temporal_fano(t, 0, 10), 1.0, 0.05);
    EXPECT_LT(auto_cov(t, 0, 10), 0.1);
    EXPECT_LT(kl_isi(t), 0.05);
    const auto a = population_activity(t, 0, 10);
    EXPECT_LT(fft_power(a), 1.0);
    EXPECT_LT(std_rate_temporal(a), 0.05);
}

TEST(StabilityMetrics, RegularTrainsHaveZeroCv)
{
    Trains t(50);
    for (int k = 0; k < 50; ++k)
        for (double s = 0.01 * k; s < 10; s += 0.1) t[static_cast<std::size_t>(k)].push_back(s);
    double cv, scv;
    cv_isi(t, cv, scv);
    EXPECT_LT(cv, 1e-6);
    EXPECT_NEAR(mean_rate(t, 0, 10), 10.0, 0.3); // 99 or 100 spikes per neuron (float accumulation)
}

TEST(StabilityMetrics, SynchronousBurstsAreFlagged)
{
    // Every neuron fires at the same times, 10 Hz: perfectly synchronous population.
    Trains t(100);
    for (auto& tr : t)
        for (double s = 0.05; s < 10; s += 0.1) tr.push_back(s);
    const auto a = population_activity(t, 0, 10);
    EXPECT_GT(fft_power(a), 1.0);
    EXPECT_GT(std_rate_temporal(a), 0.05);
    EXPECT_GT(spatial_fano(t, 0, 10), -1.0); // defined
}

TEST(StabilityMetrics, WeightBlowUpAndCreep)
{
    WeightTrace w{"IE", 20.0, {{0.f, 1.f, 20.f, 2.f}, {0.f, 1.f, 20.f, 4.f}}};
    EXPECT_NEAR(w_blow({w}), 0.5, 1e-12);
    // mean 5.75 -> 6.25: |2 * 0.5 / 12| = 0.0833
    EXPECT_NEAR(w_creep({w}), 2 * 0.5 / 12.0, 1e-9);
    const auto m = fsbi_metrics(poisson(20, 5, 2, 2), poisson(10, 5, 2, 3), {w}, 0, 2);
    EXPECT_NEAR(m.at("wief"), 6.25, 1e-6);
    EXPECT_TRUE(std::isnan(m.at("weef")));
    EXPECT_EQ(fsbi_metric_names().size(), 17u);
}
