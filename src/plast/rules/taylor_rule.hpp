#pragma once
// Taylor (polynomial) rule family of Mehta et al. (NeurIPS 2024), spec gradient-inference.md §2.1, §2.3.
//
//   g_theta(x, y, w, r) = sum_{a,b,c,d in {0,1,2}} theta_abcd * x^a * y^b * w^c * r^d      (81 coefficients)
//   g_theta(x, y, w)    = sum_{a,b,c in {0,1,2}}   theta_abc  * x^a * y^b * w^c            (27 coefficients)
//
// Canonical index order (binding): theta_abcd multiplies x^a y^b w^c r^d, flat index
// k = 27a + 9b + 3c + d (a slowest, d fastest); 3-variable: k = 9a + 3b + c. Parameter names are
// X{a}Y{b}W{c}R{d} (X{a}Y{b}W{c}); CSV columns A_abcd. Oja's rule is theta_110 = 1, theta_021 = -1.
//
// mask: 0/1 per coefficient (default all ones); masked terms are inactive and get zero gradient.
// legacy_index_order (4-variable only): reproduces the reference code's transposition, where the
// entry named X{i}Y{j}W{k}R{l} multiplies r^i w^j y^k x^l (canonical theta_abcd = legacy[d][c][b][a]).
// For parity tests against the Python reference only.
#include "plast/rules/differentiable_rule.hpp"

#include <string>
#include <vector>

namespace plast::rules {

class TaylorRule : public DifferentiableRule {
  public:
    // with_reward: 81 terms in (x, y, w, r); otherwise 27 terms in (x, y, w).
    explicit TaylorRule(bool with_reward, std::vector<double> mask = {}, bool legacy_index_order = false);

    std::string name() const override { return with_reward_ ? "taylor81" : "taylor27"; }
    std::vector<std::string> inputs() const override;
    std::vector<std::string> param_names() const override;
    std::string formula(const double* theta, double tol = 0.0) const override;

    void eval_row(double x, const double* y, const double* w, double r, std::size_t n, const double* theta, double* g,
                  double* dg_dy, double* dg_dw) const override;
    void accumulate_vjp(double x, const double* y, const double* w, double r, std::size_t n, const double* theta,
                        const double* lam, double* grad) const override;
    void adjoint_row(double x, const double* y, const double* w, double r, std::size_t n, const double* theta,
                     double eta, double* wbar, double* ybar, double* grad) const override;
    bool uses_reward() const override { return with_reward_; }
    std::vector<double> param_mask() const override { return mask_; }
    bool regularised() const override { return true; }

    std::size_t size() const { return with_reward_ ? 81 : 27; }
    bool legacy_index_order() const { return legacy_; }
    // Flat index of x^a y^b w^c r^d in canonical order (d ignored for 27 terms).
    std::size_t index(int a, int b, int c, int d = 0) const
    {
        return with_reward_ ? 27 * a + 9 * b + 3 * c + d : 9 * a + 3 * b + c;
    }
    // Canonical name X{a}Y{b}W{c}R{d} of parameter k, and the CSV column name A_abcd.
    std::string term_name(std::size_t k) const;
    std::string column_name(std::size_t k) const;
    // Human-readable monomial, e.g. "x*y^2*w" ("1" for the bias).
    std::string monomial(std::size_t k) const;

  private:
    // Canonical-order coefficients with the mask applied (and the legacy permutation undone).
    void canonical(const double* theta, double* out) const;
    // c[b*3+c] = sum_{a,d} theta_abcd x^a r^d (masked, canonical)
    void collapse(double x, double r, const double* theta, double* cc) const;
    void scatter_grad(double x, double r, const double* G, double* grad) const;
    std::size_t storage_index(std::size_t canonical_k) const;
    bool with_reward_;
    bool legacy_;
    std::vector<double> mask_;
};

} // namespace plast::rules
