#include "plast/infer/infer_outputs.hpp"

#include "plast/infer/fit_live_outputs.hpp"
#include "plast/infer/metrics.hpp"
#include "plast/io/csv.hpp"
#include "plast/io/npy.hpp"
#include "plast/io/run_dir.hpp"
#include "plast/rules/rule_string.hpp"
#include "plast/rules/taylor_rule.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace plast::infer {

namespace {

nlohmann::json rule_json(const rules::DifferentiableRule& rule, const std::vector<double>& theta_eff)
{
    nlohmann::json j;
    j["family"] = rule.name();
    double mx = 0;
    for (double v : theta_eff)
        mx = std::max(mx, std::fabs(v));
    // terms below 1 % of the largest are left out of the printed formula (rule_string keeps every digit)
    j["formula"] = rule.formula(theta_eff.data(), 0.01 * mx);
    if (auto* t = dynamic_cast<const rules::TaylorRule*>(&rule)) {
        j["formula_leading"] = rule.formula(theta_eff.data(), 0.05 * mx);
        std::vector<std::size_t> order(theta_eff.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](auto a, auto b) { return std::fabs(theta_eff[a]) > std::fabs(theta_eff[b]); });
        nlohmann::json top = nlohmann::json::array();
        for (std::size_t i = 0; i < std::min<std::size_t>(5, order.size()); ++i)
            top.push_back({{"term", t->term_name(order[i])},
                           {"monomial", t->monomial(order[i])},
                           {"value", theta_eff[order[i]]}});
        j["leading_terms"] = top;
        j["index_order"] =
            t->legacy_index_order() ? "legacy (reference transposition)" : "canonical x^a y^b w^c r^d, k = 27a+9b+3c+d";
        const auto mask = t->param_mask();
        j["n_trainable"] = static_cast<int>(std::count(mask.begin(), mask.end(), 1.0));
    }
    if (auto* e = dynamic_cast<const expr::ExprRateRule*>(&rule)) {
        j["expression"] = e->expression(theta_eff.data()); // every digit of the fitted constants
        nlohmann::json ps = nlohmann::json::object();
        const auto names = e->param_names();
        for (std::size_t p = 0; p < names.size(); ++p)
            ps[names[p]] = theta_eff[p];
        j["params"] = ps;
    }
    return j;
}

nlohmann::json jnum(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

// Fit status and first-order optimality of the end point; a "zero_rule" fit is also reported on stderr,
// because it means the run learned nothing.
void fit_json(nlohmann::json& summary, const FitResult& f)
{
    summary["status"] = f.status;
    if (!f.note.empty()) summary["status_note"] = f.note;
    summary["stationarity"] = jnum(f.stationarity);
    summary["data_gradient_max"] = jnum(f.data_gradient_max);
    if (std::isfinite(f.data_gradient_max_at_zero))
        summary["data_gradient_max_at_zero"] = f.data_gradient_max_at_zero;
    if (f.status == "zero_rule") std::fprintf(stderr, "warning: %s\n", f.note.c_str());
    const auto& gc = f.gradient_check;
    if (gc.done) {
        summary["gradient_check"] = {{"relative_error", jnum(gc.relative_error)},
                                     {"max_abs_error", jnum(gc.max_abs_error)},
                                     {"step", gc.step},
                                     {"loss", jnum(gc.loss)},
                                     {"adjoint", gc.adjoint},
                                     {"finite_difference", gc.finite_difference},
                                     {"per_parameter_relative_error", gc.per_parameter_relative_error}};
        std::fprintf(stderr, "gradient check at the start point (central differences, relative step %g): "
                    "max |adjoint - FD| / max |FD| = %.3g over %zu parameters\n",
                    gc.step, gc.relative_error, gc.adjoint.size());
        
    }
}

// family = expression: start, fitted and (if the generating expression has the same form) true values of
// every parameter, in run.json (`constants`) and constants.csv.
void expression_report(const io::RunDir& dir, nlohmann::json& summary, const RuleSpec& rule,
                       const rules::DifferentiableRule& stu, const std::vector<double>& fitted)
{
    if (rule.family != "expression") return;
    const auto names = stu.param_names();
    const bool truth = rule.expr_truth.size() == names.size();
    summary["expression_start"] = rule.expression;
    summary["lift_constants"] = rule.lift_constants;
    if (rule.expr_teacher)
        summary["ground_truth_same_form"] = truth;
    io::CsvWriter csv(dir.file("constants.csv"), {"name", "start", "fitted", "true", "abs_error", "rel_error"});
    nlohmann::json cj = nlohmann::json::array();
    double max_rel = 0.0;
    for (std::size_t p = 0; p < names.size(); ++p) {
        const double t = truth ? rule.expr_truth[p] : std::nan("");
        const double ae = std::fabs(fitted[p] - t), re = t != 0.0 ? ae / std::fabs(t) : ae;
        if (truth) max_rel = std::max(max_rel, re);
        csv.row({names[p], rule.expr_start[p], fitted[p], t, truth ? ae : std::nan(""), truth ? re : std::nan("")});
        nlohmann::json e = {{"name", names[p]}, {"start", rule.expr_start[p]}, {"fitted", fitted[p]}};
        if (truth) {
            e["true"] = t;
            e["abs_error"] = ae;
            e["rel_error"] = re;
        }
        cj.push_back(e);
    }
    summary["constants"] = cj;
    if (truth) {
        summary["constants_max_rel_error"] = max_rel;
        std::fprintf(stderr, "constants (start -> fitted, true):");
        for (std::size_t p = 0; p < names.size(); ++p)
            std::fprintf(stderr, " %s %.6g -> %.9g (%.6g)", names[p].c_str(), rule.expr_start[p], fitted[p], rule.expr_truth[p]);
        std::fprintf(stderr, "; max relative error %.3g\n", max_rel);
        
    }
}

std::string top_term(const rules::DifferentiableRule& rule, const std::vector<double>& th)
{
    auto* t = dynamic_cast<const rules::TaylorRule*>(&rule);
    if (!t || th.size() != t->n_params()) return "";
    std::size_t best = 0;
    for (std::size_t k = 0; k < th.size(); ++k)
        if (std::fabs(th[k]) > std::fabs(th[best])) best = k;
    return t->term_name(best);
}

} // namespace

