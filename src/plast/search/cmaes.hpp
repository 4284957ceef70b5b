#pragma once
// CMA-ES with an ask/tell interface (Hansen, "The CMA Evolution Strategy: A Tutorial", 2016, with
// the default strategy parameters of that tutorial: log-linear recombination weights, cumulative
// step-size adaptation, rank-one and rank-mu covariance updates). Ask/tell lets a whole generation
// be simulated in parallel and archived before the update (pagmo2's CMA-ES in Debian 12 has no
// batch evaluation). Bounds are handled by evaluating and recombining the clipped points.
// Sampling uses the stream (seed, "cmaes", generation, k): a run is reproducible, and a resumed
// run replays the same candidates.
#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace plast::search {

class Cmaes {
public:
    Cmaes(const Eigen::VectorXd& mean, double sigma, int population, std::uint64_t seed, double lo = 0.0,
          double hi = 1.0);

    std::vector<Eigen::VectorXd> ask();                  // population points of this generation
    void tell(const std::vector<double>& fitness);       // same order as ask(); lower is better
    int generation() const { return gen_; }
    double sigma() const { return sigma_; }
    const Eigen::VectorXd& mean() const { return m_; }
    int population() const { return lambda_; }

private:
    int n_, lambda_, mu_, gen_ = 0;
    double sigma_, lo_, hi_;
    std::uint64_t seed_;
    Eigen::VectorXd m_, w_, pc_, ps_;
    Eigen::MatrixXd c_, b_;
    Eigen::VectorXd d_;
    double mueff_, cc_, cs_, c1_, cmu_, damps_, chin_;
    std::vector<Eigen::VectorXd> asked_;
};

} // namespace plast::search
