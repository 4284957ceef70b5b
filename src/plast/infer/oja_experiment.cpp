#include "plast/infer/oja_experiment.hpp"

#include "plast/core/rng.hpp"
#include "plast/infer/metrics.hpp"
#include "plast/rules/taylor_rule.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace plast::infer {

std::vector<std::uint8_t> observed_neurons(int n_out, double fraction, std::uint64_t seed)
{
    const int k = std::clamp(static_cast<int>(std::lround(fraction * n_out)), 1, n_out);
    std::vector<int> perm(static_cast<std::size_t>(n_out));
    std::iota(perm.begin(), perm.end(), 0);
    rng::Stream s(seed, "oja_observed");
    for (std::size_t i = perm.size(); i > 1; --i)
        std::swap(perm[i - 1], perm[s.below(i)]);
    std::vector<std::uint8_t> obs(static_cast<std::size_t>(n_out), 0);
    for (int i = 0; i < k; ++i)
        obs[static_cast<std::size_t>(perm[static_cast<std::size_t>(i)])] = 1;
    return obs;
}

rate::OjaTrajectory make_oja_trajectory(const OjaSettings& s, const rules::DifferentiableRule& teacher,
                                        const std::vector<double>& theta_star, std::uint64_t seed, std::uint64_t split,
                                        std::uint64_t index, const std::vector<std::uint8_t>& observed)
{
    const auto& net = s.net;
    rate::OjaTrajectory tr;
    tr.steps = s.steps;
    rng::Stream xs(seed, "oja_inputs", split, index), ws(seed, "oja_w0", split, index),
        ns(seed, "oja_obs_noise", split, index);
    tr.x.resize(static_cast<std::size_t>(s.steps) * static_cast<std::size_t>(net.n_in));
    for (auto& v : tr.x)
        v = s.input_std * xs.normal();
    const double w0s = s.w0_std > 0 ? s.w0_std : 1.0 / (net.n_in + net.n_out);
    tr.w0.resize(net.n_syn());
    for (auto& v : tr.w0)
        v = w0s * ws.normal();
    rate::OjaRecord rec;
    rate::simulate(net, teacher, theta_star.data(), tr.x.data(), tr.w0.data(), s.steps, rec);
    tr.activity = rec.y;
    if (s.noise_scale > 0)
        for (auto& v : tr.activity)
            v += s.noise_scale * ns.normal();
    tr.observed = observed;
    return tr;
}

namespace {

void conditioning(const rules::DifferentiableRule& teacher, const std::vector<double>& theta_star, const OjaSettings& s,
                  const rate::OjaTrajectory& tr, OjaResult& out)
{
    rate::OjaRecord rec;
    rate::simulate(s.net, teacher, theta_star.data(), tr.x.data(), tr.w0.data(), s.steps, rec);
    const std::size_t ni = static_cast<std::size_t>(s.net.n_in), no = static_cast<std::size_t>(s.net.n_out),
                      ns = s.net.n_syn();
    Eigen::MatrixXd G = Eigen::MatrixXd::Zero(27, 27);
    Eigen::VectorXd phi(27);
    // Subsample synapses for large networks: the Gram matrix is an average, 20000 rows per step suffice.
    const std::size_t stride = std::max<std::size_t>(1, ns / 20000);
    for (int t = 0; t < s.steps; ++t)
        for (std::size_t k = 0; k < ns; k += stride) {
            const std::size_t j = k / no, i = k % no;
            const double x = tr.x[static_cast<std::size_t>(t) * ni + j],
                         y = rec.y[static_cast<std::size_t>(t) * no + i],
                         w = rec.w[static_cast<std::size_t>(t) * ns + k];
            const double xp[3] = {1, x, x * x}, yp[3] = {1, y, y * y}, wp[3] = {1, w, w * w};
            for (int a = 0; a < 3; ++a)
                for (int b = 0; b < 3; ++b)
                    for (int c = 0; c < 3; ++c)
                        phi(9 * a + 3 * b + c) = xp[a] * yp[b] * wp[c];
            G.noalias() += phi * phi.transpose();
        }
    Eigen::VectorXd d = G.diagonal().cwiseSqrt();
    for (int i = 0; i < 27; ++i)
        if (d(i) == 0) d(i) = 1;
    const Eigen::MatrixXd C = d.asDiagonal().inverse() * G * d.asDiagonal().inverse();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(C);
    const double lmin = std::max(es.eigenvalues()(0), 0.0), lmax = es.eigenvalues()(26);
    out.condition_number = lmin > 0 ? lmax / lmin : std::numeric_limits<double>::infinity();
    out.weakest_direction.assign(es.eigenvectors().col(0).data(), es.eigenvectors().col(0).data() + 27);
    double sy = 0, syy = 0;
    for (double y : rec.y)
        sy += y, syy += y * y;
    out.y_mean = sy / static_cast<double>(rec.y.size());
    out.y_std = std::sqrt(std::max(0.0, syy / static_cast<double>(rec.y.size()) - out.y_mean * out.y_mean));
}

std::vector<double> collapse(const std::vector<double>& th, double y)
{
    std::vector<double> c(9, 0.0);
    for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b)
            for (int cc = 0; cc < 3; ++cc)
                c[static_cast<std::size_t>(3 * a + cc)] +=
                    th[static_cast<std::size_t>(9 * a + 3 * b + cc)] * std::pow(y, b);
    return c;
}

