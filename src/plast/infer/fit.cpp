#include "plast/infer/fit.hpp"

#include "plast/core/parallel.hpp"
#include "plast/infer/optimizers.hpp"

#include <chrono>
#include <cmath>

namespace plast::infer {

double regularizer(const rules::DifferentiableRule& rule, const FitOptions& opt, const std::vector<double>& theta,
                   double* grad)
{
    if (!rule.regularised() || opt.regularization == "none" || opt.reg_scale == 0.0) return 0.0;
    const auto mask = rule.param_mask();
    double r = 0.0;
    for (std::size_t i = 0; i < theta.size(); ++i) {
        const double t = theta[i] * mask[i];
        if (opt.regularization == "l1") {
            r += std::fabs(t);
            if (grad) grad[i] += opt.reg_scale * mask[i] * (t > 0 ? 1.0 : t < 0 ? -1.0 : 0.0);
        } else {
            r += t * t;
            if (grad) grad[i] += opt.reg_scale * 2.0 * t * mask[i];
        }
    }
    return opt.reg_scale * r;
}

FitResult fit(const TrajectoryLoss& loss, std::size_t n_train, const rules::DifferentiableRule& rule,
              std::vector<double> theta0, const FitOptions& opt, const LogCallback& on_log)
{
    const auto start = std::chrono::steady_clock::now();
    FitResult res;
    const std::size_t np = theta0.size();
    std::vector<double> theta = std::move(theta0);
    auto record = [&](int epoch, double l) {
        const auto eff = rule.effective(theta);
        res.log.epoch.push_back(epoch);
        res.log.loss.push_back(l);
        res.log.theta.push_back(eff);
        if (on_log) on_log(epoch, l, eff);
    };
    // Mean loss over the trajectories [first, first + n) and its gradient, parallel with ordered summation.
    std::vector<std::vector<double>> slots;
    std::vector<double> slot_loss;
    auto batch = [&](std::size_t first, std::size_t n, std::vector<double>& grad) {
        slots.assign(n, std::vector<double>(np, 0.0));
        slot_loss.assign(n, 0.0);
        parallel_for(n, n > 1 ? opt.threads : 1,
                     [&](std::size_t b) { slot_loss[b] = loss(first + b, theta, slots[b].data()); });
        res.gradient_evaluations += static_cast<long>(n);
        grad.assign(np, 0.0);
        double l = 0.0;
        for (std::size_t b = 0; b < n; ++b) {
            l += slot_loss[b];
            for (std::size_t p = 0; p < np; ++p)
                grad[p] += slots[b][p];
        }
        for (auto& g : grad)
            g /= static_cast<double>(n);
        return l / static_cast<double>(n);
    };

    if (opt.optimizer == "lbfgs") {
        int evals = 0;
        // NLopt's stopping tests are partly absolute; normalise the objective by its initial value so that
        // tiny losses (small activity changes) are optimised as thoroughly as large ones.
        std::vector<double> g0;
        const double f0 = batch(0, n_train, g0) + regularizer(rule, opt, theta, nullptr);
        const double scale = std::isfinite(f0) && f0 > 0 ? 1.0 / f0 : 1.0;
        Objective f = [&](const std::vector<double>& th, std::vector<double>& grad) {
            theta = th;
            double l = batch(0, n_train, grad);
            l += regularizer(rule, opt, theta, grad.data());
            for (auto& g : grad)
                g *= scale;
            return l * scale;
        };
        auto cb = [&](int e, double l, const std::vector<double>& th) {
            evals = e;
            theta = th;
            if (e == 1 || e % std::max(1, opt.log_interval) == 0) record(e, l / scale);
        };
        const auto r = minimize_lbfgs(f, theta, opt.lbfgs_max_evaluations, opt.lbfgs_ftol_rel, cb);
        std::vector<double> g;
        // theta now holds the optimum; log it as the last row
        double l = batch(0, n_train, g) + regularizer(rule, opt, theta, nullptr);
        record(evals + 1, l);
        res.status = std::isfinite(l) ? r.status : "diverged";
    } else {
        Adam adam(np, opt.learning_rate);
        const std::size_t bs =
            opt.batch_size <= 0 ? n_train : std::min<std::size_t>(static_cast<std::size_t>(opt.batch_size), n_train);
        std::vector<double> grad, before; // before: parameters ahead of the last Adam step
        for (int epoch = 0; epoch <= opt.epochs; ++epoch) {
            double sum = 0.0;
            std::size_t nb = 0;
            const int backtracks_before = res.backtracks;
            for (std::size_t first = 0; first < n_train; first += bs) {
                const std::size_t n = std::min(bs, n_train - first);
                double l = batch(first, n, grad);
                l += regularizer(rule, opt, theta, grad.data());
                bool gfin = std::isfinite(l);
                for (double g : grad)
                    gfin = gfin && std::isfinite(g);
                if (!gfin) {
                    // The current rule blows up on this batch. Backtrack: return to the parameters before
                    // the last step with a halved step size (Adam's first steps move every coefficient by
                    // about the learning rate at once, which can push a full Taylor rule into a blow-up).
                    if (opt.on_nonfinite == "backtrack" && !before.empty() && res.backtracks >= opt.max_backtracks) {
                        theta = before; // out of backtracks: keep the last finite rule and stop
                        res.status = "backtrack_limit";
                        break;
                    }
                    if (opt.on_nonfinite == "backtrack" && !before.empty()) {
                        theta = before;
                        before.clear();
                        adam.backtrack(0.5);
                        ++res.backtracks;
                    } else {
                        ++res.skipped_steps; // a whole epoch without a finite step ends the fit as "diverged"
                    }
                    continue;
                }
                before = theta;
                adam.step(theta, grad);
                sum += l;
                ++nb;
            }
            if (res.status == "backtrack_limit") break;
            if (nb == 0 && res.backtracks == backtracks_before) { // nothing finite and nowhere to go back to
                res.status = "diverged";
                record(epoch, std::nan(""));
                break;
            }
            if (nb > 0 && (epoch % std::max(1, opt.log_interval) == 0 || epoch == opt.epochs))
                record(epoch, sum / static_cast<double>(nb));
        }
        res.final_learning_rate = adam.learning_rate();
    }
    res.theta = theta;
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return res;
}

} // namespace plast::infer
