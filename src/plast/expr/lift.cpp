#include "plast/expr/lift.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace plast::expr {

namespace {

// Copy of t's layout (inputs, parameters, power semantics) without nodes.
Tape empty_like(const Tape& t, std::vector<std::string> params)
{
    Tape r(t.input_names(), std::move(params));
    r.set_pow_real_part(t.pow_real_part());
    return r;
}

void push_node(Tape& r, const Node& n)
{
    switch (n.op) {
    case Op::input: r.push_input(n.index); break;
    case Op::param: r.push_param(n.index); break;
    case Op::constant: r.push_constant(n.value); break;
    default: r.push_op(n.op);
    }
}

// For every node: is it the exponent operand of a power?
std::vector<char> exponent_nodes(const Tape& t)
{
    const auto& nodes = t.nodes();
    std::vector<char> is_exp(nodes.size(), 0);
    std::vector<std::size_t> st;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const int a = arity(nodes[i].op);
        if (a == 2 && nodes[i].op == Op::pow) is_exp[st.back()] = 1;
        for (int k = 0; k < a; ++k)
            st.pop_back();
        st.push_back(i);
    }
    return is_exp;
}

} // namespace

Tape fold_negated_constants(const Tape& t)
{
    std::vector<Node> out;
    for (const Node& n : t.nodes()) {
        if (n.op == Op::neg && !out.empty() && out.back().op == Op::constant)
            out.back().value = -out.back().value;
        else
            out.push_back(n);
    }
    Tape r = empty_like(t, t.param_names());
    for (const Node& n : out)
        push_node(r, n);
    return r;
}

LiftedTape lift_constants(const Tape& t0, bool keep_integer_exponents)
{
    const Tape t = fold_negated_constants(t0);
    const auto is_exp = exponent_nodes(t);
    std::vector<std::string> names = t.param_names();
    std::vector<std::size_t> index(t.size(), 0);
    std::vector<char> lifted(t.size(), 0);
    LiftedTape out;
    int next = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const Node& n = t.nodes()[i];
        if (n.op != Op::constant) continue;
        if (keep_integer_exponents && is_exp[i] && n.value == std::floor(n.value)) continue;
        std::string name;
        do
            name = "c" + std::to_string(next++);
        while (std::find(names.begin(), names.end(), name) != names.end());
        index[i] = names.size();
        lifted[i] = 1;
        names.push_back(name);
        out.values.push_back(n.value);
    }
    out.tape = empty_like(t, names);
    for (std::size_t i = 0; i < t.size(); ++i) {
        const Node& n = t.nodes()[i];
        if (lifted[i])
            out.tape.push_param(index[i]);
        else
            push_node(out.tape, n);
    }
    return out;
}

std::optional<std::vector<double>> match_parameters(const Tape& form0, const Tape& truth0)
{
    const Tape form = fold_negated_constants(form0), truth = fold_negated_constants(truth0);
    if (form.size() != truth.size() || form.n_inputs() != truth.n_inputs()) return std::nullopt;
    std::vector<double> theta(form.n_params(), std::nan(""));
    std::vector<char> seen(form.n_params(), 0);
    for (std::size_t i = 0; i < form.size(); ++i) {
        const Node& a = form.nodes()[i];
        const Node& b = truth.nodes()[i];
        if (a.op == Op::param) {
            if (b.op != Op::constant) return std::nullopt;
            if (seen[a.index] && theta[a.index] != b.value) return std::nullopt;
            seen[a.index] = 1;
            theta[a.index] = b.value;
            continue;
        }
        if (a.op != b.op) return std::nullopt;
        if (a.op == Op::input && a.index != b.index) return std::nullopt;
        if (a.op == Op::constant && a.value != b.value) return std::nullopt;
    }
    return theta;
}

} // namespace plast::expr
