#pragma once
// Restriction estimator of the fSBI round 0 (spec §8.1): a classifier trained on earlier
// simulations that predicts whether a parameter vector gives a valid (not blown-up) simulation,
// used to restrict the prior so few simulations are spent on exploding networks.
// Model: tanh MLP on the prior's unit-cube coordinates, logistic output, trained by Adam on binary
// cross-entropy. The acceptance threshold is the allowed_false_negatives quantile of the predicted
// probability over the valid training examples (fSBI: 0.01), so at most that fraction of known-good
// regions is cut away.
#include "plast/search/dense_net.hpp"
#include "plast/search/prior.hpp"

#include <cstdint>
#include <vector>

namespace plast::search {

class RestrictionClassifier {
public:
    RestrictionClassifier(const BoxPrior& prior, std::uint64_t seed, int hidden = 32);

    // valid[i] = the simulation of theta[i] did not blow up. Returns the training accuracy.
    double fit(const std::vector<std::vector<double>>& theta, const std::vector<bool>& valid,
               double allowed_false_negatives = 0.01, int epochs = 200);
    double probability(const std::vector<double>& theta) const;
    bool accept(const std::vector<double>& theta) const { return probability(theta) >= threshold_; }
    double threshold() const { return threshold_; }
    // Replaces the threshold (e.g. by a quantile over held-out rows, free of the in-sample bias of fit's).
    void set_threshold(double t) { threshold_ = t; }

    // Draw from the prior until `accept` (at most max_tries per sample; then take the prior draw):
    // candidate (round, index) uses prior streams (round, index * max_tries + try).
    std::vector<double> sample(std::uint64_t seed, std::uint64_t round, std::uint64_t index, int max_tries = 1000) const;

private:
    BoxPrior prior_;
    std::uint64_t seed_;
    DenseNet net_;
    double threshold_ = 0.0;
};

} // namespace plast::search
