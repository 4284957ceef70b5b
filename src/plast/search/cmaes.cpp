#include "plast/search/cmaes.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace plast::search {

Cmaes::Cmaes(const Eigen::VectorXd& mean, double sigma, int population, std::uint64_t seed, double lo, double hi)
    : n_(static_cast<int>(mean.size())), lambda_(population), mu_(population / 2), sigma_(sigma), lo_(lo), hi_(hi),
      seed_(seed), m_(mean)
{
    if (lambda_ < 2 || n_ < 1) runtime_error("cmaes", "needs a population >= 2 and at least one parameter");
    w_.resize(mu_);
    for (int i = 0; i < mu_; ++i) w_(i) = std::log(mu_ + 0.5) - std::log(i + 1.0);
    w_ /= w_.sum();
    mueff_ = 1.0 / w_.squaredNorm();
    const double n = n_;
    cc_ = (4 + mueff_ / n) / (n + 4 + 2 * mueff_ / n);
    cs_ = (mueff_ + 2) / (n + mueff_ + 5);
    c1_ = 2 / ((n + 1.3) * (n + 1.3) + mueff_);
    cmu_ = std::min(1 - c1_, 2 * (mueff_ - 2 + 1 / mueff_) / ((n + 2) * (n + 2) + mueff_));
    damps_ = 1 + 2 * std::max(0.0, std::sqrt((mueff_ - 1) / (n + 1)) - 1) + cs_;
    chin_ = std::sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    pc_ = Eigen::VectorXd::Zero(n_);
    ps_ = Eigen::VectorXd::Zero(n_);
    c_ = Eigen::MatrixXd::Identity(n_, n_);
    b_ = Eigen::MatrixXd::Identity(n_, n_);
    d_ = Eigen::VectorXd::Ones(n_);
}

std::vector<Eigen::VectorXd> Cmaes::ask()
{
    asked_.clear();
    for (int k = 0; k < lambda_; ++k) {
        rng::Stream r(seed_, "cmaes", static_cast<std::uint64_t>(gen_), static_cast<std::uint64_t>(k));
        Eigen::VectorXd z(n_);
        for (int i = 0; i < n_; ++i) z(i) = r.normal();
        Eigen::VectorXd x = m_ + sigma_ * (b_ * (d_.cwiseProduct(z)));
        asked_.push_back(x.cwiseMax(lo_).cwiseMin(hi_));
    }
    return asked_;
}

void Cmaes::tell(const std::vector<double>& fitness)
{
    if (fitness.size() != static_cast<std::size_t>(lambda_)) runtime_error("cmaes", "tell() needs one fitness per point");
    std::vector<int> order(static_cast<std::size_t>(lambda_));
    std::iota(order.begin(), order.end(), 0);
    // NaN fitness ranks last; ties keep the order of ask() (stable sort): deterministic.
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        const double fa = fitness[static_cast<std::size_t>(a)], fb = fitness[static_cast<std::size_t>(b)];
        if (std::isnan(fa)) return false;
        if (std::isnan(fb)) return true;
        return fa < fb;
    });
    const Eigen::VectorXd old = m_;
    m_.setZero();
    for (int i = 0; i < mu_; ++i) m_ += w_(i) * asked_[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])];
    const Eigen::VectorXd yw = (m_ - old) / sigma_;
    const Eigen::MatrixXd cinvsqrt = b_ * d_.cwiseInverse().asDiagonal() * b_.transpose();
    ps_ = (1 - cs_) * ps_ + std::sqrt(cs_ * (2 - cs_) * mueff_) * (cinvsqrt * yw);
    const double norm_ps = ps_.norm();
    const bool hsig = norm_ps / std::sqrt(1 - std::pow(1 - cs_, 2.0 * (gen_ + 1))) < (1.4 + 2.0 / (n_ + 1)) * chin_;
    pc_ = (1 - cc_) * pc_ + (hsig ? std::sqrt(cc_ * (2 - cc_) * mueff_) : 0.0) * yw;
    Eigen::MatrixXd rank_mu = Eigen::MatrixXd::Zero(n_, n_);
    for (int i = 0; i < mu_; ++i) {
        const Eigen::VectorXd y = (asked_[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] - old) / sigma_;
        rank_mu += w_(i) * y * y.transpose();
    }
    c_ = (1 - c1_ - cmu_) * c_ + c1_ * (pc_ * pc_.transpose() + (hsig ? 0.0 : cc_ * (2 - cc_)) * c_) + cmu_ * rank_mu;
    sigma_ *= std::exp((cs_ / damps_) * (norm_ps / chin_ - 1));
    // Eigendecomposition for the next generation (symmetrised against round-off).
    c_ = 0.5 * (c_ + c_.transpose());
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(c_);
    b_ = es.eigenvectors();
    d_ = es.eigenvalues().cwiseMax(1e-20).cwiseSqrt();
    ++gen_;
}

} // namespace plast::search
