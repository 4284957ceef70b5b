#include "plast/infer/infer_study.hpp"

#include "plast/core/memory_budget.hpp"

#include "plast/core/error.hpp"
#include "plast/core/parallel.hpp"
#include "plast/core/progress.hpp"
#include "plast/infer/fly_data.hpp"
#include "plast/infer/metrics.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"
#include "plast/io/npy.hpp"
#include "plast/io/run_dir.hpp"
#include "plast/expr/lift.hpp"
#include "plast/expr/parser.hpp"
#include "plast/rules/mlp_rule.hpp"
#include "plast/rules/rule_string.hpp"
#include "plast/rules/taylor_rule.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>

namespace plast::infer {

const char* const default_infer_config =
    R"(# plast infer: reward-rule recovery on simulated two-odor behaviour (reference defaults, reduced epochs)
seed = 1

[model]
kind = "behaviour"
layer_sizes = [2, 10, 1]

[data]
source = "simulated"
num_train = 20
num_eval = 5

[rule]
family = "taylor"
ground_truth = "X1Y0W0R1"

[fit]
optimizer = "adam"
learning_rate = 1e-3
epochs = 250
)";

namespace {

std::string resolve_path(const Config& cfg, const std::string& p)
{
    namespace fs = std::filesystem;
    if (fs::path(p).is_absolute() || fs::exists(p)) return p;
    const fs::path base = fs::path(cfg.source_name()).parent_path();
    if (!base.empty() && fs::exists(base / p)) return (base / p).string();
    return p;
}

// Names in an expression that are neither functions nor the given inputs (x_0.. aliases included).
std::vector<std::string> free_names(const std::string& text, const std::vector<std::string>& inputs)
{
    static const std::vector<std::string> functions{"pow", "min", "max", "exp", "log", "abs", "step", "clip"};
    std::vector<std::string> out;
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (std::isdigit(c) || c == '.') { // a number, with its exponent (1e-3)
            while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '.' ||
                                       ((text[i] == '-' || text[i] == '+') && (text[i - 1] == 'e' || text[i - 1] == 'E'))))
                ++i;
            continue;
        }
        if (!std::isalpha(c) && c != '_') {
            ++i;
            continue;
        }
        const std::size_t b = i;
        while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
            ++i;
        const std::string name = text.substr(b, i - b);
        bool alias = name.size() >= 2 && name[0] == 'x';
        for (std::size_t k = name[1] == '_' ? 2 : 1; alias && k < name.size(); ++k)
            alias = std::isdigit(static_cast<unsigned char>(name[k])) != 0;
        if (std::find(functions.begin(), functions.end(), name) == functions.end() &&
            std::find(inputs.begin(), inputs.end(), name) == inputs.end() && !alias &&
            std::find(out.begin(), out.end(), name) == out.end())
            out.push_back(name);
    }
    return out;
}

// [rule] family = "expression": expression, params, lift_constants, ground_truth (expression or Taylor string).
void read_expression_rule(const Section& r, bool with_reward, RuleSpec& rule)
{
    const auto inputs = expr::ExprRateRule::input_names(with_reward);
    std::string in_list;
    for (const auto& n : inputs)
        in_list += (in_list.empty() ? "" : ", ") + n;
    rule.expression = r.string("expression");
    // Named parameters and their start values.
    std::vector<std::string> names;
    std::vector<double> start;
    if (r.has("params")) {
        if (!r.is_table("params"))
            r.fail("params", "must be a table of start values", "params = { a = 0.5, b = -1.0 }");
        const Section p = r.sub("params");
        for (const auto& k : p.keys()) {
            names.push_back(k);
            start.push_back(p.number(k));
        }
    }
    const auto free = free_names(rule.expression, inputs);
    for (const auto& n : free)
        if (std::find(names.begin(), names.end(), n) == names.end())
            r.fail("expression",
                   "'" + n + "' is neither a variable (" + in_list + ") nor a parameter with a start value in " +
                       r.path("params"),
                   "the variables " + in_list + " and the keys of rule.params, e.g. params = { " + n + " = 1.0 }");
    for (const auto& n : names)
        if (std::find(inputs.begin(), inputs.end(), n) != inputs.end() ||
            std::find(free.begin(), free.end(), n) == free.end())
            r.sub("params").fail(n, "'" + n + "' is not a parameter of the expression \"" + rule.expression + "\"",
                                 free.empty() ? std::string("no params (the expression has no named parameters)")
                                              : "the expression's parameter names");
    expr::Tape tape;
    try {
        tape = expr::parse(rule.expression, inputs, names);
    } catch (const Error& e) {
        r.fail("expression", e.problem(), e.allowed());
    }
    rule.lift_constants = r.flag("lift_constants", false);
    rule.expr_start = start;
    if (rule.lift_constants) {
        auto lifted = expr::lift_constants(tape);
        tape = lifted.tape;
        rule.expr_start.insert(rule.expr_start.end(), lifted.values.begin(), lifted.values.end());
    } else {
        tape = expr::fold_negated_constants(tape);
    }
    if (tape.n_params() == 0)
        r.fail("expression", "has nothing to fit (no named parameters, lift_constants = false)",
               "rule.params = { name = start value } for parameters in the expression, or rule.lift_constants = true");
    rule.expr_student = std::make_shared<const expr::ExprRateRule>(tape);
    // Ground truth: an expression over the same variables generates the data; if it has the student's form
    // with numbers in place of the parameters, the fitted values are compared with those numbers.
    if (rule.ground_truth.empty()) return;
    try {
        expr::Tape gt = expr::parse(rule.ground_truth, inputs);
        rule.expr_teacher = std::make_shared<const expr::ExprRateRule>(gt);
        if (auto m = expr::match_parameters(tape, gt)) rule.expr_truth = *m;
    } catch (const Error& e) {
        // Not an expression: it must be a Taylor rule string. Report the error of the reading the text was
        // meant for: operators or parentheses mean an expression, otherwise a rule string (whose parser names
        // the key itself).
        if (rule.ground_truth.find_first_of("*/^()") != std::string::npos)
            r.fail("ground_truth", e.problem(),
                   "an expression over " + in_list + " (numbers only), or a Taylor rule string such as X1Y1W0-X0Y2W1");
        rules::parse_rule_string(rule.ground_truth, with_reward, r.where("ground_truth"), r.path("ground_truth"));
    }
}

} // namespace