void write_study_header(io::RunDir& dir, const InferStudy& study)
{
    auto& summary = dir.summary();
    const auto tea = study.teacher();
    const auto ts = study.theta_star();
    const auto& rule = study.rule;
    summary["experiment"] = study.kind + "/" + study.source;
    if (!rule.ground_truth.empty()) {
        summary["ground_truth"] = rule.ground_truth;
        summary["ground_truth_formula"] = tea->formula(ts.data());
        if (const auto* tt = dynamic_cast<const rules::TaylorRule*>(tea.get())) {
            nlohmann::json gt = nlohmann::json::array();
            for (std::size_t k = 0; k < ts.size(); ++k)
                if (ts[k] != 0.0)
                    gt.push_back({{"column", tt->column_name(k)}, {"term", tt->term_name(k)}, {"value", ts[k]}});
            summary["ground_truth_terms"] = gt;
        }
    }
    summary["optimizer"] = study.fit.optimizer;
}

void write_oja_grid(io::RunDir& dir, const InferStudy& study, const OjaGridResults& out)
{
    auto& summary = dir.summary();
    const auto& rule = study.rule;
    const bool taylor = rule.family == "taylor"; // Taylor-only columns and diagnostics
    const bool agg_median = study.aggregate == "median";
    const auto& stu = out.student;
    const auto& pts = out.points;
    const auto& res = out.fits;
    const auto& r0 = res[0];
    io::write_npy(dir.file("weights_true.npy"), r0.w_true,
                  {r0.w_true.size() / std::max<std::size_t>(1, r0.kept_synapses), r0.kept_synapses});
    io::write_npy(dir.file("weights_fit.npy"), r0.w_fit,
                  {r0.w_fit.size() / std::max<std::size_t>(1, r0.kept_synapses), r0.kept_synapses});
    io::CsvWriter grid(dir.file("grid.csv"),
                       {"noise", "observed_fraction", "seed", "status", "r2_weights", "r2_activity", "theta_110",
                        "theta_021", "max_err_truth_terms", "max_abs_other_terms", "seconds"});
    rules::TaylorRule t27(false);
    for (std::size_t i = 0; i < res.size(); ++i) {
        const auto& r = res[i];
        grid.row({pts[i].noise, pts[i].frac, static_cast<long long>(r.seed), r.fit.status,
                  agg_median ? r.r2_weights_median : r.r2_weights_mean,
                  agg_median ? r.r2_activity_median : r.r2_activity_mean,
                  taylor ? r.theta_eff[t27.index(1, 1, 0)] : std::nan(""),
                  taylor ? r.theta_eff[t27.index(0, 2, 1)] : std::nan(""), r.max_err_truth_terms,
                  r.max_abs_other_terms, r.fit.seconds});
    }
    nlohmann::json fitted = rule_json(*stu, r0.theta_eff);
    if (taylor) fitted["rule_string"] = rules::format_rule_string(r0.theta_eff, false);
    summary["fitted_rule"] = fitted;
    fit_json(summary, r0.fit);
    expression_report(dir, summary, rule, *stu, r0.theta_eff);
    summary["fit_seconds"] = r0.fit.seconds;
    summary["r2_weights_heldout_median"] = jnum(r0.r2_weights_median);
    summary["r2_weights_heldout_mean"] = jnum(r0.r2_weights_mean);
    summary["r2_activity_heldout_median"] = jnum(r0.r2_activity_median);
    summary["max_err_truth_terms"] = jnum(r0.max_err_truth_terms);
    summary["max_abs_other_terms"] = jnum(r0.max_abs_other_terms);
    if (taylor) {
        summary["theta_110"] = r0.theta_eff[t27.index(1, 1, 0)];
        summary["theta_021"] = r0.theta_eff[t27.index(0, 2, 1)];
    }
    if (r0.condition_number > 0) {
        summary["term_gram_condition_number"] = jnum(r0.condition_number);
        // leading terms of the least-determined combination of Taylor terms
        std::vector<std::size_t> o(27);
        std::iota(o.begin(), o.end(), 0);
        std::sort(o.begin(), o.end(), [&](auto a, auto b) {
            return std::fabs(r0.weakest_direction[a]) > std::fabs(r0.weakest_direction[b]);
        });
        nlohmann::json wd = nlohmann::json::array();
        for (int i = 0; i < 4; ++i)
            wd.push_back({{"term", t27.monomial(o[static_cast<std::size_t>(i)])},
                          {"weight", r0.weakest_direction[o[static_cast<std::size_t>(i)]]}});
        summary["least_determined_direction"] = wd;
        summary["teacher_activity_mean"] = r0.y_mean;
        summary["teacher_activity_std"] = r0.y_std;
        if (!r0.collapsed_fit.empty()) {
            nlohmann::json cj = nlohmann::json::array();
            const char* names[9] = {"1", "w", "w^2", "x", "x*w", "x*w^2", "x^2", "x^2*w", "x^2*w^2"};
            for (int i = 0; i < 9; ++i)
                cj.push_back({{"term", names[i]},
                              {"fitted", r0.collapsed_fit[static_cast<std::size_t>(i)]},
                              {"true", r0.collapsed_true[static_cast<std::size_t>(i)]}});
            summary["rule_at_mean_activity"] = cj;
            summary["rule_at_mean_activity_max_err"] = r0.collapsed_max_err;
        }
    }
    if (r0.sensitivity.trajectories > 0) {
        const auto& sv = r0.sensitivity;
        nlohmann::json sj;
        sj["trajectories"] = sv.trajectories;
        sj["hessian_eigenvalues"] = sv.eigenvalues;
        sj["hessian_condition_number"] = jnum(sv.condition);
        nlohmann::json wk = nlohmann::json::array();
        for (const auto& v : sv.weakest) {
            std::vector<std::size_t> o(27);
            std::iota(o.begin(), o.end(), 0);
            std::sort(o.begin(), o.end(), [&](auto a, auto b) { return std::fabs(v[a]) > std::fabs(v[b]); });
            nlohmann::json dj = nlohmann::json::array();
            for (int i = 0; i < 4; ++i)
                dj.push_back({{"term", t27.monomial(o[static_cast<std::size_t>(i)])},
                              {"weight", v[o[static_cast<std::size_t>(i)]]}});
            wk.push_back(dj);
        }
        sj["weakest_directions"] = wk;
        sj["loss_increase_quadratic_fit_minus_true"] = sv.quad_delta;
        sj["loss_increase_if_only_theta_110_moved"] = sv.quad_110_only;
        sj["loss_increase_if_only_theta_021_moved"] = sv.quad_021_only;
        sj["line_true_to_fit_s"] = sv.line_s;
        sj["line_true_to_fit_loss"] = sv.line_loss;
        sj["error_share_in_sloppy_directions"] = sv.delta_share_sloppy;
        sj["noise_std_for_sd_0.1_theta_110"] = sv.noise_sd01_110;
        sj["noise_std_for_sd_0.1_theta_021"] = sv.noise_sd01_021;
        summary["identifiability"] = sj;
    }
    if (pts.size() > 1) {
        std::vector<double> r2;
        for (auto& r : res)
            r2.push_back(agg_median ? r.r2_weights_median : r.r2_weights_mean);
        summary["grid_points"] = pts.size();
        summary["grid_r2_weights_min"] = *std::min_element(r2.begin(), r2.end());
        summary["grid_r2_weights_max"] = *std::max_element(r2.begin(), r2.end());
    }
}

