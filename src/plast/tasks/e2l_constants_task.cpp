#include "plast/tasks/e2l_constants_task.hpp"

#include "plast/core/error.hpp"
#include "plast/expr/parser.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"

#include <cmath>
#include <limits>

namespace plast::tasks {

namespace {

// Splits "a ; b" into slot texts.
std::vector<std::string> slots_of(const std::string& text)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto semi = text.find(';', start);
        out.push_back(text.substr(start, semi == std::string::npos ? std::string::npos : semi - start));
        if (semi == std::string::npos) break;
        start = semi + 1;
    }
    return out;
}

} // namespace

std::unique_ptr<E2lConstantsTask> E2lConstantsTask::from_config(Config& cfg)
{
    auto t = std::make_unique<E2lConstantsTask>();
    const Section s = cfg.section("e2l");
    std::vector<std::string> names;
    for (const auto& n : e2l::task_names())
        if (n != "stability") names.push_back(n);
    t->task_name_ = s.string("task", "error", names);
    t->task_ = e2l::make_task(cfg, t->task_name_, false);
    t->rule_ = s.string("rule");
    std::vector<std::string> pnames;
    for (std::size_t i = 0, n = s.array_size("free"); i < n; ++i) {
        const Section f = s.element("free", i);
        PriorBox b;
        b.name = f.string("name");
        b.lo = f.number("lo");
        b.hi = f.number("hi");
        b.log_scale = f.flag("log", false);
        if (!(b.lo < b.hi)) f.fail("hi", "must be above lo", "> " + io::format_number(b.lo));
        if (b.log_scale && !(b.lo > 0)) f.fail("lo", "a log-scale box needs lo > 0", "(0, hi)");
        for (const auto& p : pnames)
            if (p == b.name) f.fail("name", "'" + b.name + "' is free twice", "distinct names");
        pnames.push_back(b.name);
        t->free_.push_back(b);
    }
    if (t->free_.empty()) s.fail("free", "nothing to search", "[[e2l.free]] tables with name, lo, hi");
    const auto texts = slots_of(t->rule_);
    const auto inputs = t->task_->rule_inputs();
    if (texts.size() != inputs.size())
        s.fail("rule", "the " + t->task_name_ + " task has " + std::to_string(inputs.size()) + " rule slot(s), the rule has " + std::to_string(texts.size()),
               std::to_string(inputs.size()) + " expression(s) separated by ';'");
    std::vector<bool> used(pnames.size(), false);
    for (std::size_t k = 0; k < texts.size(); ++k) {
        try {
            t->tapes_.push_back(expr::parse(texts[k], inputs[k], pnames));
        } catch (const Error& e) {
            std::string allowed;
            for (const auto& v : inputs[k]) allowed += (allowed.empty() ? "" : ", ") + v;
            for (const auto& v : pnames) allowed += ", " + v;
            s.fail("rule", e.problem(), "an expression over " + allowed);
        }
        for (const auto& nd : t->tapes_.back().nodes())
            if (nd.op == expr::Op::param) used[nd.index] = true;
    }
    for (std::size_t p = 0; p < pnames.size(); ++p)
        if (!used[p]) s.fail("free", "the free constant '" + pnames[p] + "' does not occur in the rule", "names of constants in " + t->rule_);
    return t;
}

std::vector<FilterGroup> E2lConstantsTask::default_filter() const
{
    // Passes when the fitness is finite (-inf marks an invalid rule); finite bounds keep the printed configuration loadable.
    return {{"learns", {{"fitness", -std::numeric_limits<double>::max(), std::numeric_limits<double>::max()}}}};
}

EvalOutcome E2lConstantsTask::evaluate(const std::vector<double>& params, std::uint64_t, std::uint64_t) const
{
    std::vector<expr::Tape> bound;
    for (const auto& t : tapes_) bound.push_back(expr::bind_params(t, params.data()));
    std::vector<double> f;
    for (int k = 0; k < task_->n_experiments(); ++k) {
        f.push_back(task_->experiment(bound, k));
        if (!std::isfinite(f.back())) break;
    }
    EvalOutcome o;
    const double agg = task_->aggregate(f);
    double mean = 0, sd = 0, mn = std::numeric_limits<double>::infinity();
    for (double x : f) mean += x, mn = std::min(mn, x);
    mean /= static_cast<double>(f.size());
    for (double x : f) sd += (x - mean) * (x - mean);
    sd = f.size() > 1 ? std::sqrt(sd / static_cast<double>(f.size() - 1)) : 0.0;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const bool ok = std::isfinite(agg);
    o.metrics = {ok ? agg : nan, ok ? mean : nan, ok ? sd : nan, ok ? mn : nan};
    if (!ok) o.abort_reason = "invalid rule (non-finite fitness)";
    return o;
}

double E2lConstantsTask::loss(const EvalOutcome& o) const { return std::isfinite(o.metrics[0]) ? -o.metrics[0] : 1e12; }

std::string E2lConstantsTask::fingerprint() const
{
    std::string f = "e2l " + task_name_ + " rule=" + rule_ + " n=" + std::to_string(task_->n_experiments()) + " free=";
    for (const auto& b : free_) f += b.name + "[" + io::format_number(b.lo) + "," + io::format_number(b.hi) + "];";
    return f;
}

} // namespace plast::tasks
