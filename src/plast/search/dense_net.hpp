#pragma once
// A small fully connected network (tanh hidden layers, linear output) with hand-written backprop
// and Adam, in double precision on Eigen. The building block of the restriction classifier and the
// mixture density network of the sequential screening rounds. Batches are columns.
#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace plast::search {

class DenseNet {
public:
    DenseNet() = default;
    // sizes = {inputs, hidden..., outputs}; weights initialised (Glorot uniform) from the stream
    // (seed, "dense_net_init", tag).
    DenseNet(const std::vector<int>& sizes, std::uint64_t seed, std::uint64_t tag);

    // Forward pass for a batch (inputs x batch); keeps activations for backward().
    const Eigen::MatrixXd& forward(const Eigen::MatrixXd& x);
    // Forward pass without keeping activations: thread-safe, for inference.
    Eigen::MatrixXd predict(const Eigen::MatrixXd& x) const;
    // Given dLoss/dOutput for the last forward batch, accumulate parameter gradients (averaged by caller).
    void backward(const Eigen::MatrixXd& d_out);
    // One Adam step with the accumulated gradients, then clear them.
    void adam_step(double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8);

    std::vector<double> get_params() const;
    void set_params(const std::vector<double>& p);
    int inputs() const { return sizes_.empty() ? 0 : sizes_.front(); }
    int outputs() const { return sizes_.empty() ? 0 : sizes_.back(); }

private:
    std::vector<int> sizes_;
    std::vector<Eigen::MatrixXd> w_, gw_, mw_, vw_;
    std::vector<Eigen::VectorXd> b_, gb_, mb_, vb_;
    std::vector<Eigen::MatrixXd> act_; // act_[0] = input, act_[l] = output of layer l
    long step_ = 0;
};

} // namespace plast::search