void write_behaviour_seeds(io::RunDir& dir, const InferStudy& study, const BehaviourSeedResults& out)
{
    auto& summary = dir.summary();
    const auto& rule = study.rule;
    const bool taylor = rule.family == "taylor"; // Taylor-only columns and diagnostics
    const bool agg_median = study.aggregate == "median";
    const auto& stu = out.student;
    const auto& res = out.fits;
    const auto& truths = out.truths;
    const auto& ground_truths = study.ground_truths;
    const std::size_t ng = ground_truths.size(), nsd = out.seeds;
    const auto& beh = study.beh;
    const auto& aggregate = study.aggregate;
    const auto& r0 = res[0];
    const std::size_t ns = beh.net.n_syn();
    io::write_npy(dir.file("weights_true.npy"), r0.w_true, {r0.w_true.size() / ns, ns});
    io::write_npy(dir.file("weights_fit.npy"), r0.w_fit, {r0.w_fit.size() / ns, ns});
    rules::TaylorRule t81(true);
    io::CsvWriter sc(dir.file("seeds.csv"),
                     {"ground_truth", "seed", "status", "r2_weights", "r2_activity", "percent_deviance", "theta_xr",
                      "top_term", "truth_top_term", "formula", "seconds"});
    nlohmann::json per_rule = nlohmann::json::array();
    for (std::size_t gi = 0; gi < ng; ++gi) {
        std::vector<double> r2w, r2y, pdev;
        int top_ok = 0;
        const std::string truth_top = top_term(t81, truths[gi]);
        for (std::size_t si = 0; si < nsd; ++si) {
            const auto& r = res[gi * nsd + si];
            const std::string top = top_term(*stu, r.theta_eff);
            if (top == truth_top) ++top_ok;
            r2w.push_back(agg_median ? r.r2_weights_median : r.r2_weights_mean);
            r2y.push_back(agg_median ? r.r2_activity_median : r.r2_activity_mean);
            pdev.push_back(agg_median ? r.pdev_median : r.pdev_mean);
            double mx = 0;
            for (double v : r.theta_eff)
                mx = std::max(mx, std::fabs(v));
            sc.row({ground_truths[gi], static_cast<long long>(r.seed), r.fit.status, r2w.back(), r2y.back(),
                    pdev.back(), taylor ? r.theta_eff[t81.index(1, 0, 0, 1)] : std::nan(""), top, truth_top,
                    stu->formula(r.theta_eff.data(), 0.05 * mx), r.fit.seconds});
        }
        per_rule.push_back({{"ground_truth", ground_truths[gi]},
                            {"seeds", nsd},
                            {"r2_weights_median", jnum(median(r2w))},
                            {"r2_activity_median", jnum(median(r2y))},
                            {"percent_deviance_median", jnum(median(pdev))},
                            {"leading_term_recovered", top_ok}});
    }
    nlohmann::json fitted = rule_json(*stu, r0.theta_eff);
    if (taylor) fitted["rule_string"] = rules::format_rule_string(r0.theta_eff, true);
    summary["fitted_rule"] = fitted;
    fit_json(summary, r0.fit);
    expression_report(dir, summary, rule, *stu, r0.theta_eff);
    summary["skipped_steps"] = r0.fit.skipped_steps;
    summary["backtracks"] = r0.fit.backtracks;
    summary["final_learning_rate"] = r0.fit.final_learning_rate;
    summary["fit_seconds"] = r0.fit.seconds;
    summary["mean_presentations_per_trial"] = r0.mean_trial_length;
    summary["r2_weights_heldout"] = jnum(agg_median ? r0.r2_weights_median : r0.r2_weights_mean);
    summary["r2_activity_heldout"] = jnum(agg_median ? r0.r2_activity_median : r0.r2_activity_mean);
    summary["percent_deviance_heldout"] = jnum(agg_median ? r0.pdev_median : r0.pdev_mean);
    summary["aggregate_over_eval_trajectories"] = aggregate;
    if (taylor) summary["theta_xr"] = r0.theta_eff[t81.index(1, 0, 0, 1)];
    if (res.size() > 1) summary["rules"] = per_rule;
}

