#include "plast/search/restriction_classifier.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace plast::search {

RestrictionClassifier::RestrictionClassifier(const BoxPrior& prior, std::uint64_t seed, int hidden)
    : prior_(prior), seed_(seed), net_({static_cast<int>(prior.dim()), hidden, hidden, 1}, seed, 1)
{
}

static Eigen::MatrixXd unit_matrix(const BoxPrior& prior, const std::vector<std::vector<double>>& theta)
{
    Eigen::MatrixXd u(static_cast<Eigen::Index>(prior.dim()), static_cast<Eigen::Index>(theta.size()));
    for (std::size_t i = 0; i < theta.size(); ++i) {
        const auto v = prior.to_unit(theta[i]);
        for (std::size_t j = 0; j < v.size(); ++j) u(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)) = 2.0 * v[j] - 1.0;
    }
    return u;
}

double RestrictionClassifier::fit(const std::vector<std::vector<double>>& theta, const std::vector<bool>& valid,
                                  double allowed_false_negatives, int epochs)
{
    const std::size_t n = theta.size();
    if (n == 0 || valid.size() != n) runtime_error("restriction classifier", "no training data");
    const Eigen::MatrixXd u = unit_matrix(prior_, theta);
    // Class weights balance rare classes (most prior samples may explode).
    const double n_pos = static_cast<double>(std::count(valid.begin(), valid.end(), true));
    const double n_neg = static_cast<double>(n) - n_pos;
    const double w_pos = n_pos > 0 ? 0.5 * static_cast<double>(n) / n_pos : 0.0;
    const double w_neg = n_neg > 0 ? 0.5 * static_cast<double>(n) / n_neg : 0.0;
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    const std::size_t batch = 128;
    for (int e = 0; e < epochs; ++e) {
        rng::Stream r(seed_, "classifier_shuffle", static_cast<std::uint64_t>(e));
        for (std::size_t i = n; i > 1; --i) std::swap(idx[i - 1], idx[r.below(i)]);
        for (std::size_t s = 0; s < n; s += batch) {
            const std::size_t m = std::min(batch, n - s);
            Eigen::MatrixXd xb(u.rows(), static_cast<Eigen::Index>(m));
            for (std::size_t i = 0; i < m; ++i) xb.col(static_cast<Eigen::Index>(i)) = u.col(static_cast<Eigen::Index>(idx[s + i]));
            const Eigen::MatrixXd out = net_.forward(xb);
            Eigen::MatrixXd d(1, static_cast<Eigen::Index>(m));
            for (std::size_t i = 0; i < m; ++i) {
                const double p = 1.0 / (1.0 + std::exp(-out(0, static_cast<Eigen::Index>(i))));
                const bool y = valid[idx[s + i]];
                d(0, static_cast<Eigen::Index>(i)) = (p - (y ? 1.0 : 0.0)) * (y ? w_pos : w_neg) / static_cast<double>(m);
            }
            net_.backward(d);
            net_.adam_step(3e-3);
        }
    }
    const Eigen::MatrixXd out = net_.forward(u);
    std::vector<double> p_pos;
    std::size_t correct = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double p = 1.0 / (1.0 + std::exp(-out(0, static_cast<Eigen::Index>(i))));
        if (valid[i]) p_pos.push_back(p);
        correct += (p >= 0.5) == valid[i];
    }
    std::sort(p_pos.begin(), p_pos.end());
    threshold_ = p_pos.empty() ? 0.0 : p_pos[static_cast<std::size_t>(std::floor(allowed_false_negatives * static_cast<double>(p_pos.size())))];
    return static_cast<double>(correct) / static_cast<double>(n);
}

double RestrictionClassifier::probability(const std::vector<double>& theta) const
{
    const Eigen::MatrixXd out = net_.predict(unit_matrix(prior_, {theta}));
    return 1.0 / (1.0 + std::exp(-out(0, 0)));
}

std::vector<double> RestrictionClassifier::sample(std::uint64_t seed, std::uint64_t round, std::uint64_t index,
                                                  int max_tries) const
{
    std::vector<double> t;
    for (int k = 0; k < max_tries; ++k) {
        t = prior_.sample(seed, round, index * static_cast<std::uint64_t>(max_tries) + static_cast<std::uint64_t>(k));
        if (accept(t)) return t;
    }
    return t;
}

} // namespace plast::search
