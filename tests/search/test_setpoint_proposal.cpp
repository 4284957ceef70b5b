// Mean-field set-point proposal: draws stay in the prior box, the four drifts vanish at the target
// rates after projection, the homeostatic sign holds, and candidates are reproducible.
#include "plast/core/error.hpp"
#include "plast/search/prior.hpp"
#include "plast/search/setpoint_proposal.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace plast::search;

namespace {
// Post-rate slope of the drift of connection k (EE, EI, IE, II), per eta.
double slope(const std::vector<double>& th, int k, double r_pre)
{
    const double* p = &th[static_cast<std::size_t>(6 * k)];
    return p[3] + (p[5] * p[1] + p[4] * p[0]) * r_pre;
}
} // namespace

TEST(SetpointProposal, ProjectionZeroesEveryDriftInsideTheBoxWithHomeostaticSign)
{
    const BoxPrior prior(fsbi_prior_boxes(true));
    SetpointOptions opt;
    const SetpointProposal sp(prior, opt);
    int full = 0;
    for (std::uint64_t i = 0; i < 200; ++i) {
        auto th = prior.sample(5, 0, i);
        const double r_e = 2.0 + static_cast<double>(i % 10), r_i = 3.0 + static_cast<double>(i % 7) * 3.0;
        const int n = sp.project(th, r_e, r_i, 5, 0, i);
        ASSERT_TRUE(prior.contains(th));
        if (n < 4) continue;
        ++full;
        for (int k = 0; k < 4; ++k) {
            // |drift| relative to the size of its terms: exact up to rounding.
            EXPECT_NEAR(sp.drift(th, k, r_e, r_i), 0.0, 1e-12 * 100.0 * (r_e + r_i) * (r_e + r_i));
            const double r_pre = k < 2 ? r_e : r_i;
            if (k < 2) {
                EXPECT_LT(slope(th, k, r_pre), 0.0) << "excitatory pre, k=" << k;
            } else {
                EXPECT_GT(slope(th, k, r_pre), 0.0) << "inhibitory pre, k=" << k;
            }
        }
    }
    // A random prior draw can be projected on a given connection about 2 times in 3 (four coefficients
    // to try, sign condition), so on all four about 1 time in 5: 38 of these 200 draws.
    EXPECT_GT(full, 20);
}

TEST(SetpointProposal, SamplesAreInTheBoxOnTheManifoldAndReproducible)
{
    const BoxPrior prior(fsbi_prior_boxes(true));
    SetpointOptions opt;
    opt.rate_e_lo = opt.rate_e_hi = 5.0; // a single target: the drift must vanish there
    opt.rate_i_lo = opt.rate_i_hi = 12.0;
    const SetpointProposal sp(prior, opt);
    for (std::uint64_t i = 0; i < 100; ++i) {
        const auto th = sp.sample(9, 1, i);
        ASSERT_TRUE(prior.contains(th));
        for (int k = 0; k < 4; ++k) EXPECT_NEAR(sp.drift(th, k, 5.0, 12.0), 0.0, 1e-9);
    }
    EXPECT_EQ(sp.sample(9, 1, 3), sp.sample(9, 1, 3));
    EXPECT_NE(sp.sample(9, 1, 3), sp.sample(9, 1, 4));
    EXPECT_NE(sp.sample(9, 1, 3), sp.sample(9, 2, 3));
}

TEST(SetpointProposal, RefusesAPriorWithoutQuadrupletParameters)
{
    const BoxPrior prior({{"a", 0, 1, false}});
    EXPECT_THROW(SetpointProposal(prior, SetpointOptions{}), plast::Error);
}