void sensitivity(const OjaSettings& s, const rules::DifferentiableRule& teacher, const std::vector<double>& theta_star,
                 const rules::DifferentiableRule& student, const std::vector<double>& theta_fit,
                 const std::vector<std::uint8_t>& observed, std::uint64_t seed, OjaResult& out)
{
    constexpr int P = 27;
    auto& sv = out.sensitivity;
    sv.trajectories = std::min(s.sensitivity_trajectories, s.num_train);
    OjaSettings clean = s;
    clean.noise_scale = 0;
    std::vector<rate::OjaTrajectory> trs;
    Eigen::MatrixXd S = Eigen::MatrixXd::Zero(P, P);
    std::size_t rows = 0;
    const auto mask = student.param_mask();
    for (int k = 0; k < sv.trajectories; ++k) {
        trs.push_back(make_oja_trajectory(clean, teacher, theta_star, seed, 0, static_cast<std::uint64_t>(k), observed));
        Eigen::MatrixXd jtj = Eigen::MatrixXd::Zero(P, P);
        rows += rate::activity_jtj(s.net, mask, theta_star.data(), trs.back(), jtj.data());
        S += jtj; // symmetric, so row/column-major storage does not matter
    }
    if (rows == 0) return;
    const Eigen::MatrixXd G = (2.0 * s.mse_factor / static_cast<double>(rows)) * S;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(G);
    const Eigen::VectorXd ev = es.eigenvalues(); // ascending
    const double lmax = ev(P - 1);
    for (int i = P - 1; i >= 0; --i)
        sv.eigenvalues.push_back(ev(i));
    for (int i = 0; i < 3; ++i)
        sv.weakest.emplace_back(es.eigenvectors().col(i).data(), es.eigenvectors().col(i).data() + P);
    sv.condition = ev(0) > 0 ? lmax / ev(0) : std::numeric_limits<double>::infinity();

    Eigen::VectorXd d(P);
    for (int p = 0; p < P; ++p)
        d(p) = (theta_fit[static_cast<std::size_t>(p)] - theta_star[static_cast<std::size_t>(p)]) *
               mask[static_cast<std::size_t>(p)];
    rules::TaylorRule t27(false);
    const auto i110 = static_cast<Eigen::Index>(t27.index(1, 1, 0)), i021 = static_cast<Eigen::Index>(t27.index(0, 2, 1));
    sv.quad_delta = 0.5 * d.dot(G * d);
    sv.quad_110_only = 0.5 * d(i110) * d(i110) * G(i110, i110);
    sv.quad_021_only = 0.5 * d(i021) * d(i021) * G(i021, i021);
    const Eigen::VectorXd proj = es.eigenvectors().transpose() * d;
    double sloppy = 0;
    for (int i = 0; i < P; ++i)
        if (ev(i) < 1e-6 * lmax) sloppy += proj(i) * proj(i);
    sv.delta_share_sloppy = d.squaredNorm() > 0 ? sloppy / d.squaredNorm() : 0.0;
    rate::OjaRecord rec;
    for (double a : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        std::vector<double> th(theta_star);
        for (int p = 0; p < P; ++p)
            th[static_cast<std::size_t>(p)] += a * d(p);
        double l = 0;
        for (const auto& tr : trs)
            l += rate::activity_loss(s.net, student, th.data(), tr, s.mse_factor, nullptr, rec);
        sv.line_s.push_back(a);
        sv.line_loss.push_back(l / static_cast<double>(trs.size()));
    }
    // Fisher information of the whole training set for observation noise sigma: F = S_total / sigma^2 with
    // S_total = S * num_train / trajectories. SD(theta_k) = sigma * sqrt((S_total^-1)_kk). Eigenvalues below
    // double precision (1e-16 of the largest) are clipped: those directions are undetermined anyway.
    const Eigen::MatrixXd St = S * (static_cast<double>(s.num_train) / sv.trajectories);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> fs(St);
    const Eigen::VectorXd fe = fs.eigenvalues().cwiseMax(1e-16 * fs.eigenvalues().maxCoeff());
    const Eigen::MatrixXd inv = fs.eigenvectors() * fe.cwiseInverse().asDiagonal() * fs.eigenvectors().transpose();
    sv.noise_sd01_110 = 0.1 / std::sqrt(inv(i110, i110));
    sv.noise_sd01_021 = 0.1 / std::sqrt(inv(i021, i021));
}

} // namespace

