#include "plast/infer/behaviour_experiment.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
#include "plast/infer/metrics.hpp"

#include <cmath>
#include <limits>

namespace plast::infer {

std::vector<double> draw_weights(std::size_t n, double scale, std::uint64_t seed, const char* purpose,
                                 std::uint64_t index)
{
    rng::Stream s(seed, purpose, index);
    std::vector<double> w(n);
    for (auto& v : w)
        v = scale * s.normal();
    return w;
}

BehaviourResult run_behaviour_sim(const BehaviourSettings& s, const rules::DifferentiableRule& teacher,
                                  const std::vector<double>& theta_star, const rules::DifferentiableRule& student,
                                  const std::vector<double>& theta0, const FitOptions& fopt, std::uint64_t seed,
                                  const LogCallback& on_log)
{
    BehaviourResult out;
    out.seed = seed;
    std::vector<rate::BehaviourTrajectory> train;
    double len_sum = 0;
    for (int k = 0; k < s.num_train; ++k) {
        auto g = rate::generate_behaviour(s.task, s.net, teacher, theta_star.data(), s.w_init_scale, seed, 0,
                                          static_cast<std::uint64_t>(k));
        len_sum += static_cast<double>(g.data.valid_cells()) / g.data.n_trials;
        train.push_back(std::move(g.data));
    }
    out.mean_trial_length = s.num_train ? len_sum / s.num_train : 0;
    const auto w0 = draw_weights(s.net.n_syn(), s.w_init_scale, seed, "student_w0");
    TrajectoryLoss loss = [&](std::size_t k, const std::vector<double>& th, double* grad) {
        thread_local rate::BehaviourRecord rec; // scratch reused between calls (no reallocation)
        return rate::behaviour_loss(s.net, student, th.data(), train[k], w0.data(), s.loss, grad, rec);
    };
    out.fit = fit(loss, train.size(), student, theta0, fopt, on_log);
    out.theta_eff = student.effective(out.fit.theta);

    std::vector<double> r2w, r2y, pdev;
    const std::size_t ns = s.net.n_syn(), np = static_cast<std::size_t>(s.net.n_post());
    const std::vector<double> zero(student.n_params(), 0.0);
    for (int k = 0; k < s.num_eval; ++k) {
        const auto g = rate::generate_behaviour(s.task, s.net, teacher, theta_star.data(), s.w_init_scale, seed, 1,
                                                static_cast<std::uint64_t>(k));
        const auto& d = g.data;
        const auto ew0 = draw_weights(ns, s.w_init_scale, seed, "eval_w0", static_cast<std::uint64_t>(k));
        rate::BehaviourRecord rt, rf, r0;
        rate::simulate(s.net, teacher, theta_star.data(), d, ew0.data(), rt);
        rate::simulate(s.net, student, out.fit.theta.data(), d, ew0.data(), rf);
        rate::simulate(s.net, student, zero.data(), d, ew0.data(), r0);
        const std::size_t T = static_cast<std::size_t>(d.n_trials);
        const std::vector<double> wt(rt.w.begin() + static_cast<std::ptrdiff_t>(ns), rt.w.end()),
            wf(rf.w.begin() + static_cast<std::ptrdiff_t>(ns), rf.w.end());
        std::vector<std::uint8_t> valid(d.cells(), 0);
        for (std::size_t c = 0; c < d.cells(); ++c)
            valid[c] = std::isnan(d.decision[c]) ? 0 : 1;
        const double ninf = -std::numeric_limits<double>::infinity();
        r2w.push_back(rf.finite ? r2_per_unit(wt, wf, T, ns) : ninf);
        r2y.push_back(rf.finite ? r2_per_unit(rt.y, rf.y, d.cells(), np, &valid) : ninf);
        pdev.push_back(rf.finite
                           ? percent_deviance_explained(deviance(rf.logit, d.decision), deviance(r0.logit, d.decision))
                           : ninf);
        if (k == 0) {
            out.w_true = rt.w;
            out.w_fit = rf.w;
        }
    }
    out.r2_weights_median = median(r2w);
    out.r2_weights_mean = mean(r2w);
    out.r2_activity_median = median(r2y);
    out.r2_activity_mean = mean(r2y);
    out.pdev_median = median(pdev);
    out.pdev_mean = mean(pdev);
    return out;
}

AnimalResult run_animal(const BehaviourSettings& s, const std::string& name, const rate::ChoiceRecord& choices,
                        const rules::DifferentiableRule& student, const std::vector<double>& theta0,
                        const FitOptions& fopt, std::uint64_t seed, int samples, double cutoff, bool continue_test,
                        const LogCallback& on_log)
{
    AnimalResult out;
    out.name = name;
    std::vector<rate::BehaviourTrajectory> full, train, test;
    for (int k = 0; k < samples; ++k)
        full.push_back(rate::trajectory_from_choices(choices, s.net.n_in, s.task.input_firing_mean,
                                                     s.task.input_noise_std, s.task.moving_avg_window, seed,
                                                     static_cast<std::uint64_t>(k)));
    out.n_trials = full.empty() ? 0 : full[0].n_trials;
    const int n_cut = std::clamp(static_cast<int>(std::lround(cutoff * out.n_trials)), 1, out.n_trials);
    out.n_train_trials = n_cut;
    for (auto& f : full) {
        train.push_back(f.slice(0, n_cut));
        if (n_cut < out.n_trials) test.push_back(f.slice(n_cut, out.n_trials - n_cut));
    }
    const auto w0 = draw_weights(s.net.n_syn(), s.w_init_scale, seed, "student_w0");
    TrajectoryLoss loss = [&](std::size_t k, const std::vector<double>& th, double* grad) {
        thread_local rate::BehaviourRecord rec;
        return rate::behaviour_loss(s.net, student, th.data(), train[k], w0.data(), s.loss, grad, rec);
    };
    out.fit = fit(loss, train.size(), student, theta0, fopt, on_log);
    out.theta_eff = student.effective(out.fit.theta);
    const std::vector<double> zero(student.n_params(), 0.0);
    std::vector<double> ptr, pte;
    const std::size_t ns = s.net.n_syn();
    for (std::size_t k = 0; k < train.size(); ++k) {
        rate::BehaviourRecord rf, r0;
        rate::simulate(s.net, student, out.fit.theta.data(), train[k], w0.data(), rf);
        rate::simulate(s.net, student, zero.data(), train[k], w0.data(), r0);
        ptr.push_back(
            percent_deviance_explained(deviance(rf.logit, train[k].decision), deviance(r0.logit, train[k].decision)));
        if (test.empty()) continue;
        std::vector<double> tw0f, tw00;
        if (continue_test) {
            tw0f.assign(rf.w.end() - static_cast<std::ptrdiff_t>(ns), rf.w.end());
            tw00 = w0;
        } else {
            tw0f = draw_weights(ns, s.w_init_scale, seed, "fly_test_w0", k);
            tw00 = tw0f;
        }
        rate::BehaviourRecord tf, t0;
        rate::simulate(s.net, student, out.fit.theta.data(), test[k], tw0f.data(), tf);
        rate::simulate(s.net, student, zero.data(), test[k], tw00.data(), t0);
        pte.push_back(
            percent_deviance_explained(deviance(tf.logit, test[k].decision), deviance(t0.logit, test[k].decision)));
    }
    out.pdev_train = median(ptr);
    out.pdev_test = pte.empty() ? std::numeric_limits<double>::quiet_NaN() : median(pte);
    return out;
}

} // namespace plast::infer
