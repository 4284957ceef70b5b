#include "plast/search/screen.hpp"

#include "plast/core/error.hpp"
#include "plast/core/progress.hpp"
#include "plast/core/rng.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"
#include "plast/io/csv_table.hpp"
#include "plast/search/cmaes_round.hpp"
#include "plast/search/perturbation_kernel.hpp"
#include "plast/search/restriction_classifier.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <tuple>

namespace plast::search {

static std::size_t metric_index(const std::vector<std::string>& names, const std::string& m, const Section& s,
                                const std::string& key)
{
    const auto it = std::find(names.begin(), names.end(), m);
    if (it == names.end()) {
        std::string all;
        for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
        s.fail(key, "unknown metric '" + m + "'", all);
    }
    return static_cast<std::size_t>(it - names.begin());
}

// Reads the rules of a rule-set CSV (e.g. the `plausible_rules.csv` of a screen, or the shipped rule set): one
// column per parameter of this screen's prior, named as in the archive; other columns are ignored.
static void load_csv_round(const Section& r, const ScreenSpec& spec, RoundSpec& rs, std::int64_t limit)
{
    if (r.has("query"))
        r.fail("query", "a rule-set CSV is read whole; `query` selects rows of an archive (.sqlite) only", "no `query` with a .csv");
    io::CsvTable t;
    std::vector<std::size_t> cols;
    try {
        t = io::CsvTable::read(rs.archive_path);
        for (const auto& n : spec.prior.names()) cols.push_back(t.column(n));
    } catch (const std::exception& e) {
        r.fail("archive", e.what(), "a rule-set CSV with one column per parameter of this screen's prior");
    }
    if (t.rows() == 0) r.fail("archive", "'" + rs.archive_path + "' holds no rules", "a rule-set CSV with at least one row");
    const std::size_t n = limit > 0 ? std::min<std::size_t>(t.rows(), static_cast<std::size_t>(limit)) : t.rows();
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<double> th;
        try {
            for (auto c : cols) th.push_back(t.number(i, c));
        } catch (const std::exception& e) {
            r.fail("archive", e.what(), "numbers in every parameter column");
        }
        if (!spec.prior.contains(th))
            r.fail("archive", "'" + rs.archive_path + "' line " + std::to_string(t.lines[i]) + ": rule outside this screen's prior box",
                   "rules inside [prior] (widen the prior or remove the row)");
        rs.archive_params.push_back(th);
        rs.archive_origin.push_back("csv:" + std::to_string(i));
    }
}

// Reads the rows of a promotion round from another archive (or a rule-set CSV); every problem is a configuration
// error naming the key (no rows, other parameters, values outside this screen's prior).
static void load_archive_round(const Section& r, const ScreenSpec& spec, RoundSpec& rs)
{
    rs.archive_path = r.string("archive");
    const auto limit = r.integer("limit", 0, 0, 100000000);
    if (!std::filesystem::is_regular_file(rs.archive_path))
        r.fail("archive", "'" + rs.archive_path + "' is not a readable file", "the archive.sqlite of a screen or a rule-set .csv");
    if (rs.archive_path.size() >= 4 && rs.archive_path.compare(rs.archive_path.size() - 4, 4, ".csv") == 0) {
        load_csv_round(r, spec, rs, limit);
        rs.candidates = static_cast<std::int64_t>(rs.archive_params.size());
        return;
    }
    rs.archive_query = r.string("query", rs.archive_query);
    std::vector<CandidateRow> rows;
    std::vector<std::string> names;
    try {
        const auto src = Archive::open_read_only(rs.archive_path);
        names = src.param_names();
        rows = src.select(rs.archive_query, limit > 0 ? limit : -1);
    } catch (const std::exception& e) {
        r.fail("archive", e.what(), "a readable screen archive and a valid SQL condition in `query`");
    }
    if (names != spec.prior.names())
        r.fail("archive", "'" + rs.archive_path + "' holds rules of another parameter space (" +
                              std::to_string(names.size()) + " parameters, first '" + (names.empty() ? "" : names[0]) +
                              "')", "an archive over this screen's parameters");
    if (rows.empty())
        r.fail("query", "no row of '" + rs.archive_path + "' matches \"" + rs.archive_query + "\"",
               "a condition that selects at least one rule (e.g. verdict = 'plausible')");
    for (const auto& row : rows) {
        if (!spec.prior.contains(row.params))
            r.fail("archive", "row (round " + std::to_string(row.round) + ", idx " + std::to_string(row.idx) + ") of '" +
                                  rs.archive_path + "' lies outside this screen's prior box",
                   "rules inside [prior] (widen the prior or change the query)");
        rs.archive_params.push_back(row.params);
        rs.archive_origin.push_back("archive:" + std::to_string(row.round) + ":" + std::to_string(row.idx));
    }
    rs.candidates = static_cast<std::int64_t>(rows.size());
}

