#include "plast/infer/fit.hpp"

#include "plast/core/interrupt.hpp"
#include "plast/core/parallel.hpp"
#include "plast/infer/optimizers.hpp"
#include "plast/infer/result_json.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace plast::infer {

namespace {

struct AdamCheckpoint {
    int next_epoch = 0;
    std::vector<double> theta, before;
    Adam::State adam;
};

void write_checkpoint(const FitOptions& opt, const AdamCheckpoint& c, const FitResult& res)
{
    nlohmann::json j;
    j["key"] = opt.checkpoint_key;
    j["next_epoch"] = c.next_epoch;
    j["theta"] = json_numbers(c.theta);
    j["before"] = json_numbers(c.before);
    j["adam"] = {{"lr", json_number(c.adam.lr)}, {"t", c.adam.t}, {"m", json_numbers(c.adam.m)}, {"v", json_numbers(c.adam.v)}};
    j["status"] = res.status;
    j["backtracks"] = res.backtracks;
    j["skipped_steps"] = res.skipped_steps;
    j["gradient_evaluations"] = res.gradient_evaluations;
    j["seconds"] = res.seconds; // fit time so far, over every start
    auto thetas = nlohmann::json::array();
    for (const auto& t : res.log.theta) thetas.push_back(json_numbers(t));
    j["log"] = {{"epoch", res.log.epoch}, {"loss", json_numbers(res.log.loss)}, {"theta", thetas}};
    if (res.gradient_check.done) {
        const auto& g = res.gradient_check;
        j["gradient_check"] = {{"step", json_number(g.step)}, {"loss", json_number(g.loss)}, {"adjoint", json_numbers(g.adjoint)},
                               {"finite_difference", json_numbers(g.finite_difference)},
                               {"per_parameter_relative_error", json_numbers(g.per_parameter_relative_error)},
                               {"max_abs_error", json_number(g.max_abs_error)}, {"relative_error", json_number(g.relative_error)}};
    }
    namespace fs = std::filesystem;
    const fs::path path(opt.checkpoint), tmp = path.string() + ".tmp";
    fs::create_directories(path.parent_path());
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << j.dump() << "\n";
        if (!out.flush()) throw std::runtime_error("cannot write the fit checkpoint " + tmp.string());
    }
    fs::rename(tmp, path);
}

// Reads a checkpoint into c and res; false when there is none. A checkpoint of another fit is an error.
bool read_checkpoint(const FitOptions& opt, std::size_t np, AdamCheckpoint& c, FitResult& res)
{
    std::ifstream in(opt.checkpoint);
    if (!in) return false;
    const auto j = nlohmann::json::parse(in, nullptr, false);
    auto bad = [&](const std::string& why) {
        return std::runtime_error("fit checkpoint " + opt.checkpoint + ": " + why +
                                  " (delete it to start this fit again)");
    };
    if (j.is_discarded() || !j.is_object()) throw bad("not valid JSON");
    if (j.value("key", std::string()) != opt.checkpoint_key) throw bad("written by another configuration or fit");
    try {
        c.next_epoch = j.at("next_epoch").get<int>();
        c.theta = json_numbers(j.at("theta"));
        c.before = json_numbers(j.at("before"));
        const auto& a = j.at("adam");
        c.adam = {json_number(a.at("lr")), a.at("t").get<long>(), json_numbers(a.at("m")), json_numbers(a.at("v"))};
        res.status = j.at("status").get<std::string>();
        res.backtracks = j.at("backtracks").get<int>();
        res.skipped_steps = j.at("skipped_steps").get<long>();
        res.gradient_evaluations = j.at("gradient_evaluations").get<long>();
        res.seconds = j.value("seconds", 0.0);
        const auto& l = j.at("log");
        res.log.epoch = l.at("epoch").get<std::vector<int>>();
        res.log.loss = json_numbers(l.at("loss"));
        res.log.theta.clear();
        for (const auto& t : l.at("theta")) res.log.theta.push_back(json_numbers(t));
        if (j.contains("gradient_check")) {
            const auto& g = j.at("gradient_check");
            auto& gc = res.gradient_check;
            gc.done = true;
            gc.step = json_number(g.at("step"));
            gc.loss = json_number(g.at("loss"));
            gc.adjoint = json_numbers(g.at("adjoint"));
            gc.finite_difference = json_numbers(g.at("finite_difference"));
            gc.per_parameter_relative_error = json_numbers(g.at("per_parameter_relative_error"));
            gc.max_abs_error = json_number(g.at("max_abs_error"));
            gc.relative_error = json_number(g.at("relative_error"));
        }
    } catch (const nlohmann::json::exception& e) {
        throw bad(std::string("unreadable: ") + e.what());
    }
    if (c.theta.size() != np || c.adam.m.size() != np || c.adam.v.size() != np || (!c.before.empty() && c.before.size() != np) ||
        res.log.epoch.size() != res.log.loss.size() || res.log.epoch.size() != res.log.theta.size())
        throw bad("sizes do not match this fit's " + std::to_string(np) + " parameters");
    return true;
}

} // namespace

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

