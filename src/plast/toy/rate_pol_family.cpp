#include "plast/toy/rate_pol_family.hpp"

#include <cmath>
#include <cstdio>

namespace plast::toy {

std::string RatePolFamily::formula(const double* theta, double tol) const
{
    const char* mono[3] = {"x", "y", "x*y"};
    std::string s;
    for (int k = 0; k < 3; ++k) {
        const double c = theta[k];
        if (std::fabs(c) <= tol || c == 0.0) continue;
        if (s.empty())
            s += c < 0 ? "-" : "";
        else
            s += c < 0 ? " - " : " + ";
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4g", std::fabs(c));
        s += std::string(buf) + "*" + mono[k];
    }
    return s.empty() ? "0" : s;
}

void RatePolFamily::eval_row(double x, const double* y, const double*, double, std::size_t n, const double* theta,
                             double* gk, double* dgdy, double* dgdw) const
{
    for (std::size_t k = 0; k < n; ++k)
        gk[k] = g(x, y[k], theta);
    if (dgdy)
        for (std::size_t k = 0; k < n; ++k)
            dgdy[k] = theta[1] + theta[2] * x;
    if (dgdw)
        for (std::size_t k = 0; k < n; ++k)
            dgdw[k] = 0.0;
}

void RatePolFamily::accumulate_vjp(double x, const double* y, const double*, double, std::size_t n, const double*,
                                   const double* lam, double* grad) const
{
    for (std::size_t k = 0; k < n; ++k) {
        grad[0] += lam[k] * x;
        grad[1] += lam[k] * y[k];
        grad[2] += lam[k] * (x * y[k]);
    }
}

void RatePolFamily::evaluate(const double* const* in, std::size_t n, const double* theta, double* out) const
{
    for (std::size_t i = 0; i < n; ++i)
        out[i] = g(in[0][i], in[1][i], theta);
}

} // namespace plast::toy