InferStudy InferStudy::from_config(Config& cfg, std::uint64_t seed)
{
    InferStudy st;
    st.seed = seed;
    const Section m = cfg.section("model");
    st.kind = m.string("kind", "behaviour", {"oja", "behaviour"});
    const bool oja = st.kind == "oja";
    if (oja) {
        st.oja.net.n_in = static_cast<int>(m.integer("n_in", 10, 1, 100000));
        st.oja.net.n_out = static_cast<int>(m.integer("n_out", 10, 1, 100000));
        st.oja.net.eta = m.number("eta", 1.0, Range::positive());
        st.oja.steps = static_cast<int>(m.integer("steps", 50, 1, 1000000));
        st.oja.input_std = m.number("input_std", 0.1, Range::positive());
        st.oja.w0_std = m.number("w0_std", 0.0, Range::nonneg());
        if (st.oja.w0_std == 0.0) st.oja.w0_std = -1.0;
    } else {
        const auto ls = m.numbers("layer_sizes", {2, 10, 1}, Range::closed(1, 4096), 2, 3);
        for (double v : ls)
            if (v != std::floor(v)) m.fail("layer_sizes", "entries must be integers", "[n_in, hidden, 1] or [n_in, 1]");
        if (ls.back() != 1) m.fail("layer_sizes", "output dimension must be 1", "[n_in, hidden, 1] or [n_in, 1]");
        if (ls[0] < 2) m.fail("layer_sizes", "need at least 2 inputs (one per odor half)", "n_in >= 2");
        const std::string act = m.string("hidden_activation", "tanh", {"tanh", "sigmoid"});
        const std::string rw = m.string("reward", "centered", {"centered", "raw"});
        st.beh.net = rate::BehaviourNetwork::make(static_cast<int>(ls[0]), ls.size() == 3 ? static_cast<int>(ls[1]) : 0,
                                                  act == "sigmoid", rw == "centered");
        st.beh.w_init_scale = m.number("w_init_scale", 0.01, Range::nonneg());
    }

    const Section d = cfg.section("data");
    st.source = d.string("source", "simulated",
                         oja ? std::vector<std::string>{"simulated"}
                             : std::vector<std::string>{"simulated", "files", "generate"});
    if (oja) {
        st.oja.num_train = static_cast<int>(d.integer("num_train", 50, 1, 100000));
        st.oja.num_eval = static_cast<int>(d.integer("num_eval", 10, 1, 100000));
        st.oja.noise_scale = d.number("noise_scale", 0.0, Range::nonneg());
        st.oja.observed_fraction = d.number("observed_fraction", 1.0, Range::open_closed(0, 1));
        // Trajectories (inputs, outputs, initial weights) and the forward weight tape of the adjoint.
        const double ni = st.oja.net.n_in, no = st.oja.net.n_out, T = st.oja.steps;
        const double traj = static_cast<double>(st.oja.num_train + st.oja.num_eval);
        require_memory(8.0 * (traj * (T * (ni + no) + ni * no) + 2.0 * (T + 1) * ni * no), m.where("n_in"), m.path("n_in"),
                       "the Oja data set and its adjoint");
    } else if (st.source == "simulated") {
        st.beh.num_train = static_cast<int>(d.integer("num_train", 20, 1, 100000));
        st.beh.num_eval = static_cast<int>(d.integer("num_eval", 5, 1, 100000));
    } else {
        if (st.source == "files") {
            st.files = d.strings("files", {});
            if (st.files.empty()) d.fail("files", "no data files given", "list of .mat or .csv files, one per animal");
            for (auto& f : st.files) {
                f = resolve_path(cfg, f);
                if (!std::filesystem::exists(f))
                    d.fail("files", "data file '" + f + "' does not exist",
                           "existing .mat or .csv files (relative to the config file or the working directory)");
            }
        } else {
            st.generate_animals = static_cast<int>(d.integer("animals", 4, 1, 1000));
            st.generate_only = d.flag("generate_only", false);
        }
        st.samples = static_cast<int>(d.integer("samples", 20, 1, 10000));
        st.cutoff = d.number("trajectory_cutoff", 0.8, Range::open_closed(0, 1));
        st.continue_test = d.string("test_start", "fresh", {"fresh", "continue"}) == "continue";
    }

    if (!oja && st.source != "files") {
        const Section t = cfg.section("task");
        auto& task = st.beh.task;
        task.trials_per_block = static_cast<int>(t.integer("trials_per_block", 80, 1, 1000000));
        const auto bp = t.matrix("block_probs", {{0.2, 0.8}, {0.9, 0.1}, {0.2, 0.8}}, Range::closed(0, 1));
        if (bp.empty()) t.fail("block_probs", "no blocks", "rows [p_A, p_B]");
        task.block_probs.clear();
        for (const auto& row : bp) {
            if (row.size() != 2) t.fail("block_probs", "each block needs 2 probabilities", "rows [p_A, p_B] in [0, 1]");
            task.block_probs.push_back({row[0], row[1]});
        }
        task.input_firing_mean = t.number("input_firing_mean", 0.75, Range::nonneg());
        const std::string preset = t.string("input_preset", "head", {"head", "neurips", "oct2024"});
        const double def_std = preset == "head" ? std::sqrt(0.015) : preset == "neurips" ? 0.05 : std::sqrt(0.05);
        task.input_noise_std = t.number("input_noise_std", def_std, Range::nonneg());
        task.moving_avg_window = static_cast<int>(t.integer("moving_avg_window", 10, 1, 100000));
        task.resample_inputs = t.flag("resample_inputs", true);
        task.recording_noise_std = t.number("recording_noise_std", 0.0, Range::nonneg());
    } else if (!oja) {
        const Section t = cfg.section("task");
        st.beh.task.input_firing_mean = t.number("input_firing_mean", 0.75, Range::nonneg());
        const std::string preset = t.string("input_preset", "head", {"head", "neurips", "oct2024"});
        const double def_std = preset == "head" ? std::sqrt(0.015) : preset == "neurips" ? 0.05 : std::sqrt(0.05);
        st.beh.task.input_noise_std = t.number("input_noise_std", def_std, Range::nonneg());
        st.beh.task.moving_avg_window = static_cast<int>(t.integer("moving_avg_window", 10, 1, 100000));
    }

    const Section r = cfg.section("rule");
    st.rule.family = r.string("family", "taylor", {"taylor", "mlp", "expression"});
    const bool expression = st.rule.family == "expression";
    if (st.source != "files") st.rule.ground_truth = r.string("ground_truth", oja ? "X1Y1W0-X0Y2W1" : "X1Y0W0R1");
    if (expression) read_expression_rule(r, !oja, st.rule);
    // validate now, naming the key
    if (!st.rule.ground_truth.empty() && !st.rule.expr_teacher)
        rules::parse_rule_string(st.rule.ground_truth, !oja, r.where("ground_truth"), r.path("ground_truth"));
    if (st.rule.family == "taylor") {
        st.rule.terms = r.strings("terms", {});
        if (!st.rule.terms.empty()) rules::mask_from_terms(st.rule.terms, !oja, r.where("terms"), r.path("terms"));
        st.rule.legacy_index_order = r.flag("legacy_index_order", false);
        if (st.rule.legacy_index_order && oja)
            r.fail("legacy_index_order", "exists only for the 81-term behavioural family", "false");
    } else if (st.rule.family == "mlp") {
        st.rule.mlp_hidden = static_cast<int>(r.integer("mlp_hidden", 10, 1, 4096));
        st.rule.mlp_legacy_shared_key = r.flag("mlp_legacy_shared_key", false);
    }
    if (!expression) { // the expression family starts from its given constants
        st.rule.init = r.string("init", "random", {"random", "zeros"});
        st.rule.init_scale = r.number("init_scale", st.rule.family == "mlp" ? 0.01 : 1e-5, Range::nonneg());
    }

    const Section l = cfg.section("loss");
    const auto fitdata =
        l.strings("fit", {oja ? "neural" : "behavior"},
                  oja ? std::vector<std::string>{"neural"} : std::vector<std::string>{"behavior", "neural"});
    if (fitdata.empty()) l.fail("fit", "nothing to fit", "\"behavior\" and/or \"neural\"");
    if (!oja) {
        st.beh.loss.bce = std::find(fitdata.begin(), fitdata.end(), "behavior") != fitdata.end();
        st.beh.loss.mse = std::find(fitdata.begin(), fitdata.end(), "neural") != fitdata.end();
        if (st.beh.loss.mse && st.source != "simulated")
            l.fail("fit", "recorded animals have no neural recording",
                   "[\"behavior\"] with data.source = files/generate");
        st.beh.loss.reference_padding = l.string("bce_padding", "reference", {"reference", "valid"}) == "reference";
    } else {
        st.oja.mse_factor = l.number("mse_factor", 0.5, Range::positive());
    }

    const Section f = cfg.section("fit");
    st.fit.optimizer = f.string("optimizer", "adam", {"adam", "lbfgs"});
    st.fit.learning_rate = f.number("learning_rate", 1e-3, Range::positive());
    st.fit.on_nonfinite = f.string("on_nonfinite", "backtrack", {"backtrack", "skip"});
    st.fit.max_backtracks = static_cast<int>(f.integer("max_backtracks", 20, 0, 1000));
    st.fit.epochs = static_cast<int>(f.integer("epochs", 250, 0, 10000000));
    st.fit.batch_size = static_cast<int>(f.integer("batch_size", 1, 0, 10000000));
    // Only the Taylor family is regularised (a sparse expansion); MLP weights and expression constants are not.
    const bool regularised = st.rule.family == "taylor";
    st.fit.regularization = f.string("regularization", regularised ? "l1" : "none", {"l1", "l2", "none"});
    if (!regularised && st.fit.regularization != "none")
        f.fail("regularization", "only the Taylor family is regularised (rule.family = \"" + st.rule.family + "\")",
               "\"none\"");
    st.fit.reg_scale = f.number("regularization_scale", 1e-2, Range::nonneg());
    st.fit.l1_method = f.string("l1_method", "subgradient", {"subgradient", "proximal"});
    if (st.fit.optimizer == "lbfgs" && st.fit.regularization == "l1" && st.fit.reg_scale > 0 && regularised)
        // |theta| has a kink at 0; NLopt's L-BFGS line search fails there ("nlopt failure").
        f.fail("regularization", "\"l1\" is not differentiable at 0 and fit.optimizer = \"lbfgs\" needs a smooth objective",
               "\"l2\" or \"none\" with lbfgs; or fit.optimizer = \"adam\" (fit.l1_method = \"proximal\" or "
               "\"subgradient\")");
    st.fit.log_interval = static_cast<int>(f.integer("log_interval", oja ? 1 : 5, 1, 10000000));
    st.fit.checkpoint_seconds = f.number("checkpoint_seconds", 10.0, Range::nonneg());
    st.fit.lbfgs_max_evaluations = static_cast<int>(f.integer("lbfgs_max_evaluations", 500, 1, 100000000));
    st.fit.lbfgs_ftol_rel = f.number("lbfgs_ftol_rel", 1e-12, Range::nonneg());
    st.fit.check_gradient = f.flag("check_gradient", false);
    st.fit.check_gradient_step = f.number("check_gradient_step", 1e-6, Range::open_closed(0, 1));

    const Section sw = cfg.section("sweep");
    st.seeds = static_cast<int>(sw.integer("seeds", 1, 1, 100000));
    if (oja) {
        st.grid_noise = sw.numbers("noise", {st.oja.noise_scale}, Range::nonneg(), 1);
        st.grid_fraction = sw.numbers("observed_fraction", {st.oja.observed_fraction}, Range::open_closed(0, 1), 1);
    }
    if (!oja && st.source == "simulated" && st.rule.expr_teacher) {
        if (sw.has("ground_truths"))
            sw.fail("ground_truths", "a sweep over Taylor rule strings cannot be combined with an expression "
                                     "rule.ground_truth",
                    "rule.ground_truth as a Taylor rule string, or no sweep.ground_truths");
        st.ground_truths = {st.rule.ground_truth};
    } else if (!oja && st.source == "simulated") {
        st.ground_truths = sw.strings("ground_truths", {st.rule.ground_truth});
        for (const auto& g : st.ground_truths)
            rules::parse_rule_string(g, true, sw.where("ground_truths"), sw.path("ground_truths"));
    }
    if (!oja && st.source != "simulated") {
        st.compare_without = sw.strings("compare_without", {});
        if (!st.compare_without.empty()) {
            if (st.rule.family != "taylor")
                sw.fail("compare_without", "model comparison drops Taylor terms", "rule.family = taylor");
            rules::mask_from_terms(st.compare_without, true, sw.where("compare_without"), sw.path("compare_without"));
        }
    }
    const Section ev = cfg.section("eval");
    st.aggregate = ev.string("aggregate", "median", {"median", "mean"});
    if (oja)
        st.oja.sensitivity_trajectories = static_cast<int>(ev.integer("sensitivity_trajectories", 5, 0, 100000));
    // Validate data files before the run directory exists (bad input is a config error naming the file).
    if (st.source == "files")
        for (const auto& file : st.files)
            read_animal(file);
    return st;
}

