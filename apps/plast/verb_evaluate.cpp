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
#include "plast/e2l/rule_checks.hpp"
#include "plast/e2l/task.hpp"
#include "plast/expr/simplify.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <iostream>

namespace plast::app {

namespace {

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
        if (!known) usage_error("evaluate " + o.task, "unknown task", "error, reward, correlation");
        task = e2l::make_task(cfg, o.task);
    }
    // Keys of other sections (e.g. an evolve config's [cgp]/[ea]) are ignored here on purpose;
    // only the task's own section must be fully understood.
    if (o.config.empty()) cfg.check_unused(); // a mistyped --set key is an error
    const auto rules = e2l::parse_rules(*task, rule);
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<double> f(static_cast<std::size_t>(task->n_experiments()));
    parallel_for(f.size(), resolve_threads(o.threads),
                 [&](std::size_t k) { f[k] = task->experiment(rules, static_cast<int>(k)); });
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
    std::cout << "per experiment:";
    for (double x : f)
        std::cout << " " << io::format_number(x);
    std::cout << "\nfitness (" << (task->aggregate_min() ? "min" : "mean") << " over " << f.size()
              << " experiments): " << io::format_number(F) << "   [" << secs << " s]\n";
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
    "evaluate", "fitness of a typed plasticity rule on an E2L task (error, reward, correlation)", false,
    [](CLI::App& sub) {
        sub.add_option("task", g_eval.task, "error, reward or correlation")->required();
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
