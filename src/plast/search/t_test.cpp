#include "plast/search/t_test.hpp"

#include "plast/core/error.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>

namespace plast::search {

TTest t_test_independent(const std::vector<double>& a, const std::vector<double>& b)
{
    const std::size_t na = a.size(), nb = b.size();
    if (na < 2 || nb < 2) runtime_error("t-test", "needs at least 2 values per sample");
    double ma = 0, mb = 0;
    for (double x : a) ma += x;
    for (double x : b) mb += x;
    ma /= static_cast<double>(na);
    mb /= static_cast<double>(nb);
    double sa = 0, sb = 0;
    for (double x : a) sa += (x - ma) * (x - ma);
    for (double x : b) sb += (x - mb) * (x - mb);
    TTest r;
    r.dof = static_cast<int>(na + nb - 2);
    const double pooled = (sa + sb) / r.dof;
    const double se = std::sqrt(pooled * (1.0 / static_cast<double>(na) + 1.0 / static_cast<double>(nb)));
    if (!(se > 0.0)) {
        // Zero variance: identical means give no evidence (p = 1, scipy returns NaN); different means are certain.
        r.t = ma == mb ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), ma - mb);
        r.p = ma == mb ? 1.0 : 0.0;
        return r;
    }
    r.t = (ma - mb) / se;
    boost::math::students_t dist(static_cast<double>(r.dof));
    r.p = 2.0 * boost::math::cdf(boost::math::complement(dist, std::fabs(r.t)));
    return r;
}

} // namespace plast::search
