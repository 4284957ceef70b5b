#include "plast/e2l/rule_checks.hpp"

#include "plast/core/rng.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace plast::e2l {

double delta_rule_factor(const expr::Tape& f)
{
    rng::Stream r(2021, "e2l_delta_rule_check");
    double cmin = std::numeric_limits<double>::infinity(), cmax = -cmin;
    for (int i = 0; i < 200; ++i) {
        const double x[3] = {r.uniform(-75.0, -55.0), r.uniform(-75.0, -55.0), r.uniform(1e-4, 0.1)};
        const double ref = (x[0] - x[1]) * x[2];
        if (std::fabs(ref) < 1e-6) continue;
        const double c = f.eval(x) / ref;
        if (!std::isfinite(c)) return std::nan("");
        cmin = std::min(cmin, c);
        cmax = std::max(cmax, c);
    }
    const double mid = 0.5 * (cmin + cmax);
    if (mid == 0.0 || (cmax - cmin) > 1e-6 * std::fabs(mid)) return std::nan("");
    return mid;
}

double linearized_delta_factor(const expr::Tape& f)
{
    rng::Stream r(2021, "e2l_delta_rule_linearization");
    std::vector<double> cs;
    const double dv = 1e-3; // mV; central difference, f is smooth near v = u for valid rules
    for (int i = 0; i < 100; ++i) {
        const double u = r.uniform(-75.0, -55.0), s = r.uniform(0.005, 0.1);
        const double xp[3] = {u + dv, u, s}, xm[3] = {u - dv, u, s}, x0[3] = {u, u, s};
        const double c = (f.eval(xp) - f.eval(xm)) / (2 * dv * s);
        const double f0 = f.eval(x0);
        // At v = u the update must be negligible (< 1 %) next to the update for a 1 mV error, c * s.
        if (!std::isfinite(c) || !std::isfinite(f0) || c <= 0 || std::fabs(f0) > 1e-2 * c * s) return std::nan("");
        cs.push_back(c);
    }
    std::sort(cs.begin(), cs.end());
    if (cs.back() > 3.0 * cs.front()) return std::nan("");
    return cs[cs.size() / 2];
}

double max_rel_difference(const expr::Tape& f, const expr::Tape& g, const std::vector<bool>& pm_one, double lo,
                          double hi, int samples, std::uint64_t seed)
{
    rng::Stream r(seed, "e2l_rule_equivalence");
    std::vector<double> x(pm_one.size());
    double worst = 0.0;
    for (int s = 0; s < samples; ++s) {
        for (std::size_t i = 0; i < x.size(); ++i)
            x[i] = pm_one[i] ? (r.bernoulli(0.5) ? 1.0 : -1.0) : r.uniform(lo, hi);
        const double a = f.eval(x.data()), b = g.eval(x.data());
        if (!std::isfinite(a) && !std::isfinite(b)) continue;
        const double d = std::fabs(a - b) / std::max(1.0, std::fabs(a));
        if (!(d <= worst)) worst = std::isnan(d) ? std::numeric_limits<double>::infinity() : d;
    }
    return worst;
}

} // namespace plast::e2l