std::shared_ptr<rules::DifferentiableRule> InferStudy::student(const std::vector<std::string>& drop) const
{
    const bool rw = kind == "behaviour";
    if (rule.family == "mlp") return std::make_shared<rules::MlpRule>(rw, rule.mlp_hidden);
    if (rule.family == "expression") return std::make_shared<expr::ExprRateRule>(*rule.expr_student);
    std::vector<double> mask =
        rule.terms.empty() ? std::vector<double>(rw ? 81 : 27, 1.0) : rules::mask_from_terms(rule.terms, rw);
    if (!drop.empty()) {
        const auto dm = rules::mask_from_terms(drop, rw);
        for (std::size_t k = 0; k < mask.size(); ++k)
            if (dm[k] != 0.0) mask[k] = 0.0;
    }
    return std::make_shared<rules::TaylorRule>(rw, mask, rule.legacy_index_order);
}

std::shared_ptr<rules::DifferentiableRule> InferStudy::teacher() const
{
    if (rule.expr_teacher) return std::make_shared<expr::ExprRateRule>(*rule.expr_teacher);
    return std::make_shared<rules::TaylorRule>(kind == "behaviour");
}

std::vector<double> InferStudy::theta_star() const
{
    if (rule.ground_truth.empty() || rule.expr_teacher) return {}; // an expression teacher has no parameters
    return rules::parse_rule_string(rule.ground_truth, kind == "behaviour");
}

