#include "plast/rate/two_odor_task.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace plast::rate {

OdorEncoding make_encoding(int n_in, double firing_mean, std::uint64_t seed, std::uint64_t split, std::uint64_t index)
{
    rng::Stream s(seed, "two_odor_encoding", split, index);
    std::vector<int> perm(static_cast<std::size_t>(n_in));
    std::iota(perm.begin(), perm.end(), 0);
    for (std::size_t i = perm.size(); i > 1; --i)
        std::swap(perm[i - 1], perm[s.below(i)]); // Fisher-Yates
    OdorEncoding e;
    e.mu_a.assign(static_cast<std::size_t>(n_in), 0.0);
    e.mu_b.assign(static_cast<std::size_t>(n_in), firing_mean);
    for (int k = 0; k < n_in / 2; ++k) {
        e.mu_a[static_cast<std::size_t>(perm[static_cast<std::size_t>(k)])] = firing_mean;
        e.mu_b[static_cast<std::size_t>(perm[static_cast<std::size_t>(k)])] = 0.0;
    }
    return e;
}

std::vector<double> expected_rewards(const std::vector<double>& rewards, int window)
{
    std::vector<double> hist(static_cast<std::size_t>(window), 0.0), out(rewards.size());
    double sum = 0.0;
    for (std::size_t t = 0; t < rewards.size(); ++t) {
        out[t] = sum / window;
        const std::size_t slot = t % static_cast<std::size_t>(window);
        sum += rewards[t] - hist[slot];
        hist[slot] = rewards[t];
    }
    return out;
}

GeneratedBehaviour generate_behaviour(const TwoOdorTask& task, const BehaviourNetwork& net,
                                      const rules::DifferentiableRule& rule, const double* theta_star, double w_scale,
                                      std::uint64_t seed, std::uint64_t split, std::uint64_t index)
{
    const std::size_t ni = static_cast<std::size_t>(net.n_in), np = static_cast<std::size_t>(net.n_post()),
                      ns = net.n_syn();
    const int T = task.n_trials();
    const OdorEncoding enc = make_encoding(net.n_in, task.input_firing_mean, seed, split, index);
    rng::Stream ws(seed, "two_odor_w0", split, index), sim(seed, "two_odor_sim", split, index),
        xs(seed, "two_odor_inputs", split, index), rs(seed, "two_odor_resample", split, index),
        os(seed, "two_odor_obs_noise", split, index);
    GeneratedBehaviour out;
    out.w0.resize(ns);
    for (auto& v : out.w0)
        v = w_scale * ws.normal();
    std::vector<double> W = out.w0, y(np), g(np), x(ni);
    out.w_true = W;
    struct Cell {
        std::vector<double> xr;
        double d, p;
        int odor;
    };
    std::vector<std::vector<Cell>> trials(static_cast<std::size_t>(T));
    std::vector<double> rewards(static_cast<std::size_t>(T));
    std::vector<double> hist(static_cast<std::size_t>(task.moving_avg_window), 0.0);
    double hist_sum = 0.0;
    double arena[2] = {0.0, 0.0};
    std::vector<double> er(static_cast<std::size_t>(T));
    for (int t = 0; t < T; ++t) {
        const auto& pb = task.block_probs[static_cast<std::size_t>(t / task.trials_per_block)];
        for (int o = 0; o < 2; ++o)
            if (sim.bernoulli(pb[static_cast<std::size_t>(o)])) arena[o] = 1.0;
        er[static_cast<std::size_t>(t)] = hist_sum / task.moving_avg_window;
        auto& cells = trials[static_cast<std::size_t>(t)];
        int odor = 0;
        for (;;) {
            if (static_cast<int>(cells.size()) >= task.max_presentations)
                runtime_error("two-odor task", "the generating rule made the network reject " +
                                                   std::to_string(task.max_presentations) + " presentations in trial " +
                                                   std::to_string(t) + " (degenerate rule)");
            odor = sim.bernoulli(0.5) ? 1 : 0;
            const auto& mu = enc.mu(odor);
            for (std::size_t i = 0; i < ni; ++i)
                x[i] = mu[i] + task.input_noise_std * xs.normal();
            const double z = net.forward(W.data(), x.data(), y.data());
            const double p = 1.0 / (1.0 + std::exp(-z));
            if (!std::isfinite(p))
                runtime_error("two-odor task", "the generating rule produced NaN/Inf in trial " + std::to_string(t));
            const bool accept = sim.bernoulli(p);
            Cell c;
            c.xr.resize(ni);
            for (std::size_t i = 0; i < ni; ++i)
                c.xr[i] = task.resample_inputs ? mu[i] + task.input_noise_std * rs.normal() : x[i];
            c.d = accept ? 1.0 : 0.0;
            c.p = p + task.recording_noise_std * os.normal();
            c.odor = odor;
            cells.push_back(std::move(c));
            if (accept) break;
        }
        const double R = arena[odor];
        arena[odor] = 0.0;
        rewards[static_cast<std::size_t>(t)] = R;
        const std::size_t slot = static_cast<std::size_t>(t % task.moving_avg_window);
        hist_sum += R - hist[slot];
        hist[slot] = R;
        // plasticity with the accepted presentation (the x that drove the choice)
        const double r = net.centered_reward ? R - er[static_cast<std::size_t>(t)] : R;
        std::vector<double> Wn = W;
        for (std::size_t i = 0; i < ni; ++i) {
            rule.eval_row(x[i], y.data(), W.data() + i * np, r, np, theta_star, g.data(), nullptr, nullptr);
            for (std::size_t j = 0; j < np; ++j)
                Wn[i * np + j] += net.eta * g[j];
        }
        W = std::move(Wn);
        out.w_true.insert(out.w_true.end(), W.begin(), W.end());
    }
    BehaviourTrajectory& d = out.data;
    d.n_trials = T;
    d.n_in = net.n_in;
    d.max_len = 1;
    for (const auto& c : trials)
        d.max_len = std::max(d.max_len, static_cast<int>(c.size()));
    const std::size_t L = static_cast<std::size_t>(d.max_len);
    d.x.assign(static_cast<std::size_t>(T) * L * ni, 0.0);
    d.decision.assign(static_cast<std::size_t>(T) * L, std::numeric_limits<double>::quiet_NaN());
    d.recording.assign(static_cast<std::size_t>(T) * L, 0.0);
    out.odor.assign(static_cast<std::size_t>(T) * L, -1);
    for (std::size_t t = 0; t < static_cast<std::size_t>(T); ++t) {
        d.len.push_back(static_cast<int>(trials[t].size()));
        for (std::size_t k = 0; k < trials[t].size(); ++k) {
            const auto& c = trials[t][k];
            std::copy(c.xr.begin(), c.xr.end(), d.x.begin() + static_cast<std::ptrdiff_t>((t * L + k) * ni));
            d.decision[t * L + k] = c.d;
            d.recording[t * L + k] = c.p;
            out.odor[t * L + k] = c.odor;
        }
    }
    d.reward = rewards;
    d.expected_reward = er;
    return out;
}

