#include "plast/expr/rate_rule.hpp"

#include "plast/core/error.hpp"
#include "plast/expr/simplify.hpp"

namespace plast::expr {

std::vector<std::string> ExprRateRule::input_names(bool with_reward)
{
    if (with_reward) return {"x", "y", "w", "r"};
    return {"x", "y", "w"};
}

ExprRateRule::ExprRateRule(Tape tape) : rev_(std::move(tape))
{
    const auto& in = rev_.tape().input_names();
    with_reward_ = in.size() == 4;
    if (in != input_names(with_reward_))
        runtime_error("expr::ExprRateRule", "the expression's inputs must be (x, y, w) or (x, y, w, r)");
}

std::string ExprRateRule::formula(const double* theta, double) const
{
    return tape().n_params() ? canonical(tape(), theta) : canonical(tape());
}

std::string ExprRateRule::expression(const double* theta) const
{
    return tape().n_params() ? bind_params(tape(), theta).infix() : tape().infix();
}

const double* const* ExprRateRule::row_inputs(double x, const double* y, const double* w, double r,
                                              std::size_t n) const
{
    thread_local std::vector<double> xs, rs;
    thread_local const double* in[4];
    xs.assign(n, x);
    in[0] = xs.data();
    in[1] = y;
    in[2] = w;
    if (with_reward_) {
        rs.assign(n, r);
        in[3] = rs.data();
    }
    return in;
}

void ExprRateRule::eval_row(double x, const double* y, const double* w, double r, std::size_t n, const double* theta,
                            double* g, double* dg_dy, double* dg_dw) const
{
    const double* const* in = row_inputs(x, y, w, r, n);
    if (!dg_dy && !dg_dw) {
        tape().eval_batch(in, n, theta, g);
        return;
    }
    double* dx[4] = {nullptr, dg_dy, dg_dw, nullptr};
    rev_.gradient_batch(in, n, theta, g, dx, nullptr);
}

void ExprRateRule::accumulate_vjp(double x, const double* y, const double* w, double r, std::size_t n,
                                  const double* theta, const double* lam, double* grad) const
{
    if (tape().n_params() == 0) return;
    rev_.vjp_batch(row_inputs(x, y, w, r, n), n, theta, lam, nullptr, nullptr, grad);
}

void ExprRateRule::adjoint_row(double x, const double* y, const double* w, double r, std::size_t n,
                               const double* theta, double eta, double* wbar, double* ybar, double* grad) const
{
    // One reverse sweep seeded with wbar: dx gives wbar[k] dg_k/dy and wbar[k] dg_k/dw, dtheta the VJP.
    thread_local std::vector<double> vy, vw;
    vy.resize(n);
    vw.resize(n);
    double* dx[4] = {nullptr, vy.data(), vw.data(), nullptr};
    rev_.vjp_batch(row_inputs(x, y, w, r, n), n, theta, wbar, nullptr, dx, tape().n_params() ? grad : nullptr);
    for (std::size_t k = 0; k < n; ++k) {
        ybar[k] += eta * vy[k];
        wbar[k] += eta * vw[k];
    }
}

} // namespace plast::expr
