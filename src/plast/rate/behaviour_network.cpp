#include "plast/rate/behaviour_network.hpp"

#include <cmath>
#include <limits>

namespace plast::rate {

static inline double sigmoid(double u)
{
    return 1.0 / (1.0 + std::exp(-u));
}
static inline double softplus(double z)
{
    return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
}

BehaviourNetwork BehaviourNetwork::make(int n_in, int n_hidden, bool sigmoid_hidden, bool centered_reward)
{
    BehaviourNetwork n;
    n.n_in = n_in;
    n.n_hidden = n_hidden;
    n.sigmoid_hidden = sigmoid_hidden;
    n.centered_reward = centered_reward;
    n.eta = 1.0 / n_in;
    n.b1.assign(static_cast<std::size_t>(n.n_post()), 0.0);
    n.w2.assign(static_cast<std::size_t>(n_hidden), n_hidden > 0 ? 5.0 / n_hidden : 0.0);
    n.b2 = 0.0;
    return n;
}

double BehaviourNetwork::forward(const double* W, const double* x, double* y) const
{
    const int np = n_post();
    for (int j = 0; j < np; ++j)
        y[j] = b1[static_cast<std::size_t>(j)];
    for (int i = 0; i < n_in; ++i) {
        const double xi = x[i];
        const double* row = W + static_cast<std::size_t>(i) * static_cast<std::size_t>(np);
        for (int j = 0; j < np; ++j)
            y[j] += xi * row[j];
    }
    if (n_hidden == 0) return y[0];
    double z = b2;
    for (int j = 0; j < np; ++j) {
        y[j] = sigmoid_hidden ? sigmoid(y[j]) : std::tanh(y[j]);
        z += y[j] * w2[static_cast<std::size_t>(j)];
    }
    return z;
}

std::size_t BehaviourTrajectory::valid_cells() const
{
    std::size_t n = 0;
    for (int l : len)
        n += static_cast<std::size_t>(l);
    return n;
}

BehaviourTrajectory BehaviourTrajectory::slice(int first, int count) const
{
    BehaviourTrajectory s;
    s.n_trials = count;
    s.n_in = n_in;
    s.max_len = 1;
    for (int t = first; t < first + count; ++t)
        s.max_len = std::max(s.max_len, len[static_cast<std::size_t>(t)]);
    const std::size_t L = static_cast<std::size_t>(s.max_len), Lo = static_cast<std::size_t>(max_len),
                      ni = static_cast<std::size_t>(n_in);
    s.x.assign(static_cast<std::size_t>(count) * L * ni, 0.0);
    s.decision.assign(static_cast<std::size_t>(count) * L, std::numeric_limits<double>::quiet_NaN());
    if (!recording.empty()) s.recording.assign(static_cast<std::size_t>(count) * L, 0.0);
    for (int t = 0; t < count; ++t) {
        const std::size_t src = static_cast<std::size_t>(first + t), dst = static_cast<std::size_t>(t);
        s.len.push_back(len[src]);
        s.reward.push_back(reward[src]);
        s.expected_reward.push_back(expected_reward[src]);
        for (std::size_t k = 0; k < static_cast<std::size_t>(len[src]); ++k) {
            for (std::size_t i = 0; i < ni; ++i)
                s.x[(dst * L + k) * ni + i] = x[(src * Lo + k) * ni + i];
            s.decision[dst * L + k] = decision[src * Lo + k];
            if (!recording.empty()) s.recording[dst * L + k] = recording[src * Lo + k];
        }
    }
    return s;
}

void simulate(const BehaviourNetwork& net, const rules::DifferentiableRule& rule, const double* theta,
              const BehaviourTrajectory& traj, const double* w0, BehaviourRecord& rec)
{
    const std::size_t ns = net.n_syn(), np = static_cast<std::size_t>(net.n_post()),
                      ni = static_cast<std::size_t>(net.n_in), T = static_cast<std::size_t>(traj.n_trials),
                      L = static_cast<std::size_t>(traj.max_len);
    rec.w.resize((T + 1) * ns);
    rec.y.assign(T * L * np, 0.0);
    rec.logit.assign(T * L, 0.0);
    rec.finite = true;
    std::copy(w0, w0 + ns, rec.w.begin());
    std::vector<double> g(np);
    for (std::size_t t = 0; t < T; ++t) {
        const double* W = rec.w.data() + t * ns;
        double* Wn = rec.w.data() + (t + 1) * ns;
        const std::size_t len = static_cast<std::size_t>(traj.len[t]);
        for (std::size_t k = 0; k < len; ++k) {
            const std::size_t c = t * L + k;
            rec.logit[c] = net.forward(W, traj.x.data() + c * ni, rec.y.data() + c * np);
        }
        const std::size_t acc = t * L + len - 1;
        const double* xa = traj.x.data() + acc * ni;
        const double* ya = rec.y.data() + acc * np;
        const double r = reward_signal(net, traj, static_cast<int>(t));
        for (std::size_t i = 0; i < ni; ++i) {
            rule.eval_row(xa[i], ya, W + i * np, r, np, theta, g.data(), nullptr, nullptr);
            for (std::size_t j = 0; j < np; ++j)
                Wn[i * np + j] = W[i * np + j] + net.eta * g[j];
        }
    }
    for (double v : rec.w)
        if (!std::isfinite(v)) {
            rec.finite = false;
            break;
        }
}

double behaviour_loss(const BehaviourNetwork& net, const rules::DifferentiableRule& rule, const double* theta,
                      const BehaviourTrajectory& traj, const double* w0, const BehaviourLossOptions& opt, double* grad,
                      BehaviourRecord& rec)
{
    simulate(net, rule, theta, traj, w0, rec);
    const std::size_t ns = net.n_syn(), np = static_cast<std::size_t>(net.n_post()),
                      ni = static_cast<std::size_t>(net.n_in), T = static_cast<std::size_t>(traj.n_trials),
                      L = static_cast<std::size_t>(traj.max_len);
    const std::size_t n_valid = traj.valid_cells();
    const double denom_bce = opt.reference_padding ? static_cast<double>(T * L) : static_cast<double>(n_valid);
    const double denom_mse = static_cast<double>(T * L);
    double loss = 0.0;
    if (opt.bce) {
        double s = 0.0;
        for (std::size_t t = 0; t < T; ++t)
            for (std::size_t k = 0; k < static_cast<std::size_t>(traj.len[t]); ++k) {
                const std::size_t c = t * L + k;
                s += softplus(rec.logit[c]) - traj.decision[c] * rec.logit[c];
            }
        if (opt.reference_padding) s += static_cast<double>(T * L - n_valid) * std::log(2.0);
        loss += s / denom_bce;
    }
    if (opt.mse) {
        double s = 0.0;
        for (std::size_t t = 0; t < T; ++t)
            for (std::size_t k = 0; k < static_cast<std::size_t>(traj.len[t]); ++k) {
                const std::size_t c = t * L + k;
                const double d = sigmoid(rec.logit[c]) - traj.recording[c];
                s += d * d;
            }
        loss += s / denom_mse;
    }
    if (!grad) return loss;
    if (!std::isfinite(loss)) return std::numeric_limits<double>::quiet_NaN();

    const std::size_t npar = rule.n_params();
    std::vector<double> wbar(ns, 0.0), ybar(np), gth(npar, 0.0);
    for (std::size_t t = T; t-- > 0;) {
        const double* W = rec.w.data() + t * ns;
        const std::size_t len = static_cast<std::size_t>(traj.len[t]);
        const std::size_t acc = t * L + len - 1;
        const double* xa = traj.x.data() + acc * ni;
        const double* ya = rec.y.data() + acc * np;
        const double r = reward_signal(net, traj, static_cast<int>(t));
        // 1) through the plasticity update W(t+1) = W(t) + eta g(x_acc, y_acc, W(t), r)
        std::fill(ybar.begin(), ybar.end(), 0.0);
        for (std::size_t i = 0; i < ni; ++i) {
            double* wb = wbar.data() + i * np;
            rule.adjoint_row(xa[i], ya, W + i * np, r, np, theta, net.eta, wb, ybar.data(), gth.data());
        }
        // 2) every presentation of the trial: loss on its logit, and (accepted one) the rule's y
        for (std::size_t k = len; k-- > 0;) {
            const std::size_t c = t * L + k;
            const double z = rec.logit[c];
            double zbar = 0.0;
            if (opt.bce) zbar += (sigmoid(z) - traj.decision[c]) / denom_bce;
            if (opt.mse) {
                const double p = sigmoid(z);
                zbar += 2.0 * (p - traj.recording[c]) * p * (1.0 - p) / denom_mse;
            }
            const double* y = rec.y.data() + c * np;
            const double* x = traj.x.data() + c * ni;
            double ub[4096];
            for (std::size_t j = 0; j < np; ++j) {
                double yb = (k == len - 1 ? ybar[j] : 0.0);
                if (net.n_hidden == 0) {
                    ub[j] = yb + zbar; // y = logit = u
                } else {
                    yb += zbar * net.w2[j];
                    ub[j] = yb * (net.sigmoid_hidden ? y[j] * (1.0 - y[j]) : 1.0 - y[j] * y[j]);
                }
            }
            for (std::size_t i = 0; i < ni; ++i) {
                double* wb = wbar.data() + i * np;
                for (std::size_t j = 0; j < np; ++j)
                    wb[j] += x[i] * ub[j];
            }
        }
    }
    for (std::size_t p = 0; p < npar; ++p)
        grad[p] += net.eta * gth[p];
    return loss;
}

} // namespace plast::rate
