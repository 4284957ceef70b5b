#include "plast/e2l/model_stability_task.hpp"

#include "plast/core/error.hpp"
#include "plast/io/config.hpp"
#include "plast/metrics/stability_metrics.hpp"
#include "plast/model/model_file.hpp"
#include "plast/model/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <limits>

namespace plast::e2l {


std::unique_ptr<ModelStabilityTask> ModelStabilityTask::from_config(const Section& s, const std::string& config_dir)
{
    auto t = std::make_unique<ModelStabilityTask>();
    const std::string file = s.file("file", "models/fsbi_ie_expression.toml");
    try {
        std::tie(t->path_, t->text_) = model::load_model_text(file, config_dir);
    } catch (const Error& e) {
        s.fail("file", e.problem(), "a model file relative to the configuration's folder or the working directory");
    }
    t->rule_ = s.string("rule", "ie");
    t->sets_ = s.strings("set", {});
    t->target_ = s.number("target_rate", 10.0, Range::positive());
    t->penalty_ = s.number("penalty", 1.0, Range::nonneg());
    t->graded_ = s.string("penalty_mode", "count", {"count", "graded"}) == "graded";
    t->n_ = static_cast<int>(s.integer("n_experiments", 1, 1, 1000));
    t->seed_ = static_cast<std::uint64_t>(s.integer("seed", 1, 0, INT64_MAX));
    model::Model m;
    try {
        m = model::model_from_text(t->text_, t->path_, t->sets_);
    } catch (const Error& e) {
        s.fail("set", std::string(e.what()), "overrides the model file accepts");
    }
    const auto it = m.rules.find(t->rule_);
    if (it == m.rules.end() || it->second.family != model::Rule::Family::expression)
        s.fail("rule", "'" + t->rule_ + "' is not an expression rule of " + t->path_, "the name of a [rule.NAME] table with family = \"expression\"");
    if (!m.metrics.enabled) s.fail("file", t->path_ + " has no [metrics] table", "a model file with [metrics]");
    t->duration_ = m.duration();
    return t;
}

ModelStabilityTask::Outcome ModelStabilityTask::run(const std::vector<expr::Tape>& rules, int k) const
{
    Outcome o{-std::numeric_limits<double>::infinity(), std::nan(""), false, "invalid", 0};
    if (rules.size() != 2 || !rules[0].complete() || !rules[1].complete()) return o;
    model::Model m;
    try {
        auto o = sets_;
        o.push_back("rule." + rule_ + ".on_pre=\"" + rules[0].infix() + "\"");
        o.push_back("rule." + rule_ + ".on_post=\"" + rules[1].infix() + "\"");
        m = model::model_from_text(text_, path_, o);
    } catch (const Error&) {
        return o; // an expression the rule parser refuses: invalid rule
    }
    const auto r = model::simulate(m, seed_ + static_cast<std::uint64_t>(k));
    constexpr int n_bounds = 16;
    o.aborted = r.aborted;
    o.verdict = r.verdict;
    o.failed = r.aborted ? n_bounds : static_cast<int>(r.failed.size());
    if (r.aborted) {
        o.fitness = -metrics::blowup_loss(r.abort_time, duration_) - penalty_ * n_bounds;
        return o;
    }
    o.rate = r.metrics.at("rate");
    if (!std::isfinite(o.rate)) return o;
    double cost = penalty_ * o.failed;
    if (graded_) {
        cost = 0;
        for (const auto& b : r.failed) {
            const bool finite_width = std::isfinite(b.hi - b.lo) && b.hi - b.lo > 0 && b.hi < 1e299;
            const double width = finite_width ? b.hi - b.lo : 1.0;
            const double d = b.value > b.hi ? (b.value - b.hi) / width : (b.lo - b.value) / width;
            cost += std::isfinite(d) ? penalty_ * (0.5 + 0.5 * std::min(1.0, std::max(0.0, d))) : penalty_;
        }
    }
    o.fitness = -metrics::rate_loss(o.rate, target_) - cost;
    return o;
}

double ModelStabilityTask::experiment(const std::vector<expr::Tape>& rules, int k) const { return run(rules, k).fitness; }

} // namespace plast::e2l
