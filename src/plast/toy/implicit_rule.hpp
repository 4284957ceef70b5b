#pragma once
// Implicit (Mahalanobis) toy rule of "Memory by accident" (A.4).
//
// Only fixed points are modelled: on input x the weights jump to the point of W*_x = {w : w·x = y*}
// closest to w in the metric M = Sigma^-1 (symmetric positive semi-definite):
//     w_final = argmin_{w'·x = y*} (w' - w)^T M (w' - w) = w + Sigma·x·(y* - w·x)/(x^T Sigma x)
// M = identity is the orthogonal projection and gives the same fixed points as the explicit rule
// with theta0 = 0, theta1 = -1. In 2-D, M = [[a, b], [b, c]] with a >= 0 and ac - b^2 >= 0.
// When M is singular but PSD, a direction d with d^T M d = 0 costs nothing: if d·x != 0 the jump is
// along d (the minimum is not unique in general; plast takes the null direction of least norm
// change). When M is not PSD the problem has no minimum: the rule is at or past the edge of
// stability and is labelled unstable.
#include <Eigen/Core>

#include <optional>

namespace plast::toy {

class ImplicitRule {
public:
    explicit ImplicitRule(const Eigen::MatrixXd& sigma_inv);
    static ImplicitRule from_abc(double a, double b, double c);

    bool positive_semidefinite() const { return psd_; }
    double min_eigenvalue() const { return min_eig_; }
    // Jump to W*_x; empty when the metric is not PSD or x lies in a degenerate direction.
    std::optional<Eigen::VectorXd> jump(const Eigen::VectorXd& w, const Eigen::VectorXd& x, double y_target) const;
    const Eigen::MatrixXd& sigma_inv() const { return m_; }

private:
    Eigen::MatrixXd m_;
    Eigen::MatrixXd eigvec_;
    Eigen::VectorXd eigval_;
    bool psd_ = false;
    double min_eig_ = 0.0;
};

} // namespace plast::toy
