#include "plast/expr/tape.hpp"

#include "plast/core/error.hpp"
#include "plast/expr/simd_dispatch.hpp"
#include "plast/io/csv.hpp"

#include <cmath>

namespace plast::expr {

int arity(Op op)
{
    switch (op) {
    case Op::input:
    case Op::constant:
    case Op::param:
        return 0;
    case Op::neg:
    case Op::exp:
    case Op::log:
    case Op::abs:
    case Op::step:
        return 1;
    default:
        return 2;
    }
}

bool is_function(Op op) { return op >= Op::exp; }

namespace {
inline double apply1(Op op, double a)
{
    switch (op) {
    case Op::exp: return std::exp(a);
    case Op::log: return std::log(a);
    case Op::abs: return std::fabs(a);
    case Op::step: return a > 0.0 ? 1.0 : (a <= 0.0 ? 0.0 : a); // NaN stays NaN
    default: return -a;
    }
}
inline double apply_minmax(Op op, double a, double b)
{
    if (std::isnan(a) || std::isnan(b)) return std::nan(""); // an invalid operand stays invalid
    return op == Op::min ? std::min(a, b) : std::max(a, b);
}
} // namespace

const char* symbol(Op op)
{
    switch (op) {
    case Op::add:
        return "+";
    case Op::sub:
        return "-";
    case Op::mul:
        return "*";
    case Op::div:
        return "/";
    case Op::pow:
        return "^";
    case Op::neg:
        return "neg";
    case Op::exp:
        return "exp";
    case Op::log:
        return "log";
    case Op::abs:
        return "abs";
    case Op::step:
        return "step";
    case Op::min:
        return "min";
    case Op::max:
        return "max";
    case Op::input:
        return "input";
    case Op::param:
        return "param";
    default:
        return "const";
    }
}

Tape::Tape(std::vector<std::string> input_names, std::vector<std::string> param_names)
    : inputs_(std::move(input_names)), params_(std::move(param_names))
{
}

static void bump(std::size_t& depth, std::size_t& max_depth)
{
    ++depth;
    if (depth > max_depth) max_depth = depth;
}

void Tape::push_input(std::size_t i)
{
    if (i >= inputs_.size()) runtime_error("expr::Tape", "input index " + std::to_string(i) + " out of range");
    nodes_.push_back({Op::input, static_cast<std::uint32_t>(i), 0.0});
    bump(depth_, max_depth_);
}

void Tape::push_constant(double v)
{
    nodes_.push_back({Op::constant, 0, v});
    bump(depth_, max_depth_);
}

void Tape::push_param(std::size_t i)
{
    if (i >= params_.size()) runtime_error("expr::Tape", "parameter index " + std::to_string(i) + " out of range");
    nodes_.push_back({Op::param, static_cast<std::uint32_t>(i), 0.0});
    bump(depth_, max_depth_);
}

void Tape::push_op(Op op)
{
    const auto a = static_cast<std::size_t>(arity(op));
    if (a == 0 || depth_ < a) runtime_error("expr::Tape", std::string("operator ") + symbol(op) + " lacks operands");
    nodes_.push_back({op, 0, 0.0});
    depth_ -= a - 1;
}

void Tape::append(const Tape& other)
{
    for (const Node& n : other.nodes_) {
        switch (n.op) {
        case Op::input:
            push_input(n.index);
            break;
        case Op::param:
            push_param(n.index);
            break;
        case Op::constant:
            push_constant(n.value);
            break;
        default:
            push_op(n.op);
        }
    }
}

std::vector<bool> Tape::uses_inputs() const
{
    std::vector<bool> u(inputs_.size(), false);
    for (const Node& n : nodes_)
        if (n.op == Op::input) u[n.index] = true;
    return u;
}

double pow_op(double a, double b, bool real_part)
{
    if (b == 2.0) return a * a; // common in typed rules; equal to the correctly rounded pow

    if (real_part && a < 0.0 && b != std::floor(b) && std::isfinite(b))
        return std::pow(-a, b) * std::cos(3.14159265358979323846 * b);
    return std::pow(a, b);
}

double Tape::eval(const double* x, const double* theta) const
{
    // Small fixed stack covers evolved rules; deeper user expressions fall back to the heap.
    double small[64];
    std::vector<double> big;
    double* st = small;
    if (max_depth_ > 64) {
        big.resize(max_depth_);
        st = big.data();
    }
    std::size_t sp = 0;
    for (const Node& n : nodes_) {
        switch (n.op) {
        case Op::input:
            st[sp++] = x[n.index];
            break;
        case Op::constant:
            st[sp++] = n.value;
            break;
        case Op::param:
            st[sp++] = theta[n.index];
            break;
        case Op::neg:
            st[sp - 1] = -st[sp - 1];
            break;
        case Op::add:
            --sp;
            st[sp - 1] += st[sp];
            break;
        case Op::sub:
            --sp;
            st[sp - 1] -= st[sp];
            break;
        case Op::mul:
            --sp;
            st[sp - 1] *= st[sp];
            break;
        case Op::div:
            --sp;
            st[sp - 1] /= st[sp];
            break;
        case Op::pow:
            --sp;
            st[sp - 1] = pow_op(st[sp - 1], st[sp], pow_real_part_);
            break;
        case Op::exp:
        case Op::log:
        case Op::abs:
        case Op::step:
            st[sp - 1] = apply1(n.op, st[sp - 1]);
            break;
        case Op::min:
        case Op::max:
            --sp;
            st[sp - 1] = apply_minmax(n.op, st[sp - 1], st[sp]);
            break;
        }
    }
    return sp == 1 ? st[0] : std::nan("");
}

PLAST_SIMD_CLONES void Tape::eval_batch(const double* const* inputs, std::size_t n, const double* theta,
                                        double* out) const
{
    constexpr std::size_t B = 64;
    if (!complete()) {
        for (std::size_t k = 0; k < n; ++k)
            out[k] = std::nan("");
        return;
    }
    // Each stack level owns a B-wide slot; a level also remembers where its values are (`src`):
    // an input stays in the caller's array (no copy), results live in the slot. Constants are
    // filled into their slot. thread_local so that repeated calls do not allocate.
    thread_local std::vector<double> scratch;
    thread_local std::vector<const double*> srcs;
    thread_local std::vector<char> consts; // level holds a constant (uniform) value
    if (scratch.size() < max_depth_ * B) scratch.resize(max_depth_ * B);
    if (srcs.size() < max_depth_) srcs.resize(max_depth_);
    if (consts.size() < max_depth_) consts.resize(max_depth_);
    char* is_const = consts.data();
    double* buf = scratch.data();
    const double** src = srcs.data();
    for (std::size_t off = 0; off < n; off += B) {
        const std::size_t m = std::min(B, n - off);
        std::size_t sp = 0;
        for (const Node& nd : nodes_) {
            switch (nd.op) {
            case Op::input:
                is_const[sp] = false;
                src[sp++] = inputs[nd.index] + off;
                break;
            case Op::constant:
            case Op::param: {
                double* d = buf + sp * B;
                const double v = nd.op == Op::constant ? nd.value : theta[nd.index];
                for (std::size_t k = 0; k < m; ++k)
                    d[k] = v;
                src[sp++] = d;
                break;
            }
            case Op::neg: {
                double* d = buf + (sp - 1) * B;
                const double* a = src[sp - 1];
                for (std::size_t k = 0; k < m; ++k)
                    d[k] = -a[k];
                src[sp - 1] = d;
                break;
            }
            case Op::exp:
            case Op::log:
            case Op::abs:
            case Op::step: {
                double* d = buf + (sp - 1) * B;
                const double* a = src[sp - 1];
                is_const[sp - 1] = false;
                for (std::size_t k = 0; k < m; ++k)
                    d[k] = apply1(nd.op, a[k]);
                src[sp - 1] = d;
                break;
            }
            default: {
                --sp;
                double* d = buf + (sp - 1) * B;
                const double* a = src[sp - 1];
                const double* b = src[sp];
                const bool b_const = is_const[sp];
                is_const[sp - 1] = false;
                // d may alias a (a result already in this slot): element-wise, so that is safe.
                switch (nd.op) {
                case Op::add:
                    for (std::size_t k = 0; k < m; ++k)
                        d[k] = a[k] + b[k];
                    break;
                case Op::sub:
                    for (std::size_t k = 0; k < m; ++k)
                        d[k] = a[k] - b[k];
                    break;
                case Op::mul:
                    for (std::size_t k = 0; k < m; ++k)
                        d[k] = a[k] * b[k];
                    break;
                case Op::div:
                    for (std::size_t k = 0; k < m; ++k)
                        d[k] = a[k] / b[k];
                    break;
                case Op::min:
                case Op::max:
                    for (std::size_t k = 0; k < m; ++k)
                        d[k] = apply_minmax(nd.op, a[k], b[k]);
                    break;
                default:
                    for (std::size_t k = 0; k < m; ++k)
                        d[k] = pow_op(a[k], b[k], pow_real_part_);
                    break;
                }
                src[sp - 1] = d;
            }
            }
        }
        const double* r = src[0];
        for (std::size_t k = 0; k < m; ++k)
            out[off + k] = r[k];
    }
}

namespace {

// Precedence for printing: sum 1, product 2, unary minus 3, power 4, atom 5.
int prec(Op op)
{
    switch (op) {
    case Op::add:
    case Op::sub:
        return 1;
    case Op::mul:
    case Op::div:
        return 2;
    case Op::neg:
        return 3;
    case Op::pow:
        return 4;
    default:
        return 5;
    }
}

struct Printed {
    std::string s;
    int prec;
};

} // namespace

std::string Tape::infix() const
{
    std::vector<Printed> st;
    for (const Node& n : nodes_) {
        switch (n.op) {
        case Op::input:
            st.push_back({inputs_[n.index], 5});
            break;
        case Op::param:
            st.push_back({params_[n.index], 5});
            break;
        case Op::constant: {
            std::string s = io::format_number(n.value);
            st.push_back({s, n.value < 0 ? 3 : 5});
            break;
        }
        case Op::neg: {
            Printed a = st.back();
            st.back() = {"-" + (a.prec < 3 ? "(" + a.s + ")" : a.s), 3};
            break;
        }
        case Op::exp:
        case Op::log:
        case Op::abs:
        case Op::step:
            st.back() = {std::string(symbol(n.op)) + "(" + st.back().s + ")", 5};
            break;
        case Op::min:
        case Op::max: {
            Printed b = st.back();
            st.pop_back();
            st.back() = {std::string(symbol(n.op)) + "(" + st.back().s + ", " + b.s + ")", 5};
            break;
        }
        default: {
            Printed b = st.back();
            st.pop_back();
            Printed a = st.back();
            const int p = prec(n.op);
            // Left operand needs parentheses when it binds weaker; right operand also when equal
            // (a - (b - c), a / (b * c)); power is right-associative.
            const bool pa = n.op == Op::pow ? a.prec <= p : a.prec < p;
            const bool pb = n.op == Op::pow                        ? b.prec < p
                            : (n.op == Op::add || n.op == Op::mul) ? b.prec < p
                                                                   : b.prec <= p;
            std::string s = (pa ? "(" + a.s + ")" : a.s) + " " + symbol(n.op) + " " + (pb ? "(" + b.s + ")" : b.s);
            if (n.op == Op::pow) s = (pa ? "(" + a.s + ")" : a.s) + "^" + (pb ? "(" + b.s + ")" : b.s);
            st.back() = {s, p};
        }
        }
    }
    return st.size() == 1 ? st[0].s : std::string("<incomplete>");
}

Tape bind_params(const Tape& t, const double* theta)
{
    Tape r(t.input_names());
    r.set_pow_real_part(t.pow_real_part());
    for (const Node& n : t.nodes()) {
        switch (n.op) {
        case Op::input:
            r.push_input(n.index);
            break;
        case Op::param:
            r.push_constant(theta[n.index]);
            break;
        case Op::constant:
            r.push_constant(n.value);
            break;
        default:
            r.push_op(n.op);
        }
    }
    return r;
}

} // namespace plast::expr