BehaviourTrajectory trajectory_from_choices(const ChoiceRecord& rec, int n_in, double firing_mean, double noise_std,
                                            int window, std::uint64_t seed, std::uint64_t sample)
{
    const OdorEncoding enc = make_encoding(n_in, firing_mean, seed, 2, sample);
    rng::Stream ns(seed, "fly_input_noise", sample);
    std::vector<double> xa(static_cast<std::size_t>(n_in)), xb(static_cast<std::size_t>(n_in));
    for (int i = 0; i < n_in; ++i)
        xa[static_cast<std::size_t>(i)] = enc.mu_a[static_cast<std::size_t>(i)] + noise_std * ns.normal();
    for (int i = 0; i < n_in; ++i)
        xb[static_cast<std::size_t>(i)] = enc.mu_b[static_cast<std::size_t>(i)] + noise_std * ns.normal();
    std::vector<std::vector<std::pair<int, int>>> trials;
    std::vector<std::pair<int, int>> cur;
    for (std::size_t e = 0; e < rec.odor.size(); ++e) {
        cur.emplace_back(rec.odor[e], rec.accept[e]);
        if (rec.accept[e]) {
            trials.push_back(cur);
            cur.clear();
        }
    }
    BehaviourTrajectory d;
    d.n_trials = static_cast<int>(trials.size());
    d.n_in = n_in;
    d.max_len = 1;
    for (const auto& t : trials)
        d.max_len = std::max(d.max_len, static_cast<int>(t.size()));
    const std::size_t L = static_cast<std::size_t>(d.max_len), ni = static_cast<std::size_t>(n_in);
    d.x.assign(trials.size() * L * ni, 0.0);
    d.decision.assign(trials.size() * L, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t t = 0; t < trials.size(); ++t) {
        d.len.push_back(static_cast<int>(trials[t].size()));
        for (std::size_t k = 0; k < trials[t].size(); ++k) {
            const auto& xv = trials[t][k].first == 0 ? xa : xb;
            std::copy(xv.begin(), xv.end(), d.x.begin() + static_cast<std::ptrdiff_t>((t * L + k) * ni));
            d.decision[t * L + k] = trials[t][k].second;
        }
    }
    d.reward.assign(rec.reward.begin(), rec.reward.begin() + static_cast<std::ptrdiff_t>(trials.size()));
    d.expected_reward = expected_rewards(d.reward, window);
    return d;
}

} // namespace plast::rate
