#pragma once
// ExprRule: an expression tape as a plast::rules::RuleFamily, so evolved or typed rules drive any
// simulator that is written against the rule-family interface (one batched call per synapse row).
// Free parameters of the expression are the family's theta; formula() prints the canonical form
// with theta substituted. The parameter gradient is exact forward-mode differentiation of the tape
// (for fitting rule constants; E2L itself keeps constants fixed, spec §5.4).
#include "plast/expr/tape.hpp"
#include "plast/rules/rule_family.hpp"

#include <memory>
#include <string>

namespace plast::expr {

class ExprRule : public rules::RuleFamily {
  public:
    explicit ExprRule(Tape tape, std::string name = "expr");
    // Parse a rule string over the given input names (and optional parameter names).
    static std::shared_ptr<const ExprRule> parse(const std::string& text, const std::vector<std::string>& inputs,
                                                 const std::vector<std::string>& params = {});

    std::string name() const override { return name_; }
    std::vector<std::string> inputs() const override { return tape_.input_names(); }
    std::vector<std::string> param_names() const override { return tape_.param_names(); }
    void evaluate(const double* const* inputs, std::size_t n, const double* theta, double* out) const override;
    std::string formula(const double* theta, double tol = 0.0) const override;
    bool has_param_gradient() const override { return tape_.n_params() > 0; }
    void param_gradient(const double* const* inputs, std::size_t n, const double* theta, double* grad) const override;

    const Tape& tape() const { return tape_; }

  private:
    Tape tape_;
    std::string name_;
};

} // namespace plast::expr