std::vector<double> InferStudy::theta0(const rules::DifferentiableRule& s, std::uint64_t sd) const
{
    if (rule.family == "expression") return rule.expr_start;
    if (rule.family == "mlp") {
        const auto& m = static_cast<const rules::MlpRule&>(s);
        if (rule.init == "zeros") return std::vector<double>(m.n_params(), 0.0);
        return m.init_theta(sd, rule.init_scale, rule.mlp_legacy_shared_key);
    }
    std::vector<double> th(s.n_params(), 0.0);
    if (rule.init == "random") th = draw_weights(th.size(), rule.init_scale, sd, "theta_init");
    return th;
}

namespace {

// Names of the logged (effective) parameters: Taylor column names (A_xywr), else the family's names.
std::vector<std::string> theta_names(const rules::DifferentiableRule& rule)
{
    std::vector<std::string> h;
    if (auto* t = dynamic_cast<const rules::TaylorRule*>(&rule))
        for (std::size_t k = 0; k < t->size(); ++k) h.push_back(t->column_name(k));
    else
        for (auto& n : rule.param_names()) h.push_back(n);
    return h;
}

void add_trace(std::vector<FitTrace>* traces, std::string label, const rules::DifferentiableRule& rule, const FitResult& f)
{
    if (traces) traces->push_back({std::move(label), theta_names(rule), f.log, f.status});
}

// theta.csv, written while the first fit runs (one row per logged epoch, flushed at once, so a
// caller can follow it: plast.infer(..., on_epoch=f) in Python): epoch, loss, effective parameters.
class LiveThetaCsv {
public:
    LiveThetaCsv(const io::RunDir& dir, const rules::DifferentiableRule& rule) : csv_(dir.file("theta.csv"), header(rule)) {}
    LogCallback callback()
    {
        return [this](int epoch, double loss, const std::vector<double>& theta) {
            std::vector<io::Cell> row{static_cast<long long>(epoch), loss};
            for (double v : theta) row.emplace_back(v);
            csv_.row(row);
            csv_.flush();
        };
    }

private:
    static std::vector<std::string> header(const rules::DifferentiableRule& rule)
    {
        std::vector<std::string> h{"epoch", "loss"};
        for (auto& n : theta_names(rule)) h.push_back(n);
        return h;
    }
    io::CsvWriter csv_;
};

nlohmann::json rule_json(const rules::DifferentiableRule& rule, const std::vector<double>& theta_eff)
{
    nlohmann::json j;
    j["family"] = rule.name();
    double mx = 0;
    for (double v : theta_eff)
        mx = std::max(mx, std::fabs(v));
    // terms below 1 % of the largest are left out of the printed formula (rule_string keeps every digit)
    j["formula"] = rule.formula(theta_eff.data(), 0.01 * mx);
    if (auto* t = dynamic_cast<const rules::TaylorRule*>(&rule)) {
        j["formula_leading"] = rule.formula(theta_eff.data(), 0.05 * mx);
        std::vector<std::size_t> order(theta_eff.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](auto a, auto b) { return std::fabs(theta_eff[a]) > std::fabs(theta_eff[b]); });
        nlohmann::json top = nlohmann::json::array();
        for (std::size_t i = 0; i < std::min<std::size_t>(5, order.size()); ++i)
            top.push_back({{"term", t->term_name(order[i])},
                           {"monomial", t->monomial(order[i])},
                           {"value", theta_eff[order[i]]}});
        j["leading_terms"] = top;
        j["index_order"] =
            t->legacy_index_order() ? "legacy (reference transposition)" : "canonical x^a y^b w^c r^d, k = 27a+9b+3c+d";
        const auto mask = t->param_mask();
        j["n_trainable"] = static_cast<int>(std::count(mask.begin(), mask.end(), 1.0));
    }
    if (auto* e = dynamic_cast<const expr::ExprRateRule*>(&rule)) {
        j["expression"] = e->expression(theta_eff.data()); // every digit of the fitted constants
        nlohmann::json ps = nlohmann::json::object();
        const auto names = e->param_names();
        for (std::size_t p = 0; p < names.size(); ++p)
            ps[names[p]] = theta_eff[p];
        j["params"] = ps;
    }
    return j;
}

