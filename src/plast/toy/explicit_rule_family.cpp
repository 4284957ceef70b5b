#include "plast/toy/explicit_rule_family.hpp"

#include <cmath>
#include <cstdio>
#include <utility>

namespace plast::toy {

std::vector<std::string> ExplicitRuleFamily::param_names() const
{
    if (reduced_) return {"theta0", "theta1"};
    return {"theta0", "theta1", "theta2", "theta3"};
}

namespace {
// "c0*m0 + c1*m1 - ..." over the terms with |c| > tol (and c != 0); "" when none is left.
std::string signed_sum(const std::vector<std::pair<double, const char*>>& terms, double tol)
{
    std::string s;
    for (const auto& [c, m] : terms) {
        if (std::fabs(c) <= tol || c == 0.0) continue;
        if (s.empty())
            s += c < 0 ? "-" : "";
        else
            s += c < 0 ? " - " : " + ";
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4g", std::fabs(c));
        s += buf;
        if (*m) s += std::string("*") + m;
    }
    return s;
}
} // namespace

std::string ExplicitRuleFamily::formula(const double* theta, double tol) const
{
    if (!reduced_) {
        const std::string s = signed_sum({{theta[0], "y"}, {theta[1], "x*y"}, {theta[2], "x"}, {theta[3], ""}}, tol);
        return s.empty() ? "0" : s;
    }
    const std::string u = signed_sum({{theta[0], ""}, {theta[1], "x"}}, tol);
    if (u.empty()) return "0";
    std::string e = "y";
    if (y_target_ != 0.0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4g", std::fabs(y_target_));
        e = "(y" + std::string(y_target_ > 0 ? " - " : " + ") + buf + ")";
    }
    // A one-term u needs no parentheses: "-1*x*(y - 1)".
    auto dropped = [tol](double c) { return std::fabs(c) <= tol || c == 0.0; };
    const bool one_term = dropped(theta[0]) || dropped(theta[1]);
    return (one_term ? u : "(" + u + ")") + "*" + e;
}

void ExplicitRuleFamily::eval_row(double x, const double* y, const double*, double, std::size_t n, const double* theta,
                                  double* gk, double* dgdy, double* dgdw) const
{
    for (std::size_t k = 0; k < n; ++k)
        gk[k] = g(x, y[k], theta);
    if (dgdy)
        for (std::size_t k = 0; k < n; ++k)
            dgdy[k] = dg_dy(x, theta);
    if (dgdw)
        for (std::size_t k = 0; k < n; ++k)
            dgdw[k] = 0.0;
}

void ExplicitRuleFamily::accumulate_vjp(double x, const double* y, const double*, double, std::size_t n, const double*,
                                        const double* lam, double* grad) const
{
    for (std::size_t k = 0; k < n; ++k) {
        if (reduced_) {
            const double e = y[k] - y_target_;
            grad[0] += lam[k] * e;
            grad[1] += lam[k] * (x * e);
        } else {
            grad[0] += lam[k] * y[k];
            grad[1] += lam[k] * (x * y[k]);
            grad[2] += lam[k] * x;
            grad[3] += lam[k];
        }
    }
}

void ExplicitRuleFamily::evaluate(const double* const* in, std::size_t n, const double* theta, double* out) const
{
    for (std::size_t i = 0; i < n; ++i)
        out[i] = g(in[0][i], in[1][i], theta);
}

} // namespace plast::toy
