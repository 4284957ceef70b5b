#include "plast/toy/implicit_rule.hpp"

#include <Eigen/Eigenvalues>

#include <cmath>

namespace plast::toy {

ImplicitRule::ImplicitRule(const Eigen::MatrixXd& sigma_inv) : m_(0.5 * (sigma_inv + sigma_inv.transpose()))
{
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(m_);
    eigval_ = es.eigenvalues();
    eigvec_ = es.eigenvectors();
    min_eig_ = eigval_.minCoeff();
    const double scale = std::max(1.0, eigval_.cwiseAbs().maxCoeff());
    psd_ = min_eig_ >= -1e-12 * scale;
}

ImplicitRule ImplicitRule::from_abc(double a, double b, double c)
{
    Eigen::MatrixXd m(2, 2);
    m << a, b, b, c;
    return ImplicitRule(m);
}

std::optional<Eigen::VectorXd> ImplicitRule::jump(const Eigen::VectorXd& w, const Eigen::VectorXd& x,
                                                  double y_target) const
{
    if (!psd_) return std::nullopt;
    const double e = y_target - w.dot(x);
    const double scale = std::max(1.0, eigval_.cwiseAbs().maxCoeff());
    const double tol = 1e-10 * scale;
    // Null directions of M with a component along x move w onto W*_x at zero cost.
    for (Eigen::Index k = 0; k < eigval_.size(); ++k) {
        if (eigval_(k) <= tol) {
            const Eigen::VectorXd d = eigvec_.col(k);
            const double dx = d.dot(x);
            if (std::fabs(dx) > 1e-12) return Eigen::VectorXd(w + d * (e / dx));
        }
    }
    // Otherwise Sigma·x is the solution of M z = x restricted to the range of M.
    Eigen::VectorXd sx = Eigen::VectorXd::Zero(x.size());
    for (Eigen::Index k = 0; k < eigval_.size(); ++k)
        if (eigval_(k) > tol) sx += eigvec_.col(k) * (eigvec_.col(k).dot(x) / eigval_(k));
    const double denom = x.dot(sx);
    if (!(std::fabs(denom) > 1e-300)) return std::nullopt;
    return Eigen::VectorXd(w + sx * (e / denom));
}

} // namespace plast::toy
