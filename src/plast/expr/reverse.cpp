#include "plast/expr/reverse.hpp"

#include "plast/core/error.hpp"
#include "plast/expr/simd_dispatch.hpp"

#include <algorithm>
#include <cmath>

namespace plast::expr {

ReverseTape::ReverseTape(Tape tape) : tape_(std::move(tape))
{
    if (!tape_.complete()) runtime_error("expr::ReverseTape", "incomplete expression tape");
    const auto& nodes = tape_.nodes();
    lhs_.assign(nodes.size(), 0);
    rhs_.assign(nodes.size(), 0);
    active_.assign(nodes.size(), 0);
    std::vector<std::uint32_t> st; // node index of each stack entry
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const Op op = nodes[i].op;
        const auto idx = static_cast<std::uint32_t>(i);
        switch (arity(op)) {
        case 0:
            active_[i] = op != Op::constant;
            st.push_back(idx);
            break;
        case 1:
            lhs_[i] = st.back();
            active_[i] = active_[lhs_[i]];
            st.back() = idx;
            break;
        default:
            rhs_[i] = st.back();
            st.pop_back();
            lhs_[i] = st.back();
            active_[i] = active_[lhs_[i]] || active_[rhs_[i]];
            st.back() = idx;
        }
    }
}

namespace {

inline double unary_value(Op op, double a)
{
    switch (op) {
    case Op::neg: return -a;
    case Op::exp: return std::exp(a);
    case Op::log: return std::log(a);
    case Op::abs: return std::fabs(a);
    default: return a > 0.0 ? 1.0 : (a <= 0.0 ? 0.0 : a); // step; NaN stays NaN
    }
}

// d unary(a) / da given a and the value r = unary(a).
inline double unary_partial(Op op, double a, double r)
{
    switch (op) {
    case Op::neg: return -1.0;
    case Op::exp: return r;
    case Op::log: return 1.0 / a;
    case Op::abs: return a > 0.0 ? 1.0 : (a < 0.0 ? -1.0 : (a == 0.0 ? 0.0 : a));
    default: return std::isnan(a) ? a : 0.0; // step
    }
}

inline double binary_value(Op op, double a, double b, bool real_part)
{
    switch (op) {
    case Op::add: return a + b;
    case Op::sub: return a - b;
    case Op::mul: return a * b;
    case Op::div: return a / b;
    case Op::pow: return pow_op(a, b, real_part);
    case Op::min:
    case Op::max:
        if (std::isnan(a) || std::isnan(b)) return std::nan("");
        return op == Op::min ? std::min(a, b) : std::max(a, b);
    default: return std::nan("");
    }
}

// Partials (ca, cb) of r = op(a, b); cb only when want_b (the b operand depends on an input or parameter).
inline void binary_partials(Op op, double a, double b, double r, bool real_part, bool want_b, double& ca, double& cb)
{
    cb = 0.0;
    switch (op) {
    case Op::add: ca = 1.0, cb = 1.0; return;
    case Op::sub: ca = 1.0, cb = -1.0; return;
    case Op::mul: ca = b, cb = a; return;
    case Op::div: ca = 1.0 / b, cb = -a / (b * b); return;
    case Op::min:
    case Op::max:
        if (std::isnan(a) || std::isnan(b)) {
            ca = cb = std::nan("");
            return;
        }
        ca = (op == Op::min ? a <= b : a >= b) ? 1.0 : 0.0;
        cb = 1.0 - ca;
        return;
    default: // pow
        ca = b == 0.0 ? 0.0 : b * pow_op(a, b - 1.0, real_part);
        if (!want_b) return;
        if (a == 0.0 && b > 0.0)
            cb = 0.0;
        else if (real_part && a < 0.0 && b != std::floor(b) && std::isfinite(b)) {
            constexpr double pi = 3.14159265358979323846;
            cb = std::pow(-a, b) * (std::log(-a) * std::cos(pi * b) - pi * std::sin(pi * b));
        } else
            cb = r * std::log(a);
    }
}

} // namespace

