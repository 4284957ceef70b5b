// Traces in the scaled frame (trace.hpp) follow the step-by-step definition x <- (x + spikes) d
// across many renormalisations, to float rounding.
#include "plast/core/huge_page_allocator.hpp"
#include "plast/core/rng.hpp"
#include "plast/spiking/trace.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

using plast::spiking::Trace;

TEST(SpikingTrace, ScaledFrameMatchesStepByStepDecay)
{
    const double dt = 1e-4, tau = 0.02, d = std::exp(-dt / tau);
    const std::size_t n = 5;
    Trace tr(n, d);
    std::vector<double> ref(n, 0.0);
    plast::rng::Stream rs(11, "trace_test");
    double max_rel = 0;
    for (int t = 0; t < 30000; ++t) { // ~10 renormalisation periods
        std::vector<std::uint32_t> spikes;
        for (std::uint32_t i = 0; i < n; ++i)
            if (rs.uniform() < 0.002 * (i + 1)) spikes.push_back(i);
        // Reads happen before this step's increments, as in the projections.
        for (std::size_t i = 0; i < n; ++i)
            if (ref[i] > 1e-3) max_rel = std::max(max_rel, std::fabs(tr.value(i) - ref[i]) / ref[i]);
        tr.add(spikes);
        for (auto i : spikes) ref[i] += 1.0;
        tr.advance();
        for (auto& x : ref) x *= d;
    }
    EXPECT_LT(max_rel, 1e-5); // float rounding (about 1e-7 per operation) over many steps
    // A silent trace decays to zero without NaN or Inf.
    Trace silent(1, d);
    silent.add({0});
    for (int t = 0; t < 200000; ++t) silent.advance();
    EXPECT_EQ(silent.value(0), 0.f);
}

TEST(SpikingTrace, HugePageArraysAreAlignedAndUsable)
{
    std::vector<float, plast::HugePageAllocator<float>> big(3u << 20, 1.f), small(10, 2.f);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(big.data()) % (2u << 20), 0u);
    big.back() = 3.f;
    EXPECT_EQ(big.front() + big.back() + small[9], 6.f);
}
