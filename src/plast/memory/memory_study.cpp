#include "plast/memory/memory_study.hpp"

#include "plast/core/connection_types.hpp"
#include "plast/core/error.hpp"
#include "plast/core/interrupt.hpp"
#include "plast/core/parallel.hpp"
#include "plast/core/progress.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"
#include "plast/io/csv_table.hpp"
#include "plast/io/run_dir.hpp"
#include "plast/memory/memory_outputs.hpp"
#include "plast/memory/run_journal.hpp"
#include "plast/metrics/filter.hpp"
#include "plast/search/archive.hpp"
#include "plast/search/prior.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace plast::memory {

const char* const default_memory_config = R"TOML(# plast memory: familiarity memory of a recurrent network with I->E iSTDP (3 Hz set point) against a static control
seed = 1

[memory]
network = "recurrent"
runs = 5
conditions = ["control", "static"]

[[rule]]
name = "iSTDP_IE_3Hz"
# EE, EI, IE, II x [tau_pre, tau_post, alpha, beta, gamma, kappa]; only I->E changes
theta = [0.02, 0.02, 0, 0, 0, 0,   0.02, 0.02, 0, 0, 0, 0,   0.02, 0.02, -0.12, 0, 1, 1,   0.02, 0.02, 0, 0, 0, 0]

[protocol]
pretrain = 10.0
train = 10.0
breaks = [1.0, 9.0, 10.0, 40.0]
plasticity_during_probes = true

[network]
scale = 0.125
)TOML";

