// CMA-ES converges on standard test functions and is reproducible.
#include "plast/search/cmaes.hpp"

#include <gtest/gtest.h>

#include <cmath>

using plast::search::Cmaes;

static double run(std::uint64_t seed, int gens, Eigen::VectorXd* best_x)
{
    // Rotated ellipsoid with condition number 1e4, optimum at 0.3 in [0, 1]^5.
    const int n = 5;
    Cmaes es(Eigen::VectorXd::Constant(n, 0.7), 0.2, 10, seed);
    double best = 1e300;
    for (int g = 0; g < gens; ++g) {
        const auto pts = es.ask();
        std::vector<double> f;
        for (const auto& x : pts) {
            double v = 0;
            for (int i = 0; i < n; ++i) {
                double yi = 0;
                for (int j = 0; j <= i; ++j) yi += x(j) - 0.3;
                v += std::pow(1e4, i / (n - 1.0)) * yi * yi;
            }
            f.push_back(v);
            if (v < best) best = v, *best_x = x;
        }
        es.tell(f);
    }
    return best;
}

TEST(Cmaes, ConvergesOnIllConditionedRotatedEllipsoid)
{
    Eigen::VectorXd x;
    const double f = run(1, 400, &x);
    EXPECT_LT(f, 1e-10);
    EXPECT_LT((x.array() - 0.3).abs().maxCoeff(), 1e-4);
}

TEST(Cmaes, SameSeedSameSequence)
{
    Eigen::VectorXd a, b;
    EXPECT_EQ(run(5, 50, &a), run(5, 50, &b));
    EXPECT_EQ(a, b);
}

TEST(Cmaes, StaysInBounds)
{
    Cmaes es(Eigen::VectorXd::Constant(3, 0.99), 0.5, 8, 3);
    for (int g = 0; g < 5; ++g) {
        const auto pts = es.ask();
        std::vector<double> f;
        for (const auto& x : pts) {
            EXPECT_GE(x.minCoeff(), 0.0);
            EXPECT_LE(x.maxCoeff(), 1.0);
            f.push_back(-x.sum()); // pushes against the upper bound
        }
        es.tell(f);
    }
}
