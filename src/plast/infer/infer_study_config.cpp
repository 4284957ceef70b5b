// InferStudy::from_config: the [model], [data], [task], [rule], [loss], [fit], [sweep] and [eval] sections
// of a `plast infer` configuration, each read and checked by its own reader (docs/inference.md lists every key).
#include "plast/infer/infer_study.hpp"

#include "plast/core/error.hpp"
#include "plast/core/memory_budget.hpp"
#include "plast/expr/lift.hpp"
#include "plast/expr/parser.hpp"
#include "plast/infer/fly_data.hpp"
#include "plast/io/config.hpp"
#include "plast/rules/rule_string.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

namespace plast::infer {

namespace {

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

// [model]: the network of the study (kind = oja | behaviour).
void read_model(const Section& m, InferStudy& st)
{
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
}

// [data]: the data set (source; trajectories, or the animals' files / generated animals). Takes [model]:
// the Oja memory check names model.n_in.
void read_data(Config& cfg, const Section& m, InferStudy& st)
{
    const bool oja = st.kind == "oja";
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
            st.files = d.files("files", {}); // found relative to the configuration's folder, else the working directory
            if (st.files.empty()) d.fail("files", "no data files given", "list of .mat or .csv files, one per animal");
            for (const auto& f : st.files) {
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
}

// [task]: the two-odor task (behaviour; recorded animals have only the input keys).
void read_task(Config& cfg, InferStudy& st)
{
    const bool oja = st.kind == "oja";
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
}

// [rule]: the rule family, its ground truth and start point.
void read_rule(Config& cfg, InferStudy& st)
{
    const bool oja = st.kind == "oja";
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
}

// [loss]: what the loss fits (behaviour, neural activity).
void read_loss(Config& cfg, InferStudy& st)
{
    const bool oja = st.kind == "oja";
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
}

// [fit]: the optimiser.
void read_fit(Config& cfg, InferStudy& st)
{
    const bool oja = st.kind == "oja";
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
}

// [sweep]: seeds, the Oja grid, the ground truths to recover, the models to compare.
void read_sweep(Config& cfg, InferStudy& st)
{
    const bool oja = st.kind == "oja";
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
}

// [eval]: aggregation over evaluation trajectories, Oja identifiability analysis.
void read_eval(Config& cfg, InferStudy& st)
{
    const bool oja = st.kind == "oja";
    const Section ev = cfg.section("eval");
    st.aggregate = ev.string("aggregate", "median", {"median", "mean"});
    if (oja)
        st.oja.sensitivity_trajectories = static_cast<int>(ev.integer("sensitivity_trajectories", 5, 0, 100000));
}

} // namespace

InferStudy InferStudy::from_config(Config& cfg, std::uint64_t seed)
{
    InferStudy st;
    st.seed = seed;
    // Later sections depend on earlier ones (kind, source, rule family); the order is also the order in which
    // the keys are checked, so an input with several errors reports the same one first.
    const Section m = cfg.section("model");
    read_model(m, st);
    read_data(cfg, m, st);
    read_task(cfg, st);
    read_rule(cfg, st);
    read_loss(cfg, st);
    read_fit(cfg, st);
    read_sweep(cfg, st);
    read_eval(cfg, st);
    // Validate data files before the run directory exists (bad input is a config error naming the file).
    if (st.source == "files")
        for (const auto& file : st.files)
            read_animal(file);
    return st;
}

} // namespace plast::infer
