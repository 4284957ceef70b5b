// plast export: a plasticity rule (or a model's rules) as Brian2 or NESTML code, and the engine's
// weight trajectories of lone synapses under given spike steps (the reference for checking exports).
//   plast export examples/models/fsbi.toml --rule istdp --to brian2 --out istdp_brian2.py
//   plast export examples/data/fsbi_plausible_rules.csv --row 0 --to nestml
//   plast export runs/screen/archive.sqlite --round 0 --idx 6
//   plast export --expression "x_post - 0.12; x_pre" --tau-pre 0.02 --tau-post 0.02 --eta 0.01
//   plast export RULE.toml --rule r --trajectory w.csv --pre pre.csv --post post.csv --steps 20000
//   plast export runs/infer-oja/ --out taylor_brian2.py          (a fitted Taylor rule: a Brian2 rate-network script)
//   plast export runs/infer-oja/ --trajectory w.csv --inputs x.csv --weights0 w0.csv   (plast's rate network)
// See docs/export.md.
#include "verb.hpp"

#include "plast/core/error.hpp"
#include "plast/core/version.hpp"
#include "plast/export/brian2.hpp"
#include "plast/export/nestml.hpp"
#include "plast/export/one_synapse.hpp"
#include "plast/export/rule_source.hpp"
#include "plast/export/taylor_source.hpp"
#include "plast/io/csv_table.hpp"
#include "plast/model/model_file.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace plast::app {

