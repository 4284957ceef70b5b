#include "plast/search/perturbation_kernel.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"

#include <algorithm>
#include <cmath>

namespace plast::search {

PerturbationKernel::PerturbationKernel(const BoxPrior& prior, const std::vector<std::vector<double>>& particles, double scale)
    : prior_(prior), scale_(scale)
{
    const auto d = static_cast<Eigen::Index>(prior.dim());
    const auto n = static_cast<Eigen::Index>(particles.size());
    if (n < 2) runtime_error("perturbation kernel", "needs at least 2 particles, got " + std::to_string(n));
    if (!(scale > 0)) runtime_error("perturbation kernel", "scale must be > 0");
    z_.resize(d, n);
    for (Eigen::Index j = 0; j < n; ++j) {
        const auto z = prior.to_logit(particles[static_cast<std::size_t>(j)]);
        for (Eigen::Index k = 0; k < d; ++k) z_(k, j) = z[static_cast<std::size_t>(k)];
    }
    const Eigen::VectorXd mean = z_.rowwise().mean();
    const Eigen::MatrixXd c = z_.colwise() - mean;
    Eigen::MatrixXd cov = (c * c.transpose()) / static_cast<double>(n - 1);
    // With fewer particles than parameters the covariance is singular: a ridge of 1e-3 of the mean variance
    // (and an absolute floor) keeps the factor defined without changing the directions the particles span.
    const double ridge = std::max(1e-3 * cov.diagonal().mean(), 1e-9);
    cov.diagonal().array() += ridge;
    Eigen::LLT<Eigen::MatrixXd> llt(scale * cov);
    if (llt.info() != Eigen::Success) runtime_error("perturbation kernel", "the particles' covariance is not positive definite");
    chol_ = llt.matrixL();
}

std::vector<double> PerturbationKernel::sample(std::uint64_t seed, std::uint64_t round, std::uint64_t index,
                                               std::size_t* particle) const
{
    rng::Stream s(seed, "screen_perturb", round, index);
    const auto j = static_cast<Eigen::Index>(s.below(static_cast<std::uint64_t>(z_.cols())));
    if (particle) *particle = static_cast<std::size_t>(j);
    Eigen::VectorXd e(z_.rows());
    for (Eigen::Index k = 0; k < e.size(); ++k) e(k) = s.normal();
    const Eigen::VectorXd z = z_.col(j) + chol_ * e;
    return prior_.from_logit(std::vector<double>(z.data(), z.data() + z.size()));
}

nlohmann::json PerturbationKernel::info() const
{
    const Eigen::VectorXd sd = (chol_ * chol_.transpose()).diagonal().cwiseSqrt();
    return {{"particles", z_.cols()}, {"kernel_scale", scale_}, {"mean_step_sd_logit", sd.mean()}};
}

} // namespace plast::search
