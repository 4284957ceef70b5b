#include "plast/expr/expr_rule.hpp"

#include "plast/core/error.hpp"
#include "plast/expr/parser.hpp"
#include "plast/expr/simplify.hpp"

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

std::string ExprRule::formula(const double* theta, double) const
{
    return tape_.n_params() ? canonical(tape_, theta) : canonical(tape_);
}

} // namespace plast::expr