namespace {

struct ExportOptions {
    std::string source, rule, expression, to = "brian2", out, trajectory, pre, post, inputs, weights0;
    std::vector<std::string> sets;
    long long row = -1, idx = -1;
    int round = 0;
    double eta = -1, tau_pre = 0.02, tau_post = 0.02, w0 = 1.0, w_max = 20.0, dt = 1e-4, delay = 0.8e-3;
    long steps = 0;
    bool script = false;
    std::size_t synapses = 1;
} g;

bool ends_with(const std::string& s, const std::string& e)
{
    return s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0;
}

exporter::SpikeSteps read_steps(const std::string& path, const char* opt)
{
    if (path.empty()) return {};
    const auto t = io::CsvTable::read(path);
    const auto cn = t.column("neuron"), cs = t.column("step");
    exporter::SpikeSteps s;
    for (std::size_t r = 0; r < t.rows(); ++r) {
        const double n = t.number(r, cn), st = t.number(r, cs);
        if (!(n >= 0) || n != static_cast<double>(static_cast<long>(n)) || st != static_cast<double>(static_cast<long>(st)))
            usage_error(opt, path + " line " + std::to_string(t.lines[r]) + ": neuron and step must be whole numbers >= 0", "columns neuron, step");
        s.neuron.push_back(static_cast<std::uint32_t>(n));
        s.step.push_back(static_cast<long>(st));
    }
    return s;
}

std::vector<exporter::ExportRule> resolve(exporter::Target target, model::Model* model_out)
{
    using namespace exporter;
    if (!g.expression.empty()) {
        if (!g.source.empty()) usage_error("--expression", "give either a SOURCE file or --expression", "one of them");
        return {rule_from_expressions(g.expression, g.tau_pre, g.tau_post, g.eta < 0 ? 1.0 : g.eta, target)};
    }
    if (g.source.empty()) usage_error("SOURCE", "nothing to export", "a model file (.toml), a rule set (.csv, with --row), an archive (.sqlite, with --idx) or --expression");
    std::vector<ExportRule> rules;
    if (ends_with(g.source, ".toml")) {
        const auto [path, text] = model::load_model_text(g.source, ".");
        const auto m = model::model_from_text(text, path, g.sets);
        if (model_out) *model_out = m;
        if (!g.rule.empty()) return {rule_from_model(m, g.rule, g.source, target)};
        for (const auto& [name, r] : m.rules) rules.push_back(rule_from_model(m, name, g.source, target));
        if (rules.empty() && !g.script) usage_error(g.source, "the model has no [rule.NAME] tables", "a model file with rules (or --script for the whole model)");
        return rules;
    }
    const double eta = g.eta < 0 ? 0.01 : g.eta; // the fSBI screens' learning rate
    if (ends_with(g.source, ".csv")) {
        if (g.row < 0) usage_error("--row", "a rule set needs the row to export", "0-based data row");
        rules = rules_from_csv(g.source, static_cast<std::size_t>(g.row), eta, target);
    } else if (ends_with(g.source, ".sqlite") || ends_with(g.source, ".db")) {
        if (g.idx < 0) usage_error("--idx", "an archive needs the candidate to export", "--round R --idx I (the archive's round, idx columns)");
        rules = rules_from_archive(g.source, g.round, g.idx, eta, target);
    } else {
        usage_error("SOURCE " + g.source, "unknown kind of file", "a model file (.toml), a rule set (.csv), an archive (.sqlite) or a plast infer run directory");
    }
    if (g.rule.empty()) return rules;
    for (const auto& r : rules)
        if (r.name == g.rule) return {r};
    usage_error("--rule " + g.rule, "not a rule of " + g.source, "EE, EI, IE, II");
}

void write_text(const std::string& text)
{
    if (g.out.empty() || g.out == "-") {
        std::cout << text;
        return;
    }
    std::ofstream f(g.out);
    f << text;
    if (!f) runtime_error(g.out, "cannot write " + g.out);
    std::cerr << "plast export: wrote " << g.out << "\n";
}

int write_trajectory()
{
    if (g.steps <= 0) usage_error("--steps", "the trajectory needs a number of steps", "> 0");
    auto rules = resolve(exporter::Target::brian2, nullptr);
    if (rules.size() != 1) usage_error("--rule", "a trajectory needs exactly one rule", "--rule NAME");
    const auto pre = read_steps(g.pre, "--pre"), post = read_steps(g.post, "--post");
    const auto w = exporter::weight_trajectories(rules[0].rule, g.synapses, pre, post, g.steps, g.w0, g.w_max, g.dt);
    std::FILE* f = std::fopen(g.trajectory.c_str(), "w");
    if (!f) runtime_error(g.trajectory, "cannot write " + g.trajectory);
    std::fprintf(f, "step");
    for (std::size_t k = 0; k < g.synapses; ++k) std::fprintf(f, ",w%zu", k);
    std::fprintf(f, "\n");
    for (long s = 0; s < g.steps; ++s) {
        std::fprintf(f, "%ld", s);
        for (std::size_t k = 0; k < g.synapses; ++k) std::fprintf(f, ",%.9g", static_cast<double>(w[static_cast<std::size_t>(s) * g.synapses + k]));
        std::fprintf(f, "\n");
    }
    if (std::fclose(f) != 0) runtime_error(g.trajectory, "cannot write " + g.trajectory);
    return 0;
}

// All numbers of a CSV file with a header, row by row (rate-network inputs and initial weights).
std::vector<double> read_numbers(const std::string& path, const char* opt)
{
    if (path.empty()) usage_error(opt, "a rate-network trajectory needs it", "a CSV file with a header line");
    const auto t = io::CsvTable::read(path);
    std::vector<double> v;
    for (std::size_t r = 0; r < t.rows(); ++r)
        for (std::size_t c = 0; c < t.header.size(); ++c) v.push_back(t.number(r, c));
    return v;
}

// A fitted Taylor rule of plast infer: the Brian2 rate-network script, or plast's own rate trajectory.
int export_taylor(exporter::Target target)
{
    const auto src = exporter::taylor_from_run(g.source, target);
    if (!g.trajectory.empty()) {
        const auto x = read_numbers(g.inputs, "--inputs");
        const long steps = static_cast<long>(x.size() / static_cast<std::size_t>(src.n_in));
        const auto w = exporter::rate_trajectory(src, x, static_cast<int>(steps), read_numbers(g.weights0, "--weights0"));
        const std::size_t ns = static_cast<std::size_t>(src.n_in) * static_cast<std::size_t>(src.n_out);
        std::FILE* f = std::fopen(g.trajectory.c_str(), "w");
        if (!f) runtime_error(g.trajectory, "cannot write " + g.trajectory);
        std::fprintf(f, "step");
        for (std::size_t k = 0; k < ns; ++k) std::fprintf(f, ",w%zu", k);
        std::fprintf(f, "\n");
        for (long s = 0; s <= steps; ++s) {
            std::fprintf(f, "%ld", s);
            for (std::size_t k = 0; k < ns; ++k) std::fprintf(f, ",%.17g", w[static_cast<std::size_t>(s) * ns + k]);
            std::fprintf(f, "\n");
        }
        if (std::fclose(f) != 0) runtime_error(g.trajectory, "cannot write " + g.trajectory);
        return 0;
    }
    if (!g.rule.empty() || g.script || g.row >= 0 || g.idx >= 0 || !g.sets.empty())
        usage_error(g.source, "a fitted Taylor rule takes no --rule, --script, --row, --idx or --set", "plast export RUN_DIR [--out FILE]");
    write_text(exporter::brian2_rate_script(src, "plast " + std::string(version()) + " (" + git_revision() + "): plast export " + g.source));
    return 0;
}

int run_export(Context&)
{
    const auto target = g.to == "nestml" ? exporter::Target::nestml : exporter::Target::brian2;
    if (g.expression.empty() && !g.source.empty() && exporter::is_taylor_source(g.source)) return export_taylor(target);
    if (!g.trajectory.empty()) return write_trajectory();
    model::Model m;
    const auto rules = resolve(target, &m);
    const std::string header = "plast " + std::string(version()) + " (" + git_revision() + "): plast export " +
                               (g.source.empty() ? "--expression \"" + g.expression + "\"" : g.source);
    std::string full = header;
    for (const auto& x : g.sets) full += " --set " + x;
    if (g.row >= 0) full += " --row " + std::to_string(g.row);
    if (g.idx >= 0) full += " --round " + std::to_string(g.round) + " --idx " + std::to_string(g.idx);
    if (g.script) {
        if (target != exporter::Target::brian2 || !ends_with(g.source, ".toml") || !g.rule.empty())
            usage_error("--script", "a script is written for a whole model file, in Brian2", "plast export MODEL.toml --script [--set key=value]");
        write_text(exporter::brian2_model_script(m, rules, g.source, full));
    } else if (target == exporter::Target::brian2)
        write_text(exporter::brian2_rule_module(rules, full));
    else
        write_text(exporter::nestml_models(rules, full, g.w_max, g.delay * 1e3));
    return 0;
}

void add_options(CLI::App& sub)
{
    sub.add_option("source", g.source, "model file (.toml), rule set (.csv, with --row), archive (.sqlite, with --idx) or a plast infer run directory (a fitted Taylor rule)");
    sub.add_option("--rule", g.rule, "export only this rule (model file: [rule.NAME]; rule set / archive: EE, EI, IE or II)");
    sub.add_option("--set", g.sets, "override a model file key: key=value")->allow_extra_args(false);
    sub.add_option("--row", g.row, "rule set: 0-based data row");
    sub.add_option("--round", g.round, "archive: round of the candidate (default 0)");
    sub.add_option("--idx", g.idx, "archive: idx of the candidate");
    sub.add_option("--eta", g.eta, "learning rate (rule set / archive: default 0.01 as the fSBI screens; --expression: 1)")->check(CLI::NonNegativeNumber);
    sub.add_option("--expression", g.expression, "a rule \"ON_PRE; ON_POST\" over x_pre, x_post, w (typed or a CGP champion)");
    sub.add_option("--tau-pre", g.tau_pre, "--expression: tau of x_pre (s, default 0.02)")->check(CLI::PositiveNumber);
    sub.add_option("--tau-post", g.tau_post, "--expression: tau of x_post (s, default 0.02)")->check(CLI::PositiveNumber);
    sub.add_option("--to", g.to, "brian2 (a Python module) or nestml (synapse models)")->check(CLI::IsMember({"brian2", "nestml"}));
    sub.add_option("--out,-o", g.out, "output file (default: standard output)");
    sub.add_option("--w-max", g.w_max, "upper weight bound (nestml parameter, trajectories; default 20)")->check(CLI::PositiveNumber);
    sub.add_option("--delay", g.delay, "nestml: axonal delay (s, default 0.8e-3)")->check(CLI::PositiveNumber);
    sub.add_flag("--script", g.script, "model file: a complete runnable Brian2 script (groups, connections, rules, phases, monitors)");
    sub.add_option("--trajectory", g.trajectory, "instead of code: write the engine's weight after every step to this CSV");
    sub.add_option("--pre", g.pre, "trajectory: presynaptic arrivals, CSV with columns neuron, step");
    sub.add_option("--post", g.post, "trajectory: postsynaptic spikes, CSV with columns neuron, step");
    sub.add_option("--steps", g.steps, "trajectory: number of steps");
    sub.add_option("--inputs", g.inputs, "trajectory of a fitted Taylor rule: rate-network inputs, CSV (a header, one row of n_in inputs per step)");
    sub.add_option("--weights0", g.weights0, "trajectory of a fitted Taylor rule: initial weights, CSV (a header, one row of n_in*n_out, presynaptic-major)");
    sub.add_option("--synapses", g.synapses, "trajectory: independent synapses k = 0.. (pre neuron k onto post neuron k; default 1)")->check(CLI::Range(1, 100000));
    sub.add_option("--w0", g.w0, "trajectory: initial weight (default 1)");
    sub.add_option("--dt", g.dt, "trajectory: time step (s, default 1e-4)")->check(CLI::PositiveNumber);
}

} // namespace

PLAST_VERB("export", "a rule or a model's rules as Brian2 / NESTML code; engine weight trajectories for checks", false, add_options, run_export);

} // namespace plast::app
