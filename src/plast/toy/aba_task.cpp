#include "plast/toy/aba_task.hpp"

#include "plast/core/error.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <limits>
#include <numbers>

namespace plast::toy {

AbaSetup AbaSetup::paper_2d()
{
    AbaSetup s;
    const double a = std::numbers::pi / 6.0, b = std::numbers::pi / 6.0 + std::numbers::pi / 4.0;
    s.x_bg = Eigen::Vector2d(std::cos(a), std::sin(a));
    s.x_stim = Eigen::Vector2d(std::cos(b), std::sin(b));
    s.w0 = Eigen::Vector2d(1.0, 0.27);
    return s;
}

std::string AbaResult::label() const
{
    if (!stable_all_inputs || status == "diverged" || status == "no_fixed_point") return "unstable";
    if (status != "converged") return "not_converged";
    return "stable";
}

Eigen::VectorXd w_capture(const AbaSetup& s)
{
    if (s.dim() != 2) runtime_error("toy", "w_cap is defined for 2-D inputs only");
    Eigen::Matrix2d a;
    a.row(0) = s.x_bg.transpose();
    a.row(1) = s.x_stim.transpose();
    if (std::fabs(a.determinant()) < 1e-12) runtime_error("toy", "x_bg and x_stim are parallel: no w_cap");
    return a.inverse() * Eigen::Vector2d(s.y_target, s.y_target);
}

double relative_improvement(const AbaSetup& s, const Eigen::VectorXd& w_bg, const Eigen::VectorXd& w_bg_after)
{
    if (s.dim() != 2) return (w_bg_after - w_bg).norm();
    const Eigen::VectorXd wc = w_capture(s);
    const double d0 = (w_bg - wc).norm();
    return (d0 - (w_bg_after - wc).norm()) / d0;
}

namespace {
// One phase of forward Euler; returns status and the first step at which |e| <= rho.
struct PhaseOut {
    bool converged = false, diverged = false;
    double tau = -1.0;
};

PhaseOut run_phase(const ExplicitRule& rule, const AbaSetup& s, const Eigen::VectorXd& x, Eigen::VectorXd& w,
                   int phase, std::vector<std::vector<double>>* traj)
{
    PhaseOut out;
    // The rule through its family: w_i <- w_i + eta·g(x_i, y, w_i).
    const ExplicitRuleFamily fam = rule.family(s.y_target);
    const rules::RuleFamily& family = fam;
    const std::vector<double> th = rule.params();
    const std::size_t n = static_cast<std::size_t>(x.size());
    Eigen::VectorXd yv(x.size()), g(x.size());
    const double* in[3] = {x.data(), yv.data(), w.data()};
    // Reduced form: g = u·(y - y*) with u = dg/dy, which depends on x only, so u is taken from the family
    // once per phase and the step is (eta·u)·(y - y*), the historical operation order (eta·g would round
    // differently: eta·(u·e) and (eta·u)·e differ in the last bit, and the outputs would not stay identical).
    Eigen::ArrayXd u(x.size());
    if (fam.is_reduced())
        for (std::size_t i = 0; i < n; ++i) {
            double y0 = s.y_target, gi = 0.0;
            fam.eval_row(x[Eigen::Index(i)], &y0, w.data() + i, 0.0, 1, th.data(), &gi, &u[Eigen::Index(i)], nullptr);
        }
    double e = w.dot(x) - s.y_target;
    if (std::fabs(e) <= s.rho) out.tau = 0.0;
    for (long k = 1; k <= s.epochs; ++k) {
        const double y = w.dot(x);
        if (fam.is_reduced()) {
            w.array() += s.eta * u * (y - fam.y_target());
        } else {
            yv.setConstant(y);
            family.evaluate(in, n, th.data(), g.data());
            w.array() += s.eta * g.array();
        }
        e = w.dot(x) - s.y_target;
        if (out.tau < 0.0 && std::fabs(e) <= s.rho) out.tau = static_cast<double>(k);
        if (traj && s.record_every > 0 && k % s.record_every == 0) {
            std::vector<double> row{static_cast<double>(k), static_cast<double>(phase)};
            for (double v : w) row.push_back(v);
            row.push_back(w.dot(x));
            traj->push_back(std::move(row));
        }
        if (!(std::fabs(e) < 1e8) || !w.allFinite()) {
            out.diverged = true;
            return out;
        }
    }
    out.converged = std::fabs(e) <= s.rho;
    return out;
}
} // namespace

AbaResult run_aba(const ExplicitRule& rule, const AbaSetup& s)
{
    AbaResult r;
    r.stable_all_inputs = rule.stable_for_all_inputs(s.dim());
    r.lambda_bg = rule.eigenvalue(s.x_bg);
    r.lambda_stim = rule.eigenvalue(s.x_stim);
    Eigen::VectorXd w = s.w0;
    auto* traj = s.record_every > 0 ? &r.trajectory : nullptr;
    if (traj) {
        std::vector<double> row{0.0, 0.0};
        for (double v : w) row.push_back(v);
        row.push_back(w.dot(s.x_bg));
        traj->push_back(row);
    }
    const PhaseOut b = run_phase(rule, s, s.x_stim, w, 1, traj);
    r.w_after_b = w;
    r.tau_b = b.tau;
    PhaseOut a;
    if (!b.diverged) a = run_phase(rule, s, s.x_bg, w, 2, traj);
    r.w_after_a = b.diverged ? s.w0 : w;
    r.tau_a = a.tau;
    if (b.diverged || a.diverged) r.status = "diverged";
    else if (b.converged && a.converged) r.status = "converged";
    else r.status = "not_converged";
    r.dist_end_start = r.status == "diverged" ? std::numeric_limits<double>::quiet_NaN() : (w - s.w0).norm();
    r.ri = r.status == "converged" ? relative_improvement(s, s.w0, r.w_after_a)
                                   : std::numeric_limits<double>::quiet_NaN();
    return r;
}

AbaResult run_aba(const ImplicitRule& rule, const AbaSetup& s)
{
    AbaResult r;
    r.stable_all_inputs = rule.positive_semidefinite();
    r.lambda_bg = r.lambda_stim = rule.min_eigenvalue();
    const auto wb = rule.jump(s.w0, s.x_stim, s.y_target);
    std::optional<Eigen::VectorXd> wa;
    if (wb) wa = rule.jump(*wb, s.x_bg, s.y_target);
    if (!wb || !wa) {
        r.status = "no_fixed_point";
        r.w_after_b = r.w_after_a = s.w0;
        r.ri = r.dist_end_start = std::numeric_limits<double>::quiet_NaN();
        return r;
    }
    r.status = "converged";
    r.w_after_b = *wb;
    r.w_after_a = *wa;
    r.tau_b = r.tau_a = 1.0; // one jump per phase
    r.dist_end_start = (*wa - s.w0).norm();
    r.ri = relative_improvement(s, s.w0, *wa);
    return r;
}

} // namespace plast::toy
