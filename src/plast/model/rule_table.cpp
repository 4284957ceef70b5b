#include "plast/model/rule_table.hpp"

#include "plast/core/error.hpp"
#include "plast/expr/expr_rule.hpp"
#include "plast/expr/parser.hpp"
#include "plast/io/config.hpp"
#include "plast/rules/rule_family.hpp"

#include <algorithm>

namespace plast::model {

namespace {

const std::vector<std::string>& families()
{
    static const std::vector<std::string> f{"six_param", "pair_stdp", "vogels_istdp", "triplet_stdp", "product21", "expression", "mlp_t4"};
    return f;
}

// A rule family whose variables are renamed: user trace names -> the engine's trace slots.
class Renamed : public rules::RuleFamily {
public:
    Renamed(rules::RuleFamilyPtr inner, std::vector<std::string> names) : inner_(std::move(inner)), names_(std::move(names)) {}
    std::string name() const override { return inner_->name(); }
    std::vector<std::string> inputs() const override { return names_; }
    std::vector<std::string> param_names() const override { return inner_->param_names(); }
    void evaluate(const double* const* in, std::size_t n, const double* theta, double* out) const override
    {
        inner_->evaluate(in, n, theta, out);
    }
    std::string formula(const double* theta, double tol) const override { return inner_->formula(theta, tol); }

private:
    rules::RuleFamilyPtr inner_;
    std::vector<std::string> names_;
};

// Engine slot of a variable of rule r: declared traces x_pre1.. / x_post1.. (per side, in order),
// post states s_post1.., synapse states s_syn1...
std::string slot_of(const Rule& r, const std::string& v)
{
    int pre = 0, post = 0;
    for (const auto& t : r.traces) {
        const int k = t.post ? ++post : ++pre;
        if (t.name == v) return std::string(t.post ? "x_post" : "x_pre") + std::to_string(k);
    }
    for (std::size_t k = 0; k < r.states.size(); ++k)
        if (r.states[k].name == v) return "s_post" + std::to_string(k + 1);
    for (std::size_t k = 0; k < r.synapse_states.size(); ++k)
        if (r.synapse_states[k].name == v) return "s_syn" + std::to_string(k + 1);
    return v;
}

std::vector<std::string> param_names(const Rule& r)
{
    std::vector<std::string> p;
    for (const auto& [k, v] : r.params) p.push_back(k);
    return p;
}

// Parses an expression over those of `all` it uses only (so a rule that never reads V does not
// require a CVAIF postsynaptic group), renamed to the engine's slots; parameters by name.
rules::RuleFamilyPtr compile_over(const Rule& r, const std::string& text, const std::vector<std::string>& all)
{
    const auto probe = expr::ExprRule::parse(text, all, param_names(r));
    const auto uses = probe->tape().uses_inputs();
    std::vector<std::string> used, slots;
    for (std::size_t k = 0; k < all.size(); ++k)
        if (uses[k]) used.push_back(all[k]), slots.push_back(slot_of(r, all[k]));
    return std::make_shared<Renamed>(expr::ExprRule::parse(text, used, param_names(r)), slots);
}

rules::RuleFamilyPtr compile(const Rule& r, const std::string& text) { return compile_over(r, text, expression_variables(r)); }

// What a post state's target may read: x_post, the declared post traces and the post states.
std::vector<std::string> target_variables(const Rule& r)
{
    std::vector<std::string> v{"x_post"};
    for (const auto& t : r.traces)
        if (t.post) v.push_back(t.name);
    for (const auto& st : r.states) v.push_back(st.name);
    return v;
}

std::vector<double> param_values(const Rule& r)
{
    std::vector<double> v;
    for (const auto& [k, x] : r.params) v.push_back(x);
    return v;
}

} // namespace

std::vector<std::string> expression_variables(const Rule& r)
{
    std::vector<std::string> v{"x_pre", "x_post", "w"};
    for (const auto& t : r.traces) v.push_back(t.name);
    for (const auto& st : r.states) v.push_back(st.name);
    for (const auto& st : r.synapse_states) v.push_back(st.name);
    for (const char* n : {"V", "V_trace", "C_exc", "C_inh"}) v.emplace_back(n);
    return v;
}

bool reads_post_neuron(const Rule& r)
{
    if (r.family == Rule::Family::product21 || r.family == Rule::Family::mlp_t4) return true;
    if (r.family != Rule::Family::expression && r.family != Rule::Family::triplet_stdp) return false;
    std::vector<const std::string*> texts{&r.on_pre, &r.on_post};
    if (!r.continuous.empty()) texts.push_back(&r.continuous);
    for (const auto& st : r.synapse_states) texts.push_back(&st.on_pre), texts.push_back(&st.on_post);
    for (const auto* t : texts)
        for (const auto& v : compile(r, *t)->inputs())
            if (v == "V" || v == "V_trace" || v == "C_exc" || v == "C_inh") return true;
    return false;
}

Rule read_rule(const Section& s, const std::string& name, const std::string& base_dir)
{
    Rule r;
    r.name = name;
    r.where = s.where("family");
    const std::string fam = s.string("family", families());
    const Range pos = Range::positive();
    r.eta = s.number("eta", 1.0, Range::nonneg());
    if (fam == "six_param") {
        r.family = Rule::Family::six_param;
        if (s.has("theta")) {
            const auto t = s.numbers("theta", {}, Range::any(), 6, 6);
            r.six = spiking::SixParamRule::from_array({t[0], t[1], t[2], t[3], t[4], t[5]});
            if (!(r.six.tau_pre > 0) || !(r.six.tau_post > 0)) s.fail("theta", "tau_pre and tau_post (theta[0], theta[1]) must be > 0", "(0, inf)");
        } else {
            r.six.tau_pre = s.number("tau_pre", 0.02, pos);
            r.six.tau_post = s.number("tau_post", 0.02, pos);
            r.six.alpha = s.number("alpha", 0.0);
            r.six.beta = s.number("beta", 0.0);
            r.six.gamma = s.number("gamma", 0.0);
            r.six.kappa = s.number("kappa", 0.0);
        }
    } else if (fam == "pair_stdp") {
        r.family = Rule::Family::pair_stdp;
        r.six = spiking::SixParamRule::pair_stdp(s.number("a_plus", 1.0), s.number("a_minus", 1.0), s.number("tau_plus", 0.0168, pos),
                                                 s.number("tau_minus", 0.0337, pos));
    } else if (fam == "vogels_istdp") {
        r.family = Rule::Family::vogels_istdp;
        r.six = spiking::SixParamRule::vogels_istdp(s.number("target_rate", pos), s.number("tau", 0.02, pos));
    } else if (fam == "product21") {
        r.family = Rule::Family::product21;
        r.product21 = spiking::Product21Config::from_config(s);
    } else if (fam == "mlp_t4") {
        r.family = Rule::Family::mlp_t4;
        r.mlp_t4 = spiking::MlpT4Config::from_config(s, base_dir);
    } else if (fam == "triplet_stdp") {
        r.family = Rule::Family::triplet_stdp;
        // Pfister & Gerstner 2006, Table 4, visual cortex, all-to-all (full model).
        r.params["a2_plus"] = s.number("a2_plus", 5e-10, Range::nonneg());
        r.params["a3_plus"] = s.number("a3_plus", 6.2e-3, Range::nonneg());
        r.params["a2_minus"] = s.number("a2_minus", 7e-3, Range::nonneg());
        r.params["a3_minus"] = s.number("a3_minus", 2.3e-4, Range::nonneg());
        r.tau_pre = s.number("tau_plus", 0.0168, pos);
        r.tau_post = s.number("tau_minus", 0.0337, pos);
        r.traces = {{"r2", false, s.number("tau_x", 0.101, pos)}, {"o2", true, s.number("tau_y", 0.125, pos)}};
        r.on_pre = "-x_post*(a2_minus + a3_minus*r2)";
        r.on_post = "x_pre*(a2_plus + a3_plus*o2)";
    } else {
        r.family = Rule::Family::expression;
        r.tau_pre = s.number("tau_pre", 0.02, pos);
        r.tau_post = s.number("tau_post", 0.02, pos);
        const Section tr = s.sub("traces");
        const auto builtin = expression_variables(Rule{});
        std::vector<std::string> taken(builtin.begin(), builtin.end());
        // A declared name must be new: not a built-in variable, a trace or a state already declared.
        auto claim = [&](const Section& sec, const std::string& n) {
            if (std::find(taken.begin(), taken.end(), n) != taken.end())
                sec.fail(n, "'" + n + "' is already a variable", "another name");
            taken.push_back(n);
        };
        for (const auto& tn : tr.keys()) {
            if (!tr.is_table(tn)) tr.fail(tn, "a trace is a table", "NAME = {side = \"pre\" | \"post\", tau = seconds}");
            const Section t = tr.sub(tn);
            claim(tr, tn);
            r.traces.push_back({tn, t.string("side", std::vector<std::string>{"pre", "post"}) == "post", t.number("tau", pos)});
        }
        const Section st = s.sub("state");
        for (const auto& sn : st.keys()) {
            if (!st.is_table(sn)) st.fail(sn, "a state variable is a table", "NAME = {tau = seconds, follows = \"expression\", init = value}");
            const Section v = st.sub(sn);
            claim(st, sn);
            Rule::StateDecl d;
            d.name = sn;
            d.tau = v.number("tau", pos);
            d.init = v.number("init", 0.0);
            d.follows = v.string("follows");
            r.states.push_back(d);
        }
        const Section ss = s.sub("synapse_state");
        for (const auto& sn : ss.keys()) {
            if (!ss.is_table(sn))
                ss.fail(sn, "a synapse state is a table", "NAME = {on_pre = \"expression\", on_post = \"expression\", tau = seconds, init = value}");
            const Section v = ss.sub(sn);
            claim(ss, sn);
            Rule::SynapseStateDecl d;
            d.name = sn;
            d.on_pre = v.string("on_pre", "0");
            d.on_post = v.string("on_post", "0");
            d.tau = v.number("tau", 0.0, Range::nonneg());
            d.init = v.number("init", 0.0);
            r.synapse_states.push_back(d);
        }
        const Section ps = s.sub("params");
        for (const auto& pn : ps.keys()) r.params[pn] = ps.number(pn);
        r.on_pre = s.string("on_pre", "0");
        r.on_post = s.string("on_post", "0");
        r.continuous = s.string("continuous", "");
    }
    for (const auto& d : r.states) {
        try {
            compile_over(r, d.follows, target_variables(r));
        } catch (const Error& e) {
            std::string allowed;
            for (const auto& v : target_variables(r)) allowed += (allowed.empty() ? "" : ", ") + v;
            for (const auto& p : r.params) allowed += ", " + p.first;
            s.sub("state").sub(d.name).fail("follows", e.problem(), "an expression over " + allowed);
        }
    }
    if (r.family == Rule::Family::expression || r.family == Rule::Family::triplet_stdp) {
        std::string vars;
        for (const auto& v : expression_variables(r)) vars += (vars.empty() ? "" : ", ") + v;
        for (const auto& p : r.params) vars += ", " + p.first;
        const std::string allowed = "an expression with + - * / ^, exp log abs step min max clip pow, numbers and the variables " + vars;
        for (const char* key : {"on_pre", "on_post"}) {
            try {
                compile(r, key == std::string("on_pre") ? r.on_pre : r.on_post);
            } catch (const Error& e) {
                s.fail(key, e.problem(), allowed);
            }
        }
        if (!r.continuous.empty()) {
            try {
                compile(r, r.continuous);
            } catch (const Error& e) {
                s.fail("continuous", e.problem(), allowed);
            }
        }
        for (const auto& d : r.synapse_states)
            for (const char* key : {"on_pre", "on_post"}) {
                try {
                    compile(r, key == std::string("on_pre") ? d.on_pre : d.on_post);
                } catch (const Error& e) {
                    s.sub("synapse_state").sub(d.name).fail(key, e.problem(), allowed);
                }
            }
    }
    return r;
}

void install_rule(const Rule& r, spiking::Projection& p, double w_max, double dt)
{
    switch (r.family) {
    case Rule::Family::six_param:
    case Rule::Family::pair_stdp:
    case Rule::Family::vogels_istdp: p.set_plasticity(r.six, r.eta, w_max, dt); break;
    case Rule::Family::product21: {
        const auto& q = *r.product21;
        spiking::EventTraceTaus taus;
        taus.fast = q.tau_fast;
        taus.slow = q.tau_slow;
        p.set_event_rules(q.pre(), q.theta_pre(), q.post(), q.theta_post(), q.tau_fast, q.tau_fast, r.eta, w_max, dt, taus);
        break;
    }
    case Rule::Family::mlp_t4: {
        // x_pre1 / x_post1 fast, x_pre2 / x_post2 slow; the plain x_pre / x_post are not read.
        const auto& q = *r.mlp_t4;
        spiking::EventTraceTaus taus;
        taus.listed = true;
        taus.pre = taus.post = {q.tau_fast, q.tau_slow};
        p.set_event_rules(q.pre(), {q.w_pre.begin(), q.w_pre.end()}, q.post(), {q.w_post.begin(), q.w_post.end()}, q.tau_fast,
                          q.tau_fast, r.eta, w_max, dt, taus);
        break;
    }
    case Rule::Family::triplet_stdp:
    case Rule::Family::expression: {
        spiking::EventTraceTaus taus;
        taus.listed = true;
        for (const auto& t : r.traces) (t.post ? taus.post : taus.pre).push_back(t.tau);
        const auto th = param_values(r);
        spiking::EventRuleState state;
        state.theta = th;
        for (const auto& d : r.states) state.post.push_back({compile_over(r, d.follows, target_variables(r)), d.tau, d.init});
        for (const auto& d : r.synapse_states) {
            // "0" is no jump: the event costs nothing for this state.
            auto f = [&](const std::string& e) { return e == "0" ? nullptr : compile(r, e); };
            state.synapse.push_back({f(d.on_pre), f(d.on_post), d.tau, d.init});
        }
        if (!r.continuous.empty()) state.continuous = compile(r, r.continuous);
        p.set_event_rules(compile(r, r.on_pre), th, compile(r, r.on_post), th, r.tau_pre, r.tau_post, r.eta, w_max, dt, taus,
                          std::move(state));
        break;
    }
    }
}

} // namespace plast::model
