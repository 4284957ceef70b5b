#include "plast/expr/simplify.hpp"

#include "plast/core/error.hpp"
#include "plast/expr/parser.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <vector>

namespace plast::expr {

namespace {

using Mono = std::map<std::string, int>; // atom -> exponent (never 0)

struct Poly {
    std::map<Mono, double> terms;
    bool invalid = false;

    static Poly constant(double c)
    {
        Poly p;
        if (!std::isfinite(c))
            p.invalid = true;
        else if (c != 0.0)
            p.terms[Mono{}] = c;
        return p;
    }
    static Poly atom(const std::string& name, int exponent = 1)
    {
        Poly p;
        p.terms[Mono{{name, exponent}}] = 1.0;
        return p;
    }
    bool is_zero() const { return !invalid && terms.empty(); }
    bool is_constant() const
    {
        return !invalid && (terms.empty() || (terms.size() == 1 && terms.begin()->first.empty()));
    }
    double constant_value() const { return terms.empty() ? 0.0 : terms.begin()->second; }
};

constexpr std::size_t max_terms = 256;

std::string num(double c)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", c);
    return buf;
}

// Drop coefficients that are zero or negligible next to the largest one (rounding residue of
// cancellations such as 0.1 + 0.2 - 0.3).
void clean(Poly& p)
{
    double big = 0.0;
    for (const auto& [m, c] : p.terms)
        big = std::max(big, std::fabs(c));
    for (auto it = p.terms.begin(); it != p.terms.end();) {
        if (it->second == 0.0 || std::fabs(it->second) <= 1e-13 * big)
            it = p.terms.erase(it);
        else
            ++it;
    }
    for (const auto& [m, c] : p.terms)
        if (!std::isfinite(c)) p.invalid = true;
}

Poly add(const Poly& a, const Poly& b, double sign = 1.0)
{
    Poly r;
    r.invalid = a.invalid || b.invalid;
    if (r.invalid) return r;
    r.terms = a.terms;
    for (const auto& [m, c] : b.terms)
        r.terms[m] += sign * c;
    clean(r);
    return r;
}

Poly scale(const Poly& a, double s)
{
    Poly r = a;
    for (auto& [m, c] : r.terms)
        c *= s;
    clean(r);
    return r;
}

Mono mono_mul(const Mono& a, const Mono& b)
{
    Mono r = a;
    for (const auto& [k, e] : b) {
        const int v = (r[k] += e);
        if (v == 0) r.erase(k);
    }
    return r;
}

std::string print(const Poly& p);
Poly opaque(const std::string& name)
{
    return Poly::atom(name);
}

Poly mul(const Poly& a, const Poly& b)
{
    Poly r;
    r.invalid = a.invalid || b.invalid;
    if (r.invalid) return r;
    if (a.terms.size() * b.terms.size() > max_terms) {
        // Too large to expand: keep the product as an opaque atom.
        return opaque("(" + print(a) + ")*(" + print(b) + ")");
    }
    for (const auto& [ma, ca] : a.terms)
        for (const auto& [mb, cb] : b.terms)
            r.terms[mono_mul(ma, mb)] += ca * cb;
    clean(r);
    return r;
}

Poly div(const Poly& a, const Poly& b)
{
    Poly r;
    r.invalid = a.invalid || b.invalid || b.is_zero();
    if (r.invalid) return r;
    if (b.terms.size() == 1) {
        const auto& [mb, cb] = *b.terms.begin();
        Mono inv;
        for (const auto& [k, e] : mb)
            inv[k] = -e;
        Poly q;
        q.terms[inv] = 1.0 / cb;
        return mul(a, q);
    }
    // a / (c * B) with B's first coefficient 1.
    const double c = b.terms.begin()->second;
    const Poly bn = scale(b, 1.0 / c);
    // Exact proportionality a = k * B gives the constant k.
    if (a.terms.size() == bn.terms.size()) {
        const double k = a.terms.begin()->second;
        bool prop = true;
        for (auto ia = a.terms.begin(), ib = bn.terms.begin(); ia != a.terms.end(); ++ia, ++ib)
            prop = prop && ia->first == ib->first &&
                   std::fabs(ia->second - k * ib->second) <= 1e-12 * std::fabs(k * ib->second);
        if (prop) return Poly::constant(k / c);
    }
    return scale(mul(a, Poly::atom("(" + print(bn) + ")", -1)), 1.0 / c);
}

Poly power(const Poly& a, const Poly& b)
{
    Poly r;
    r.invalid = a.invalid || b.invalid;
    if (r.invalid) return r;
    if (b.is_constant()) {
        const double n = b.constant_value();
        if (a.is_constant()) return Poly::constant(std::pow(a.constant_value(), n));
        if (n == std::round(n) && std::fabs(n) <= 6) {
            Poly p = Poly::constant(1.0);
            for (int i = 0; i < static_cast<int>(std::fabs(n)); ++i)
                p = mul(p, a);
            return n >= 0 ? p : div(Poly::constant(1.0), p);
        }
    }
    return opaque("pow(" + print(a) + ", " + print(b) + ")");
}

std::string print_mono(const Mono& m, bool& has_den, std::string& den)
{
    std::string numr;
    den.clear();
    int nden = 0;
    for (const auto& [k, e] : m) {
        std::string f = k + (std::abs(e) > 1 ? "^" + std::to_string(std::abs(e)) : "");
        if (e > 0)
            numr += (numr.empty() ? "" : "*") + f;
        else {
            den += (den.empty() ? "" : "*") + f;
            ++nden;
        }
    }
    has_den = nden > 0;
    if (nden > 1) den = "(" + den + ")";
    return numr;
}

int degree(const Mono& m)
{
    int d = 0;
    for (const auto& [k, e] : m)
        d += std::abs(e);
    return d;
}

std::string print(const Poly& p)
{
    if (p.invalid) return "nan";
    if (p.terms.empty()) return "0";
    std::vector<std::pair<Mono, double>> t(p.terms.begin(), p.terms.end());
    // Highest degree first, constants last; then positive coefficients first; ties in atom order.
    std::stable_sort(t.begin(), t.end(), [](const auto& x, const auto& y) {
        const int dx = degree(x.first), dy = degree(y.first);
        if (dx != dy) return dx > dy;
        return (x.second > 0) > (y.second > 0);
    });
    std::string s;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const auto& [m, c0] = t[i];
        double c = c0;
        if (i > 0) {
            s += c < 0 ? " - " : " + ";
            c = std::fabs(c);
        } else if (c < 0 && !m.empty()) {
            s += "-";
            c = -c;
        }
        bool has_den = false;
        std::string den;
        const std::string numr = print_mono(m, has_den, den);
        std::string term;
        if (numr.empty())
            term = num(c);
        else if (c == 1.0)
            term = numr;
        else
            term = num(c) + "*" + numr;
        if (has_den) term += "/" + den;
        s += term;
    }
    return s;
}

