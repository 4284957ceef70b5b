#include "plast/rules/rule_family.hpp"

#include "plast/core/error.hpp"

namespace plast::rules {

void RuleFamily::param_gradient(const double* const*, std::size_t, const double*, double*) const
{
    runtime_error(name(), "this rule family has no parameter gradient");
}

} // namespace plast::rules
