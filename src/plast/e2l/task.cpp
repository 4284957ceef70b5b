#include "plast/e2l/task.hpp"

#include "plast/e2l/model_stability_task.hpp"
#include "plast/e2l/oja_task.hpp"

#include <filesystem>

#include "plast/core/error.hpp"
#include "plast/e2l/correlation_task.hpp"
#include "plast/e2l/error_task.hpp"
#include "plast/e2l/reward_task.hpp"
#include "plast/expr/parser.hpp"
#include "plast/io/config.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace plast::e2l {

double Task::aggregate(const std::vector<double>& f) const
{
    if (f.empty()) return -std::numeric_limits<double>::infinity();
    double r = aggregate_min() ? f[0] : 0.0;
    for (double x : f) {
        if (std::isnan(x) || x == -std::numeric_limits<double>::infinity())
            return -std::numeric_limits<double>::infinity();
        r = aggregate_min() ? std::min(r, x) : r + x;
    }
    return aggregate_min() ? r : r / static_cast<double>(f.size());
}

double Task::experiment_max() const { return std::numeric_limits<double>::infinity(); }

bool Task::bounds_partial_fitness() const { return aggregate_min() || std::isfinite(experiment_max()); }

double Task::partial_fitness_bound(const std::vector<double>& f) const
{
    if (aggregate_min()) return f.empty() ? std::numeric_limits<double>::infinity() : *std::min_element(f.begin(), f.end());
    // Summed in aggregate()'s order, so that the bound of all experiments is aggregate()'s value; adding
    // the remaining experiments (each <= experiment_max) can only lower the rounded sum.
    double r = 0.0;
    for (double x : f)
        r += x;
    for (std::size_t k = f.size(); k < static_cast<std::size_t>(n_experiments()); ++k)
        r += experiment_max();
    return r / static_cast<double>(n_experiments());
}

double Task::fitness(const std::vector<expr::Tape>& rules) const
{
    std::vector<double> f;
    for (int k = 0; k < n_experiments(); ++k) {
        f.push_back(experiment(rules, k));
        if (!(f.back() > -std::numeric_limits<double>::infinity())) break; // invalid: no need to go on
    }
    return aggregate(f);
}

Spread spread(const std::vector<double>& x)
{
    Spread r;
    r.n = static_cast<int>(x.size());
    if (x.empty()) return r;
    std::vector<double> v = x;
    std::sort(v.begin(), v.end());
    r.min = v.front();
    r.max = v.back();
    const std::size_t n = v.size();
    r.median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    for (double a : v)
        r.mean += a;
    r.mean /= static_cast<double>(n);
    for (double a : v)
        r.sd += (a - r.mean) * (a - r.mean);
    r.sd = std::sqrt(r.sd / static_cast<double>(n));
    return r;
}

const std::vector<std::string>& task_names()
{
    static const std::vector<std::string> n{"error", "reward", "correlation", "stability", "oja"};
    return n;
}

std::unique_ptr<Task> make_task(Config& cfg, const std::string& name, bool fast)
{
    // fast = true caps the workload after reading (explicit larger values are capped too).
    const Section s = cfg.section(name);
    if (name == "stability") // any model file; fast mode does not apply (the model sets the workload)
        return ModelStabilityTask::from_config(s, std::filesystem::path(cfg.source_name()).parent_path().string());
    if (name == "oja") return OjaTask::from_config(s); // a few milliseconds per evaluation; fast mode does not apply
    if (name == "error") {
        auto p = ErrorTaskParams::from_config(s);
        if (fast) {
            p.n_experiments = std::min(p.n_experiments, 3);
            p.duration = std::min(p.duration, 2000.0);
        }
        return std::make_unique<ErrorTask>(p);
    }
    if (name == "reward") {
        auto p = RewardTaskParams::from_config(s);
        if (fast) {
            p.n_experiments = std::min(p.n_experiments, 3);
            p.n_trials = std::min(p.n_trials, 100);
        }
        return std::make_unique<RewardTask>(p);
    }
    if (name == "correlation") {
        auto p = CorrelationTaskParams::from_config(s);
        if (fast) {
            p.n_tasks = std::min(p.n_tasks, 2);
            p.train = std::max(p.test, std::min(p.train, 20000.0));
        }
        return std::make_unique<CorrelationTask>(p);
    }
    usage_error("task '" + name + "'", "unknown task", "error, reward, correlation, stability, oja");
}

std::vector<expr::Tape> parse_rules(const Task& task, const std::string& text)
{
    const auto slots = task.rule_slots();
    const auto names = task.rule_inputs();
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const auto p = text.find(';', start);
        parts.push_back(text.substr(start, p == std::string::npos ? std::string::npos : p - start));
        if (p == std::string::npos) break;
        start = p + 1;
    }
    if (parts.size() != slots.size()) {
        std::string want;
        for (const auto& s : slots)
            want += (want.empty() ? "" : " ; ") + s;
        usage_error(
            "rule \"" + text + "\"",
            "task " + task.name() + " needs " + std::to_string(slots.size()) + " expression(s) separated by ';'", want);
    }
    std::vector<expr::Tape> r;
    for (std::size_t i = 0; i < parts.size(); ++i)
        r.push_back(expr::parse(parts[i], names[i]));
    return r;
}

std::vector<std::pair<std::string, std::string>> reference_rules(const Task& task)
{
    std::string zero;
    for (std::size_t i = 0; i < task.rule_slots().size(); ++i)
        zero += (i ? " ; " : "") + std::string("0");
    std::vector<std::pair<std::string, std::string>> out{{"no learning", zero}};
    const auto& in = task.rule_inputs();
    auto has = [&](std::initializer_list<const char*> names) {
        for (const char* n : names)
            if (in.empty() || std::find(in[0].begin(), in[0].end(), n) == in[0].end()) return false;
        return true;
    };
    if (task.name() == "error" && has({"v", "u", "sbar"})) out.emplace_back("delta rule", "(v - u)*sbar");
    if (task.name() == "reward" && has({"R", "E"})) out.emplace_back("reward-modulated STDP", "(R - 1)*E");
    if (task.name() == "oja" && has({"x", "y", "w"})) out.emplace_back("Oja's rule (eta = 1)", "x*y - y^2*w");
    return out;
}

} // namespace plast::e2l