ScreenSpec ScreenSpec::from_config(Config& cfg, const ScreenTask& task)
{
    ScreenSpec spec;
    const Section sc = cfg.section("screen");
    spec.chunk = static_cast<int>(sc.integer("chunk", 16, 1, 100000));
    spec.allowed_false_negatives = sc.number("allowed_false_negatives", 0.01, Range::closed(0.0, 0.5));
    spec.mdn.components = static_cast<int>(sc.integer("mdn_components", 5, 1, 50));
    spec.mdn.hidden = static_cast<int>(sc.integer("mdn_hidden", 64, 4, 1024));
    spec.mdn.max_epochs = static_cast<int>(sc.integer("mdn_epochs", 300, 1, 100000));
    spec.mdn_ensemble = static_cast<int>(sc.integer("mdn_ensemble", 1, 1, 100));
    spec.prior = BoxPrior::from_config(cfg.section("prior"), task.default_prior());

    const auto metrics = task.metric_names();
    const Section fs = cfg.section("filter");
    for (const auto& g : task.default_filter()) {
        FilterGroup grp{g.name, {}};
        const Section gs = fs.sub(g.name);
        for (const auto& c : g.constraints) {
            double lo = c.lo, hi = c.hi;
            // Bounds of +-1e300 mean "unbounded" and are written as such.
            const auto v = gs.numbers(c.metric, {lo, hi}, Range::any(), 2, 2);
            lo = v[0];
            hi = v[1];
            if (lo > hi) gs.fail(c.metric, "lower bound above upper bound", "[lo, hi] with lo <= hi");
            grp.constraints.push_back({c.metric, lo, hi});
        }
        spec.filter.push_back(grp);
    }
    std::vector<std::string> group_names;
    for (const auto& g : spec.filter) group_names.push_back(g.name);

    const Section root = cfg.root();
    const std::size_t nr = root.array_size("round");
    if (nr == 0) root.fail("round", "no rounds configured", "one or more [[round]] tables");
    for (std::size_t i = 0; i < nr; ++i) {
        const Section r = root.element("round", i);
        RoundSpec rs;
        rs.proposal = r.string("proposal", "prior", {"prior", "restricted", "setpoint", "conditional", "cmaes", "archive", "perturb"});
        if (rs.proposal == "archive") {
            load_archive_round(r, spec, rs);
            spec.rounds.push_back(rs);
            continue;
        }
        if (rs.proposal == "cmaes") {
            rs.generations = static_cast<int>(r.integer("generations", 30, 1, 1000000));
            rs.population = static_cast<int>(r.integer("population", 12, 4, 100000));
            rs.sigma0 = r.number("sigma0", 0.3, Range::open_closed(0.0, 1.0));
            rs.candidates = static_cast<std::int64_t>(rs.population) * (rs.generations + 1);
            spec.rounds.push_back(rs);
            continue;
        }
        rs.candidates = r.integer("candidates", 100, 1, 100000000);
        if (rs.proposal == "perturb") {
            if (i == 0) r.fail("proposal", "the first round has no earlier simulations to move", "prior, setpoint or archive");
            rs.particles = r.string("particles", rs.particles);
            rs.kernel_scale = r.number("kernel_scale", 2.0, Range::open_closed(0.0, 100.0));
        }
        if (rs.proposal == "setpoint" || rs.proposal == "conditional" || rs.proposal == "perturb") {
            rs.restrict_blowups = r.flag("restrict_blowups", false);
            rs.restrict_plausible = r.number("restrict_plausible", 0.0, Range::closed(0.0, 0.95));
            if (rs.restrict_plausible > 0 && i == 0)
                r.fail("restrict_plausible", "the first round has no earlier simulations to learn from", "0 (off) in the first round");
        }
        if ((rs.proposal == "restricted" || rs.proposal == "conditional" || rs.restrict_blowups) && i == 0)
            r.fail(rs.restrict_blowups ? "restrict_blowups" : "proposal",
                   "the first round has no earlier simulations to learn from", "prior, setpoint or archive");
        if (rs.proposal == "conditional" || rs.proposal == "perturb") rs.project_setpoint = r.flag("project_setpoint", false);
        if (rs.proposal == "setpoint" || rs.project_setpoint) {
            const auto re = r.numbers("rate", {rs.setpoint.rate_e_lo, rs.setpoint.rate_e_hi}, Range::positive(), 2, 2);
            const auto ri = r.numbers("rate_i", {rs.setpoint.rate_i_lo, rs.setpoint.rate_i_hi}, Range::positive(), 2, 2);
            if (re[0] > re[1]) r.fail("rate", "lower bound above upper bound", "[lo, hi] with 0 < lo <= hi");
            if (ri[0] > ri[1]) r.fail("rate_i", "lower bound above upper bound", "[lo, hi] with 0 < lo <= hi");
            rs.setpoint.rate_e_lo = re[0], rs.setpoint.rate_e_hi = re[1];
            rs.setpoint.rate_i_lo = ri[0], rs.setpoint.rate_i_hi = ri[1];
            rs.setpoint.homeostatic = r.flag("homeostatic", true);
            try {
                SetpointProposal check(spec.prior, rs.setpoint);
            } catch (const std::exception& e) {
                r.fail("proposal", e.what(), "a task whose parameters are a 6pPol quadruplet (task = \"fsbi\")");
            }
        }
        if (rs.proposal == "conditional") {
            const Section tr = r.sub("train_on");
            for (const auto& m : metrics)
                if (tr.has(m)) {
                    const auto v = tr.numbers(m, {}, Range::any(), 2, 2);
                    if (v[0] > v[1]) tr.fail(m, "lower bound above upper bound", "[lo, hi] with lo <= hi");
                    rs.train_on.push_back({m, v[0], v[1]});
                }
            rs.train_groups = r.strings("train_groups", group_names, group_names);
            rs.condition_on = r.strings("condition_on", {}, metrics);
            if (rs.condition_on.empty()) r.fail("condition_on", "needs at least one metric", "metric names");
            const Section t = r.sub("targets");
            for (const auto& m : rs.condition_on) {
                const auto v = t.numbers(m, {}, Range::any(), 2, 2);
                if (v[0] > v[1]) t.fail(m, "lower bound above upper bound", "[lo, hi] with lo <= hi");
                rs.targets.push_back({m, v[0], v[1]});
            }
            for (const auto& m : rs.condition_on) metric_index(metrics, m, r, "condition_on");
        }
        spec.rounds.push_back(rs);
    }
    return spec;
}

