#include "plast/memory/memory_study.hpp"

#include "plast/core/connection_types.hpp"
#include "plast/core/error.hpp"
#include "plast/core/interrupt.hpp"
#include "plast/core/parallel.hpp"
#include "plast/core/progress.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"
#include "plast/io/csv_table.hpp"
#include "plast/memory/run_journal.hpp"
#include "plast/memory/study_headline.hpp"
#include "plast/metrics/filter.hpp"
#include "plast/io/npy.hpp"
#include "plast/io/run_dir.hpp"
#include "plast/search/archive.hpp"
#include "plast/search/prior.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <mutex>

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

const std::vector<std::string> runs_header{"rule", "condition", "run", "test_time", "clock", "r_nov", "r_fam", "std_nov",
                                           "std_fam", "on_nov", "on_fam", "baseline_rate", "baseline_rate_i", "aborted", "abort_reason"};

// The rows of one run in memory_runs.csv: one per completed test, then one for an abort.
void write_run_rows(io::CsvWriter& csv, const std::string& rule, const std::string& cond, std::size_t run,
                    const std::vector<double>& times, const RunResult& res)
{
    for (std::size_t t = 0; t < res.probes.size(); ++t) {
        const auto& pt = res.probes[t];
        csv.row({rule, cond, static_cast<long long>(run), times[t], pt.clock, pt.stats.r_nov, pt.stats.r_fam, pt.stats.std_nov,
                 pt.stats.std_fam, pt.stats.on_nov, pt.stats.on_fam, pt.baseline_rate, pt.baseline_rate_i, 0LL, std::string()});
    }
    if (res.aborted) {
        const double nan = std::nan("");
        csv.row({rule, cond, static_cast<long long>(run), nan, res.abort_time, nan, nan, nan, nan, nan, nan, nan, nan, 1LL,
                 res.abort_reason});
    }
}

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
} // namespace

bool MemoryStudy::is_knockout(const std::string& c)
{
    return c.rfind("only_", 0) == 0 || c.rfind("no_", 0) == 0;
}