PLAST_SIMD_CLONES void ReverseTape::sweep(const double* const* inputs, std::size_t n, const double* theta, const double* lam,
                        double* out, double* const* dx, double* dtheta, bool per_element) const
{
    constexpr std::size_t B = 64;
    const auto& nodes = tape_.nodes();
    const std::size_t nn = nodes.size(), np = tape_.n_params(), ni = tape_.n_inputs();
    const bool rp = tape_.pow_real_part();
    thread_local std::vector<double> val_s, adj_s;
    if (val_s.size() < nn * B) val_s.resize(nn * B);
    if (adj_s.size() < nn * B) adj_s.resize(nn * B);
    double* val = val_s.data();
    double* adj = adj_s.data();
    for (std::size_t off = 0; off < n; off += B) {
        const std::size_t m = std::min(B, n - off);
        // forward sweep: every node's values
        for (std::size_t i = 0; i < nn; ++i) {
            const Node& nd = nodes[i];
            double* v = val + i * B;
            switch (arity(nd.op)) {
            case 0: {
                if (nd.op == Op::input) {
                    const double* src = inputs[nd.index] + off;
                    for (std::size_t k = 0; k < m; ++k)
                        v[k] = src[k];
                } else {
                    const double c = nd.op == Op::constant ? nd.value : theta[nd.index];
                    for (std::size_t k = 0; k < m; ++k)
                        v[k] = c;
                }
                break;
            }
            case 1: {
                const double* a = val + lhs_[i] * B;
                for (std::size_t k = 0; k < m; ++k)
                    v[k] = unary_value(nd.op, a[k]);
                break;
            }
            default: {
                const double* a = val + lhs_[i] * B;
                const double* b = val + rhs_[i] * B;
                // the common arithmetic operators as plain loops (same values as binary_value)
                switch (nd.op) {
                case Op::add:
                    for (std::size_t k = 0; k < m; ++k)
                        v[k] = a[k] + b[k];
                    break;
                case Op::sub:
                    for (std::size_t k = 0; k < m; ++k)
                        v[k] = a[k] - b[k];
                    break;
                case Op::mul:
                    for (std::size_t k = 0; k < m; ++k)
                        v[k] = a[k] * b[k];
                    break;
                default:
                    for (std::size_t k = 0; k < m; ++k)
                        v[k] = binary_value(nd.op, a[k], b[k], rp);
                }
            }
            }
        }
        if (out) {
            const double* r = val + (nn - 1) * B;
            for (std::size_t k = 0; k < m; ++k)
                out[off + k] = r[k];
        }
        // backward sweep
        // A tape is a tree: every node but the root is the operand of exactly one operator, so its adjoint
        // is assigned once (by that operator, visited earlier in the backward order) and needs no zeroing.
        for (std::size_t k = 0; k < m; ++k)
            adj[(nn - 1) * B + k] = lam ? lam[off + k] : 1.0;
        if (dx)
            for (std::size_t i = 0; i < ni; ++i)
                if (dx[i]) std::fill(dx[i] + off, dx[i] + off + m, 0.0);
        if (dtheta && per_element) std::fill(dtheta + off * np, dtheta + (off + m) * np, 0.0);
        for (std::size_t i = nn; i-- > 0;) {
            if (!active_[i]) continue;
            const Node& nd = nodes[i];
            const double* g = adj + i * B;
            switch (arity(nd.op)) {
            case 0:
                if (nd.op == Op::input) {
                    if (dx && dx[nd.index]) {
                        double* d = dx[nd.index] + off;
                        for (std::size_t k = 0; k < m; ++k)
                            d[k] += g[k];
                    }
                } else if (dtheta) {
                    if (per_element)
                        for (std::size_t k = 0; k < m; ++k)
                            dtheta[(off + k) * np + nd.index] += g[k];
                    else {
                        double s = 0.0;
                        for (std::size_t k = 0; k < m; ++k)
                            s += g[k];
                        dtheta[nd.index] += s;
                    }
                }
                break;
            case 1: {
                const double* a = val + lhs_[i] * B;
                const double* r = val + i * B;
                double* ga = adj + lhs_[i] * B;
                for (std::size_t k = 0; k < m; ++k)
                    ga[k] = g[k] * unary_partial(nd.op, a[k], r[k]);
                break;
            }
            default: {
                const double* a = val + lhs_[i] * B;
                const double* b = val + rhs_[i] * B;
                const double* r = val + i * B;
                double* ga = adj + lhs_[i] * B;
                double* gb = adj + rhs_[i] * B;
                const bool act_a = active_[lhs_[i]], act_b = active_[rhs_[i]];
                // Plain loops for the common cases (the same products as the generic path below).
                if (nd.op == Op::add || nd.op == Op::sub) {
                    const double sb = nd.op == Op::add ? 1.0 : -1.0;
                    if (act_a)
                        for (std::size_t k = 0; k < m; ++k)
                            ga[k] = g[k] * 1.0;
                    if (act_b)
                        for (std::size_t k = 0; k < m; ++k)
                            gb[k] = g[k] * sb;
                    break;
                }
                if (nd.op == Op::mul) {
                    if (act_a)
                        for (std::size_t k = 0; k < m; ++k)
                            ga[k] = g[k] * b[k];
                    if (act_b)
                        for (std::size_t k = 0; k < m; ++k)
                            gb[k] = g[k] * a[k];
                    break;
                }
                if (nd.op == Op::pow && !act_b && nodes[rhs_[i]].op == Op::constant && nodes[rhs_[i]].value == 2.0) {
                    // a^2: b * pow_op(a, 1) = 2 a exactly
                    for (std::size_t k = 0; k < m; ++k)
                        ga[k] = g[k] * (2.0 * a[k]);
                    break;
                }
                for (std::size_t k = 0; k < m; ++k) {
                    double ca = 0.0, cb = 0.0;
                    binary_partials(nd.op, a[k], b[k], r[k], rp, act_b, ca, cb);
                    if (act_a) ga[k] = g[k] * ca;
                    if (act_b) gb[k] = g[k] * cb;
                }
            }
            }
        }
    }
}

double ReverseTape::gradient(const double* x, const double* theta, double* dx, double* dtheta) const
{
    const std::size_t ni = tape_.n_inputs();
    thread_local std::vector<const double*> in;
    thread_local std::vector<double*> d;
    in.assign(ni, nullptr);
    d.assign(ni, nullptr);
    for (std::size_t i = 0; i < ni; ++i) {
        in[i] = x + i;
        if (dx) d[i] = dx + i;
    }
    double out = 0.0;
    sweep(in.data(), 1, theta, nullptr, &out, dx ? d.data() : nullptr, dtheta, true);
    return out;
}

void ReverseTape::gradient_batch(const double* const* inputs, std::size_t n, const double* theta, double* out,
                                 double* const* dx, double* dtheta) const
{
    sweep(inputs, n, theta, nullptr, out, dx, dtheta, true);
}

void ReverseTape::vjp_batch(const double* const* inputs, std::size_t n, const double* theta, const double* lam,
                            double* out, double* const* dx, double* dtheta) const
{
    sweep(inputs, n, theta, lam, out, dx, dtheta, false);
}

} // namespace plast::expr