namespace {

// The proposal of one round, built once from the archive rows of earlier rounds.
struct Proposal {
    std::string kind;
    std::optional<RestrictionClassifier> classifier;
    std::optional<RestrictionClassifier> plausible; // restrict_plausible
    std::vector<MixtureDensity> density; // ensemble members
    std::optional<SetpointProposal> setpoint;
    std::optional<PerturbationKernel> kernel;
    std::vector<std::pair<double, double>> particle_rates; // perturb + project_setpoint: measured (rate, rate_i)
    nlohmann::json info = nlohmann::json::object();
};

// The blow-up classifier of fSBI round 0, trained on every earlier candidate (valid = completed
// with finite metrics).
RestrictionClassifier fit_classifier(const ScreenSpec& spec, int round, const std::vector<CandidateRow>& rows,
                                     std::uint64_t seed, nlohmann::json& info)
{
    std::vector<std::vector<double>> th;
    std::vector<bool> ok;
    for (const auto& r : rows) {
        th.push_back(r.params);
        bool finite = r.status == "completed";
        for (double m : r.metrics) finite = finite && !std::isnan(m);
        ok.push_back(finite);
    }
    RestrictionClassifier c(spec.prior, seed ^ static_cast<std::uint64_t>(round));
    const double acc = c.fit(th, ok, spec.allowed_false_negatives);
    info["training_rows"] = th.size();
    info["valid_fraction"] = th.empty() ? 0.0 : static_cast<double>(std::count(ok.begin(), ok.end(), true)) / static_cast<double>(th.size());
    info["training_accuracy"] = acc;
    info["threshold"] = c.threshold();
    return c;
}

// The plausibility classifier of `restrict_plausible`: trained on four fifths of the earlier rows (label: verdict
// plausible), its threshold the q-quantile of its probability over the plausible rows of the held-out fifth
// (rows with idx % 5 == 0), so that about a fraction q of plausible rules is rejected out of sample (an in-sample
// quantile would be optimistic with tens of plausible rows). The held-out rows also estimate what the filter
// buys: the plausible fraction among the accepted held-out rows against the fraction among all of them.
RestrictionClassifier fit_plausible_classifier(const ScreenSpec& spec, double q, int round, const std::vector<CandidateRow>& rows,
                                               std::uint64_t seed, nlohmann::json& info)
{
    std::vector<std::vector<double>> th;
    std::vector<bool> ok;
    std::vector<const CandidateRow*> held;
    for (const auto& r : rows) {
        if (r.idx % 5 == 0) {
            held.push_back(&r);
            continue;
        }
        th.push_back(r.params);
        ok.push_back(r.verdict == "plausible");
    }
    const auto n_pos = std::count(ok.begin(), ok.end(), true);
    std::vector<double> p_held_pos;
    RestrictionClassifier c(spec.prior, seed ^ (0x51ed27u + static_cast<std::uint64_t>(round)));
    if (n_pos < 10)
        runtime_error("screen round " + std::to_string(round),
                      "restrict_plausible: only " + std::to_string(n_pos) +
                          " plausible rules among the earlier rounds' training rows: too few to train the plausibility classifier "
                          "(at least 10; add rounds before this one or set restrict_plausible = 0)");
    const double acc = c.fit(th, ok, q);
    for (const auto* r : held)
        if (r->verdict == "plausible") p_held_pos.push_back(c.probability(r->params));
    std::sort(p_held_pos.begin(), p_held_pos.end());
    if (!p_held_pos.empty())
        c.set_threshold(p_held_pos[static_cast<std::size_t>(std::floor(q * static_cast<double>(p_held_pos.size())))]);
    std::size_t acc_all = 0, acc_pos = 0;
    for (const auto* r : held) {
        const bool a = c.accept(r->params);
        acc_all += a;
        acc_pos += a && r->verdict == "plausible";
    }
    info["training_rows"] = th.size();
    info["training_plausible"] = n_pos;
    info["training_accuracy"] = acc;
    info["allowed_false_negatives"] = q;
    info["threshold"] = c.threshold();
    info["held_out_rows"] = held.size();
    info["held_out_plausible"] = p_held_pos.size();
    info["held_out_accepted"] = acc_all;
    info["held_out_plausible_accepted"] = acc_pos;
    info["held_out_plausible_fraction"] = held.empty() ? 0.0 : static_cast<double>(p_held_pos.size()) / static_cast<double>(held.size());
    info["held_out_plausible_fraction_accepted"] = acc_all == 0 ? 0.0 : static_cast<double>(acc_pos) / static_cast<double>(acc_all);
    return c;
}

Proposal build_proposal(const ScreenSpec& spec, const RoundSpec& rs, int round, const ScreenTask& task,
                        const Archive& archive, std::uint64_t seed)
{
    Proposal p;
    p.kind = rs.proposal;
    if (rs.proposal == "prior" || rs.proposal == "archive") return p;
    const auto rows = archive.select("round < " + std::to_string(round));
    if (rs.proposal == "restricted" || rs.restrict_blowups) {
        nlohmann::json ci = nlohmann::json::object();
        p.classifier.emplace(fit_classifier(spec, round, rows, seed, ci));
        if (rs.proposal == "restricted") {
            p.info = ci;
            return p;
        }
        p.info["classifier"] = ci;
    }
    if (rs.restrict_plausible > 0) {
        nlohmann::json pi = nlohmann::json::object();
        p.plausible.emplace(fit_plausible_classifier(spec, rs.restrict_plausible, round, rows, seed, pi));
        p.info["plausibility_classifier"] = pi;
    }
    if (rs.proposal == "setpoint" || rs.project_setpoint) p.setpoint.emplace(spec.prior, rs.setpoint);
    if (rs.proposal == "setpoint") {
        p.info["target_rate"] = {rs.setpoint.rate_e_lo, rs.setpoint.rate_e_hi};
        p.info["target_rate_i"] = {rs.setpoint.rate_i_lo, rs.setpoint.rate_i_hi};
        p.info["homeostatic"] = rs.setpoint.homeostatic;
        return p;
    }
    if (rs.proposal == "perturb") {
        std::vector<CandidateRow> parts;
        try {
            parts = archive.select("round < " + std::to_string(round) + " AND (" + rs.particles + ")");
        } catch (const std::exception& e) {
            runtime_error("screen round " + std::to_string(round), std::string("particles: ") + e.what() +
                                                                     " (allowed: an SQL condition on the archive's columns, e.g. verdict = 'plausible')");
        }
        if (parts.size() < 2)
            runtime_error("screen round " + std::to_string(round),
                          "particles: only " + std::to_string(parts.size()) + " earlier rows match \"" + rs.particles +
                              "\": a perturbation round needs at least 2 (add rounds before it or widen `particles`)");
        std::vector<std::vector<double>> th;
        const auto names = task.metric_names();
        const auto ie = std::find(names.begin(), names.end(), "rate"), ii = std::find(names.begin(), names.end(), "rate_i");
        for (const auto& r : parts) {
            th.push_back(r.params);
            if (ie != names.end() && ii != names.end())
                p.particle_rates.emplace_back(r.metrics[static_cast<std::size_t>(ie - names.begin())],
                                              r.metrics[static_cast<std::size_t>(ii - names.begin())]);
        }
        p.kernel.emplace(spec.prior, th, rs.kernel_scale);
        p.info["perturbation"] = p.kernel->info();
        p.info["perturbation"]["particles_query"] = rs.particles;
        return p;
    }
    // conditional: rows passing the training groups and train_on bounds, with finite conditioning metrics
    const auto names = task.metric_names();
    std::vector<std::size_t> midx;
    for (const auto& m : rs.condition_on)
        midx.push_back(static_cast<std::size_t>(std::find(names.begin(), names.end(), m) - names.begin()));
    std::vector<FilterGroup> train_filter;
    for (const auto& g : spec.filter)
        if (std::find(rs.train_groups.begin(), rs.train_groups.end(), g.name) != rs.train_groups.end())
            train_filter.push_back(g);
    if (!rs.train_on.empty()) train_filter.push_back({"train_on", rs.train_on});
    std::vector<std::vector<double>> th, x;
    for (const auto& r : rows) {
        const auto pass = group_pass(train_filter, names, r.metrics);
        if (std::find(pass.begin(), pass.end(), false) != pass.end()) continue;
        std::vector<double> xv;
        bool finite = true;
        for (auto i : midx) {
            xv.push_back(r.metrics[i]);
            finite = finite && std::isfinite(r.metrics[i]);
        }
        if (!finite) continue;
        th.push_back(r.params);
        x.push_back(xv);
    }
    if (th.size() < 20)
        runtime_error("screen round " + std::to_string(round),
                      "only " + std::to_string(th.size()) +
                          " earlier candidates pass the training groups: too few to fit the conditional density "
                          "(add candidates to earlier rounds or relax train_groups)");
    nlohmann::json nll = nlohmann::json::array();
    for (int e = 0; e < spec.mdn_ensemble; ++e) {
        const std::uint64_t s = seed ^ (0x9e3779b97f4a7c15ull * static_cast<std::uint64_t>(round + 1)) ^
                                (0xbf58476d1ce4e5b9ull * static_cast<std::uint64_t>(e));
        p.density.emplace_back(spec.prior, static_cast<int>(midx.size()), spec.mdn, s);
        nll.push_back(p.density.back().fit(th, x));
    }
    p.info["training_rows"] = th.size();
    p.info["validation_nll"] = spec.mdn_ensemble == 1 ? nll[0] : nll;
    return p;
}

std::vector<double> propose(const Proposal& p, const ScreenSpec& spec, const RoundSpec& rs, int round,
                            std::int64_t idx, std::uint64_t seed)
{
    const auto r = static_cast<std::uint64_t>(round);
    const auto i = static_cast<std::uint64_t>(idx);
    if (p.kind == "prior") return spec.prior.sample(seed, r, i);
    if (p.kind == "restricted") return p.classifier->sample(seed, r, i);
    if (p.kind == "archive") return rs.archive_params[static_cast<std::size_t>(idx)];
    // setpoint / conditional: with restrict_blowups / restrict_plausible, redraw (new sub-stream) while a
    // classifier refuses (after kTries the last draw is taken).
    constexpr std::uint64_t kTries = 200;
    std::vector<double> th;
    for (std::uint64_t t = 0; t < kTries; ++t) {
        if (p.kind == "setpoint") {
            th = p.setpoint->sample(seed, r, i * kTries + t);
        } else if (p.kind == "perturb") {
            std::size_t j = 0;
            th = p.kernel->sample(seed, r, i * kTries + t, &j);
            if (p.setpoint) {
                // Back onto the set point at the rates its particle was measured at (drawn from the set-point
                // ranges when the particle's rates are not finite or the task has none).
                const auto& so = p.setpoint->options();
                rng::Stream ts(seed, "screen_perturb_rates", r, i, t);
                double r_e = ts.uniform(so.rate_e_lo, so.rate_e_hi), r_i = ts.uniform(so.rate_i_lo, so.rate_i_hi);
                if (j < p.particle_rates.size() && std::isfinite(p.particle_rates[j].first) &&
                    std::isfinite(p.particle_rates[j].second) && p.particle_rates[j].first > 0 && p.particle_rates[j].second > 0)
                    std::tie(r_e, r_i) = p.particle_rates[j];
                p.setpoint->project(th, r_e, r_i, seed, r, (t << 32) + i);
            }
        } else {
            rng::Stream ts(seed, "screen_targets", r, i, t);
            std::vector<double> x;
            for (const auto& c : rs.targets) x.push_back(ts.uniform(c.lo, c.hi));
            const auto member = p.density.size() == 1 ? 0 : ts.below(p.density.size());
            th = p.density[member].sample(x, 1, (r << 40) + (t << 32) + i)[0];
            if (p.setpoint) {
                // Set-point rates: the conditioning targets where given, else drawn from the set-point ranges.
                const auto& so = p.setpoint->options();
                double r_e = ts.uniform(so.rate_e_lo, so.rate_e_hi), r_i = ts.uniform(so.rate_i_lo, so.rate_i_hi);
                for (std::size_t c = 0; c < rs.targets.size(); ++c) {
                    if (rs.targets[c].metric == "rate") r_e = x[c];
                    if (rs.targets[c].metric == "rate_i") r_i = x[c];
                }
                p.setpoint->project(th, r_e, r_i, seed, r, (t << 32) + i);
            }
        }
        if ((!p.classifier || p.classifier->accept(th)) && (!p.plausible || p.plausible->accept(th))) break;
    }
    return th;
}

} // namespace