namespace {
bool valid_condition(const std::string& c)
{
    if (c == "control" || c == "static") return true;
    for (const char* t : connection_types)
        if (c == std::string("only_") + t || c == std::string("no_") + t) return true;
    if (c.rfind("eta=", 0) == 0) {
        try {
            std::size_t pos = 0;
            const double v = std::stod(c.substr(4), &pos);
            return pos == c.size() - 4 && v >= 0 && std::isfinite(v);
        } catch (...) {
            return false;
        }
    }
    return false;
}

// The network sections: [network] and [inputs] (recurrent), [feedforward]; a model file's [model] is read with
// the settings.
void read_network(Config& cfg, MemoryStudy& st, const char* who)
{
    if (st.network == "recurrent") {
        st.recurrent = BndConfig::from_config(cfg.section("network"), cfg.section("inputs"));
        st.recurrent.net.require_six_param_rules(cfg.section("network"), who);
    } else if (st.network == "feedforward") {
        st.feedforward = FeedForwardConfig::from_config(cfg.section("feedforward"));
    }
}

// [memory] network (and [model] for a model file) and runs.
void read_network_and_runs(Config& cfg, const Section& m, MemoryStudy& st)
{
    st.network = m.string("network", "recurrent", {"recurrent", "feedforward", "model"});
    if (st.network == "model")
        st.model_net = ModelNetworkConfig::from_config(cfg.section("model"), std::filesystem::path(cfg.source_name()).parent_path().string());
    st.runs = static_cast<int>(m.integer("runs", 5, 2, 1000));
}

// [memory] network, runs, conditions and knock-out mode.
void read_study_settings(Config& cfg, const Section& m, MemoryStudy& st)
{
    read_network_and_runs(cfg, m, st);
    st.conditions = m.strings("conditions", {"control"});
    st.knockouts = m.string("knockouts", "full", {"full", "stability"});
    st.knockout_runs = static_cast<int>(m.integer("knockout_runs", 1, 1, 1000));
    st.knockout_window = m.number("knockout_window", 8.0, Range::closed(0.0, 3600.0));
    for (std::size_t i = 0; i < st.conditions.size(); ++i) {
        const auto& c = st.conditions[i];
        bool ok = valid_condition(c);
        if (st.network == "model" && (c.rfind("only_", 0) == 0 || c.rfind("no_", 0) == 0)) {
            const std::string name = c.substr(c[0] == 'o' ? 5 : 3);
            ok = std::find(st.model_net.rules.begin(), st.model_net.rules.end(), name) != st.model_net.rules.end();
        }
        if (!ok)
            m.fail("conditions", "unknown condition '" + c + "'",
                   st.network == "model" ? "control, static, only_NAME, no_NAME (NAME in model.rules), eta=<value >= 0>"
                                         : "control, static, only_EE|EI|IE|II, no_EE|EI|IE|II, eta=<value >= 0>");
    }
}

// The [[rule]] tables: `want` parameters each (24 for the recurrent network, 6 per rule otherwise).
void read_rule_tables(const Section& root, std::size_t want, MemoryStudy& st)
{
    for (std::size_t i = 0; i < root.array_size("rule"); ++i) {
        const Section r = root.element("rule", i);
        NamedRule nr;
        nr.name = r.string("name", "rule_" + std::to_string(i));
        // Recurrent quadruplets may carry their screened input rate as a 25th entry (or input_rate).
        nr.theta = r.numbers("theta", {}, Range::any(), want, want == 24 ? 25 : want);
        if (nr.theta.size() == 25) {
            nr.input_rate = nr.theta[24];
            nr.theta.pop_back();
            if (!(nr.input_rate >= 0) || r.has("input_rate"))
                r.fail("theta", "the 25th entry is the input rate (Hz): it must be >= 0 and not also given as input_rate", "24 rule parameters + an input rate >= 0");
        }
        if (r.has("input_rate")) nr.input_rate = r.number("input_rate", 10.0, Range::nonneg());
        for (std::size_t k = 0; k < want; k += 6)
            if (!(nr.theta[k] > 0 && nr.theta[k + 1] > 0)) r.fail("theta", "time constants must be > 0", "tau_pre, tau_post > 0");
        st.rules.push_back(nr);
    }
}

// memory.archive: the rules a query selects from a screen archive (recurrent quadruplets).
void read_archive_rules(const Section& m, MemoryStudy& st)
{
    const std::string archive = m.file("archive", "");
    if (archive.empty()) return;
    if (st.network != "recurrent") m.fail("archive", "archives hold quadruplets for the recurrent network", "network = \"recurrent\"");
    const std::string query = m.string("query", "verdict = 'plausible'");
    const auto limit = m.integer("limit", 10, 1, 1000000);
    const auto a = search::Archive::open_read_only(archive);
    const auto names = search::quadruplet_names(false);
    for (std::size_t k = 0; k < names.size(); ++k)
        if (k >= a.param_names().size() || a.param_names()[k] != names[k])
            m.fail("archive", "archive parameters are not a 6pPol quadruplet (" + archive + ")", "an archive of plast screen with task = \"fsbi\"");
    const auto rows = a.select(query, limit);
    if (rows.empty()) m.fail("query", "the query selects no rule in " + archive, "a condition that some rows satisfy");
    const bool has_rate = a.param_names().size() > 24 && a.param_names()[24] == "input_rate";
    for (const auto& r : rows)
        st.rules.push_back({"r" + std::to_string(r.round) + "_" + std::to_string(r.idx),
                            std::vector<double>(r.params.begin(), r.params.begin() + 24),
                            has_rate && r.params.size() > 24 ? r.params[24] : -1.0});
}

// memory.rules_csv: a rule set (the 24 quadruplet columns, optionally input_rate), each rule inside the fSBI prior.
void read_csv_rules(const Section& m, MemoryStudy& st)
{
    const std::string rules_csv = m.file("rules_csv", "");
    if (rules_csv.empty()) return;
    if (st.network != "recurrent") m.fail("rules_csv", "rule sets hold quadruplets for the recurrent network", "network = \"recurrent\"");
    const auto limit = m.integer("rules_limit", 0, 0, 1000000);
    io::CsvTable t;
    try {
        t = io::CsvTable::read(rules_csv);
    } catch (const std::exception& e) {
        m.fail("rules_csv", e.what(), "a CSV with the 24 quadruplet columns EE_tau_pre ... II_kappa");
    }
    const auto names = search::quadruplet_names(false);
    const auto boxes = search::fsbi_prior_boxes(false);
    std::vector<std::size_t> cols;
    for (const auto& n : names) {
        std::size_t c = t.header.size();
        for (std::size_t k = 0; k < t.header.size(); ++k)
            if (t.header[k] == n) c = k;
        if (c == t.header.size())
            m.fail("rules_csv", rules_csv + " has no column '" + n + "' (a rule set of another network or rule family?)",
                   "the 24 columns EE_tau_pre, EE_tau_post, EE_alpha, ..., II_kappa");
        cols.push_back(c);
    }
    if (t.rows() == 0) m.fail("rules_csv", rules_csv + " holds no rule", "one or more rows");
    std::size_t rate_col = t.header.size(); // optional: the input rate the rule was screened at
    for (std::size_t k = 0; k < t.header.size(); ++k)
        if (t.header[k] == "input_rate") rate_col = k;
    const std::size_t take = limit > 0 ? std::min<std::size_t>(t.rows(), static_cast<std::size_t>(limit)) : t.rows();
    for (std::size_t r = 0; r < take; ++r) {
        NamedRule nr{"csv" + std::to_string(r), {}};
        for (std::size_t k = 0; k < 24; ++k) {
            double v = 0;
            try {
                v = t.number(r, cols[k]);
            } catch (const std::exception& e) {
                m.fail("rules_csv", e.what(), "numbers in the 24 rule columns");
            }
            if (!(v >= boxes[k].lo && v <= boxes[k].hi))
                m.fail("rules_csv", rules_csv + " row " + std::to_string(r + 1) + ", column " + names[k] + " = " + io::format_number(v) +
                                        " lies outside the fSBI prior",
                       "[" + io::format_number(boxes[k].lo) + ", " + io::format_number(boxes[k].hi) + "]");
            nr.theta.push_back(v);
        }
        if (rate_col < t.header.size()) {
            double v = -1;
            try {
                v = t.number(r, rate_col);
            } catch (const std::exception& e) {
                m.fail("rules_csv", e.what(), "a number in the input_rate column");
            }
            if (!(v >= 0) || !std::isfinite(v))
                m.fail("rules_csv", rules_csv + " row " + std::to_string(r + 1) + ", column input_rate = " + io::format_number(v),
                       "an input rate >= 0 Hz");
            nr.input_rate = v;
        }
        st.rules.push_back(nr);
    }
}

// [protocol]: the familiarity protocol's durations and breaks.
void read_protocol(const Section& p, FamiliarityProtocol& pr)
{
    pr.pretrain = p.number("pretrain", pr.pretrain, Range::nonneg());
    pr.train = p.number("train", pr.train, Range::nonneg());
    pr.on_mean = p.number("on_mean", pr.on_mean, Range::positive());
    pr.off_mean = p.number("off_mean", pr.off_mean, Range::positive());
    pr.breaks = p.numbers("breaks", pr.breaks, Range::at_least(1.0), 1, 1000);
    pr.probe = p.number("probe", pr.probe, Range::positive());
    pr.after_probe = p.number("after_probe", pr.after_probe, Range::nonneg());
    pr.plasticity_during_probes = p.flag("plasticity_during_probes", pr.plasticity_during_probes);
}

// memory.input_rate and the stability re-check (memory.recheck, recheck_window, recheck_filter_variant).
void read_input_rate_and_recheck(const Section& m, MemoryStudy& st)
{
    auto& pr = st.protocol;
    st.rule_input_rate = m.string("input_rate", "protocol", {"protocol", "rule"}) == "rule";
    if (st.rule_input_rate) {
        if (st.network != "recurrent")
            m.fail("input_rate", "the feed-forward network's inputs are not a screened background", "\"protocol\" with network = \"feedforward\" or \"model\"");
        for (const auto& r : st.rules)
            if (r.input_rate < 0)
                m.fail("input_rate", "rule '" + r.name + "' carries no input rate",
                       "\"protocol\", or rules with an input rate (theta of 25 numbers, input_rate key, an input_rate column or archive parameter)");
    }
    const bool recheck = m.flag("recheck", st.network == "recurrent");
    if (recheck && st.network != "recurrent")
        m.fail("recheck", "the re-check needs the recurrent E/I network (the fSBI metrics are population statistics)", "false with network = \"feedforward\" or \"model\"");
    if (recheck) {
        // Default: the fSBI score window (10 s), or all of a shorter pre-training.
        pr.recheck_window = m.number("recheck_window", std::min(10.0, pr.pretrain), Range::nonneg());
        if (m.has("recheck_window") && !(pr.recheck_window > 0))
            m.fail("recheck_window", "the re-check window must be longer than 0 s", "(0, protocol.pretrain]");
        if (pr.recheck_window > pr.pretrain)
            m.fail("recheck_window", "the re-check window lies in pre-training (" + io::format_number(pr.pretrain) + " s)",
                   "(0, protocol.pretrain]");
        st.recheck_variant = m.string("recheck_filter_variant", "paper", metrics::fsbi_filter_variants());
    }
}
} // namespace

