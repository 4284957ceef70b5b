// plast evaluate TASK RULE: fitness of a typed rule on an E2L task (evolving-rules §2-4).
//   plast evaluate error "2*(v - u)*sbar"
//   plast evaluate reward "(R - 1)*E" --set reward.n_experiments=4
//   plast evaluate correlation "w*E - w - E; E - w"       (dep ; fac)
//   plast evaluate correlation baseline                     (Masquelier homeostatic STDP)
// Prints the canonical formula, the per-experiment fitness and the aggregate; --json FILE writes them.
#include "verb.hpp"

#include "plast/core/error.hpp"
#include "plast/core/parallel.hpp"
#include "plast/e2l/correlation_task.hpp"
#include "plast/e2l/error_task.hpp"
#include "plast/e2l/model_stability_task.hpp"
#include "plast/e2l/rule_checks.hpp"
#include "plast/e2l/task.hpp"
#include "plast/expr/simplify.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>

namespace plast::app {

namespace {

nlohmann::json num_or_null(double x)
{
    return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

struct EvaluateOptions {
    std::string task, rule, config, json;
    std::vector<std::string> sets;
    int threads = 0;
} g_eval;

int run_evaluate(Context&)
{
    const auto& o = g_eval;
    Config cfg = o.config.empty() ? Config::parse("", "<no config>") : Config::load_file(o.config);
    for (const auto& s : o.sets)
        cfg.apply_override(s);
    std::string rule = o.rule;
    bool baseline = false;
    if (o.task == "correlation" && (rule == "baseline" || rule == "none")) {
        if (rule == "baseline") {
            baseline = true;
            rule = e2l::CorrelationTask::baseline_rule();
        } else {
            rule = "0; 0";
        }
    }
    std::unique_ptr<e2l::Task> task;
    if (baseline) {
        auto p =
            e2l::CorrelationTask::baseline_params(e2l::CorrelationTaskParams::from_config(cfg.section("correlation")));
        task = std::make_unique<e2l::CorrelationTask>(p);
    } else {
        bool known = false;
        for (const auto& n : e2l::task_names())
            known = known || n == o.task;
        if (!known) usage_error("evaluate " + o.task, "unknown task", "error, reward, correlation, stability, oja");
        task = e2l::make_task(cfg, o.task);
    }
    // Keys of other sections (e.g. an evolve config's [cgp]/[ea]) are ignored here on purpose;
    // only the task's own section must be fully understood.
    if (o.config.empty()) cfg.check_unused(); // a mistyped --set key is an error
    const auto rules = e2l::parse_rules(*task, rule);
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<double> f(static_cast<std::size_t>(task->n_experiments()));
    // Error task: also the per-sample RMS error and the final weights' distance from the teacher's.
    const auto* et = dynamic_cast<const e2l::ErrorTask*>(task.get());
    // Stability task: also the E rate and the plausibility verdict of each experiment.
    const auto* st = dynamic_cast<const e2l::ModelStabilityTask*>(task.get());
    std::vector<e2l::ModelStabilityTask::Outcome> so(f.size());
    std::vector<double> rms(f.size()), wdist(f.size()), wdist0(f.size());
    parallel_for(f.size(), resolve_threads(o.threads), [&](std::size_t k) {
        if (et) {
            e2l::ErrorTrace tr;
            f[k] = et->run(rules[0], static_cast<int>(k), &tr);
            rms[k] = et->rms_error(f[k]);
            wdist[k] = e2l::weight_distance(tr);
            wdist0[k] = e2l::weight_distance(tr, true, et->params().w0);
        } else if (st) {
            so[k] = st->run(rules, static_cast<int>(k));
            f[k] = so[k].fitness;
        } else {
            f[k] = task->experiment(rules, static_cast<int>(k));
        }
    });
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double F = task->aggregate(f);
    const auto slots = task->rule_slots();
    nlohmann::json j;
    j["task"] = task->name();
    for (std::size_t i = 0; i < rules.size(); ++i) {
        std::cout << slots[i] << ": " << expr::canonical(rules[i]) << "\n";
        j["formula"][slots[i]] = expr::canonical(rules[i]);
    }
    if (task->name() == "error") {
        const double c = e2l::delta_rule_factor(rules[0]), cl = e2l::linearized_delta_factor(rules[0]);
        std::cout << "equals c (v - u) sbar: " << (std::isnan(c) ? std::string("no") : "c = " + io::format_number(c))
                  << ";  near v = u: "
                  << (std::isnan(cl) ? std::string("no delta-rule form") : "c = " + io::format_number(cl)) << "\n";
        j["delta_rule_factor"] = std::isnan(c) ? nlohmann::json(nullptr) : nlohmann::json(c);
        j["linearized_delta_factor"] = std::isnan(cl) ? nlohmann::json(nullptr) : nlohmann::json(cl);
    }
    if (st) {
        nlohmann::json runs = nlohmann::json::array();
        for (std::size_t k = 0; k < so.size(); ++k) {
            std::cout << "experiment " << k << ": E rate " << (std::isfinite(so[k].rate) ? io::format_number(so[k].rate) + " Hz" : std::string("-"))
                      << ", " << (so[k].aborted ? std::string("aborted") : so[k].verdict) << " (" << so[k].failed << " failed bounds)\n";
            runs.push_back({{"rate", std::isfinite(so[k].rate) ? nlohmann::json(so[k].rate) : nlohmann::json(nullptr)},
                            {"verdict", so[k].aborted ? std::string("aborted") : so[k].verdict},
                            {"failed_bounds", so[k].failed}});
        }
        j["stability"] = runs;
    }
    std::cout << "per experiment:";
    for (double x : f)
        std::cout << " " << io::format_number(x);
    const auto sp = e2l::spread(f);
    auto fmt = [](double x) { return io::format_number(std::round(x * 1000.0) / 1000.0); };
    std::cout << "\nfitness (" << (task->aggregate_min() ? "min" : "mean") << " over " << f.size()
              << " experiments): " << io::format_number(F) << "   [" << secs << " s]\n";
    if (std::isfinite(sp.mean))
        std::cout << "over experiments: mean " << fmt(sp.mean) << " +- " << fmt(sp.sd) << " (SD), median "
                  << fmt(sp.median) << ", min " << fmt(sp.min) << ", max " << fmt(sp.max) << "\n";
    j["spread"] = {{"mean", num_or_null(sp.mean)}, {"sd", num_or_null(sp.sd)}, {"median", num_or_null(sp.median)},
                   {"min", num_or_null(sp.min)}, {"max", num_or_null(sp.max)}};
    if (et) {
        // F is a root-sum-square over samples: another trial length or sampling puts it on another scale.
        const e2l::ErrorTaskParams ref;
        const auto& ep = et->params();
        if (ep.duration != ref.duration || ep.sample_interval != ref.sample_interval ||
            ep.discard_fraction != ref.discard_fraction)
            std::cerr << "plast evaluate: warning: error.duration/sample_interval/discard_fraction differ from the full "
                         "task (10000 ms, 1 ms, 0.1): F sums over "
                      << et->scored_samples() << " samples instead of 9000 and is not comparable with full-task "
                      << "references; compare the per-sample RMS error\n";
        const auto r = e2l::spread(rms), d = e2l::spread(wdist), d0 = e2l::spread(wdist0);
        std::cout << "per-sample RMS error |u - v|: " << fmt(r.mean) << " mV (mean over experiments; F_k = -RMS_k * sqrt("
                  << et->scored_samples() << "))\n"
                  << "distance of the final weights from the teacher's (RMS over synapses): " << fmt(d.mean)
                  << " pA (mean; at the start " << fmt(d0.mean) << " pA)\n";
        j["rms_error_mV"] = num_or_null(r.mean);
        j["weight_distance_pA"] = num_or_null(d.mean);
        j["weight_distance_initial_pA"] = num_or_null(d0.mean);
        j["per_experiment_rms_error_mV"] = rms;
        j["per_experiment_weight_distance_pA"] = wdist;
    }
    if (!o.json.empty()) {
        j["per_experiment"] = nlohmann::json::array();
        for (double x : f)
            j["per_experiment"].push_back(std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr));
        j["fitness"] = std::isfinite(F) ? nlohmann::json(F) : nlohmann::json(nullptr);
        j["valid"] = F > -std::numeric_limits<double>::infinity();
        std::ofstream out(o.json);
        if (out) out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        out.close();
        if (!out) runtime_error(o.json, "cannot write the --json file (missing folder, not writable or disk full)");
    }
    return 0;
}

} // namespace

PLAST_VERB(
    "evaluate", "fitness of a typed plasticity rule on an evolve task (error, reward, correlation, stability, oja)", false,
    [](CLI::App& sub) {
        g_eval = {}; // a process may dispatch several times (the Python module)
        sub.add_option("task", g_eval.task, "error, reward, correlation, stability or oja")->required();
        sub.add_option(
               "rule", g_eval.rule,
               "rule expression over the task's inputs (error: v, u, sbar; reward: R, E[, Rbar | Rbar_plus, "
               "Rbar_minus]; correlation: 'dep ; fac' over w, E, or 'baseline' / 'none'); x_0, x_1, ... also work")
            ->required();
        sub.add_option("--config", g_eval.config, "TOML file with a [TASK] section (e.g. an evolve config)");
        sub.add_option("--set", g_eval.sets, "override a task parameter: TASK.key=value");
        sub.add_option("--threads,-j", g_eval.threads, "threads over experiments (0 = all cores)");
        sub.add_option("--json", g_eval.json, "also write the result as JSON");
    },
    run_evaluate);

} // namespace plast::app
