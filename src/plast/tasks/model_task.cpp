#include "plast/tasks/model_task.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"
#include "plast/metrics/stability_metrics.hpp"
#include "plast/model/model_file.hpp"
#include "plast/model/simulation.hpp"

#include <cctype>
#include <cmath>
#include <tuple>
#include <filesystem>
#include <limits>

namespace plast::tasks {

namespace {

model::Model model_with(const std::string& text, const std::string& path, const std::vector<std::string>& sets,
                        const std::vector<std::string>& keys, const std::vector<double>* values)
{
    std::vector<std::string> o = sets;
    if (values)
        for (std::size_t k = 0; k < keys.size(); ++k) o.push_back(keys[k] + "=" + io::format_number((*values)[k]));
    return model::model_from_text(text, path, o);
}

} // namespace

std::unique_ptr<ModelTask> ModelTask::from_config(const Section& s, const std::string& config_dir)
{
    auto t = std::make_unique<ModelTask>();
    const std::string file = s.file("file");
    try {
        std::tie(t->path_, t->text_) = model::load_model_text(file, config_dir);
    } catch (const Error& e) {
        s.fail("file", e.problem(), "a model file relative to the configuration's folder or the working directory");
    }
    t->sets_ = s.strings("set", {});
    t->target_ = s.number("target_rate", 10.0, Range::positive());
    for (std::size_t i = 0, n = s.array_size("free"); i < n; ++i) {
        const Section f = s.element("free", i);
        PriorBox b;
        const std::string key = f.string("key");
        for (const auto& k : t->keys_)
            if (k == key) f.fail("key", "'" + key + "' is free twice (the later value would replace the earlier without notice)", "distinct keys");
        t->keys_.push_back(key);
        b.name = key;
        for (char& c : b.name)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) c = '_';
        b.lo = f.number("lo");
        b.hi = f.number("hi");
        b.log_scale = f.flag("log", false);
        if (!(b.lo < b.hi)) f.fail("hi", "must be above lo", "> " + io::format_number(b.lo));
        if (b.log_scale && !(b.lo > 0)) f.fail("lo", "a log-scale box needs lo > 0", "(0, hi)");
        t->free_.push_back(b);
    }
    if (t->free_.empty()) s.fail("free", "nothing to search", "[[model.free]] tables with key, lo, hi");
    // A free rule parameter must be one the model's rule declares: setting rule.R.params.P on a rule
    // without P would add a constant its expressions never read, and the screen would search nothing.
    {
        model::Model base;
        try {
            base = model_with(t->text_, t->path_, t->sets_, {}, nullptr);
        } catch (const Error& e) {
            s.fail("set", std::string(e.what()), "overrides the model file accepts");
        }
        for (std::size_t i = 0; i < t->keys_.size(); ++i) {
            const std::string& key = t->keys_[i];
            const std::string pre = "rule.";
            const auto dot = key.find('.', pre.size());
            if (key.rfind(pre, 0) != 0 || dot == std::string::npos || key.compare(dot, 8, ".params.") != 0) continue;
            const std::string rn = key.substr(pre.size(), dot - pre.size()), pn = key.substr(dot + 8);
            const auto it = base.rules.find(rn);
            if (it == base.rules.end()) continue; // model_with below names the missing rule
            if (it->second.params.count(pn)) continue;
            std::string names;
            for (const auto& [k, v] : it->second.params) names += (names.empty() ? "" : ", ") + key.substr(0, dot + 8) + k;
            s.element("free", i).fail("key", "'" + pn + "' is not a parameter of rule '" + rn + "' in " + t->path_ + " (a new parameter its expressions never read)",
                                      names.empty() ? "rule '" + rn + "' declares no [rule." + rn + ".params]" : names);
        }
    }
    // Check every override and free key now (at the box centre), before any simulation.
    std::vector<double> mid;
    for (const auto& b : t->free_) mid.push_back(b.log_scale ? std::sqrt(b.lo * b.hi) : 0.5 * (b.lo + b.hi));
    model::Model m;
    try {
        m = model_with(t->text_, t->path_, t->sets_, t->keys_, &mid);
    } catch (const Error& e) {
        s.fail("free", std::string(e.what()), "keys and values the model file accepts (checked at the box centres)");
    }
    if (!m.metrics.enabled) s.fail("file", t->path_ + " has no [metrics] table", "a model file with [metrics] (exc, inh, weights)");
    t->duration_ = m.duration();
    t->filter_ = model::metrics_filter(m.metrics);
    return t;
}

std::vector<std::string> ModelTask::metric_names() const
{
    auto n = metrics::fsbi_metric_names();
    n.push_back("stability_loss");
    return n;
}

EvalOutcome ModelTask::evaluate(const std::vector<double>& params, std::uint64_t seed, std::uint64_t key) const
{
    (void)key; // common random numbers: every candidate sees the same wiring and noise
    EvalOutcome out;
    const auto m = model_with(text_, path_, sets_, keys_, &params);
    const auto r = model::simulate(m, seed);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const auto& k : metrics::fsbi_metric_names()) {
        const auto it = r.metrics.find(k);
        out.metrics.push_back(it == r.metrics.end() ? nan : it->second);
    }
    double loss = 0;
    if (r.aborted) {
        out.status = "aborted";
        out.abort_reason = r.abort_reason;
        out.abort_time = r.abort_time;
        loss = metrics::blowup_loss(r.abort_time, duration_);
    } else {
        const double rate = r.metrics.count("rate") ? r.metrics.at("rate") : nan;
        loss = std::isfinite(rate) ? metrics::rate_loss(rate, target_) : 320.0;
    }
    out.metrics.push_back(loss);
    return out;
}

std::string ModelTask::fingerprint() const
{
    std::string f = "model " + std::to_string(rng::purpose_hash(text_)) + " set=";
    for (const auto& s : sets_) f += s + ";";
    f += " target=" + io::format_number(target_) + " free=";
    for (const auto& b : free_) f += b.name + "[" + io::format_number(b.lo) + "," + io::format_number(b.hi) + (b.log_scale ? ",log" : "") + "];";
    return f;
}

} // namespace plast::tasks
