#include "plast/search/mixture_density.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

namespace plast::search {

namespace {
constexpr double ls_min = -7.0, ls_max = 5.0;

double logsumexp(const Eigen::VectorXd& v)
{
    const double m = v.maxCoeff();
    return m + std::log((v.array() - m).exp().sum());
}

std::vector<std::size_t> shuffled(std::size_t n, std::uint64_t seed, const char* purpose, std::uint64_t k)
{
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    rng::Stream r(seed, purpose, k);
    for (std::size_t i = n; i > 1; --i) std::swap(idx[i - 1], idx[r.below(i)]);
    return idx;
}
} // namespace

MixtureDensity::MixtureDensity(const BoxPrior& prior, int n_conditions, MixtureDensityOptions opt, std::uint64_t seed)
    : prior_(prior), d_(static_cast<int>(prior.dim())), m_(n_conditions), opt_(opt), seed_(seed),
      net_({n_conditions, opt.hidden, opt.hidden, opt.components * (1 + 2 * static_cast<int>(prior.dim()))}, seed, 0)
{
}

Eigen::VectorXd MixtureDensity::to_z(const std::vector<double>& theta) const
{
    const auto l = prior_.to_logit(theta);
    return Eigen::Map<const Eigen::VectorXd>(l.data(), d_);
}

void MixtureDensity::mixture(const Eigen::MatrixXd& xs, Eigen::MatrixXd& logpi, Eigen::MatrixXd& mu,
                             Eigen::MatrixXd& logsig) const
{
    const int k = opt_.components;
    const Eigen::MatrixXd out = net_.predict(xs);
    logpi = out.topRows(k);
    for (Eigen::Index b = 0; b < out.cols(); ++b) logpi.col(b).array() -= logsumexp(logpi.col(b));
    mu = out.middleRows(k, k * d_);
    logsig = out.bottomRows(k * d_).cwiseMax(ls_min).cwiseMin(ls_max);
}

double MixtureDensity::fit(const std::vector<std::vector<double>>& theta, const std::vector<std::vector<double>>& x)
{
    const std::size_t n = theta.size();
    if (n < 10 || x.size() != n) runtime_error("density estimator", "needs at least 10 (theta, x) pairs");
    Eigen::MatrixXd Z(d_, static_cast<Eigen::Index>(n)), X(m_, static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i) {
        Z.col(static_cast<Eigen::Index>(i)) = to_z(theta[i]);
        for (int j = 0; j < m_; ++j) X(j, static_cast<Eigen::Index>(i)) = x[i][static_cast<std::size_t>(j)];
    }
    auto standardise = [](Eigen::MatrixXd& a, Eigen::VectorXd& mean, Eigen::VectorXd& sd) {
        mean = a.rowwise().mean();
        sd = ((a.colwise() - mean).array().square().rowwise().mean()).sqrt();
        for (Eigen::Index i = 0; i < sd.size(); ++i)
            if (!(sd(i) > 1e-12)) sd(i) = 1.0;
        a = (a.colwise() - mean).array().colwise() / sd.array();
    };
    standardise(Z, z_mean_, z_std_);
    standardise(X, x_mean_, x_std_);

    const auto order = shuffled(n, seed_, "mdn_split", 0);
    const std::size_t n_val = std::max<std::size_t>(1, n / 10);
    const std::vector<std::size_t> val(order.begin(), order.begin() + static_cast<long>(n_val));
    const std::vector<std::size_t> train(order.begin() + static_cast<long>(n_val), order.end());
    const int k = opt_.components;
    const double log2pi = std::log(2.0 * std::numbers::pi);

    // Negative log-likelihood of a batch and (optionally) its gradient w.r.t. the network outputs.
    auto batch_loss = [&](const std::vector<std::size_t>& idx, bool grad) {
        Eigen::MatrixXd xb(m_, static_cast<Eigen::Index>(idx.size())), zb(d_, static_cast<Eigen::Index>(idx.size()));
        for (std::size_t i = 0; i < idx.size(); ++i) {
            xb.col(static_cast<Eigen::Index>(i)) = X.col(static_cast<Eigen::Index>(idx[i]));
            zb.col(static_cast<Eigen::Index>(i)) = Z.col(static_cast<Eigen::Index>(idx[i]));
        }
        const Eigen::MatrixXd out = net_.forward(xb);
        Eigen::MatrixXd dout = Eigen::MatrixXd::Zero(out.rows(), out.cols());
        double total = 0.0;
        for (Eigen::Index b = 0; b < out.cols(); ++b) {
            Eigen::VectorXd a = out.col(b).head(k);
            const double lse_a = logsumexp(a);
            Eigen::VectorXd logp(k);
            for (int c = 0; c < k; ++c) {
                double lp = a(c) - lse_a - 0.5 * d_ * log2pi;
                for (int j = 0; j < d_; ++j) {
                    const double ls = std::clamp(out(k + k * d_ + c * d_ + j, b), ls_min, ls_max);
                    const double e = (zb(j, b) - out(k + c * d_ + j, b)) * std::exp(-ls);
                    lp += -0.5 * e * e - ls;
                }
                logp(c) = lp;
            }
            const double l = -logsumexp(logp);
            total += l;
            if (!grad) continue;
            for (int c = 0; c < k; ++c) {
                const double r = std::exp(logp(c) + l);
                dout(c, b) = std::exp(a(c) - lse_a) - r;
                for (int j = 0; j < d_; ++j) {
                    const double raw = out(k + k * d_ + c * d_ + j, b);
                    const double ls = std::clamp(raw, ls_min, ls_max);
                    const double inv = std::exp(-ls);
                    const double e = (zb(j, b) - out(k + c * d_ + j, b)) * inv;
                    dout(k + c * d_ + j, b) = -r * e * inv;
                    dout(k + k * d_ + c * d_ + j, b) = (raw > ls_min && raw < ls_max) ? r * (1.0 - e * e) : 0.0;
                }
            }
        }
        if (grad) net_.backward(dout / static_cast<double>(idx.size()));
        return total / static_cast<double>(idx.size());
    };

    double best = std::numeric_limits<double>::infinity();
    std::vector<double> best_params = net_.get_params();
    int since_best = 0;
    for (int epoch = 0; epoch < opt_.max_epochs && since_best < opt_.patience; ++epoch) {
        const auto perm = shuffled(train.size(), seed_, "mdn_shuffle", static_cast<std::uint64_t>(epoch));
        for (std::size_t s = 0; s < perm.size(); s += static_cast<std::size_t>(opt_.batch)) {
            std::vector<std::size_t> idx;
            for (std::size_t i = s; i < std::min(perm.size(), s + static_cast<std::size_t>(opt_.batch)); ++i)
                idx.push_back(train[perm[i]]);
            batch_loss(idx, true);
            net_.adam_step(opt_.learning_rate);
        }
        const double v = batch_loss(val, false);
        if (v < best - 1e-6) {
            best = v;
            best_params = net_.get_params();
            since_best = 0;
        } else {
            ++since_best;
        }
    }
    net_.set_params(best_params);
    return best;
}

std::vector<std::vector<double>> MixtureDensity::sample(const std::vector<double>& x, std::size_t n,
                                                        std::uint64_t stream_index) const
{
    Eigen::MatrixXd xs(m_, 1);
    for (int j = 0; j < m_; ++j) xs(j, 0) = (x[static_cast<std::size_t>(j)] - x_mean_(j)) / x_std_(j);
    Eigen::MatrixXd logpi, mu, logsig;
    mixture(xs, logpi, mu, logsig);
    rng::Stream r(seed_, "mdn_sample", stream_index);
    std::vector<std::vector<double>> out;
    const int k = opt_.components;
    for (std::size_t s = 0; s < n; ++s) {
        double u = r.uniform(), acc = 0.0;
        int c = k - 1;
        for (int i = 0; i < k; ++i) {
            acc += std::exp(logpi(i, 0));
            if (u < acc) {
                c = i;
                break;
            }
        }
        std::vector<double> z(static_cast<std::size_t>(d_));
        for (int j = 0; j < d_; ++j) {
            const double zs = mu(c * d_ + j, 0) + std::exp(logsig(c * d_ + j, 0)) * r.normal();
            z[static_cast<std::size_t>(j)] = zs * z_std_(j) + z_mean_(j);
        }
        out.push_back(prior_.from_logit(z));
    }
    return out;
}

double MixtureDensity::log_density_z(const std::vector<double>& theta, const std::vector<double>& x) const
{
    Eigen::MatrixXd xs(m_, 1);
    for (int j = 0; j < m_; ++j) xs(j, 0) = (x[static_cast<std::size_t>(j)] - x_mean_(j)) / x_std_(j);
    Eigen::MatrixXd logpi, mu, logsig;
    mixture(xs, logpi, mu, logsig);
    const Eigen::VectorXd z = ((to_z(theta) - z_mean_).array() / z_std_.array()).matrix();
    const int k = opt_.components;
    Eigen::VectorXd lp(k);
    for (int c = 0; c < k; ++c) {
        double v = logpi(c, 0) - 0.5 * d_ * std::log(2.0 * std::numbers::pi);
        for (int j = 0; j < d_; ++j) {
            const double e = (z(j) - mu(c * d_ + j, 0)) * std::exp(-logsig(c * d_ + j, 0));
            v += -0.5 * e * e - logsig(c * d_ + j, 0) - std::log(z_std_(j));
        }
        lp(c) = v;
    }
    return logsumexp(lp);
}

} // namespace plast::search