Poly to_poly(const Tape& t, const double* theta)
{
    std::vector<Poly> st;
    for (const Node& n : t.nodes()) {
        switch (n.op) {
        case Op::input:
            st.push_back(Poly::atom(t.input_names()[n.index]));
            break;
        case Op::param:
            st.push_back(theta ? Poly::constant(theta[n.index]) : Poly::atom(t.param_names()[n.index]));
            break;
        case Op::constant:
            st.push_back(Poly::constant(n.value));
            break;
        case Op::neg:
            st.back() = scale(st.back(), -1.0);
            break;
        case Op::exp:
        case Op::log:
        case Op::abs:
        case Op::step: {
            // Functions are opaque atoms named by their canonical argument.
            const bool bad = st.back().invalid;
            st.back() = Poly::atom(std::string(symbol(n.op)) + "(" + print(st.back()) + ")");
            st.back().invalid = bad;
            break;
        }
        case Op::min:
        case Op::max: {
            Poly b = std::move(st.back());
            st.pop_back();
            const bool bad = st.back().invalid || b.invalid;
            st.back() = Poly::atom(std::string(symbol(n.op)) + "(" + print(st.back()) + ", " + print(b) + ")");
            st.back().invalid = bad;
            break;
        }
        default: {
            Poly b = std::move(st.back());
            st.pop_back();
            Poly& a = st.back();
            switch (n.op) {
            case Op::add:
                a = add(a, b);
                break;
            case Op::sub:
                a = add(a, b, -1.0);
                break;
            case Op::mul:
                a = mul(a, b);
                break;
            case Op::div:
                a = div(a, b);
                break;
            default:
                a = power(a, b);
                break;
            }
        }
        }
    }
    if (st.size() != 1) {
        Poly bad;
        bad.invalid = true;
        return bad;
    }
    return st[0];
}

} // namespace

std::string canonical(const Tape& t)
{
    return print(to_poly(t, nullptr));
}

std::string canonical(const Tape& t, const double* theta)
{
    return print(to_poly(t, theta));
}

Tape simplified(const Tape& t)
{
    if (t.n_params() != 0) return t; // parameters print by name; not a CGP phenotype
    const std::string c = canonical(t);
    Tape r(t.input_names());
    if (c == "nan") {
        r.push_constant(std::numeric_limits<double>::quiet_NaN());
    } else {
        try {
            r = parse(c, t.input_names());
        } catch (const Error&) {
            return t;
        }
    }
    r.set_pow_real_part(t.pow_real_part());
    return r;
}

std::string readable(const Tape& t)
{
    std::string c = canonical(t);
    std::string i = t.infix();
    return c.size() <= i.size() ? c : i;
}

} // namespace plast::expr