CandidateRow make_row(const ScreenSpec& spec, const ScreenTask& task, int round, std::int64_t idx, std::uint64_t seed,
                      const std::string& source, const std::vector<double>& params, const EvalOutcome& out)
{
    CandidateRow row;
    row.round = round;
    row.idx = idx;
    row.seed = seed;
    row.source = source;
    row.params = params;
    row.status = out.status;
    row.abort_reason = out.abort_reason;
    row.abort_time = out.abort_time;
    row.metrics = out.metrics;
    row.wall_seconds = out.wall_seconds;
    const auto pass = group_pass(spec.filter, task.metric_names(), out.metrics);
    row.verdict = std::find(pass.begin(), pass.end(), false) == pass.end() ? "plausible" : "implausible";
    return row;
}

nlohmann::json run_screen(const ScreenSpec& spec, const ScreenTask& task, Archive& archive, std::uint64_t seed,
                          Executor& executor)
{
    const auto names = task.metric_names();
    nlohmann::json rounds = nlohmann::json::array();
    for (std::size_t ri = 0; ri < spec.rounds.size(); ++ri) {
        const auto& rs = spec.rounds[ri];
        const int round = static_cast<int>(ri);
        nlohmann::json cmaes_info;
        if (rs.proposal == "cmaes") {
            cmaes_info = run_cmaes_round(spec, {rs.generations, rs.population, rs.sigma0}, round, task, archive, seed,
                                         executor);
        }
        const auto done = archive.done_indices(round);
        std::vector<std::int64_t> todo;
        for (std::int64_t i = 0; i < rs.candidates && rs.proposal != "cmaes"; ++i)
            if (!done.count(i)) todo.push_back(i);
        Proposal prop;
        if (!todo.empty()) prop = build_proposal(spec, rs, round, task, archive, seed);
        Progress progress("screen round " + std::to_string(round) + " (" + rs.proposal + ")", todo.size(), "candidates");
        // A chunk per rank and thread keeps every worker busy; rows are committed per chunk.
        const std::size_t chunk = static_cast<std::size_t>(spec.chunk) * static_cast<std::size_t>(executor.ranks());
        for (std::size_t c = 0; c < todo.size(); c += chunk) {
            const std::size_t m = std::min(todo.size() - c, chunk);
            std::vector<Job> jobs(m);
            for (std::size_t k = 0; k < m; ++k) {
                jobs[k].params = propose(prop, spec, rs, round, todo[c + k], seed);
                jobs[k].key = (static_cast<std::uint64_t>(round) << 40) + static_cast<std::uint64_t>(todo[c + k]);
            }
            const auto outs = executor.run(task, jobs, seed, [&] { progress.advance(); });
            std::vector<CandidateRow> rows;
            for (std::size_t k = 0; k < m; ++k)
                rows.push_back(make_row(spec, task, round, todo[c + k], seed,
                                       rs.proposal == "archive" ? rs.archive_origin[static_cast<std::size_t>(todo[c + k])] : rs.proposal,
                                       jobs[k].params, outs[k]));
            archive.insert(rows);
        }
        progress.done();
        // Statistics of the round (including rows from before a resume).
        const auto rows = archive.select("round = " + std::to_string(round));
        nlohmann::json pass_counts = nlohmann::json::object();
        std::vector<long> counts(spec.filter.size(), 0);
        long all = 0, aborted = 0;
        for (const auto& r : rows) {
            const auto pass = group_pass(spec.filter, names, r.metrics);
            for (std::size_t g = 0; g < pass.size(); ++g) counts[g] += pass[g];
            all += r.verdict == "plausible";
            aborted += r.status != "completed";
        }
        for (std::size_t g = 0; g < spec.filter.size(); ++g) pass_counts[spec.filter[g].name] = counts[g];
        rounds.push_back({{"round", round},
                          {"proposal", rs.proposal},
                          {"candidates", rows.size()},
                          {"aborted", aborted},
                          {"plausible", all},
                          {"plausible_fraction", rows.empty() ? 0.0 : static_cast<double>(all) / static_cast<double>(rows.size())},
                          {"pass", pass_counts},
                          {"proposal_info", rs.proposal == "cmaes" ? cmaes_info : prop.info}});
    }
    return rounds;
}

} // namespace plast::search
