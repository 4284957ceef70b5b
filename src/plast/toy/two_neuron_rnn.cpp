#include "plast/toy/two_neuron_rnn.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

namespace plast::toy {

namespace {
Eigen::Matrix2d signed_weights(const std::array<double, 4>& w)
{
    Eigen::Matrix2d m; // rows post (E, I), columns pre (E, I)
    m << w[EE], -w[IE], w[EI], -w[II];
    return m;
}
} // namespace

std::optional<Eigen::Vector2d> TwoNeuronRnn::steady_state(const std::array<double, 4>& w, const Eigen::Vector2d& x)
{
    const Eigen::Matrix2d m = signed_weights(w);
    // Active sets in order {E, I}, {E}, {I}, {}: the first self-consistent one.
    for (int mask : {3, 1, 2, 0}) {
        Eigen::Matrix2d d = Eigen::Matrix2d::Zero();
        for (int k = 0; k < 2; ++k)
            if (mask & (1 << k)) d(k, k) = 1.0;
        const Eigen::Matrix2d a = Eigen::Matrix2d::Identity() - d * m;
        if (std::fabs(a.determinant()) < 1e-14) continue;
        const Eigen::Vector2d r = a.inverse() * (d * x);
        const Eigen::Vector2d drive = m * r + x;
        bool ok = true;
        for (int k = 0; k < 2; ++k) {
            const bool active = mask & (1 << k);
            if (active && drive(k) < -1e-12) ok = false;
            if (!active && drive(k) > 1e-12) ok = false;
        }
        if (ok) return r.cwiseMax(0.0);
    }
    return std::nullopt;
}

double TwoNeuronRnn::max_real_eigenvalue(const std::array<double, 4>& w, const Eigen::Vector2d& x,
                                         const Eigen::Vector2d& r) const
{
    const Eigen::Matrix2d m = signed_weights(w);
    const Eigen::Vector2d drive = m * r + x;
    Eigen::Matrix2d j = -Eigen::Matrix2d::Identity();
    for (int k = 0; k < 2; ++k)
        if (drive(k) > 0) j.row(k) += m.row(k);
    j.row(0) /= tau_e;
    j.row(1) /= tau_i;
    return Eigen::EigenSolver<Eigen::Matrix2d>(j).eigenvalues().real().maxCoeff();
}

std::optional<IeSetPoint> ie_set_point(const RateRule& ie, const std::array<double, 4>& w, const Eigen::Vector2d& x)
{
    const double a = w[EI] / (1.0 + w[II]), b = x(1) / (1.0 + w[II]);
    const double qa = ie.gamma * a, qb = ie.alpha * a + ie.beta + ie.gamma * b, qc = ie.alpha * b;
    std::vector<double> roots;
    if (std::fabs(qa) < 1e-15) {
        if (std::fabs(qb) > 1e-15) roots.push_back(-qc / qb);
    } else {
        const double disc = qb * qb - 4 * qa * qc;
        if (disc >= 0) {
            const double s = std::sqrt(disc);
            roots.push_back((-qb + s) / (2 * qa));
            roots.push_back((-qb - s) / (2 * qa));
        }
    }
    for (double re : roots) {
        const double ri = a * re + b;
        if (re <= 0 || ri <= 0) continue;
        const double wie = ((w[EE] - 1.0) * re + x(0)) / ri;
        if (wie < 0) continue;
        return IeSetPoint{re, ri, wie};
    }
    return std::nullopt;
}

bool simulate(const TwoNeuronRnn& net, const Eigen::Vector2d& x, double T, Eigen::Vector2d& r, std::array<double, 4>& w,
              bool plastic, int phase, double record_dt, double t0, std::vector<std::array<double, 8>>* traj,
              double* t_done)
{
    const long steps = std::lround(T / net.dt);
    const long rec = (traj && record_dt > 0) ? std::max(1L, std::lround(record_dt / net.dt)) : 0;
    const double ke = net.dt / net.tau_e, ki = net.dt / net.tau_i;
    double re = r(0), ri = r(1);
    for (long k = 1; k <= steps; ++k) {
        const double de = std::max(0.0, w[EE] * re - w[IE] * ri + x(0));
        const double di = std::max(0.0, w[EI] * re - w[II] * ri + x(1));
        if (plastic) {
            // Weights use the rates at the start of the step (explicit Euler for the joint system).
            const double pre[4] = {re, re, ri, ri}, post[4] = {re, ri, re, ri};
            for (int s = 0; s < 4; ++s)
                if (net.rules[s].eta != 0.0)
                    w[s] = std::clamp(w[s] + net.dt * net.rules[s].drift(pre[s], post[s]), 0.0, net.w_max);
        }
        re += ke * (de - re);
        ri += ki * (di - ri);
        const bool bad = !(re < net.r_max && ri < net.r_max) ||
                         !std::all_of(w.begin(), w.end(), [](double v) { return std::isfinite(v); });
        if (bad) {
            if (t_done) *t_done = (k - 1) * net.dt; // r keeps the last finite value
            return false;
        }
        r = {re, ri};
        if (t_done) *t_done = k * net.dt;
        if (rec && k % rec == 0) traj->push_back({t0 + k * net.dt, double(phase), re, ri, w[0], w[1], w[2], w[3]});
    }
    return true;
}

TwoNeuronResult run_familiarity(const TwoNeuronRnn& net, const FamiliarityTask& task)
{
    TwoNeuronResult res;
    std::array<double, 4> w = net.w0;
    Eigen::Vector2d r = TwoNeuronRnn::steady_state(w, task.x_bg).value_or(Eigen::Vector2d::Zero());
    auto* traj = task.record_dt > 0 ? &res.trajectory : nullptr;
    if (traj) traj->push_back({0.0, 0.0, r(0), r(1), w[0], w[1], w[2], w[3]});
    auto probe = [&](const Eigen::Vector2d& r_now, const std::array<double, 4>& w_now) {
        Eigen::Vector2d rp = r_now;
        std::array<double, 4> wp = w_now;
        return simulate(net, task.x_stim, task.t_probe, rp, wp, false) ? rp(0)
                                                                       : std::numeric_limits<double>::quiet_NaN();
    };
    struct Phase {
        const char* name;
        const Eigen::Vector2d* x;
        double T;
    };
    const Phase phases[3] = {
        {"bg", &task.x_bg, task.t_bg}, {"stim", &task.x_stim, task.t_stim}, {"post", &task.x_bg, task.t_post}};
    double t = 0.0;
    res.status = "stable";
    for (int p = 0; p < 3; ++p) {
        if (p == 1) res.probe_before = probe(r, w);
        double t_phase = 0.0;
        const bool ok = simulate(net, *phases[p].x, phases[p].T, r, w, true, p, task.record_dt, t, traj, &t_phase);
        t += t_phase;
        if (!ok) {
            res.status = "diverged";
            res.diverged_in = phases[p].name;
            break;
        }
        res.phases_done = p + 1;
        if (p == 0) res.w_after_bg = w, res.r_after_bg = r;
        if (p == 1) res.w_after_stim = w, res.r_after_stim = r;
    }
    res.t_end = t;
    res.r_end = r;
    res.w_end = w;
    if (res.status == "stable") res.probe_after = probe(r, w);
    // Bounded is not yet stable: the final state must be the (linearly stable) fixed point of the final
    // weights under x_bg, and the frozen probe's fixed point under x_stim must be stable too; otherwise
    // the rates still move (slow drift or oscillation) and the probe reads an arbitrary phase.
    if (res.status == "stable") {
        const auto ss = TwoNeuronRnn::steady_state(w, task.x_bg);
        const auto sp = TwoNeuronRnn::steady_state(w, task.x_stim);
        const bool settled = ss && (r - *ss).norm() <= 1e-3 * (1.0 + ss->norm()) &&
                             net.max_real_eigenvalue(w, task.x_bg, *ss) < 0 && sp &&
                             net.max_real_eigenvalue(w, task.x_stim, *sp) < 0;
        if (!settled) res.status = "unsettled";
    }
    return res;
}

} // namespace plast::toy
