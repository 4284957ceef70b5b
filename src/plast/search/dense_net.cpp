#include "plast/search/dense_net.hpp"

#include "plast/core/rng.hpp"

#include <cmath>

namespace plast::search {

DenseNet::DenseNet(const std::vector<int>& sizes, std::uint64_t seed, std::uint64_t tag) : sizes_(sizes)
{
    rng::Stream r(seed, "dense_net_init", tag);
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
        const int nin = sizes[l], nout = sizes[l + 1];
        const double lim = std::sqrt(6.0 / (nin + nout));
        Eigen::MatrixXd w(nout, nin);
        for (int i = 0; i < nout; ++i)
            for (int j = 0; j < nin; ++j) w(i, j) = r.uniform(-lim, lim);
        w_.push_back(w);
        b_.push_back(Eigen::VectorXd::Zero(nout));
        gw_.push_back(Eigen::MatrixXd::Zero(nout, nin));
        mw_.push_back(Eigen::MatrixXd::Zero(nout, nin));
        vw_.push_back(Eigen::MatrixXd::Zero(nout, nin));
        gb_.push_back(Eigen::VectorXd::Zero(nout));
        mb_.push_back(Eigen::VectorXd::Zero(nout));
        vb_.push_back(Eigen::VectorXd::Zero(nout));
    }
}

const Eigen::MatrixXd& DenseNet::forward(const Eigen::MatrixXd& x)
{
    act_.resize(w_.size() + 1);
    act_[0] = x;
    for (std::size_t l = 0; l < w_.size(); ++l) {
        Eigen::MatrixXd z = (w_[l] * act_[l]).colwise() + b_[l];
        if (l + 1 < w_.size()) z = z.array().tanh().matrix();
        act_[l + 1] = std::move(z);
    }
    return act_.back();
}

Eigen::MatrixXd DenseNet::predict(const Eigen::MatrixXd& x) const
{
    Eigen::MatrixXd a = x;
    for (std::size_t l = 0; l < w_.size(); ++l) {
        Eigen::MatrixXd z = (w_[l] * a).colwise() + b_[l];
        if (l + 1 < w_.size()) z = z.array().tanh().matrix();
        a = std::move(z);
    }
    return a;
}

void DenseNet::backward(const Eigen::MatrixXd& d_out)
{
    Eigen::MatrixXd delta = d_out;
    for (std::size_t l = w_.size(); l-- > 0;) {
        gw_[l] += delta * act_[l].transpose();
        gb_[l] += delta.rowwise().sum();
        if (l > 0) {
            delta = (w_[l].transpose() * delta).array() * (1.0 - act_[l].array().square());
        }
    }
}

void DenseNet::adam_step(double lr, double beta1, double beta2, double eps)
{
    ++step_;
    const double c1 = 1.0 - std::pow(beta1, static_cast<double>(step_));
    const double c2 = 1.0 - std::pow(beta2, static_cast<double>(step_));
    for (std::size_t l = 0; l < w_.size(); ++l) {
        mw_[l] = beta1 * mw_[l] + (1 - beta1) * gw_[l];
        vw_[l] = beta2 * vw_[l] + (1 - beta2) * gw_[l].cwiseProduct(gw_[l]);
        w_[l].array() -= lr * (mw_[l].array() / c1) / ((vw_[l].array() / c2).sqrt() + eps);
        mb_[l] = beta1 * mb_[l] + (1 - beta1) * gb_[l];
        vb_[l] = beta2 * vb_[l] + (1 - beta2) * gb_[l].cwiseProduct(gb_[l]);
        b_[l].array() -= lr * (mb_[l].array() / c1) / ((vb_[l].array() / c2).sqrt() + eps);
        gw_[l].setZero();
        gb_[l].setZero();
    }
}

std::vector<double> DenseNet::get_params() const
{
    std::vector<double> p;
    for (std::size_t l = 0; l < w_.size(); ++l) {
        p.insert(p.end(), w_[l].data(), w_[l].data() + w_[l].size());
        p.insert(p.end(), b_[l].data(), b_[l].data() + b_[l].size());
    }
    return p;
}

void DenseNet::set_params(const std::vector<double>& p)
{
    std::size_t k = 0;
    for (std::size_t l = 0; l < w_.size(); ++l) {
        for (Eigen::Index i = 0; i < w_[l].size(); ++i) w_[l].data()[i] = p[k++];
        for (Eigen::Index i = 0; i < b_[l].size(); ++i) b_[l].data()[i] = p[k++];
    }
}

} // namespace plast::search
