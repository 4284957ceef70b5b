#include "plast/rules/taylor_rule.hpp"

#include "plast/core/error.hpp"
#include "plast/core/simd.hpp"
#include "plast/io/csv.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace plast::rules {

TaylorRule::TaylorRule(bool with_reward, std::vector<double> mask, bool legacy_index_order)
    : with_reward_(with_reward), legacy_(legacy_index_order), mask_(std::move(mask))
{
    if (mask_.empty()) mask_.assign(size(), 1.0);
    if (mask_.size() != size())
        runtime_error(name(),
                      "mask has " + std::to_string(mask_.size()) + " entries, expected " + std::to_string(size()));
    if (legacy_ && !with_reward_) runtime_error(name(), "legacy_index_order exists only for the 81-term family");
}

std::vector<std::string> TaylorRule::inputs() const
{
    if (with_reward_) return {"x", "y", "w", "r"};
    return {"x", "y", "w"};
}

std::string TaylorRule::term_name(std::size_t k) const
{
    if (with_reward_)
        return "X" + std::to_string(k / 27) + "Y" + std::to_string(k / 9 % 3) + "W" + std::to_string(k / 3 % 3) + "R" +
               std::to_string(k % 3);
    return "X" + std::to_string(k / 9) + "Y" + std::to_string(k / 3 % 3) + "W" + std::to_string(k % 3);
}

std::string TaylorRule::column_name(std::size_t k) const
{
    std::string s = "A_";
    const std::string t = term_name(k);
    for (std::size_t i = 1; i < t.size(); i += 2)
        s += t[i];
    return s;
}

std::string TaylorRule::monomial(std::size_t k) const
{
    const int p[4] = {int(with_reward_ ? k / 27 : k / 9), int(with_reward_ ? k / 9 % 3 : k / 3 % 3),
                      int(with_reward_ ? k / 3 % 3 : k % 3), int(with_reward_ ? k % 3 : 0)};
    const char* v[4] = {"x", "y", "w", "r"};
    std::string s;
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) continue;
        if (!s.empty()) s += "*";
        s += v[i];
        if (p[i] == 2) s += "^2";
    }
    return s.empty() ? "1" : s;
}

std::vector<std::string> TaylorRule::param_names() const
{
    std::vector<std::string> out(size());
    for (std::size_t k = 0; k < size(); ++k)
        out[k] = term_name(k);
    return out;
}

std::size_t TaylorRule::storage_index(std::size_t k) const
{
    if (!legacy_) return k;
    // canonical (a, b, c, d) is stored at legacy position (d, c, b, a)
    const std::size_t a = k / 27, b = k / 9 % 3, c = k / 3 % 3, d = k % 3;
    return 27 * d + 9 * c + 3 * b + a;
}

void TaylorRule::canonical(const double* theta, double* out) const
{
    for (std::size_t k = 0; k < size(); ++k) {
        const std::size_t s = storage_index(k);
        out[k] = theta[s] * mask_[s];
    }
}

std::string TaylorRule::formula(const double* theta, double tol) const
{
    std::vector<double> c(size());
    canonical(theta, c.data());
    std::vector<std::size_t> order(size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto i, auto j) { return std::fabs(c[i]) > std::fabs(c[j]); });
    std::string s;
    for (auto k : order) {
        if (std::fabs(c[k]) <= tol || c[k] == 0.0) continue;
        const double v = c[k];
        if (s.empty())
            s += v < 0 ? "-" : "";
        else
            s += v < 0 ? " - " : " + ";
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4g", std::fabs(v));
        s += buf;
        if (monomial(k) != "1") s += "*" + monomial(k);
    }
    return s.empty() ? "0" : s;
}

void TaylorRule::collapse(double x, double r, const double* theta, double* cc) const
{
    double th[81];
    canonical(theta, th);
    // Collapse over the row constants x and r: c[b][c] = sum_{a,d} theta_abcd x^a r^d (9 coefficients).
    const double xp[3] = {1.0, x, x * x};
    const double rp[3] = {1.0, r, r * r};
    for (int bc = 0; bc < 9; ++bc)
        cc[bc] = 0.0;
    for (int a = 0; a < 3; ++a)
        for (int bc = 0; bc < 9; ++bc) {
            if (with_reward_) {
                const double* t = th + 27 * a + 3 * bc;
                cc[bc] += xp[a] * (t[0] + rp[1] * t[1] + rp[2] * t[2]);
            } else {
                cc[bc] += xp[a] * th[9 * a + bc];
            }
        }
}

void TaylorRule::scatter_grad(double x, double r, const double* G, double* grad) const
{
    // d/d theta_abcd = x^a r^d G[b][c] (times the mask)
    const double xp[3] = {1.0, x, x * x};
    const double rp[3] = {1.0, r, r * r};
    for (int a = 0; a < 3; ++a)
        for (int bc = 0; bc < 9; ++bc) {
            if (with_reward_) {
                for (int d = 0; d < 3; ++d) {
                    const std::size_t s = storage_index(static_cast<std::size_t>(27 * a + 3 * bc + d));
                    grad[s] += mask_[s] * xp[a] * rp[d] * G[bc];
                }
            } else {
                const std::size_t s = static_cast<std::size_t>(9 * a + bc);
                grad[s] += mask_[s] * xp[a] * G[bc];
            }
        }
}