GradientCheck check_gradient(const TrajectoryLoss& loss, std::size_t n_train, const rules::DifferentiableRule& rule,
                             const std::vector<double>& theta, double step, int threads)
{
    const std::size_t np = theta.size();
    const auto mask = rule.param_mask();
    GradientCheck gc;
    gc.done = true;
    gc.step = step;
    // Mean loss over all training trajectories (summed in trajectory order: thread-count independent).
    auto mean_loss = [&](const std::vector<double>& th, std::vector<double>* grad) {
        std::vector<double> ls(n_train, 0.0);
        std::vector<std::vector<double>> gs(grad ? n_train : 0, std::vector<double>(np, 0.0));
        parallel_for(n_train, threads,
                     [&](std::size_t k) { ls[k] = loss(k, th, grad ? gs[k].data() : nullptr); });
        double l = 0.0;
        for (double v : ls)
            l += v;
        if (grad) {
            grad->assign(np, 0.0);
            for (const auto& g : gs)
                for (std::size_t p = 0; p < np; ++p)
                    (*grad)[p] += g[p] / static_cast<double>(n_train);
        }
        return l / static_cast<double>(n_train);
    };
    gc.loss = mean_loss(theta, &gc.adjoint);
    gc.finite_difference.assign(np, 0.0);
    gc.per_parameter_relative_error.assign(np, 0.0);
    double emax = 0.0, fmax = 0.0;
    for (std::size_t p = 0; p < np; ++p) {
        if (mask[p] == 0.0) {
            gc.adjoint[p] = 0.0;
            continue;
        }
        const double h = step * std::max(1.0, std::fabs(theta[p]));
        std::vector<double> th = theta;
        th[p] = theta[p] + h;
        const double lp = mean_loss(th, nullptr);
        th[p] = theta[p] - h;
        const double lm = mean_loss(th, nullptr);
        const double fd = (lp - lm) / (2.0 * h), a = gc.adjoint[p];
        gc.finite_difference[p] = fd;
        const double e = std::fabs(a - fd), den = std::max(std::fabs(a), std::fabs(fd));
        gc.per_parameter_relative_error[p] = den > 0 ? e / den : (e == 0 ? 0.0 : std::nan(""));
        emax = std::isnan(e) ? e : std::max(emax, e);
        fmax = std::max(fmax, std::fabs(fd));
    }
    gc.max_abs_error = emax;
    gc.relative_error = fmax > 0 ? emax / fmax : (emax == 0 ? 0.0 : std::nan(""));
    return gc;
}