MemoryStudy MemoryStudy::from_config(Config& cfg)
{
    MemoryStudy st;
    const Section m = cfg.section("memory");
    st.network = m.string("network", "recurrent", {"recurrent", "feedforward", "model"});
    if (st.network == "model")
        st.model_net = ModelNetworkConfig::from_config(cfg.section("model"), std::filesystem::path(cfg.source_name()).parent_path().string());
    st.runs = static_cast<int>(m.integer("runs", 5, 2, 1000));
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
    const std::size_t want = st.network == "recurrent" ? 24 : st.network == "model" ? 6 * st.model_net.rules.size() : 6;
    const Section root = cfg.root();
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
    const std::string archive = m.string("archive", "");
    if (!archive.empty()) {
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
    const std::string rules_csv = m.string("rules_csv", "");
    if (!rules_csv.empty()) {
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
    if (st.rules.empty()) root.fail("rule", "no rule to test", "[[rule]] tables, memory.archive or memory.rules_csv");
    const Section p = cfg.section("protocol");
    auto& pr = st.protocol;
    pr.pretrain = p.number("pretrain", pr.pretrain, Range::nonneg());
    pr.train = p.number("train", pr.train, Range::nonneg());
    pr.on_mean = p.number("on_mean", pr.on_mean, Range::positive());
    pr.off_mean = p.number("off_mean", pr.off_mean, Range::positive());
    pr.breaks = p.numbers("breaks", pr.breaks, Range::at_least(1.0), 1, 1000);
    pr.probe = p.number("probe", pr.probe, Range::positive());
    pr.after_probe = p.number("after_probe", pr.after_probe, Range::nonneg());
    pr.plasticity_during_probes = p.flag("plasticity_during_probes", pr.plasticity_during_probes);
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
    if (st.network == "recurrent") {
        st.recurrent = BndConfig::from_config(cfg.section("network"), cfg.section("inputs"));
        st.recurrent.net.require_six_param_rules(cfg.section("network"), "the memory study");
    } else if (st.network == "feedforward") {
        st.feedforward = FeedForwardConfig::from_config(cfg.section("feedforward"));
    }
    return st;
}

void MemoryStudy::run(io::RunDir& dir, std::uint64_t seed, int threads, bool resume) const
{
    const std::size_t nr = rules.size(), nc = conditions.size();
    // Result slots: rule-major, then condition, then run; conditions may differ in their number of runs
    // (stability-only knock-outs run knockout_runs).
    std::vector<std::size_t> cruns(nc), coff(nc);
    std::size_t per_rule = 0;
    for (std::size_t ci = 0; ci < nc; ++ci) {
        cruns[ci] = static_cast<std::size_t>(runs_of(conditions[ci]));
        coff[ci] = per_rule;
        per_rule += cruns[ci];
    }
    const std::size_t jobs = nr * per_rule;
    auto slot = [&](std::size_t ri, std::size_t ci, std::size_t run) { return ri * per_rule + coff[ci] + run; };
    FamiliarityProtocol stability_protocol = protocol;
    stability_protocol.probes = false;
    stability_protocol.stability_window = knockout_window;
    auto proto_of = [&](std::size_t ci) -> const FamiliarityProtocol& { return stability_only(conditions[ci]) ? stability_protocol : protocol; };
    std::vector<RunResult> results(jobs);
    // With plasticity off the rule never acts, so the static control is the same network for every rule
    // (same seeds and wiring per run): it is simulated for the first rule and shared.
    struct Job {
        std::size_t ri, ci, run;
    };
    // Completed runs are journaled as they finish (memory_done.jsonl); a resumed study reloads them.
    std::vector<char> finished(jobs, 0);
    const std::string journal_path = dir.file("memory_done.jsonl");
    long reloaded = 0;
    if (resume) {
        for (auto& e : RunJournal::read(journal_path)) {
            const auto c = std::find(conditions.begin(), conditions.end(), e.condition);
            if (e.rule >= nr || rules[e.rule].name != e.rule_name || c == conditions.end()) continue;
            const auto ci = static_cast<std::size_t>(c - conditions.begin());
            if (e.run >= cruns[ci] || finished[slot(e.rule, ci, e.run)]) continue;
            results[slot(e.rule, ci, e.run)] = std::move(e.result);
            finished[slot(e.rule, ci, e.run)] = 1;
            ++reloaded;
        }
    } else {
        std::filesystem::remove(journal_path);
    }
    RunJournal journal(journal_path);
    std::vector<Job> todo;
    double total_s = 0;
    for (std::size_t ri = 0; ri < nr; ++ri)
        for (std::size_t ci = 0; ci < nc; ++ci)
            for (std::size_t run = 0; run < cruns[ci]; ++run)
                if (!(conditions[ci] == "static" && ri > 0) && !finished[slot(ri, ci, run)]) {
                    todo.push_back({ri, ci, run});
                    total_s += proto_of(ci).simulated_seconds();
                }
    Progress progress("memory (" + std::to_string(todo.size()) + " runs)", static_cast<std::size_t>(std::ceil(total_s)), "simulated s");
    if (resume) dir.summary()["resumed_runs"] = reloaded;
    const auto times = protocol.test_times();
    try {
    parallel_for(todo.size(), threads, [&](std::size_t jj) {
        const auto [ri, ci, run] = todo[jj];
        const std::size_t j = slot(ri, ci, run);
        const auto& rule = rules[ri];
        const auto& cond = conditions[ci];
        std::unique_ptr<ProbeableNetwork> net;
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
            net = make_bnd_network(c, seed, run);
        } else if (network == "model") {
            net = make_model_network(model_net, rule.theta, cond, seed, run);
        } else {
            FeedForwardConfig c = feedforward;
            c.rule = spiking::SixParamRule::from_array({rule.theta[0], rule.theta[1], rule.theta[2], rule.theta[3], rule.theta[4], rule.theta[5]});
            if (cond == "static" || cond.rfind("no_", 0) == 0) c.eta = 0;
            if (cond.rfind("eta=", 0) == 0) c.eta = std::stod(cond.substr(4));
            net = make_feedforward_network(c, seed, run);
        }
        double last = 0;
        results[j] = run_familiarity(*net, proto_of(ci), seed, run, [&](double t) {
            const double d = std::floor(t) - std::floor(last);
            if (d >= 1) progress.advance(static_cast<std::size_t>(d));
            last = t;
        });
        journal.append(ri, rule.name, cond, run, results[j]);
        finished[j] = 1;
    });
    } catch (const Interrupted&) {
        // Keep every run that completed before the signal (the work in flight is dropped).
        io::CsvWriter part(dir.file("memory_runs.csv"), runs_header);
        long kept = 0;
        for (std::size_t ri = 0; ri < nr; ++ri)
            for (std::size_t ci = 0; ci < nc; ++ci)
                for (std::size_t run = 0; run < cruns[ci]; ++run) {
                    const std::size_t j = slot(ri, ci, run);
                    if (!finished[j]) continue;
                    ++kept;
                    write_run_rows(part, rules[ri].name, conditions[ci], run, times, results[j]);
                }
        dir.summary()["completed_runs_before_interrupt"] = kept;
        throw;
    }
    progress.done();
    for (std::size_t ri = 1; ri < nr; ++ri)
        for (std::size_t ci = 0; ci < nc; ++ci)
            if (conditions[ci] == "static")
                for (std::size_t run = 0; run < cruns[ci]; ++run) results[slot(ri, ci, run)] = results[slot(0, ci, run)];

    io::CsvWriter runs_csv(dir.file("memory_runs.csv"), runs_header);
    io::CsvWriter tests_csv(dir.file("memory_tests.csv"), {"rule", "condition", "test_time", "runs", "mean_r_nov", "mean_r_fam",
                                                           "mean_dr_mem", "mean_ds_mem", "t", "p", "on_t", "on_p", "significant",
                                                           "preference"});
    io::CsvWriter sum_csv(dir.file("memory_summary.csv"), {"rule", "condition", "runs_completed", "stable", "lifetime",
                                                          "any_significant", "preference_first_test"});
    nlohmann::json summary = nlohmann::json::array();
    std::vector<RuleOutcome> outcomes;
    std::vector<double> prate_mean(nr * nc * times.size() * 2 * 90, std::nan(""));
    for (std::size_t ri = 0; ri < nr; ++ri)
        for (std::size_t ci = 0; ci < nc; ++ci) {
            const bool ko = is_knockout(conditions[ci]);
            const bool stab_only = stability_only(conditions[ci]);
            std::vector<std::vector<ProbeStats>> ok_runs;
            bool stable = true;
            for (std::size_t run = 0; run < cruns[ci]; ++run) {
                const auto& res = results[slot(ri, ci, run)];
                write_run_rows(runs_csv, rules[ri].name, conditions[ci], run, times, res);
                for (const auto& pt : res.probes) stable = stable && pt.baseline_rate >= 0.1 && pt.baseline_rate <= 100.0;
                if (res.aborted) {
                    stable = false;
                    continue;
                }
                // Mean-weight bounds (spec §7.2): after the protocol; at every test for a knock-out.
                for (std::size_t t = ko ? 0 : res.probes.size() - 1; t < res.probes.size(); ++t)
                    for (const auto& [name, v] : res.probes[t].mean_weights) {
                        const double bound = (name == "EE" || name == "EI") ? 0.5 : 5.0;
                        if (name == "EE" || name == "EI" || name == "IE" || name == "II") stable = stable && v <= bound;
                    }
                // Stability-only knock-outs, the reference's criterion (get_ind_stable_pd): CV >= 0.7 at every test
                // and w_blow <= 0.1 at the last, where measured (a window too short for any ISI gives no CV).
                if (stab_only && !res.probes.empty()) {
                    for (const auto& pt : res.probes) stable = stable && !(pt.cv_isi < 0.7);
                    stable = stable && !(res.probes.back().w_blow > 0.1);
                }
                std::vector<ProbeStats> s;
                for (const auto& pt : res.probes) s.push_back(pt.stats);
                ok_runs.push_back(s);
            }
            nlohmann::json js = {{"rule", rules[ri].name}, {"condition", conditions[ci]}, {"runs_completed", ok_runs.size()}, {"stable", stable}};
            if (stab_only) js["stability_only"] = true;
            RuleOutcome oc;
            oc.rule = rules[ri].name;
            oc.condition = conditions[ci];
            oc.theta = rules[ri].theta;
            oc.stable = stable;
            oc.stability_only = stab_only;
            oc.runs = static_cast<int>(cruns[ci]);
            {
                double se = 0, si = 0;
                std::size_t n = 0;
                for (std::size_t run = 0; run < cruns[ci]; ++run) {
                    const auto& res = results[slot(ri, ci, run)];
                    if (res.aborted || res.probes.empty()) continue;
                    se += res.probes.back().baseline_rate;
                    si += res.probes.back().baseline_rate_i;
                    ++n;
                }
                oc.rate_e = n ? se / static_cast<double>(n) : std::nan("");
                oc.rate_i = n ? si / static_cast<double>(n) : std::nan("");
            }
            if (stab_only) {
                sum_csv.row({rules[ri].name, conditions[ci], static_cast<long long>(ok_runs.size()), static_cast<long long>(stable),
                             std::nan(""), 0LL, std::string("not_tested")});
            } else if (ok_runs.size() >= 2) {
                const auto ms = summarise(ok_runs, times);
                for (const auto& t : ms.tests)
                    tests_csv.row({rules[ri].name, conditions[ci], t.test_time, static_cast<long long>(ok_runs.size()), t.mean_r_nov,
                                   t.mean_r_fam, t.mean_dr_mem, t.mean_ds_mem, t.t, t.p, t.on_t, t.on_p,
                                   static_cast<long long>(t.significant), t.preference});
                sum_csv.row({rules[ri].name, conditions[ci], static_cast<long long>(ok_runs.size()), static_cast<long long>(stable),
                             ms.lifetime, static_cast<long long>(ms.any_significant), ms.tests.front().preference});
                oc.tested = true;
                oc.lifetime = ms.lifetime;
                for (const auto& t : ms.tests) {
                    oc.novelty.push_back(t.significant && t.preference == "novelty");
                    oc.familiarity.push_back(t.significant && t.preference == "familiarity");
                    oc.on_transient.push_back(t.on_p < 0.05);
                }
                js["lifetime"] = ms.lifetime;
                js["any_significant"] = ms.any_significant;
                js["first_test"] = {{"p", ms.tests.front().p}, {"dr_mem", ms.tests.front().mean_dr_mem},
                                    {"preference", ms.tests.front().preference}};
                // Mean population-rate traces (novel and familiar halves share one 9 s trace).
                for (std::size_t t = 0; t < times.size(); ++t) {
                    std::vector<double> acc(90, 0.0);
                    std::size_t n = 0;
                    for (std::size_t run = 0; run < cruns[ci]; ++run) {
                        const auto& res = results[slot(ri, ci, run)];
                        if (res.aborted || t >= res.probes.size() || res.probes[t].prate.size() < 90) continue;
                        for (std::size_t b = 0; b < 90; ++b) acc[b] += res.probes[t].prate[b];
                        ++n;
                    }
                    if (n)
                        for (std::size_t b = 0; b < 90; ++b) prate_mean[((ri * nc + ci) * times.size() + t) * 90 * 2 + b] = acc[b] / static_cast<double>(n);
                }
            } else {
                sum_csv.row({rules[ri].name, conditions[ci], static_cast<long long>(ok_runs.size()), 0LL, std::nan(""), 0LL, std::string("none")});
            }
            summary.push_back(js);
            outcomes.push_back(oc);
        }
    io::write_npy(dir.file("prate_mean.npy"), prate_mean, {nr, nc, times.size(), 2 * 90});
    // Stability re-check on the memory network itself (pre-training window), one row per run.
    if (protocol.recheck_window > 0) {
        const auto filter = metrics::fsbi_plausibility_filter(recheck_variant);
        std::vector<std::string> header{"rule", "condition", "run", "input_rate_screen", "input_rate_used", "scale", "t0", "t1",
                                        "verdict", "failed_groups"};
        for (const auto& k : metrics::fsbi_metric_names()) header.push_back(k);
        io::CsvWriter rc(dir.file("memory_recheck.csv"), header);
        for (std::size_t ri = 0; ri < nr; ++ri)
            for (std::size_t ci = 0; ci < nc; ++ci) {
                std::size_t n = 0, ok = 0;
                double se = 0, si = 0;
                const double used = rule_input_rate ? rules[ri].input_rate : recurrent.background;
                for (std::size_t run = 0; run < cruns[ci]; ++run) {
                    const auto& res = results[slot(ri, ci, run)];
                    std::vector<io::Cell> row{rules[ri].name, conditions[ci], static_cast<long long>(run),
                                                         rules[ri].input_rate >= 0 ? rules[ri].input_rate : std::nan(""), used,
                                                         recurrent.net.scale, res.recheck_t0, res.recheck_t1};
                    std::string verdict = "not_reached", failed;
                    if (!res.recheck.empty()) {
                        bool all = true;
                        for (const auto& g : filter)
                            if (!metrics::passes({g}, res.recheck)) {
                                all = false;
                                failed += (failed.empty() ? "" : " ") + g.name;
                            }
                        verdict = all ? "plausible" : "implausible";
                        ++n;
                        ok += all ? 1 : 0;
                        se += res.recheck.at("rate");
                        si += res.recheck.at("rate_i");
                    }
                    row.emplace_back(verdict);
                    row.emplace_back(failed);
                    for (const auto& k : metrics::fsbi_metric_names()) {
                        const auto it = res.recheck.find(k);
                        row.emplace_back(it == res.recheck.end() ? std::nan("") : it->second);
                    }
                    rc.row(row);
                }
                outcomes[ri * nc + ci].recheck_runs = static_cast<int>(n);
                outcomes[ri * nc + ci].recheck_plausible = static_cast<int>(ok);
                auto& js = summary[ri * nc + ci];
                js["input_rate_screen"] = rules[ri].input_rate >= 0 ? nlohmann::json(rules[ri].input_rate) : nlohmann::json(nullptr);
                js["input_rate_used"] = used;
                js["recheck"] = {{"runs", n}, {"plausible", ok},
                                 {"mean_rate", n ? nlohmann::json(se / static_cast<double>(n)) : nlohmann::json(nullptr)},
                                 {"mean_rate_i", n ? nlohmann::json(si / static_cast<double>(n)) : nlohmann::json(nullptr)}};
            }
    }
    auto& s = dir.summary();
    s["network"] = network;
    s["runs"] = runs;
    s["knockouts"] = knockouts;
    if (knockouts == "stability") {
        s["knockout_runs"] = knockout_runs;
        s["knockout_window"] = knockout_window;
    }
    s["test_times"] = times;
    s["rules"] = nr;
    s["conditions"] = conditions;
    s["results"] = summary;
    s["input_rate"] = rule_input_rate ? "rule: each rule's screened input rate drives the RF inputs"
                                      : "protocol: RF inputs at [inputs] background_rate for every rule (Mem1kRules)";
    if (protocol.recheck_window > 0)
        s["recheck"] = {{"window", protocol.recheck_window},
                        {"filter_variant", recheck_variant},
                        {"what", "fSBI metrics (first record_exc x scale E, record_inh x scale I neurons; 100 weights per plastic "
                                 "projection every 0.1 s) over the last window s of pre-training of each run, on the memory "
                                 "network itself (receptive-field input, this scale and input rate): memory_recheck.csv"}};
    s["simulated_seconds_per_run"] = protocol.simulated_seconds();
    if (knockouts == "stability") s["simulated_seconds_per_stability_run"] = stability_protocol.simulated_seconds();
    // Headline over rules (fractions, lifetimes, knock-outs, regression) and its tables.
    const auto head = study_headline(outcomes, times, conditions);
    s["headline"] = head;
    io::CsvWriter hcsv(dir.file("memory_headline.csv"), {"condition", "rules_stable", "test_time", "novelty", "familiarity", "on_transient"});
    for (const auto& c : conditions) {
        if (!head["conditions"].contains(c)) continue; // stability-only: memory_stability.csv
        const auto& cj = head["conditions"][c];
        for (const auto& t : cj["per_test_time"])
            hcsv.row({c, cj["rules_stable"].get<long long>(), t["test_time"].get<double>(), t["novelty"].get<double>(),
                      t["familiarity"].get<double>(), t["on_transient"].get<double>()});
        hcsv.row({c, cj["rules_stable"].get<long long>(), std::string("any"), cj["any_time"]["novelty"].get<double>(),
                  cj["any_time"]["familiarity"].get<double>(), cj["any_time"]["on_transient"].get<double>()});
    }
    io::CsvWriter scsv(dir.file("memory_stability.csv"), {"condition", "mode", "runs_per_rule", "rules", "stable", "stable_fraction",
                                                         "recheck_runs", "recheck_plausible_runs"});
    for (const auto& r : head["stability_by_condition"])
        scsv.row({r["condition"].get<std::string>(), r["mode"].get<std::string>(), r["runs_per_rule"].get<long long>(),
                  r["rules"].get<long long>(), r["stable"].get<long long>(), r["stable_fraction"].get<double>(),
                  r["recheck_runs"].get<long long>(), r["recheck_plausible_runs"].get<long long>()});
}

} // namespace plast::memory
