#include "plast/expr/expr_rule.hpp"

#include "plast/core/error.hpp"
#include "plast/expr/parser.hpp"
#include "plast/expr/simplify.hpp"

#include <cmath>

namespace plast::expr {

ExprRule::ExprRule(Tape tape, std::string name) : tape_(std::move(tape)), name_(std::move(name))
{
    if (!tape_.complete()) runtime_error("expr::ExprRule", "incomplete expression tape");
}

std::shared_ptr<const ExprRule> ExprRule::parse(const std::string& text, const std::vector<std::string>& inputs,
                                                const std::vector<std::string>& params)
{
    return std::make_shared<const ExprRule>(expr::parse(text, inputs, params));
}

void ExprRule::evaluate(const double* const* inputs, std::size_t n, const double* theta, double* out) const
{
    tape_.eval_batch(inputs, n, theta, out);
}

void ExprRule::param_gradient(const double* const* inputs, std::size_t n, const double* theta, double* grad) const
{
    // Forward mode: each stack entry carries its value and its derivative for every parameter.
    const std::size_t np = tape_.n_params();
    std::vector<double> val(tape_.max_depth()), der(tape_.max_depth() * np);
    std::vector<double> x(tape_.n_inputs());
    const auto uses = tape_.uses_inputs();
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < x.size(); ++k)
            x[k] = uses[k] ? inputs[k][i] : 0.0;
        std::size_t sp = 0;
        for (const Node& nd : tape_.nodes()) {
            double* d = der.data();
            switch (nd.op) {
            case Op::input:
            case Op::constant:
            case Op::param:
                val[sp] = nd.op == Op::input ? x[nd.index] : nd.op == Op::param ? theta[nd.index] : nd.value;
                for (std::size_t p = 0; p < np; ++p)
                    d[sp * np + p] = (nd.op == Op::param && p == nd.index) ? 1.0 : 0.0;
                ++sp;
                break;
            case Op::neg:
                val[sp - 1] = -val[sp - 1];
                for (std::size_t p = 0; p < np; ++p)
                    d[(sp - 1) * np + p] = -d[(sp - 1) * np + p];
                break;
            case Op::exp:
            case Op::log:
            case Op::abs:
            case Op::step: {
                const double a = val[sp - 1];
                // d/da: exp -> exp(a), log -> 1/a, abs -> sign(a), step -> 0 (almost everywhere)
                const double c = nd.op == Op::exp ? std::exp(a) : nd.op == Op::log ? 1.0 / a : nd.op == Op::abs ? (a > 0 ? 1.0 : a < 0 ? -1.0 : 0.0) : 0.0;
                for (std::size_t p = 0; p < np; ++p)
                    d[(sp - 1) * np + p] *= c;
                val[sp - 1] = nd.op == Op::exp ? std::exp(a) : nd.op == Op::log ? std::log(a) : nd.op == Op::abs ? std::fabs(a) : (a > 0 ? 1.0 : 0.0);
                break;
            }
            default: {
                --sp;
                const double a = val[sp - 1], b = val[sp];
                double* da = d + (sp - 1) * np;
                const double* db = d + sp * np;
                double r = 0.0, ca = 0.0, cb = 0.0; // r = op(a, b); dr = ca da + cb db
                switch (nd.op) {
                case Op::add:
                    r = a + b, ca = 1, cb = 1;
                    break;
                case Op::sub:
                    r = a - b, ca = 1, cb = -1;
                    break;
                case Op::mul:
                    r = a * b, ca = b, cb = a;
                    break;
                case Op::div:
                    r = a / b, ca = 1 / b, cb = -a / (b * b);
                    break;
                case Op::min:
                    r = std::min(a, b), ca = a <= b ? 1 : 0, cb = a <= b ? 0 : 1;
                    break;
                case Op::max:
                    r = std::max(a, b), ca = a >= b ? 1 : 0, cb = a >= b ? 0 : 1;
                    break;
                default:
                    r = pow_op(a, b, tape_.pow_real_part());
                    ca = b * pow_op(a, b - 1, tape_.pow_real_part());
                    cb = r * std::log(a); // NaN for a < 0 unless db = 0 everywhere
                    break;
                }
                for (std::size_t p = 0; p < np; ++p)
                    da[p] = ca * da[p] + (db[p] == 0.0 ? 0.0 : cb * db[p]);
                val[sp - 1] = r;
            }
            }
        }
        for (std::size_t p = 0; p < np; ++p)
            grad[i * np + p] = der[p];
    }
}

std::string ExprRule::formula(const double* theta, double) const
{
    return tape_.n_params() ? canonical(tape_, theta) : canonical(tape_);
}

} // namespace plast::expr