void write_generated_animals(io::RunDir& dir, const InferStudy& study)
{
    auto& summary = dir.summary();
    summary["generated_animals"] = study.generate_animals;
    summary["data_dir"] = dir.file("data");
}

void write_animals(io::RunDir& dir, const InferStudy& study, const AnimalResults& out)
{
    auto& summary = dir.summary();
    const auto& rule = study.rule;
    const bool taylor = rule.family == "taylor"; // Taylor-only columns and diagnostics
    const auto& res = out.fits;
    const auto& studs = out.students;
    const auto& model_names = out.model_names;
    const std::size_t na = out.animals, nm = model_names.size();
    const double cutoff = study.cutoff;
    const bool continue_test = study.continue_test;
    rules::TaylorRule t81(true);
    io::CsvWriter ac(dir.file("animals.csv"),
                     {"animal", "model", "status", "n_trials", "n_train_trials", "percent_deviance_train",
                      "percent_deviance_test", "theta_w", "theta_xr", "formula", "seconds"});
    nlohmann::json per_model = nlohmann::json::object();
    for (std::size_t m = 0; m < nm; ++m) {
        std::vector<double> test, thw;
        for (std::size_t a = 0; a < na; ++a) {
            const auto& r = res[a * nm + m];
            double mx = 0;
            for (double v : r.theta_eff)
                mx = std::max(mx, std::fabs(v));
            ac.row({r.name, model_names[m], r.fit.status, static_cast<long long>(r.n_trials),
                    static_cast<long long>(r.n_train_trials), r.pdev_train, r.pdev_test,
                    taylor ? r.theta_eff[t81.index(0, 0, 1, 0)] : std::nan(""),
                    taylor ? r.theta_eff[t81.index(1, 0, 0, 1)] : std::nan(""),
                    studs[m]->formula(r.theta_eff.data(), 0.05 * mx), r.fit.seconds});
            test.push_back(r.pdev_test);
            if (taylor) thw.push_back(r.theta_eff[t81.index(0, 0, 1, 0)]);
        }
        per_model[model_names[m]] = {{"percent_deviance_test_median", jnum(median(test))},
                                     {"theta_w_median", jnum(thw.empty() ? std::nan("") : median(thw))}};
    }
    if (nm > 1) {
        int better = 0;
        for (std::size_t a = 0; a < na; ++a)
            if (res[a * nm].pdev_test >= res[a * nm + 1].pdev_test) ++better;
        summary["animals_where_full_model_is_at_least_as_good"] = better;
    }
    summary["animals"] = na;
    summary["models"] = per_model;
    summary["fitted_rule"] = rule_json(*studs[0], res[0].theta_eff);
    fit_json(summary, res[0].fit);
    expression_report(dir, summary, rule, *studs[0], res[0].theta_eff);
    summary["trajectory_cutoff"] = cutoff;
    summary["test_start"] = continue_test ? "continue" : "fresh";
}

namespace {

void add_trace(std::vector<FitTrace>* traces, std::string label, const rules::DifferentiableRule& rule, const FitResult& f)
{
    if (traces) traces->push_back({std::move(label), theta_names(rule), f.log, f.status});
}

} // namespace

void append_traces(std::vector<FitTrace>* traces, const OjaGridResults& res)
{
    for (std::size_t i = 0; i < res.fits.size(); ++i)
        add_trace(traces, res.labels[i], *res.student, res.fits[i].fit);
}

void append_traces(std::vector<FitTrace>* traces, const BehaviourSeedResults& res)
{
    for (std::size_t i = 0; i < res.fits.size(); ++i)
        add_trace(traces, res.labels[i], *res.student, res.fits[i].fit);
}

void append_traces(std::vector<FitTrace>* traces, const AnimalResults& res)
{
    const std::size_t nm = res.model_names.size();
    for (std::size_t i = 0; i < res.fits.size(); ++i)
        add_trace(traces, res.labels[i], *res.students[i % nm], res.fits[i].fit);
}

} // namespace plast::infer