namespace {
// G[b][c] = sum_k lam_k y_k^b w_k^c, accumulated in four interleaved sets (k mod 4) to shorten the
// dependency chains and fill a vector register; the summation order is fixed, so results are
// reproducible and identical for both clones.
PLAST_SIMD_CLONES void accumulate_G(const double* __restrict y, const double* __restrict w, const double* __restrict lam,
                                    std::size_t n, double* out)
{
    constexpr std::size_t L = 4;
    alignas(32) double G[9][L] = {};
    std::size_t k = 0;
    for (; k + L <= n; k += L)
        for (std::size_t v = 0; v < L; ++v) {
            const double l = lam[k + v], yk = y[k + v], wk = w[k + v];
            const double l1 = l * yk, l2 = l1 * yk, w2 = wk * wk;
            G[0][v] += l, G[1][v] += l * wk, G[2][v] += l * w2;
            G[3][v] += l1, G[4][v] += l1 * wk, G[5][v] += l1 * w2;
            G[6][v] += l2, G[7][v] += l2 * wk, G[8][v] += l2 * w2;
        }
    for (std::size_t v = 0; k < n; ++k, ++v) {
        const double l = lam[k], yk = y[k], wk = w[k];
        const double l1 = l * yk, l2 = l1 * yk, w2 = wk * wk;
        G[0][v] += l, G[1][v] += l * wk, G[2][v] += l * w2;
        G[3][v] += l1, G[4][v] += l1 * wk, G[5][v] += l1 * w2;
        G[6][v] += l2, G[7][v] += l2 * wk, G[8][v] += l2 * w2;
    }
    for (int i = 0; i < 9; ++i)
        out[i] = (G[i][0] + G[i][1]) + (G[i][2] + G[i][3]);
}

// g = q0 + y (q1 + y q2) with q_b(w) = c_b0 + c_b1 w + c_b2 w^2 (the rule collapsed at x, r).
PLAST_SIMD_CLONES void eval_g(const double* __restrict cc, const double* __restrict y, const double* __restrict w,
                              std::size_t n, double* __restrict g)
{
    const double c0 = cc[0], c1 = cc[1], c2 = cc[2], c3 = cc[3], c4 = cc[4], c5 = cc[5], c6 = cc[6], c7 = cc[7],
                 c8 = cc[8];
    for (std::size_t k = 0; k < n; ++k) {
        const double yk = y[k], wk = w[k];
        const double q0 = c0 + wk * (c1 + wk * c2);
        const double q1 = c3 + wk * (c4 + wk * c5);
        const double q2 = c6 + wk * (c7 + wk * c8);
        g[k] = q0 + yk * (q1 + yk * q2);
    }
}

// Partials dg/dy, dg/dw applied to the adjoint: ybar += eta lam dg/dy, wbar = lam (1 + eta dg/dw).
PLAST_SIMD_CLONES void adjoint_partials(const double* __restrict cc, const double* __restrict y,
                                        const double* __restrict w, std::size_t n, double eta, double* __restrict wbar,
                                        double* __restrict ybar)
{
    const double c1 = cc[1], c2 = cc[2], c3 = cc[3], c4 = cc[4], c5 = cc[5], c6 = cc[6], c7 = cc[7], c8 = cc[8];
    for (std::size_t k = 0; k < n; ++k) {
        const double yk = y[k], wk = w[k], l = wbar[k];
        const double q1 = c3 + wk * (c4 + wk * c5);
        const double q2 = c6 + wk * (c7 + wk * c8);
        const double d0 = c1 + 2.0 * wk * c2;
        const double d1 = c4 + 2.0 * wk * c5;
        const double d2 = c7 + 2.0 * wk * c8;
        ybar[k] += eta * l * (q1 + 2.0 * yk * q2);
        wbar[k] = l + eta * l * (d0 + yk * (d1 + yk * d2));
    }
}
} // namespace

void TaylorRule::eval_row(double x, const double* __restrict y, const double* __restrict w, double r, std::size_t n,
                          const double* theta, double* __restrict g, double* __restrict dg_dy,
                          double* __restrict dg_dw) const
{
    double cc[9];
    collapse(x, r, theta, cc);
    eval_g(cc, y, w, n, g);
    if (dg_dy)
        for (std::size_t k = 0; k < n; ++k) {
            const double yk = y[k], wk = w[k];
            const double q1 = cc[3] + wk * (cc[4] + wk * cc[5]);
            const double q2 = cc[6] + wk * (cc[7] + wk * cc[8]);
            dg_dy[k] = q1 + 2.0 * yk * q2;
        }
    if (dg_dw)
        for (std::size_t k = 0; k < n; ++k) {
            const double yk = y[k], wk = w[k];
            const double d0 = cc[1] + 2.0 * wk * cc[2];
            const double d1 = cc[4] + 2.0 * wk * cc[5];
            const double d2 = cc[7] + 2.0 * wk * cc[8];
            dg_dw[k] = d0 + yk * (d1 + yk * d2);
        }
}


void TaylorRule::accumulate_vjp(double x, const double* y, const double* w, double r, std::size_t n, const double*,
                                const double* lam, double* grad) const
{
    double G[9];
    accumulate_G(y, w, lam, n, G);
    scatter_grad(x, r, G, grad);
}

void TaylorRule::adjoint_row(double x, const double* __restrict y, const double* __restrict w, double r, std::size_t n,
                             const double* theta, double eta, double* __restrict wbar, double* __restrict ybar,
                             double* grad) const
{
    double cc[9], G[9];
    collapse(x, r, theta, cc);
    // Pass 1 (scalar reduction, fixed order): G[b][c] = sum_k lam_k y^b w^c with lam = dL/dW'.
    accumulate_G(y, w, wbar, n, G);
    scatter_grad(x, r, G, grad);
    // Pass 2 (vectorised): the partials dg/dy, dg/dw.
    adjoint_partials(cc, y, w, n, eta, wbar, ybar);
}

} // namespace plast::rules