// Stability per rule and condition (the criterion in memory_study.hpp) over its runs; `ok_runs` gets the
// probe statistics of the runs that completed.
bool judge_stability(const MemoryStudy& study, const StudyResults& res, std::size_t ri, std::size_t ci,
                     std::vector<std::vector<ProbeStats>>& ok_runs)
{
    const auto& cond = study.conditions[ci];
    const bool ko = MemoryStudy::is_knockout(cond);
    const bool stab_only = study.stability_only(cond);
    bool stable = true;
    for (std::size_t run = 0; run < res.slots.runs[ci]; ++run) {
        const auto& r = res.at(ri, ci, run);
        for (const auto& pt : r.probes) stable = stable && pt.baseline_rate >= 0.1 && pt.baseline_rate <= 100.0;
        if (r.aborted) {
            stable = false;
            continue;
        }
        // Mean-weight bounds (spec §7.2): after the protocol; at every test for a knock-out.
        for (std::size_t t = ko ? 0 : r.probes.size() - 1; t < r.probes.size(); ++t)
            for (const auto& [name, v] : r.probes[t].mean_weights) {
                const double bound = (name == "EE" || name == "EI") ? 0.5 : 5.0;
                if (name == "EE" || name == "EI" || name == "IE" || name == "II") stable = stable && v <= bound;
            }
        // Stability-only knock-outs, the reference's criterion (get_ind_stable_pd): CV >= 0.7 at every test
        // and w_blow <= 0.1 at the last, where measured (a window too short for any ISI gives no CV).
        if (stab_only && !r.probes.empty()) {
            for (const auto& pt : r.probes) stable = stable && !(pt.cv_isi < 0.7);
            stable = stable && !(r.probes.back().w_blow > 0.1);
        }
        std::vector<ProbeStats> s;
        for (const auto& pt : r.probes) s.push_back(pt.stats);
        ok_runs.push_back(s);
    }
    return stable;
}

