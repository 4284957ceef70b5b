#pragma once
// Perturbation kernel of a population Monte Carlo / ABC-SMC move (Beaumont et al. 2009, Biometrika 96:983):
// a new candidate is a particle (an earlier rule that passed, e.g. every plausible rule of the rounds so far)
// chosen uniformly, moved by a Gaussian step whose covariance is `scale` times the empirical covariance of the
// particles (scale 2 is the choice that minimises the Kullback-Leibler loss of the move for a Gaussian target,
// Beaumont et al.). The step is taken in the logit of the prior's unit cube (log-scale parameters in log space),
// the space the conditional density uses, so every draw lies inside the prior box.
//
// Draw (round r, index i, try t) comes from the stream (seed, "screen_perturb", r, i, t), so a candidate is the
// same whatever the thread count, MPI rank or resume point.
#include "plast/search/prior.hpp"

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace plast::search {

class PerturbationKernel {
public:
    // `particles`: parameter vectors inside the prior box (at least 2). `scale` > 0 multiplies the covariance.
    PerturbationKernel(const BoxPrior& prior, const std::vector<std::vector<double>>& particles, double scale);

    // `particle`, when given, receives the index of the particle the draw was moved from.
    std::vector<double> sample(std::uint64_t seed, std::uint64_t round, std::uint64_t index,
                               std::size_t* particle = nullptr) const;

    std::size_t particles() const { return static_cast<std::size_t>(z_.cols()); }
    // Particles, scale, and the mean per-parameter step SD in the logit space (for the round's proposal_info).
    nlohmann::json info() const;

private:
    BoxPrior prior_;
    Eigen::MatrixXd z_;    // particles in logit space, one per column
    Eigen::MatrixXd chol_; // lower Cholesky factor of scale * covariance (+ a small ridge)
    double scale_;
};

} // namespace plast::search
