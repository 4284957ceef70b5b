#pragma once
// Conditional density estimator p(theta | x) for the sequential screening rounds: a mixture
// density network (Bishop 1994) — a tanh MLP maps standardised metrics x to the weights, means and
// diagonal scales of K Gaussians over z = logit(u), where u is theta mapped to the prior's unit cube.
// The logit map keeps every sample inside the prior box (the fSBI code rejects out-of-box samples
// of a normalising flow instead; both give a density supported on the box).
// Trained by Adam on the negative log-likelihood with a 10 % validation split and early stopping;
// training and sampling are deterministic given the seed.
#include "plast/search/dense_net.hpp"
#include "plast/search/prior.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace plast::search {

struct MixtureDensityOptions {
    int components = 5;
    int hidden = 64;
    int max_epochs = 300;
    int batch = 128;
    double learning_rate = 2e-3;
    int patience = 30;
};

class MixtureDensity {
public:
    MixtureDensity(const BoxPrior& prior, int n_conditions, MixtureDensityOptions opt, std::uint64_t seed);

    // theta: rows = samples (prior dimension); x: rows = samples (n_conditions). Returns the best
    // validation negative log-likelihood per sample (in z space).
    double fit(const std::vector<std::vector<double>>& theta, const std::vector<std::vector<double>>& x);
    // n samples of theta given condition x (in the prior box).
    std::vector<std::vector<double>> sample(const std::vector<double>& x, std::size_t n, std::uint64_t stream_index) const;
    // log p(z(theta) | x) in z space (for tests and diagnostics).
    double log_density_z(const std::vector<double>& theta, const std::vector<double>& x) const;

private:
    // Mixture parameters for a batch of standardised conditions (columns).
    void mixture(const Eigen::MatrixXd& xs, Eigen::MatrixXd& logpi, Eigen::MatrixXd& mu, Eigen::MatrixXd& logsig) const;
    Eigen::VectorXd to_z(const std::vector<double>& theta) const;
    BoxPrior prior_;
    int d_, m_;
    MixtureDensityOptions opt_;
    std::uint64_t seed_;
    DenseNet net_;
    Eigen::VectorXd x_mean_, x_std_, z_mean_, z_std_;
};

} // namespace plast::search