bool MemoryStudy::is_knockout(const std::string& c)
{
    return c.rfind("only_", 0) == 0 || c.rfind("no_", 0) == 0;
}

MemoryStudy MemoryStudy::from_config(Config& cfg)
{
    MemoryStudy st;
    const Section m = cfg.section("memory");
    read_study_settings(cfg, m, st);
    const std::size_t want = st.network == "recurrent" ? 24 : st.network == "model" ? 6 * st.model_net.rules.size() : 6;
    const Section root = cfg.root();
    read_rule_tables(root, want, st);
    read_archive_rules(m, st);
    read_csv_rules(m, st);
    if (st.rules.empty()) root.fail("rule", "no rule to test", "[[rule]] tables, memory.archive or memory.rules_csv");
    read_protocol(cfg.section("protocol"), st.protocol);
    read_input_rate_and_recheck(m, st);
    read_network(cfg, st, "the memory study");
    return st;
}

MemoryStudy MemoryStudy::task_from_config(Config& cfg)
{
    MemoryStudy st;
    const Section m = cfg.section("memory");
    const Section root = cfg.root();
    // The candidates are the rules, tested in the control condition at the protocol's input rate: keys that
    // choose rules, conditions or a rule's input rate would be ignored, so they are refused.
    if (root.array_size("rule") > 0)
        root.fail("rule", "a familiarity screen tests its candidates: [[rule]] tables would not be used",
                  "no [[rule]] table; the search box is [prior.NAME] (names: the task's parameters)");
    for (const char* k : {"archive", "rules_csv", "query", "limit", "conditions", "knockouts", "knockout_runs",
                          "knockout_window"})
        if (m.has(k))
            m.fail(k, "a familiarity screen runs its candidates in the control condition; this key would not be used",
                   "network, runs, input_rate = \"protocol\", recheck, recheck_window, recheck_filter_variant");
    read_network_and_runs(cfg, m, st);
    read_protocol(cfg.section("protocol"), st.protocol);
    read_input_rate_and_recheck(m, st);
    if (st.rule_input_rate)
        m.fail("input_rate", "a candidate carries no screened input rate", "\"protocol\" (the inputs fire at the protocol's background rate)");
    read_network(cfg, st, "the familiarity screen");
    return st;
}

