#include "plast/toy/explicit_rule.hpp"

#include <cmath>

namespace plast::toy {

Eigen::VectorXd ExplicitRule::drift(const Eigen::VectorXd& w, const Eigen::VectorXd& x, double y_target) const
{
    const ExplicitRuleFamily fam = family(y_target);
    const rules::RuleFamily& rule = fam;
    const std::vector<double> th = params();
    const Eigen::VectorXd y = Eigen::VectorXd::Constant(x.size(), w.dot(x)); // one output: y for every synapse
    const double* in[3] = {x.data(), y.data(), w.data()};
    Eigen::VectorXd g(x.size());
    rule.evaluate(in, static_cast<std::size_t>(x.size()), th.data(), g.data());
    return g;
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
