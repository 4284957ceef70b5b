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
    static const std::vector<std::string> f{"six_param", "pair_stdp", "vogels_istdp", "triplet_stdp", "product21", "expression"};
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

// Engine slot of a variable of rule r.
std::string slot_of(const Rule& r, const std::string& v)
{
    int pre = 0, post = 0;
    for (const auto& t : r.traces) {
        const int k = t.post ? ++post : ++pre;
        if (t.name == v) return std::string(t.post ? "x_post" : "x_pre") + std::to_string(k);
    }
    if (r.state && r.state->name == v) return "s_post";
    return v;
}

// The state variable's target: an expression over x_post and the declared post traces, with the
// rule's parameters bound to their values.
rules::RuleFamilyPtr compile_target(const Rule& r)
{
    std::vector<std::string> inputs{"x_post"}, slots{"x_post"};
    for (const auto& t : r.traces)
        if (t.post) inputs.push_back(t.name), slots.push_back(slot_of(r, t.name));
    std::vector<std::string> pn;
    std::vector<double> pv;
    for (const auto& [k, v] : r.params) pn.push_back(k), pv.push_back(v);
    const auto tape = expr::bind_params(expr::parse(r.state->follows, inputs, pn), pv.data());
    return std::make_shared<Renamed>(std::make_shared<expr::ExprRule>(tape), slots);
}

std::vector<std::string> param_names(const Rule& r)
{
    std::vector<std::string> p;
    for (const auto& [k, v] : r.params) p.push_back(k);
    return p;
}

// Parses an expression over the variables it uses only (so a rule that never reads V does not
// require a CVAIF postsynaptic group), renamed to the engine's slots.
rules::RuleFamilyPtr compile(const Rule& r, const std::string& text)
{
    const auto all = expression_variables(r);
    const auto probe = expr::ExprRule::parse(text, all, param_names(r));
    const auto uses = probe->tape().uses_inputs();
    std::vector<std::string> used, slots;
    for (std::size_t k = 0; k < all.size(); ++k)
        if (uses[k]) used.push_back(all[k]), slots.push_back(slot_of(r, all[k]));
    return std::make_shared<Renamed>(expr::ExprRule::parse(text, used, param_names(r)), slots);
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
    if (r.state) v.push_back(r.state->name);
    for (const char* n : {"V", "V_trace", "C_exc", "C_inh"}) v.emplace_back(n);
    return v;
}

bool reads_post_neuron(const Rule& r)
{
    if (r.family == Rule::Family::product21) return true;
    if (r.family != Rule::Family::expression && r.family != Rule::Family::triplet_stdp) return false;
    for (const auto* t : {&r.on_pre, &r.on_post})
        for (const auto& v : compile(r, *t)->inputs())
            if (v == "V" || v == "V_trace" || v == "C_exc" || v == "C_inh") return true;
    return false;
}

Rule read_rule(const Section& s, const std::string& name)
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
        int npre = 0, npost = 0;
        for (const auto& tn : tr.keys()) {
            const Section t = tr.sub(tn);
            if (!tr.is_table(tn)) tr.fail(tn, "a trace is a table", "NAME = {side = \"pre\" | \"post\", tau = seconds}");
            Rule::TraceDecl d{tn, t.string("side", std::vector<std::string>{"pre", "post"}) == "post", t.number("tau", pos)};
            const auto builtin = expression_variables(Rule{});
            if (std::find(builtin.begin(), builtin.end(), tn) != builtin.end())
                tr.fail(tn, "'" + tn + "' is a built-in variable", "another name");
            if ((d.post ? ++npost : ++npre) > 2) tr.fail(tn, "at most two declared traces per side", "<= 2 with side = \"" + std::string(d.post ? "post" : "pre") + "\"");
            r.traces.push_back(d);
        }
        const Section st = s.sub("state");
        const auto sk = st.keys();
        if (sk.size() > 1) st.fail(sk[1], "one state variable per rule", "a single NAME = {tau, follows, init}");
        for (const auto& sn : sk) {
            const Section v = st.sub(sn);
            const auto builtin = expression_variables(Rule{});
            bool clash = std::find(builtin.begin(), builtin.end(), sn) != builtin.end();
            for (const auto& t : r.traces) clash |= t.name == sn;
            if (clash) st.fail(sn, "'" + sn + "' is already a variable", "another name");
            Rule::StateDecl d;
            d.name = sn;
            d.tau = v.number("tau", pos);
            d.init = v.number("init", 0.0);
            d.follows = v.string("follows");
            r.state = d;
        }
        const Section ps = s.sub("params");
        for (const auto& pn : ps.keys()) r.params[pn] = ps.number(pn);
        r.on_pre = s.string("on_pre", "0");
        r.on_post = s.string("on_post", "0");
    }
    if (r.state) {
        try {
            compile_target(r);
        } catch (const Error& e) {
            std::string allowed = "x_post";
            for (const auto& t : r.traces)
                if (t.post) allowed += ", " + t.name;
            for (const auto& p : r.params) allowed += ", " + p.first;
            s.sub("state").sub(r.state->name).fail("follows", e.problem(), "an expression over " + allowed);
        }
    }
    if (r.family == Rule::Family::expression || r.family == Rule::Family::triplet_stdp) {
        std::string vars;
        for (const auto& v : expression_variables(r)) vars += (vars.empty() ? "" : ", ") + v;
        for (const auto& p : r.params) vars += ", " + p.first;
        for (const char* key : {"on_pre", "on_post"}) {
            try {
                compile(r, key == std::string("on_pre") ? r.on_pre : r.on_post);
            } catch (const Error& e) {
                s.fail(key, e.problem(), "an expression with + - * / ^, exp log abs step min max clip pow, numbers and the variables " + vars);
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
        p.set_event_rules(q.pre(), q.theta_pre(), q.post(), q.theta_post(), q.tau_fast, q.tau_fast, r.eta, w_max, dt,
                          spiking::EventTraceTaus{q.tau_fast, q.tau_slow});
        break;
    }
    case Rule::Family::triplet_stdp:
    case Rule::Family::expression: {
        spiking::EventTraceTaus taus;
        int npre = 0, npost = 0;
        for (const auto& t : r.traces) {
            const int k = t.post ? ++npost : ++npre;
            double& slot = t.post ? (k == 1 ? taus.post_fast : taus.post_slow) : (k == 1 ? taus.fast : taus.slow);
            slot = t.tau;
        }
        const auto th = param_values(r);
        p.set_event_rules(compile(r, r.on_pre), th, compile(r, r.on_post), th, r.tau_pre, r.tau_post, r.eta, w_max, dt, taus);
        if (r.state) p.set_post_state(compile_target(r), r.state->tau, r.state->init, dt);
        break;
    }
    }
}

} // namespace plast::model
