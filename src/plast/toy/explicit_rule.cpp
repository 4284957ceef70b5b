#include "plast/toy/explicit_rule.hpp"

#include <cmath>

namespace plast::toy {

Eigen::VectorXd ExplicitRule::drift(const Eigen::VectorXd& w, const Eigen::VectorXd& x, double y_target) const
{
    const double y = w.dot(x);
    // theta0·y + theta1·x_i·y + theta2·x_i + theta3, written so that the reduced family is exactly
    // u·(y - y*) (no cancellation between large terms).
    if (reduced) return (theta0 + theta1 * x.array()).matrix() * (y - y_target);
    return ((theta0 * y + theta3) + (theta1 * y + theta2) * x.array()).matrix();
}

bool ExplicitRule::stable_for_all_inputs(int n_inputs) const
{
    return theta0 + theta1 < 0.0 && std::sqrt(static_cast<double>(n_inputs)) * theta0 + theta1 < 0.0;
}

Eigen::VectorXd ExplicitRule::fixed_point(const Eigen::VectorXd& w, const Eigen::VectorXd& x, double y_target) const
{
    const Eigen::VectorXd u = (theta0 + theta1 * x.array()).matrix();
    return w + u * (y_target - w.dot(x)) / u.dot(x);
}

} // namespace plast::toy
