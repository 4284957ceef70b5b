#include "plast/memory/memory_outputs.hpp"

#include "plast/io/csv.hpp"
#include "plast/io/npy.hpp"
#include "plast/io/run_dir.hpp"
#include "plast/memory/memory_stats.hpp"
#include "plast/memory/study_headline.hpp"
#include "plast/metrics/filter.hpp"

#include <cmath>

namespace plast::memory {

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

// The per rule x condition results: memory_tests.csv, memory_summary.csv and prate_mean.npy; `summary`
// gets one JSON object and `outcomes` one RuleOutcome per rule x condition (rule-major).
void write_result_tables(io::RunDir& dir, const MemoryStudy& study, const StudyResults& res, nlohmann::json& summary,
                         std::vector<RuleOutcome>& outcomes)
{
    const auto& rules = study.rules;
    const auto& conditions = study.conditions;
    const auto& times = res.times;
    const std::size_t nr = rules.size(), nc = conditions.size();
    io::CsvWriter tests_csv(dir.file("memory_tests.csv"), {"rule", "condition", "test_time", "runs", "mean_r_nov", "mean_r_fam",
                                                           "mean_dr_mem", "mean_ds_mem", "t", "p", "on_t", "on_p", "significant",
                                                           "preference"});
    io::CsvWriter sum_csv(dir.file("memory_summary.csv"), {"rule", "condition", "runs_completed", "stable", "lifetime",
                                                          "any_significant", "preference_first_test"});
    std::vector<double> prate_mean(nr * nc * times.size() * 2 * 90, std::nan(""));
    for (std::size_t ri = 0; ri < nr; ++ri)
        for (std::size_t ci = 0; ci < nc; ++ci) {
            const std::size_t cruns = res.slots.runs[ci];
            const bool stab_only = study.stability_only(conditions[ci]);
            std::vector<std::vector<ProbeStats>> ok_runs;
            const bool stable = judge_stability(study, res, ri, ci, ok_runs);
            nlohmann::json js = {{"rule", rules[ri].name}, {"condition", conditions[ci]}, {"runs_completed", ok_runs.size()}, {"stable", stable}};
            if (stab_only) js["stability_only"] = true;
            RuleOutcome oc;
            oc.rule = rules[ri].name;
            oc.condition = conditions[ci];
            oc.theta = rules[ri].theta;
            oc.stable = stable;
            oc.stability_only = stab_only;
            oc.runs = static_cast<int>(cruns);
            {
                double se = 0, si = 0;
                std::size_t n = 0;
                for (std::size_t run = 0; run < cruns; ++run) {
                    const auto& r = res.at(ri, ci, run);
                    if (r.aborted || r.probes.empty()) continue;
                    se += r.probes.back().baseline_rate;
                    si += r.probes.back().baseline_rate_i;
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
                    for (std::size_t run = 0; run < cruns; ++run) {
                        const auto& r = res.at(ri, ci, run);
                        if (r.aborted || t >= r.probes.size() || r.probes[t].prate.size() < 90) continue;
                        for (std::size_t b = 0; b < 90; ++b) acc[b] += r.probes[t].prate[b];
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
}

// Stability re-check on the memory network itself (pre-training window): memory_recheck.csv, one row per
// run; adds the re-check counts to `outcomes` and the input rates and re-check to `summary`.
void write_recheck(io::RunDir& dir, const MemoryStudy& study, const StudyResults& res, nlohmann::json& summary,
                   std::vector<RuleOutcome>& outcomes)
{
    const auto& rules = study.rules;
    const auto& conditions = study.conditions;
    const std::size_t nr = rules.size(), nc = conditions.size();
    const auto filter = metrics::fsbi_plausibility_filter(study.recheck_variant);
    std::vector<std::string> header{"rule", "condition", "run", "input_rate_screen", "input_rate_used", "scale", "t0", "t1",
                                    "verdict", "failed_groups"};
    for (const auto& k : metrics::fsbi_metric_names()) header.push_back(k);
    io::CsvWriter rc(dir.file("memory_recheck.csv"), header);
    for (std::size_t ri = 0; ri < nr; ++ri)
        for (std::size_t ci = 0; ci < nc; ++ci) {
            std::size_t n = 0, ok = 0;
            double se = 0, si = 0;
            const double used = study.rule_input_rate ? rules[ri].input_rate : study.recurrent.background;
            for (std::size_t run = 0; run < res.slots.runs[ci]; ++run) {
                const auto& r = res.at(ri, ci, run);
                std::vector<io::Cell> row{rules[ri].name, conditions[ci], static_cast<long long>(run),
                                          rules[ri].input_rate >= 0 ? rules[ri].input_rate : std::nan(""), used,
                                          study.recurrent.net.scale, r.recheck_t0, r.recheck_t1};
                std::string verdict = "not_reached", failed;
                if (!r.recheck.empty()) {
                    bool all = true;
                    for (const auto& g : filter)
                        if (!metrics::passes({g}, r.recheck)) {
                            all = false;
                            failed += (failed.empty() ? "" : " ") + g.name;
                        }
                    verdict = all ? "plausible" : "implausible";
                    ++n;
                    ok += all ? 1 : 0;
                    se += r.recheck.at("rate");
                    si += r.recheck.at("rate_i");
                }
                row.emplace_back(verdict);
                row.emplace_back(failed);
                for (const auto& k : metrics::fsbi_metric_names()) {
                    const auto it = r.recheck.find(k);
                    row.emplace_back(it == r.recheck.end() ? std::nan("") : it->second);
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

// The study's settings and per rule x condition results in the run.json summary.
void write_summary_keys(nlohmann::json& s, const MemoryStudy& study, const StudyResults& res, const nlohmann::json& results)
{
    s["network"] = study.network;
    s["runs"] = study.runs;
    s["knockouts"] = study.knockouts;
    if (study.knockouts == "stability") {
        s["knockout_runs"] = study.knockout_runs;
        s["knockout_window"] = study.knockout_window;
    }
    s["test_times"] = res.times;
    s["rules"] = study.rules.size();
    s["conditions"] = study.conditions;
    s["results"] = results;
    s["input_rate"] = study.rule_input_rate ? "rule: each rule's screened input rate drives the RF inputs"
                                            : "protocol: RF inputs at [inputs] background_rate for every rule (Mem1kRules)";
    if (study.protocol.recheck_window > 0)
        s["recheck"] = {{"window", study.protocol.recheck_window},
                        {"filter_variant", study.recheck_variant},
                        {"what", "fSBI metrics (first record_exc x scale E, record_inh x scale I neurons; 100 weights per plastic "
                                 "projection every 0.1 s) over the last window s of pre-training of each run, on the memory "
                                 "network itself (receptive-field input, this scale and input rate): memory_recheck.csv"}};
    s["simulated_seconds_per_run"] = study.protocol.simulated_seconds();
    if (study.knockouts == "stability") s["simulated_seconds_per_stability_run"] = study.stability_protocol().simulated_seconds();
}

// The headline's tables: memory_headline.csv (memory fractions per condition and test time) and
// memory_stability.csv (stable fraction per condition).
void write_headline_tables(io::RunDir& dir, const nlohmann::json& head, const std::vector<std::string>& conditions)
{
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

} // namespace

long write_runs_csv(const std::string& path, const MemoryStudy& study, const StudyResults& res, const std::vector<char>* finished)
{
    io::CsvWriter csv(path, runs_header);
    long written = 0;
    for (std::size_t ri = 0; ri < study.rules.size(); ++ri)
        for (std::size_t ci = 0; ci < study.conditions.size(); ++ci)
            for (std::size_t run = 0; run < res.slots.runs[ci]; ++run) {
                const std::size_t j = res.slots.slot(ri, ci, run);
                if (finished && !(*finished)[j]) continue;
                ++written;
                write_run_rows(csv, study.rules[ri].name, study.conditions[ci], run, res.times, res.runs[j]);
            }
    return written;
}

void write_outputs(io::RunDir& dir, const MemoryStudy& study, const StudyResults& res)
{
    write_runs_csv(dir.file("memory_runs.csv"), study, res);
    nlohmann::json results = nlohmann::json::array();
    std::vector<RuleOutcome> outcomes;
    write_result_tables(dir, study, res, results, outcomes);
    if (study.protocol.recheck_window > 0) write_recheck(dir, study, res, results, outcomes);
    auto& s = dir.summary();
    write_summary_keys(s, study, res, results);
    // Headline over rules (fractions, lifetimes, knock-outs, regression) and its tables.
    const auto head = study_headline(outcomes, res.times, study.conditions);
    s["headline"] = head;
    write_headline_tables(dir, head, study.conditions);
}

} // namespace plast::memory
