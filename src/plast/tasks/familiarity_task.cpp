#include "plast/tasks/familiarity_task.hpp"

#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"
#include "plast/memory/memory_stats.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace plast::tasks {

namespace {

// "1" -> "1s", "0.5" -> "0_5s": a metric name that is also an SQL column name.
std::string time_tag(double t)
{
    std::string s = io::format_number(t);
    for (auto& c : s)
        if (c == '.' || c == '-') c = '_';
    return s + "s";
}

// The projections whose 6 rule parameters a candidate holds, in theta order.
std::vector<std::string> rule_slots(const memory::MemoryStudy& st)
{
    if (st.network == "recurrent") return {"EE", "EI", "IE", "II"};
    if (st.network == "model") return st.model_net.rules;
    return {"IE"};
}

} // namespace

FamiliarityTask::FamiliarityTask(memory::MemoryStudy study, std::string fingerprint)
    : study_(std::move(study)), fingerprint_(std::move(fingerprint))
{
    study_.conditions = {"control"};
    study_.knockouts = "full";
}

std::unique_ptr<FamiliarityTask> FamiliarityTask::from_config(Config& cfg)
{
    auto st = memory::MemoryStudy::task_from_config(cfg);
    // What defines the rows: the task's sections as read (defaults included), not the rounds or the prior.
    const auto j = cfg.resolved_json();
    std::string fp = "familiarity";
    for (const char* k : {"memory", "protocol", "network", "inputs", "feedforward", "model"})
        if (j.contains(k)) fp += std::string(" ") + k + "=" + j.at(k).dump();
    return std::make_unique<FamiliarityTask>(std::move(st), fp);
}

std::vector<PriorBox> FamiliarityTask::default_prior() const
{
    std::vector<PriorBox> boxes;
    for (const auto& slot : rule_slots(study_))
        for (const char* p : {"tau_pre", "tau_post", "alpha", "beta", "gamma", "kappa"}) {
            PriorBox b{slot + "_" + p, -2.0, 2.0, false};
            if (std::string(p).rfind("tau", 0) == 0) b.lo = 0.01, b.hi = 0.1;
            boxes.push_back(b);
        }
    return boxes;
}

std::vector<std::string> FamiliarityTask::metric_names() const
{
    std::vector<std::string> n{"stable", "runs_completed", "baseline_rate", "lifetime", "novelty", "familiarity"};
    for (double t : study_.protocol.test_times()) {
        n.push_back("dr_mem_" + time_tag(t));
        n.push_back("p_" + time_tag(t));
    }
    return n;
}

std::vector<FilterGroup> FamiliarityTask::default_filter() const
{
    return {{"stable", {{"stable", 1.0, 1.0}}}};
}

EvalOutcome FamiliarityTask::evaluate(const std::vector<double>& params, std::uint64_t seed,
                                            std::uint64_t key) const
{
    // One rule (the candidate), one condition (control), `runs` runs; run r of candidate `key` has its own
    // seed and wiring (run index key * runs + r).
    memory::MemoryStudy st = study_;
    st.rules = {{"candidate", params, -1.0}};
    memory::StudyResults res;
    res.slots = st.slots();
    res.times = st.protocol.test_times();
    const auto runs = static_cast<std::uint64_t>(st.runs);
    EvalOutcome out;
    for (std::uint64_t r = 0; r < runs; ++r) {
        const std::uint64_t run = key * runs + r;
        auto net = st.make_network({0, 0, static_cast<std::size_t>(run)}, seed);
        res.runs.push_back(memory::run_familiarity(*net, st.protocol, seed, run));
        if (res.runs.back().aborted && out.status == "completed") {
            out.status = "aborted";
            out.abort_reason = res.runs.back().abort_reason;
            out.abort_time = res.runs.back().abort_time;
        }
    }
    std::vector<std::vector<memory::ProbeStats>> ok_runs;
    const bool stable = memory::judge_stability(st, res, 0, 0, ok_runs);
    const double nan = std::nan("");
    double baseline = 0;
    int completed = 0;
    for (const auto& r : res.runs)
        if (!r.aborted && !r.probes.empty()) baseline += r.probes.back().baseline_rate, ++completed;
    out.metrics = {stable ? 1.0 : 0.0, static_cast<double>(completed), completed ? baseline / completed : nan};
    if (ok_runs.size() >= 2) {
        const auto sum = memory::summarise(ok_runs, res.times);
        bool nov = false, fam = false;
        for (const auto& t : sum.tests) {
            nov = nov || (t.significant && t.preference == "novelty");
            fam = fam || (t.significant && t.preference == "familiarity");
        }
        out.metrics.insert(out.metrics.end(), {sum.lifetime, nov ? 1.0 : 0.0, fam ? 1.0 : 0.0});
        for (const auto& t : sum.tests)
            out.metrics.insert(out.metrics.end(), {t.mean_dr_mem, t.p});
    } else { // fewer than two completed runs: no t-test
        out.metrics.resize(metric_names().size(), nan);
    }
    return out;
}

double FamiliarityTask::loss(const EvalOutcome& o) const
{
    if (o.metrics.size() < 7 || !(o.metrics[0] == 1.0) || !std::isfinite(o.metrics[6])) return 10.0;
    return -std::abs(o.metrics[6]);
}

} // namespace plast::tasks
