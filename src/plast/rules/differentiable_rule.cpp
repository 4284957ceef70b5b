#include "plast/rules/differentiable_rule.hpp"

namespace plast::rules {

std::vector<double> DifferentiableRule::effective(const std::vector<double>& theta) const
{
    auto m = param_mask();
    std::vector<double> out(theta.size());
    for (std::size_t i = 0; i < theta.size(); ++i)
        out[i] = theta[i] * m[i];
    return out;
}

void DifferentiableRule::evaluate(const double* const* in, std::size_t n, const double* theta, double* out) const
{
    for (std::size_t i = 0; i < n; ++i)
        eval_row(in[0][i], in[1] + i, in[2] + i, uses_reward() ? in[3][i] : 0.0, 1, theta, out + i, nullptr, nullptr);
}

void DifferentiableRule::param_gradient(const double* const* in, std::size_t n, const double* theta, double* grad) const
{
    const std::size_t np = n_params();
    std::fill(grad, grad + n * np, 0.0);
    const double one = 1.0;
    for (std::size_t i = 0; i < n; ++i)
        accumulate_vjp(in[0][i], in[1] + i, in[2] + i, uses_reward() ? in[3][i] : 0.0, 1, theta, &one, grad + i * np);
}

void DifferentiableRule::adjoint_row(double x, const double* y, const double* w, double r, std::size_t n,
                                     const double* theta, double eta, double* wbar, double* ybar, double* grad) const
{
    std::vector<double> g(n), gy(n), gw(n);
    eval_row(x, y, w, r, n, theta, g.data(), gy.data(), gw.data());
    accumulate_vjp(x, y, w, r, n, theta, wbar, grad);
    for (std::size_t k = 0; k < n; ++k) {
        ybar[k] += eta * wbar[k] * gy[k];
        wbar[k] += eta * wbar[k] * gw[k];
    }
}

} // namespace plast::rules