RunSlots MemoryStudy::slots() const
{
    RunSlots s;
    s.rules = rules.size();
    for (const auto& c : conditions) {
        s.runs.push_back(static_cast<std::size_t>(runs_of(c)));
        s.offset.push_back(s.per_rule);
        s.per_rule += s.runs.back();
    }
    return s;
}

FamiliarityProtocol MemoryStudy::stability_protocol() const
{
    FamiliarityProtocol p = protocol;
    p.probes = false;
    p.stability_window = knockout_window;
    return p;
}

std::vector<MemoryJob> MemoryStudy::jobs(const RunSlots& slots, const std::vector<char>& finished) const
{
    std::vector<MemoryJob> todo;
    for (std::size_t ri = 0; ri < rules.size(); ++ri)
        for (std::size_t ci = 0; ci < conditions.size(); ++ci)
            for (std::size_t run = 0; run < slots.runs[ci]; ++run)
                if (!(conditions[ci] == "static" && ri > 0) && !finished[slots.slot(ri, ci, run)]) todo.push_back({ri, ci, run});
    return todo;
}

std::unique_ptr<ProbeableNetwork> MemoryStudy::make_network(const MemoryJob& job, std::uint64_t seed) const
{
    const auto& rule = rules[job.ri];
    const auto& cond = conditions[job.ci];
    if (network == "recurrent") {
        BndConfig c = recurrent;
        c.net.set_quadruplet(rule.theta);
        if (rule_input_rate) c.background = rule.input_rate;
        for (std::size_t k = 0; k < 4; ++k) {
            bool on = true;
            if (cond == "static") on = false;
            if (cond.rfind("only_", 0) == 0) on = cond.substr(5) == connection_types[k];
            if (cond.rfind("no_", 0) == 0) on = cond.substr(3) != connection_types[k];
            c.net.plastic[k] = c.net.plastic[k] && on;
        }
        if (cond.rfind("eta=", 0) == 0) c.net.eta = std::stod(cond.substr(4));
        return make_bnd_network(c, seed, job.run);
    }
    if (network == "model") return make_model_network(model_net, rule.theta, cond, seed, job.run);
    FeedForwardConfig c = feedforward;
    c.rule = spiking::SixParamRule::from_array({rule.theta[0], rule.theta[1], rule.theta[2], rule.theta[3], rule.theta[4], rule.theta[5]});
    if (cond == "static" || cond.rfind("no_", 0) == 0) c.eta = 0;
    if (cond.rfind("eta=", 0) == 0) c.eta = std::stod(cond.substr(4));
    return make_feedforward_network(c, seed, job.run);
}

