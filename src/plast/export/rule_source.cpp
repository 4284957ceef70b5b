#include "plast/export/rule_source.hpp"

#include "plast/core/error.hpp"
#include "plast/expr/parser.hpp"
#include "plast/io/csv_table.hpp"
#include "plast/model/rule_table.hpp"
#include "plast/search/archive.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>

namespace plast::exporter {

namespace {

const char* family_name(model::Rule::Family f)
{
    using F = model::Rule::Family;
    switch (f) {
    case F::six_param: return "six_param";
    case F::pair_stdp: return "pair_stdp";
    case F::vogels_istdp: return "vogels_istdp";
    case F::triplet_stdp: return "triplet_stdp";
    case F::product21: return "product21";
    case F::expression: return "expression";
    case F::mlp_t4: return "mlp_t4";
    }
    return "?";
}

constexpr const char* kTypes[4] = {"EE", "EI", "IE", "II"};
constexpr const char* kSix[6] = {"tau_pre", "tau_post", "alpha", "beta", "gamma", "kappa"};

model::Rule six_param_rule(const std::string& name, const std::array<double, 6>& t, double eta)
{
    model::Rule r;
    r.name = name;
    r.family = model::Rule::Family::six_param;
    r.eta = eta;
    r.six = spiking::SixParamRule::from_array(t);
    if (!(t[0] > 0) || !(t[1] > 0)) usage_error(name + "_tau_pre", "tau_pre and tau_post must be > 0", "(0, inf)");
    return r;
}

std::string identifier(const std::string& s)
{
    std::string o;
    for (char c : s) o += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    if (o.empty() || std::isdigit(static_cast<unsigned char>(o[0]))) o = "r_" + o;
    return o;
}

} // namespace

void cannot_express(const std::string& rule, const std::string& feature, Target target)
{
    throw Error(Error::Kind::usage, "export", "rule '" + rule + "'",
                "uses " + feature + ", which the " + target_name(target) + " export cannot express",
                target == Target::brian2
                    ? "six_param, pair_stdp, vogels_istdp, triplet_stdp, product21, mlp_t4 and expression rules over traces, w, "
                      "parameters, declared states, a continuous term and V, V_trace, C_exc, C_inh"
                    : "six_param, pair_stdp, vogels_istdp, triplet_stdp, product21 and expression rules over traces, w, parameters, "
                      "declared states, a continuous term over these, and V, V_trace, C_exc, C_inh in event terms");
}

ExportRule canonical(const model::Rule& r, const std::string& provenance, Target target)
{
    ExportRule e;
    e.name = identifier(r.name);
    e.family = family_name(r.family);
    e.provenance = provenance;
    e.rule = r;
    e.eta = r.eta;
    using F = model::Rule::Family;
    if (r.family == F::mlp_t4 && target != Target::brian2)
        cannot_express(r.name, "the mlp_t4 family (an MLP over CVAIF neuron traces)", target);
    if (r.family == F::mlp_t4) {
        // x_pre1, x_post1 fast (tau_fast), x_pre2, x_post2 slow (tau_slow), as install_rule sets them.
        const auto& q = *r.mlp_t4;
        e.mlp = q;
        e.tau_pre = e.tau_post = q.tau_fast;
        e.traces = {{"x_pre1", false, q.tau_fast}, {"x_pre2", false, q.tau_slow}, {"x_post1", true, q.tau_fast}, {"x_post2", true, q.tau_slow}};
        e.on_pre_text = "f(W_pre; x_pre2, x_post1, w, V_trace, C_exc, C_inh)";
        e.on_post_text = "f(W_post; x_pre1, x_post2, w, V_trace, C_exc, C_inh)";
        e.reads_post_neuron = true;
        for (int k = 0; k < 5; ++k) {
            e.params["W_pre" + std::to_string(k)] = q.w_pre[static_cast<std::size_t>(k)];
            e.params["W_post" + std::to_string(k)] = q.w_post[static_cast<std::size_t>(k)];
        }
        e.params["s_trace"] = q.scaling.trace;
        e.params["s_w"] = q.scaling.w;
        e.params["s_v"] = q.scaling.v;
        e.params["s_c_exc"] = q.scaling.c_exc;
        e.params["s_c_inh"] = q.scaling.c_inh * q.scaling.c_inh_sign; // the rule reads the reference's C_inh sign
        return e;
    }
    if (r.family == F::product21) {
        // The 21-parameter product rule written out as an expression rule (spiking/product_rule_21.hpp):
        // x_pre1 = x_pre, x_post1 = x_post (tau_fast), x_pre2, x_post2 (tau_slow), the scalings as parameters.
        const auto& q = *r.product21;
        e.tau_pre = e.tau_post = q.tau_fast;
        e.traces = {{"x_pre2", false, q.tau_slow}, {"x_post2", true, q.tau_slow}};
        for (int k = 0; k < 21; ++k) e.params["c" + std::to_string(k)] = q.c[static_cast<std::size_t>(k)];
        e.params["s_trace"] = q.scaling.trace;
        e.params["s_w"] = q.scaling.w;
        e.params["s_v"] = q.scaling.v;
        e.params["s_c"] = q.scaling.c;
        // C_inh as the rule reads it: the reference's sign (c_inh = "reference", the default: -1 times the value a
        // plast-update CVAIF neuron stores) or the stored value. The model script sets s_ci = s_c on projections onto
        // reference-update neurons, which store the reference's sign (brian2_model.cpp).
        e.params["s_ci"] = q.scaling.c * q.scaling.c_inh_sign;
        // Parenthesised as ProductRule21::evaluate computes it: scaled inputs first, c0 * common * traces.
        const std::string common = "(1 + CV*(s_v*V_trace))*(1 + (s_c*C_exc)*(CA + CB*(s_c*C_exc)))*(1 + CI*(s_ci*C_inh))";
        const auto fill = [](std::string t, const std::vector<std::pair<std::string, std::string>>& subs) {
            for (const auto& [from, to] : subs)
                for (auto p = t.find(from); p != std::string::npos; p = t.find(from, p + to.size())) t.replace(p, from.size(), to);
            return t;
        };
        e.on_pre_text = fill("c0*((1 + c1 + (s_w*w)*(c2 + c3*(s_w*w)))*" + common + ")*((1 + c8*(s_trace*x_pre2))*(1 + c9*(s_trace*x_post)))",
                             {{"CV", "c4"}, {"CA", "c5"}, {"CB", "c6"}, {"CI", "c7"}});
        e.on_post_text = fill("c10*((1 + c11 + (s_w*w)*" + std::string(q.legacy_typo ? "(c12*c13*(s_w*w))" : "(c12 + c13*(s_w*w))") + ")*" +
                                  common + ")*((1 + c18*(s_trace*x_pre))*(1 + (s_trace*x_post2)*(c19 + c20*(s_trace*x_post2)*(s_trace*x_post2))))",
                              {{"CV", "c14"}, {"CA", "c15"}, {"CB", "c16"}, {"CI", "c17"}});
    } else if (r.family == F::six_param || r.family == F::pair_stdp || r.family == F::vogels_istdp) {
        e.tau_pre = r.six.tau_pre;
        e.tau_post = r.six.tau_post;
        e.params = {{"alpha", r.six.alpha}, {"beta", r.six.beta}, {"gamma", r.six.gamma}, {"kappa", r.six.kappa}};
        e.on_pre_text = "alpha + kappa*x_post";
        e.on_post_text = "beta + gamma*x_pre";
    } else {
        e.tau_pre = r.tau_pre;
        e.tau_post = r.tau_post;
        e.traces = r.traces;
        e.params = r.params;
        e.on_pre_text = r.on_pre;
        e.on_post_text = r.on_post;
    }
    model::Rule probe = r;
    probe.traces = e.traces;
    const auto vars = model::expression_variables(probe);
    std::vector<std::string> pn;
    for (const auto& [k, v] : e.params) pn.push_back(k);
    e.on_pre = expr::parse(e.on_pre_text, vars, pn);
    e.on_post = expr::parse(e.on_post_text, vars, pn);
    // What a post state's target reads: x_post, the post traces and the post states.
    std::vector<std::string> target_vars{"x_post"};
    for (const auto& t : e.traces)
        if (t.post) target_vars.push_back(t.name);
    for (const auto& st : r.states) target_vars.push_back(st.name);
    for (const auto& st : r.states)
        e.states.push_back({st.name, st.follows, expr::parse(st.follows, target_vars, pn), st.tau, st.init});
    std::vector<const expr::Tape*> event_tapes{&e.on_pre, &e.on_post};
    for (const auto& st : r.synapse_states)
        e.synapse_states.push_back({st.name, st.on_pre, st.on_post, expr::parse(st.on_pre, vars, pn), expr::parse(st.on_post, vars, pn), st.tau, st.init});
    for (const auto& st : e.synapse_states) event_tapes.push_back(&st.on_pre), event_tapes.push_back(&st.on_post);
    if (!r.continuous.empty()) {
        e.continuous_text = r.continuous;
        e.continuous = expr::parse(r.continuous, vars, pn);
        event_tapes.push_back(&e.continuous);
    }
    for (const auto* t : event_tapes) {
        const auto uses = t->uses_inputs();
        for (std::size_t k = 0; k < vars.size(); ++k)
            if (uses[k] && (vars[k] == "V" || vars[k] == "V_trace" || vars[k] == "C_exc" || vars[k] == "C_inh")) {
                e.reads_post_neuron = true;
                // NEST updates a synapse at its events only; the neuron's values at the steps in between are gone.
                if (target == Target::nestml && t == &e.continuous)
                    cannot_express(r.name, "the postsynaptic neuron variable '" + vars[k] + "' in a continuous weight term (a NEST synapse is updated at its events only)", target);
            }
    }
    return e;
}

ExportRule rule_from_model(const model::Model& m, const std::string& name, const std::string& file, Target target)
{
    const auto it = m.rules.find(name);
    if (it == m.rules.end()) {
        std::string allowed;
        for (const auto& [k, v] : m.rules) allowed += (allowed.empty() ? "" : ", ") + k;
        usage_error("--rule " + name, "no [rule." + name + "] table in " + file, allowed.empty() ? "(the model has no rules)" : allowed);
    }
    return canonical(it->second, file + " [rule." + name + "]", target);
}

std::vector<ExportRule> rules_from_csv(const std::string& path, std::size_t row, double eta, Target target)
{
    const auto t = io::CsvTable::read(path);
    if (row >= t.rows())
        usage_error("--row " + std::to_string(row), path + " has " + std::to_string(t.rows()) + " data rows",
                    "0 .. " + std::to_string(t.rows() == 0 ? 0 : t.rows() - 1));
    std::string prov = path + " row " + std::to_string(row);
    for (const char* extra : {"round", "idx", "source", "seed"}) {
        const auto c = std::find(t.header.begin(), t.header.end(), extra);
        if (c != t.header.end()) prov += std::string(", ") + extra + " " + t.cells[row][static_cast<std::size_t>(c - t.header.begin())];
    }
    std::vector<ExportRule> out;
    for (const char* ty : kTypes) {
        std::array<double, 6> th{};
        for (int k = 0; k < 6; ++k) th[static_cast<std::size_t>(k)] = t.number(row, t.column(std::string(ty) + "_" + kSix[k]));
        out.push_back(canonical(six_param_rule(ty, th, eta), prov + " (" + ty + ")", target));
    }
    return out;
}

std::vector<ExportRule> rules_from_archive(const std::string& path, int round, long long idx, double eta, Target target)
{
    if (!std::filesystem::exists(path)) usage_error(path, "no such archive", "an archive.sqlite written by plast screen");
    const auto a = search::Archive::open_read_only(path);
    const auto rows = a.select("round = " + std::to_string(round) + " AND idx = " + std::to_string(idx), 1);
    if (rows.empty())
        usage_error("--idx " + std::to_string(idx), "no row (round " + std::to_string(round) + ", idx " + std::to_string(idx) + ") in " + path,
                    std::to_string(a.count()) + " rows; list them with sqlite3 " + path + " 'select round, idx from candidates'");
    const auto& names = a.param_names();
    const auto& r = rows.front();
    const std::string prov = path + " round " + std::to_string(round) + " idx " + std::to_string(idx) + ", seed " +
                             std::to_string(r.seed) + ", source " + r.source + (r.verdict.empty() ? "" : ", " + r.verdict);
    std::vector<ExportRule> out;
    for (const char* ty : kTypes) {
        std::array<double, 6> th{};
        for (int k = 0; k < 6; ++k) {
            const std::string key = std::string(ty) + "_" + kSix[k];
            const auto it = std::find(names.begin(), names.end(), key);
            if (it == names.end()) usage_error(path, "the archive has no parameter " + key + " (not an fSBI quadruplet screen)", "an archive of plast screen with task = \"fsbi\"");
            th[static_cast<std::size_t>(k)] = r.params[static_cast<std::size_t>(it - names.begin())];
        }
        out.push_back(canonical(six_param_rule(ty, th, eta), prov + " (" + ty + ")", target));
    }
    return out;
}

ExportRule rule_from_expressions(const std::string& text, double tau_pre, double tau_post, double eta, Target target)
{
    const auto semi = text.find(';');
    if (semi == std::string::npos || text.find(';', semi + 1) != std::string::npos)
        usage_error("--expression", "'" + text + "' is not two expressions", "\"ON_PRE; ON_POST\" over x_pre, x_post, w");
    model::Rule r;
    r.name = "rule";
    r.family = model::Rule::Family::expression;
    r.eta = eta;
    r.tau_pre = tau_pre;
    r.tau_post = tau_post;
    r.on_pre = text.substr(0, semi);
    r.on_post = text.substr(semi + 1);
    const std::vector<std::string> vars{"x_pre", "x_post", "w"};
    for (const auto* s : {&r.on_pre, &r.on_post}) {
        try {
            (void)expr::parse(*s, vars, {});
        } catch (const Error& e) {
            usage_error("--expression", e.problem(), "expressions with + - * / ^, exp log abs step min max clip pow over x_pre, x_post, w");
        }
    }
    return canonical(r, "expression \"" + text + "\"", target);
}

} // namespace plast::exporter