nlohmann::json jnum(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

// Fit status and first-order optimality of the end point; a "zero_rule" fit is also reported on stderr,
// because it means the run learned nothing.
void fit_json(nlohmann::json& summary, const FitResult& f)
{
    summary["status"] = f.status;
    if (!f.note.empty()) summary["status_note"] = f.note;
    summary["stationarity"] = jnum(f.stationarity);
    summary["data_gradient_max"] = jnum(f.data_gradient_max);
    if (std::isfinite(f.data_gradient_max_at_zero))
        summary["data_gradient_max_at_zero"] = f.data_gradient_max_at_zero;
    if (f.status == "zero_rule") std::fprintf(stderr, "warning: %s\n", f.note.c_str());
    const auto& gc = f.gradient_check;
    if (gc.done) {
        summary["gradient_check"] = {{"relative_error", jnum(gc.relative_error)},
                                     {"max_abs_error", jnum(gc.max_abs_error)},
                                     {"step", gc.step},
                                     {"loss", jnum(gc.loss)},
                                     {"adjoint", gc.adjoint},
                                     {"finite_difference", gc.finite_difference},
                                     {"per_parameter_relative_error", gc.per_parameter_relative_error}};
        std::fprintf(stderr, "gradient check at the start point (central differences, relative step %g): "
                    "max |adjoint - FD| / max |FD| = %.3g over %zu parameters\n",
                    gc.step, gc.relative_error, gc.adjoint.size());
        
    }
}

// family = expression: start, fitted and (if the generating expression has the same form) true values of
// every parameter, in run.json (`constants`) and constants.csv.
void expression_report(const io::RunDir& dir, nlohmann::json& summary, const RuleSpec& rule,
                       const rules::DifferentiableRule& stu, const std::vector<double>& fitted)
{
    if (rule.family != "expression") return;
    const auto names = stu.param_names();
    const bool truth = rule.expr_truth.size() == names.size();
    summary["expression_start"] = rule.expression;
    summary["lift_constants"] = rule.lift_constants;
    if (rule.expr_teacher)
        summary["ground_truth_same_form"] = truth;
    io::CsvWriter csv(dir.file("constants.csv"), {"name", "start", "fitted", "true", "abs_error", "rel_error"});
    nlohmann::json cj = nlohmann::json::array();
    double max_rel = 0.0;
    for (std::size_t p = 0; p < names.size(); ++p) {
        const double t = truth ? rule.expr_truth[p] : std::nan("");
        const double ae = std::fabs(fitted[p] - t), re = t != 0.0 ? ae / std::fabs(t) : ae;
        if (truth) max_rel = std::max(max_rel, re);
        csv.row({names[p], rule.expr_start[p], fitted[p], t, truth ? ae : std::nan(""), truth ? re : std::nan("")});
        nlohmann::json e = {{"name", names[p]}, {"start", rule.expr_start[p]}, {"fitted", fitted[p]}};
        if (truth) {
            e["true"] = t;
            e["abs_error"] = ae;
            e["rel_error"] = re;
        }
        cj.push_back(e);
    }
    summary["constants"] = cj;
    if (truth) {
        summary["constants_max_rel_error"] = max_rel;
        std::fprintf(stderr, "constants (start -> fitted, true):");
        for (std::size_t p = 0; p < names.size(); ++p)
            std::fprintf(stderr, " %s %.6g -> %.9g (%.6g)", names[p].c_str(), rule.expr_start[p], fitted[p], rule.expr_truth[p]);
        std::fprintf(stderr, "; max relative error %.3g\n", max_rel);
        
    }
}

std::string top_term(const rules::DifferentiableRule& rule, const std::vector<double>& th)
{
    auto* t = dynamic_cast<const rules::TaylorRule*>(&rule);
    if (!t || th.size() != t->n_params()) return "";
    std::size_t best = 0;
    for (std::size_t k = 0; k < th.size(); ++k)
        if (std::fabs(th[k]) > std::fabs(th[best])) best = k;
    return t->term_name(best);
}

} // namespace