StudyResults MemoryStudy::execute(io::RunDir& dir, std::uint64_t seed, int threads, bool resume) const
{
    StudyResults res;
    res.slots = slots();
    res.times = protocol.test_times();
    res.runs.resize(res.slots.size());
    const RunSlots& sl = res.slots;
    const FamiliarityProtocol stab_protocol = stability_protocol();
    auto proto_of = [&](std::size_t ci) -> const FamiliarityProtocol& { return stability_only(conditions[ci]) ? stab_protocol : protocol; };
    // Completed runs are journaled as they finish (memory_done.jsonl); a resumed study reloads them.
    std::vector<char> finished(sl.size(), 0);
    const std::string journal_path = dir.file("memory_done.jsonl");
    long reloaded = 0;
    if (resume) {
        for (auto& e : RunJournal::read(journal_path)) {
            const auto c = std::find(conditions.begin(), conditions.end(), e.condition);
            if (e.rule >= rules.size() || rules[e.rule].name != e.rule_name || c == conditions.end()) continue;
            const auto ci = static_cast<std::size_t>(c - conditions.begin());
            if (e.run >= sl.runs[ci] || finished[sl.slot(e.rule, ci, e.run)]) continue;
            res.runs[sl.slot(e.rule, ci, e.run)] = std::move(e.result);
            finished[sl.slot(e.rule, ci, e.run)] = 1;
            ++reloaded;
        }
    } else {
        std::filesystem::remove(journal_path);
    }
    RunJournal journal(journal_path);
    const auto todo = jobs(sl, finished);
    double total_s = 0;
    for (const auto& jb : todo) total_s += proto_of(jb.ci).simulated_seconds();
    Progress progress("memory (" + std::to_string(todo.size()) + " runs)", static_cast<std::size_t>(std::ceil(total_s)), "simulated s");
    if (resume) dir.summary()["resumed_runs"] = reloaded;
    try {
        parallel_for(todo.size(), threads, [&](std::size_t jj) {
            const auto& jb = todo[jj];
            const std::size_t j = sl.slot(jb.ri, jb.ci, jb.run);
            const auto net = make_network(jb, seed);
            double last = 0;
            res.runs[j] = run_familiarity(*net, proto_of(jb.ci), seed, jb.run, [&](double t) {
                const double d = std::floor(t) - std::floor(last);
                if (d >= 1) progress.advance(static_cast<std::size_t>(d));
                last = t;
            });
            journal.append(jb.ri, rules[jb.ri].name, conditions[jb.ci], jb.run, res.runs[j]);
            finished[j] = 1;
        });
    } catch (const Interrupted&) {
        // Keep every run that completed before the signal (the work in flight is dropped).
        dir.summary()["completed_runs_before_interrupt"] = write_runs_csv(dir.file("memory_runs.csv"), *this, res, &finished);
        throw;
    }
    progress.done();
    // With plasticity off the rule never acts, so the static control is the same network for every rule
    // (same seeds and wiring per run): it is simulated for the first rule and shared.
    for (std::size_t ri = 1; ri < rules.size(); ++ri)
        for (std::size_t ci = 0; ci < conditions.size(); ++ci)
            if (conditions[ci] == "static")
                for (std::size_t run = 0; run < sl.runs[ci]; ++run) res.runs[sl.slot(ri, ci, run)] = res.runs[sl.slot(0, ci, run)];
    return res;
}

void MemoryStudy::run(io::RunDir& dir, std::uint64_t seed, int threads, bool resume) const
{
    write_outputs(dir, *this, execute(dir, seed, threads, resume));
}

} // namespace plast::memory