FitResult fit(const TrajectoryLoss& loss, std::size_t n_train, const rules::DifferentiableRule& rule,
              std::vector<double> theta0, const FitOptions& opt, const LogCallback& on_log)
{
    const auto start = std::chrono::steady_clock::now();
    const bool l1 = rule.regularised() && opt.regularization == "l1" && opt.reg_scale > 0.0;
    if (l1 && opt.optimizer == "lbfgs")
        // NLopt's L-BFGS assumes a smooth objective; at the kink of |theta| its line search fails
        // ("nlopt failure"). Refuse rather than report a half-done fit.
        throw std::invalid_argument("fit.regularization = \"l1\" is not differentiable at 0 and fit.optimizer = "
                                    "\"lbfgs\" needs a smooth objective: use fit.optimizer = \"adam\" (with "
                                    "fit.l1_method = \"proximal\" or \"subgradient\"), or fit.regularization = "
                                    "\"l2\" / \"none\"");
    if (opt.l1_method != "subgradient" && opt.l1_method != "proximal")
        throw std::invalid_argument("fit.l1_method must be \"subgradient\" or \"proximal\", not \"" + opt.l1_method +
                                    "\"");
    const bool prox = l1 && opt.l1_method == "proximal";
    const auto mask = rule.param_mask();
    FitResult res;
    const std::size_t np = theta0.size();
    std::vector<double> theta = std::move(theta0);
    // Adam continues from its checkpoint when there is one (see FitOptions::checkpoint).
    const bool checkpoints = !opt.checkpoint.empty() && opt.optimizer != "lbfgs";
    AdamCheckpoint ck;
    const bool resumed = checkpoints && read_checkpoint(opt, np, ck, res);
    if (resumed) {
        theta = ck.theta;
        if (on_log)
            for (std::size_t k = 0; k < res.log.epoch.size(); ++k) on_log(res.log.epoch[k], res.log.loss[k], res.log.theta[k]);
    }
    if (opt.check_gradient && !res.gradient_check.done)
        res.gradient_check = check_gradient(loss, n_train, rule, theta, opt.check_gradient_step, opt.threads);
    std::function<void()> save_checkpoint; // set by Adam: the state after a logged epoch
    auto record = [&](int epoch, double l) {
        const auto eff = rule.effective(theta);
        res.log.epoch.push_back(epoch);
        res.log.loss.push_back(l);
        res.log.theta.push_back(eff);
        if (on_log) on_log(epoch, l, eff);
        if (save_checkpoint) save_checkpoint();
        check_interrupt(); // Ctrl-C (or a Python callback that stops the run) ends a long fit here
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
        int epoch = 0;
        if (resumed) {
            epoch = ck.next_epoch;
            before = ck.before;
            adam.restore(ck.adam);
        }
        // Written at the first logged epoch, then at most every checkpoint_seconds and at the end: the file holds
        // the whole log, so writing it after every epoch of a long, finely logged fit would cost more than the fit.
        auto last_save = std::chrono::steady_clock::time_point::min();
        if (checkpoints)
            save_checkpoint = [&] {
                const auto now = std::chrono::steady_clock::now();
                if (last_save != std::chrono::steady_clock::time_point::min() && epoch < opt.epochs && res.status.empty() &&
                    std::chrono::duration<double>(now - last_save).count() < opt.checkpoint_seconds)
                    return;
                FitResult at = res; // the checkpoint's seconds: this start's time added to the earlier starts'
                at.seconds += std::chrono::duration<double>(now - start).count();
                write_checkpoint(opt, {epoch + 1, theta, before, adam.state()}, at);
                last_save = now;
            };
        // A fit that had ended (diverged) when its checkpoint was written ends there again.
        if (!res.status.empty()) epoch = opt.epochs + 1;
        for (; epoch <= opt.epochs; ++epoch) {
            double sum = 0.0;
            std::size_t nb = 0;
            const int backtracks_before = res.backtracks;
            for (std::size_t first = 0; first < n_train; first += bs) {
                const std::size_t n = std::min(bs, n_train - first);
                double l = batch(first, n, grad);
                l += regularizer(rule, opt, theta, prox ? nullptr : grad.data()); // proximal: L1 in the step
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
                if (prox)
                    adam.prox_l1_step(theta, grad, opt.reg_scale, mask);
                else
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
        save_checkpoint = {}; // it refers to this block's state
        res.final_learning_rate = adam.learning_rate();
        if (res.status.empty()) res.status = "max_epochs";
    }
    if (opt.final_check && (res.status == "max_epochs" || opt.optimizer == "lbfgs") && res.status != "diverged") {
        // First-order optimality of the end point (see FitResult::stationarity).
        std::vector<double> g;
        const double fl = batch(0, n_train, g) + regularizer(rule, opt, theta, nullptr);
        double st = 0.0, gm = 0.0;
        for (std::size_t i = 0; i < np; ++i) {
            if (mask[i] == 0.0) continue;
            gm = std::max(gm, std::fabs(g[i]));
            double r = g[i];
            if (rule.regularised() && opt.regularization == "l2") r += 2.0 * opt.reg_scale * theta[i];
            if (l1)
                r = theta[i] != 0.0 ? g[i] + opt.reg_scale * (theta[i] > 0 ? 1.0 : -1.0)
                                    : std::max(0.0, std::fabs(g[i]) - opt.reg_scale);
            st = std::max(st, std::fabs(r));
        }
        res.stationarity = st;
        res.data_gradient_max = gm;
        if (l1) {
            // Is the zero rule a first-order optimum that the fit did not beat? Then it learned nothing,
            // whatever the optimiser says.
            const std::vector<double> keep = theta;
            std::fill(theta.begin(), theta.end(), 0.0);
            std::vector<double> g0;
            const double f0 = batch(0, n_train, g0);
            theta = keep;
            double g0m = 0.0;
            for (std::size_t i = 0; i < np; ++i)
                if (mask[i] != 0.0) g0m = std::max(g0m, std::fabs(g0[i]));
            res.data_gradient_max_at_zero = g0m;
            if (g0m <= opt.reg_scale && !(fl < f0)) {
                std::ostringstream os;
                os << "fit.regularization_scale = " << opt.reg_scale
                   << " exceeds every component of the data gradient at theta = 0 (largest " << g0m
                   << "): the zero rule is a first-order optimum of the L1-regularised loss and the fit ended no "
                      "better than it (objective "
                   << fl << " vs " << f0 << " at theta = 0). Lower fit.regularization_scale below " << g0m
                   << " or normalise the loss.";
                res.status = "zero_rule";
                res.note = os.str();
            }
        }
    }
    res.theta = theta;
    res.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); // + earlier starts'
    return res;
}

} // namespace plast::infer