void InferStudy::run(io::RunDir& dir, int threads, std::vector<FitTrace>* traces) const
{
    auto& summary = dir.summary();
    const auto stu = student();
    const auto tea = teacher();
    const auto ts = theta_star();
    summary["experiment"] = kind + "/" + source;
    if (!rule.ground_truth.empty()) {
        summary["ground_truth"] = rule.ground_truth;
        summary["ground_truth_formula"] = tea->formula(ts.data());
        if (const auto* tt = dynamic_cast<const rules::TaylorRule*>(tea.get())) {
            nlohmann::json gt = nlohmann::json::array();
            for (std::size_t k = 0; k < ts.size(); ++k)
                if (ts[k] != 0.0)
                    gt.push_back({{"column", tt->column_name(k)}, {"term", tt->term_name(k)}, {"value", ts[k]}});
            summary["ground_truth_terms"] = gt;
        }
    }
    const bool taylor = rule.family == "taylor"; // Taylor-only columns and diagnostics
    summary["optimizer"] = fit.optimizer;
    // Fit i's options: its own checkpoint file (Adam) when the run keeps checkpoints.
    auto fit_options = [&](const FitOptions& base, std::size_t i) {
        FitOptions f = base;
        if (!checkpoint_key.empty()) {
            f.checkpoint = dir.file("checkpoints/fit_" + std::to_string(i) + ".json");
            f.checkpoint_key = checkpoint_key + " fit " + std::to_string(i);
        }
        return f;
    };
    const bool agg_median = aggregate == "median";

    if (kind == "oja") {
        struct Point {
            double noise, frac;
            int seed_index;
        };
        std::vector<Point> pts;
        for (double nz : grid_noise)
            for (double fr : grid_fraction)
                for (int s = 0; s < seeds; ++s)
                    pts.push_back({nz, fr, s});
        std::vector<OjaResult> res(pts.size());
        Progress prog("infer oja", pts.size(), "fits");
        FitOptions fo = fit;
        fo.threads = pts.size() > 1 ? 1 : threads;
        LiveThetaCsv theta_csv(dir, *stu);
        const LogCallback first_fit = theta_csv.callback();
        parallel_for(pts.size(), threads, [&](std::size_t i) {
            OjaSettings s = oja;
            s.noise_scale = pts[i].noise;
            s.observed_fraction = pts[i].frac;
            const std::uint64_t sd = seed + static_cast<std::uint64_t>(pts[i].seed_index);
            res[i] = run_oja(s, *tea, ts, *stu, theta0(*stu, sd), fit_options(fo, i), sd, i == 0 ? first_fit : LogCallback{});
            prog.advance();
        });
        prog.done();
        for (std::size_t i = 0; i < res.size(); ++i)
            add_trace(traces, "noise=" + io::format_number(pts[i].noise) + " observed_fraction=" + io::format_number(pts[i].frac) +
                                  " seed=" + std::to_string(res[i].seed), *stu, res[i].fit);
        const auto& r0 = res[0];
        io::write_npy(dir.file("weights_true.npy"), r0.w_true,
                      {r0.w_true.size() / std::max<std::size_t>(1, r0.kept_synapses), r0.kept_synapses});
        io::write_npy(dir.file("weights_fit.npy"), r0.w_fit,
                      {r0.w_fit.size() / std::max<std::size_t>(1, r0.kept_synapses), r0.kept_synapses});
        io::CsvWriter grid(dir.file("grid.csv"),
                           {"noise", "observed_fraction", "seed", "status", "r2_weights", "r2_activity", "theta_110",
                            "theta_021", "max_err_truth_terms", "max_abs_other_terms", "seconds"});
        rules::TaylorRule t27(false);
        for (std::size_t i = 0; i < res.size(); ++i) {
            const auto& r = res[i];
            grid.row({pts[i].noise, pts[i].frac, static_cast<long long>(r.seed), r.fit.status,
                      agg_median ? r.r2_weights_median : r.r2_weights_mean,
                      agg_median ? r.r2_activity_median : r.r2_activity_mean,
                      taylor ? r.theta_eff[t27.index(1, 1, 0)] : std::nan(""),
                      taylor ? r.theta_eff[t27.index(0, 2, 1)] : std::nan(""), r.max_err_truth_terms,
                      r.max_abs_other_terms, r.fit.seconds});
        }
        nlohmann::json fitted = rule_json(*stu, r0.theta_eff);
        if (taylor) fitted["rule_string"] = rules::format_rule_string(r0.theta_eff, false);
        summary["fitted_rule"] = fitted;
        fit_json(summary, r0.fit);
        expression_report(dir, summary, rule, *stu, r0.theta_eff);
        summary["fit_seconds"] = r0.fit.seconds;
        summary["r2_weights_heldout_median"] = jnum(r0.r2_weights_median);
        summary["r2_weights_heldout_mean"] = jnum(r0.r2_weights_mean);
        summary["r2_activity_heldout_median"] = jnum(r0.r2_activity_median);
        summary["max_err_truth_terms"] = jnum(r0.max_err_truth_terms);
        summary["max_abs_other_terms"] = jnum(r0.max_abs_other_terms);
        if (taylor) {
            summary["theta_110"] = r0.theta_eff[t27.index(1, 1, 0)];
            summary["theta_021"] = r0.theta_eff[t27.index(0, 2, 1)];
        }
        if (r0.condition_number > 0) {
            summary["term_gram_condition_number"] = jnum(r0.condition_number);
            // leading terms of the least-determined combination of Taylor terms
            std::vector<std::size_t> o(27);
            std::iota(o.begin(), o.end(), 0);
            std::sort(o.begin(), o.end(), [&](auto a, auto b) {
                return std::fabs(r0.weakest_direction[a]) > std::fabs(r0.weakest_direction[b]);
            });
            nlohmann::json wd = nlohmann::json::array();
            for (int i = 0; i < 4; ++i)
                wd.push_back({{"term", t27.monomial(o[static_cast<std::size_t>(i)])},
                              {"weight", r0.weakest_direction[o[static_cast<std::size_t>(i)]]}});
            summary["least_determined_direction"] = wd;
            summary["teacher_activity_mean"] = r0.y_mean;
            summary["teacher_activity_std"] = r0.y_std;
            if (!r0.collapsed_fit.empty()) {
                nlohmann::json cj = nlohmann::json::array();
                const char* names[9] = {"1", "w", "w^2", "x", "x*w", "x*w^2", "x^2", "x^2*w", "x^2*w^2"};
                for (int i = 0; i < 9; ++i)
                    cj.push_back({{"term", names[i]},
                                  {"fitted", r0.collapsed_fit[static_cast<std::size_t>(i)]},
                                  {"true", r0.collapsed_true[static_cast<std::size_t>(i)]}});
                summary["rule_at_mean_activity"] = cj;
                summary["rule_at_mean_activity_max_err"] = r0.collapsed_max_err;
            }
        }
        if (r0.sensitivity.trajectories > 0) {
            const auto& sv = r0.sensitivity;
            nlohmann::json sj;
            sj["trajectories"] = sv.trajectories;
            sj["hessian_eigenvalues"] = sv.eigenvalues;
            sj["hessian_condition_number"] = jnum(sv.condition);
            nlohmann::json wk = nlohmann::json::array();
            for (const auto& v : sv.weakest) {
                std::vector<std::size_t> o(27);
                std::iota(o.begin(), o.end(), 0);
                std::sort(o.begin(), o.end(), [&](auto a, auto b) { return std::fabs(v[a]) > std::fabs(v[b]); });
                nlohmann::json dj = nlohmann::json::array();
                for (int i = 0; i < 4; ++i)
                    dj.push_back({{"term", t27.monomial(o[static_cast<std::size_t>(i)])},
                                  {"weight", v[o[static_cast<std::size_t>(i)]]}});
                wk.push_back(dj);
            }
            sj["weakest_directions"] = wk;
            sj["loss_increase_quadratic_fit_minus_true"] = sv.quad_delta;
            sj["loss_increase_if_only_theta_110_moved"] = sv.quad_110_only;
            sj["loss_increase_if_only_theta_021_moved"] = sv.quad_021_only;
            sj["line_true_to_fit_s"] = sv.line_s;
            sj["line_true_to_fit_loss"] = sv.line_loss;
            sj["error_share_in_sloppy_directions"] = sv.delta_share_sloppy;
            sj["noise_std_for_sd_0.1_theta_110"] = sv.noise_sd01_110;
            sj["noise_std_for_sd_0.1_theta_021"] = sv.noise_sd01_021;
            summary["identifiability"] = sj;
        }
        if (pts.size() > 1) {
            std::vector<double> r2;
            for (auto& r : res)
                r2.push_back(agg_median ? r.r2_weights_median : r.r2_weights_mean);
            summary["grid_points"] = pts.size();
            summary["grid_r2_weights_min"] = *std::min_element(r2.begin(), r2.end());
            summary["grid_r2_weights_max"] = *std::max_element(r2.begin(), r2.end());
        }
        return;
    }

    if (source == "simulated") {
        const std::size_t ng = ground_truths.size(), nsd = static_cast<std::size_t>(seeds);
        std::vector<BehaviourResult> res(ng * nsd);
        std::vector<std::vector<double>> truths;
        for (const auto& g : ground_truths) // an expression ground truth is the teacher itself (no parameters)
            truths.push_back(rule.expr_teacher ? ts : rules::parse_rule_string(g, true));
        Progress prog("infer behaviour", res.size(), "fits");
        FitOptions fo = fit;
        fo.threads = res.size() > 1 ? 1 : threads;
        LiveThetaCsv theta_csv(dir, *stu);
        const LogCallback first_fit = theta_csv.callback();
        parallel_for(res.size(), threads, [&](std::size_t i) {
            const std::uint64_t sd = seed + i % nsd;
            res[i] = run_behaviour_sim(beh, *tea, truths[i / nsd], *stu, theta0(*stu, sd), fit_options(fo, i), sd,
                                       i == 0 ? first_fit : LogCallback{});
            prog.advance();
        });
        prog.done();
        for (std::size_t i = 0; i < res.size(); ++i)
            add_trace(traces, "ground_truth=" + ground_truths[i / nsd] + " seed=" + std::to_string(res[i].seed), *stu, res[i].fit);
        const auto& r0 = res[0];
        const std::size_t ns = beh.net.n_syn();
        io::write_npy(dir.file("weights_true.npy"), r0.w_true, {r0.w_true.size() / ns, ns});
        io::write_npy(dir.file("weights_fit.npy"), r0.w_fit, {r0.w_fit.size() / ns, ns});
        rules::TaylorRule t81(true);
        io::CsvWriter sc(dir.file("seeds.csv"),
                         {"ground_truth", "seed", "status", "r2_weights", "r2_activity", "percent_deviance", "theta_xr",
                          "top_term", "truth_top_term", "formula", "seconds"});
        nlohmann::json per_rule = nlohmann::json::array();
        for (std::size_t gi = 0; gi < ng; ++gi) {
            std::vector<double> r2w, r2y, pdev;
            int top_ok = 0;
            const std::string truth_top = top_term(t81, truths[gi]);
            for (std::size_t si = 0; si < nsd; ++si) {
                const auto& r = res[gi * nsd + si];
                const std::string top = top_term(*stu, r.theta_eff);
                if (top == truth_top) ++top_ok;
                r2w.push_back(agg_median ? r.r2_weights_median : r.r2_weights_mean);
                r2y.push_back(agg_median ? r.r2_activity_median : r.r2_activity_mean);
                pdev.push_back(agg_median ? r.pdev_median : r.pdev_mean);
                double mx = 0;
                for (double v : r.theta_eff)
                    mx = std::max(mx, std::fabs(v));
                sc.row({ground_truths[gi], static_cast<long long>(r.seed), r.fit.status, r2w.back(), r2y.back(),
                        pdev.back(), taylor ? r.theta_eff[t81.index(1, 0, 0, 1)] : std::nan(""), top, truth_top,
                        stu->formula(r.theta_eff.data(), 0.05 * mx), r.fit.seconds});
            }
            per_rule.push_back({{"ground_truth", ground_truths[gi]},
                                {"seeds", nsd},
                                {"r2_weights_median", jnum(median(r2w))},
                                {"r2_activity_median", jnum(median(r2y))},
                                {"percent_deviance_median", jnum(median(pdev))},
                                {"leading_term_recovered", top_ok}});
        }
        nlohmann::json fitted = rule_json(*stu, r0.theta_eff);
        if (taylor) fitted["rule_string"] = rules::format_rule_string(r0.theta_eff, true);
        summary["fitted_rule"] = fitted;
        fit_json(summary, r0.fit);
        expression_report(dir, summary, rule, *stu, r0.theta_eff);
        summary["skipped_steps"] = r0.fit.skipped_steps;
        summary["backtracks"] = r0.fit.backtracks;
        summary["final_learning_rate"] = r0.fit.final_learning_rate;
        summary["fit_seconds"] = r0.fit.seconds;
        summary["mean_presentations_per_trial"] = r0.mean_trial_length;
        summary["r2_weights_heldout"] = jnum(agg_median ? r0.r2_weights_median : r0.r2_weights_mean);
        summary["r2_activity_heldout"] = jnum(agg_median ? r0.r2_activity_median : r0.r2_activity_mean);
        summary["percent_deviance_heldout"] = jnum(agg_median ? r0.pdev_median : r0.pdev_mean);
        summary["aggregate_over_eval_trajectories"] = aggregate;
        if (taylor) summary["theta_xr"] = r0.theta_eff[t81.index(1, 0, 0, 1)];
        if (res.size() > 1) summary["rules"] = per_rule;
        return;
    }

    // recorded (or generated) animals
    std::vector<AnimalData> animals;
    if (source == "generate") {
        std::filesystem::create_directories(dir.file("data"));
        for (int a = 0; a < generate_animals; ++a) {
            const auto g = rate::generate_behaviour(beh.task, beh.net, *tea, ts.data(), beh.w_init_scale, seed, 3,
                                                    static_cast<std::uint64_t>(a));
            const auto c = choices_from_generated(g);
            const std::string base = dir.file("data/Fly" + std::to_string(a + 1));
            write_animal_mat(base + ".mat", c);
            write_animal_csv(base + ".csv", c);
            animals.push_back(read_animal(base + ".mat"));
        }
        summary["generated_animals"] = generate_animals;
        summary["data_dir"] = dir.file("data");
        if (generate_only) return;
    } else {
        for (const auto& f : files)
            animals.push_back(read_animal(f));
    }
    std::vector<std::vector<std::string>> models{{}};
    std::vector<std::string> model_names{"full"};
    for (const auto& t : compare_without) {
        models.push_back({t});
        model_names.push_back("without " + t);
    }
    if (compare_without.size() > 1) {
        models.push_back(compare_without);
        std::string n = "without";
        for (auto& t : compare_without)
            n += " " + t;
        model_names.push_back(n);
    }
    const std::size_t na = animals.size(), nm = models.size();
    std::vector<AnimalResult> res(na * nm);
    std::vector<std::shared_ptr<rules::DifferentiableRule>> studs;
    for (auto& m : models)
        studs.push_back(student(m));
    Progress prog("infer animals", res.size(), "fits");
    FitOptions fo = fit;
    fo.threads = res.size() > 1 ? 1 : threads;
    LiveThetaCsv theta_csv(dir, *studs[0]);
    const LogCallback first_fit = theta_csv.callback();
    parallel_for(res.size(), threads, [&](std::size_t i) {
        const std::size_t a = i / nm, m = i % nm;
        res[i] = run_animal(beh, animals[a].name, animals[a].choices, *studs[m], theta0(*studs[m], seed), fit_options(fo, i), seed,
                            samples, cutoff, continue_test, i == 0 ? first_fit : LogCallback{});
        prog.advance();
    });
    prog.done();
    for (std::size_t i = 0; i < res.size(); ++i)
        add_trace(traces, "animal=" + res[i].name + " model=" + model_names[i % nm], *studs[i % nm], res[i].fit);
    rules::TaylorRule t81(true);
    io::CsvWriter ac(dir.file("animals.csv"),
                     {"animal", "model", "status", "n_trials", "n_train_trials", "percent_deviance_train",
                      "percent_deviance_test", "theta_w", "theta_xr", "formula", "seconds"});
    nlohmann::json per_model = nlohmann::json::object();
    for (std::size_t m = 0; m < nm; ++m) {
        std::vector<double> test, thw;
        for (std::size_t a = 0; a < na; ++a) {
            const auto& r = res[a * nm + m];
            double mx = 0;
            for (double v : r.theta_eff)
                mx = std::max(mx, std::fabs(v));
            ac.row({r.name, model_names[m], r.fit.status, static_cast<long long>(r.n_trials),
                    static_cast<long long>(r.n_train_trials), r.pdev_train, r.pdev_test,
                    taylor ? r.theta_eff[t81.index(0, 0, 1, 0)] : std::nan(""),
                    taylor ? r.theta_eff[t81.index(1, 0, 0, 1)] : std::nan(""),
                    studs[m]->formula(r.theta_eff.data(), 0.05 * mx), r.fit.seconds});
            test.push_back(r.pdev_test);
            if (taylor) thw.push_back(r.theta_eff[t81.index(0, 0, 1, 0)]);
        }
        per_model[model_names[m]] = {{"percent_deviance_test_median", jnum(median(test))},
                                     {"theta_w_median", jnum(thw.empty() ? std::nan("") : median(thw))}};
    }
    if (nm > 1) {
        int better = 0;
        for (std::size_t a = 0; a < na; ++a)
            if (res[a * nm].pdev_test >= res[a * nm + 1].pdev_test) ++better;
        summary["animals_where_full_model_is_at_least_as_good"] = better;
    }
    summary["animals"] = na;
    summary["models"] = per_model;
    summary["fitted_rule"] = rule_json(*studs[0], res[0].theta_eff);
    fit_json(summary, res[0].fit);
    expression_report(dir, summary, rule, *studs[0], res[0].theta_eff);
    summary["trajectory_cutoff"] = cutoff;
    summary["test_start"] = continue_test ? "continue" : "fresh";
}

} // namespace plast::infer