OjaResult run_oja(const OjaSettings& s, const rules::DifferentiableRule& teacher, const std::vector<double>& theta_star,
                  const rules::DifferentiableRule& student, const std::vector<double>& theta0, const FitOptions& fopt,
                  std::uint64_t seed, const LogCallback& on_log, std::size_t keep_synapses)
{
    OjaResult out;
    out.seed = seed;
    out.noise_scale = s.noise_scale;
    out.observed_fraction = s.observed_fraction;
    const auto observed = observed_neurons(s.net.n_out, s.observed_fraction, seed);
    std::vector<rate::OjaTrajectory> train;
    for (int k = 0; k < s.num_train; ++k)
        train.push_back(make_oja_trajectory(s, teacher, theta_star, seed, 0, static_cast<std::uint64_t>(k), observed));
    if (teacher.n_params() == 27) conditioning(teacher, theta_star, s, train[0], out);
    TrajectoryLoss loss = [&](std::size_t k, const std::vector<double>& th, double* grad) {
        thread_local rate::OjaRecord rec; // scratch reused between calls (no reallocation, no page faults)
        return rate::activity_loss(s.net, student, th.data(), train[k], s.mse_factor, grad, rec);
    };
    out.fit = fit(loss, train.size(), student, theta0, fopt, on_log);
    out.theta_eff = student.effective(out.fit.theta);

    if (s.sensitivity_trajectories > 0 && theta_star.size() == 27 && student.n_params() == 27 &&
        student.name() == "taylor27")
        sensitivity(s, teacher, theta_star, student, out.fit.theta, observed, seed, out);

    // held-out evaluation (noise-free teacher trajectories)
    OjaSettings clean = s;
    clean.noise_scale = 0;
    std::vector<double> r2w, r2y;
    const std::size_t ns = s.net.n_syn(), T = static_cast<std::size_t>(s.steps);
    for (int k = 0; k < s.num_eval; ++k) {
        const auto tr =
            make_oja_trajectory(clean, teacher, theta_star, seed, 1, static_cast<std::uint64_t>(k), observed);
        rate::OjaRecord rt, rf;
        rate::simulate(s.net, teacher, theta_star.data(), tr.x.data(), tr.w0.data(), s.steps, rt);
        rate::simulate(s.net, student, out.fit.theta.data(), tr.x.data(), tr.w0.data(), s.steps, rf);
        const std::vector<double> wt(rt.w.begin() + static_cast<std::ptrdiff_t>(ns), rt.w.end()),
            wf(rf.w.begin() + static_cast<std::ptrdiff_t>(ns), rf.w.end());
        r2w.push_back(rf.finite ? r2_per_unit(wt, wf, T, ns) : -std::numeric_limits<double>::infinity());
        r2y.push_back(rf.finite ? r2_per_unit(rt.y, rf.y, T, static_cast<std::size_t>(s.net.n_out))
                                : -std::numeric_limits<double>::infinity());
        if (k == 0) {
            out.kept_synapses = std::min(keep_synapses, ns);
            for (std::size_t t = 0; t <= T; ++t)
                for (std::size_t q = 0; q < out.kept_synapses; ++q) {
                    // evenly spread over the weight matrix (different pre- and postsynaptic neurons)
                    const std::size_t idx = q * (ns / out.kept_synapses) + q % std::max<std::size_t>(1, s.net.n_out);
                    out.w_true.push_back(rt.w[t * ns + idx % ns]);
                    out.w_fit.push_back(rf.w[t * ns + idx % ns]);
                }
        }
    }
    out.r2_weights_median = median(r2w);
    out.r2_weights_mean = mean(r2w);
    out.r2_activity_median = median(r2y);
    out.r2_activity_mean = mean(r2y);
    if (theta_star.size() == out.theta_eff.size() && dynamic_cast<const rules::TaylorRule*>(&student)) {
        for (std::size_t p = 0; p < theta_star.size(); ++p) {
            const double e = std::fabs(out.theta_eff[p] - theta_star[p]);
            if (theta_star[p] != 0.0)
                out.max_err_truth_terms = std::max(out.max_err_truth_terms, e);
            else
                out.max_abs_other_terms = std::max(out.max_abs_other_terms, e);
        }
        if (theta_star.size() == 27) {
            out.collapsed_fit = collapse(out.theta_eff, out.y_mean);
            out.collapsed_true = collapse(theta_star, out.y_mean);
            for (std::size_t i = 0; i < 9; ++i)
                out.collapsed_max_err =
                    std::max(out.collapsed_max_err, std::fabs(out.collapsed_fit[i] - out.collapsed_true[i]));
        }
    } else {
        out.max_err_truth_terms = out.max_abs_other_terms = std::numeric_limits<double>::quiet_NaN();
    }
    return out;
}

} // namespace plast::infer
