#include "plast/toy/linear_rnn.hpp"

#include "plast/core/error.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <limits>

namespace plast::toy {

LinearRnn::Rule LinearRnn::parse_rule(const std::string& s)
{
    if (s == "hebbian") return Rule::hebbian;
    if (s == "non_hebbian") return Rule::non_hebbian;
    if (s == "gradient") return Rule::gradient;
    runtime_error("toy", "unknown linear RNN rule '" + s + "'");
}

const char* LinearRnn::rule_name(Rule r)
{
    switch (r) {
    case Rule::hebbian:
        return "hebbian";
    case Rule::non_hebbian:
        return "non_hebbian";
    case Rule::gradient:
        return "gradient";
    }
    return "?";
}

bool LinearRnn::relax(const Eigen::MatrixXd& w, const Eigen::MatrixXd& u, const Eigen::VectorXd& x,
                      Eigen::VectorXd& h) const
{
    const Eigen::VectorXd ux = u * x;
    constexpr double k = 0.2; // dt / tau
    for (int it = 0; it < 200000; ++it) {
        const Eigen::VectorXd target = (w * h + ux).cwiseMax(0.0);
        const Eigen::VectorXd dh = k * (target - h);
        h += dh;
        if (!(h.maxCoeff() < h_max) || !h.allFinite()) return false;
        if (dh.cwiseAbs().maxCoeff() <= 1e-12 * (1.0 + h.maxCoeff())) return true;
    }
    return false;
}

void LinearRnn::update(Eigen::MatrixXd& w, Eigen::MatrixXd& u, const Eigen::VectorXd& x, const Eigen::VectorXd& h) const
{
    const Eigen::VectorXd e = h_tg - h;
    switch (rule) {
    case Rule::hebbian:
        w.noalias() += eta * e * h.transpose();
        u.noalias() += eta * e * x.transpose();
        break;
    case Rule::non_hebbian:
        w.colwise() += eta * e;
        u.colwise() += eta * e;
        break;
    case Rule::gradient: {
        const int nn = n();
        Eigen::VectorXd d(nn);
        const Eigen::VectorXd drive = w * h + u * x;
        for (int i = 0; i < nn; ++i)
            d(i) = drive(i) > 0 ? 1.0 : 0.0;
        const Eigen::MatrixXd a = Eigen::MatrixXd::Identity(nn, nn) - d.asDiagonal() * w;
        const Eigen::VectorXd g = d.asDiagonal() * a.transpose().partialPivLu().solve(e);
        w.noalias() += eta * g * h.transpose();
        u.noalias() += eta * g * x.transpose();
        break;
    }
    }
}

namespace {
double frob2(const Eigen::MatrixXd& w, const Eigen::MatrixXd& u, const Eigen::MatrixXd& w0, const Eigen::MatrixXd& u0)
{
    return std::sqrt((w - w0).squaredNorm() + (u - u0).squaredNorm());
}
} // namespace

LinearAbaResult run_linear_aba(const LinearRnn& net, const LinearAbaTask& task)
{
    LinearAbaResult res;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Eigen::MatrixXd w = net.w0, u = net.u0;
    Eigen::VectorXd h = Eigen::VectorXd::Zero(net.n());
    const Eigen::VectorXd* xs[3] = {&task.x_a, &task.x_b, &task.x_a};
    double errs[3] = {nan, nan, nan};
    bool diverged = false;
    long step = 0;
    for (int p = 0; p < 3 && !diverged; ++p) {
        const Eigen::VectorXd& x = *xs[p];
        for (long k = 0; k < task.steps; ++k, ++step) {
            if (!net.relax(w, u, x, h)) {
                diverged = true;
                break;
            }
            if (task.record_every > 0 && step % task.record_every == 0) {
                std::vector<double> row{double(step), double(p), (h - net.h_tg).norm(), frob2(w, u, net.w0, net.u0)};
                for (double v : h)
                    row.push_back(v);
                res.trajectory.push_back(std::move(row));
            }
            net.update(w, u, x, h);
        }
        if (!diverged && net.relax(w, u, x, h))
            errs[p] = (h - net.h_tg).cwiseAbs().maxCoeff();
        else
            diverged = true;
        if (p == 0) res.w_a = w, res.u_a = u;
        if (p == 1) res.w_b = w, res.u_b = u;
        if (p == 2) res.w_a2 = w, res.u_a2 = u;
    }
    res.err_a = errs[0], res.err_b = errs[1], res.err_a2 = errs[2];
    if (diverged) {
        res.status = "diverged";
        res.weight_change = res.ri = res.err_b_before = res.err_b_after = nan;
        return res;
    }
    res.status = (errs[0] <= task.rho && errs[1] <= task.rho && errs[2] <= task.rho) ? "converged" : "not_converged";
    auto err_b = [&](const Eigen::MatrixXd& ww, const Eigen::MatrixXd& uu) {
        Eigen::VectorXd hb = net.h_tg;
        return net.relax(ww, uu, task.x_b, hb) ? (hb - net.h_tg).norm() : nan;
    };
    res.err_b_before = err_b(res.w_a, res.u_a);
    res.err_b_after = err_b(res.w_a2, res.u_a2);
    res.weight_change = frob2(res.w_a2, res.u_a2, res.w_a, res.u_a);
    res.ri = res.status == "converged" ? 1.0 - res.err_b_after / res.err_b_before : nan;
    if (res.status != "converged") res.weight_change = nan;
    return res;
}

} // namespace plast::toy
