// Perturbation kernel of the `perturb` screening round: draws stay in the prior box, are a pure function of
// (seed, round, index), and their spread in logit space is that of the particles plus the kernel's step.
#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
#include "plast/search/perturbation_kernel.hpp"
#include "plast/search/prior.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace plast::search;

namespace {
double logit_unit(const BoxPrior& p, const std::vector<double>& th, std::size_t k)
{
    const double u = p.to_unit(th)[k];
    return std::log(u / (1.0 - u));
}
} // namespace

TEST(PerturbationKernel, DrawsStayInTheBoxAndAreReproducible)
{
    const BoxPrior prior(fsbi_prior_boxes(true));
    std::vector<std::vector<double>> parts;
    for (std::uint64_t i = 0; i < 30; ++i) parts.push_back(prior.sample(3, 0, i));
    const PerturbationKernel k(prior, parts, 2.0);
    for (std::uint64_t i = 0; i < 500; ++i) {
        std::size_t j = 99;
        const auto th = k.sample(11, 4, i, &j);
        ASSERT_TRUE(prior.contains(th));
        ASSERT_LT(j, parts.size());
        EXPECT_EQ(th, k.sample(11, 4, i)); // same (seed, round, index), same draw
    }
    EXPECT_NE(k.sample(11, 4, 0), k.sample(11, 4, 1));
    EXPECT_NE(k.sample(11, 4, 0), k.sample(12, 4, 0));
}

TEST(PerturbationKernel, SpreadIsParticlesPlusScaledStep)
{
    // Particles in logit space drawn around a point with per-axis SDs 0.3 and 0.1 and correlation 0.8; the draws
    // are a mixture of the particles and a Gaussian step of `scale` times their covariance, so their variance
    // along an axis is ((n-1)/n + scale) times the particles' sample variance (plus the tiny ridge).
    const BoxPrior prior({{"a", -2, 2, false}, {"b", 0.01, 0.1, true}});
    plast::rng::Stream s(1, "test_particles");
    std::vector<std::vector<double>> parts;
    const int n = 40;
    for (int i = 0; i < n; ++i) {
        const double e1 = s.normal(), e2 = 0.8 * e1 + 0.6 * s.normal();
        const double za = 0.3 * e1, zb = 0.2 + 0.1 * e2;
        parts.push_back(prior.from_unit({1.0 / (1.0 + std::exp(-za)), 1.0 / (1.0 + std::exp(-zb))}));
    }
    double ma = 0, mb = 0;
    for (const auto& p : parts) ma += logit_unit(prior, p, 0) / n, mb += logit_unit(prior, p, 1) / n;
    double va = 0, vb = 0, cab = 0;
    for (const auto& p : parts) {
        const double da = logit_unit(prior, p, 0) - ma, db = logit_unit(prior, p, 1) - mb;
        va += da * da / (n - 1), vb += db * db / (n - 1), cab += da * db / (n - 1);
    }
    for (double scale : {0.5, 2.0}) {
        const PerturbationKernel k(prior, parts, scale);
        const int m = 40000;
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        for (int i = 0; i < m; ++i) {
            const auto th = k.sample(2, 1, static_cast<std::uint64_t>(i));
            const double a = logit_unit(prior, th, 0), b = logit_unit(prior, th, 1);
            sa += a, sb += b, saa += a * a, sbb += b * b, sab += a * b;
        }
        const double ea = sa / m, eb = sb / m;
        const double da = saa / m - ea * ea, db = sbb / m - eb * eb, dab = sab / m - ea * eb;
        const double f = (n - 1.0) / n + scale;
        // Relative SE of a variance from m draws is about sqrt(2/m) = 0.7 %; allow 5 % (ridge 0.1 % included).
        EXPECT_NEAR(da / (f * va), 1.0, 0.05) << scale;
        EXPECT_NEAR(db / (f * vb), 1.0, 0.05) << scale;
        EXPECT_NEAR(dab / (f * cab), 1.0, 0.05) << scale;
        // Mean: the particles' mean within 4 SE of m draws.
        EXPECT_NEAR(ea, ma, 4 * std::sqrt(f * va / m));
    }
}

TEST(PerturbationKernel, RefusesTooFewParticles)
{
    const BoxPrior prior(fsbi_prior_boxes(true));
    EXPECT_THROW(PerturbationKernel(prior, {prior.sample(1, 0, 0)}, 2.0), plast::Error);
}
