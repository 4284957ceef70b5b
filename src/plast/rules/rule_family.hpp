#pragma once
// The rule-family interface shared by every discovery method.
//
// A rule family is a parameterised function g_theta of named per-synapse variables
// (e.g. x, y, w, r for rate rules; x_pre, x_post, w for a spike-triggered update). Search methods
// and simulators see only this interface: the same rule can be screened, optimised, fitted by
// gradient descent or replaced by an evolved expression, with no recompilation.
//
// Evaluation is batched: one call updates a whole synapse row (a presynaptic row in a spiking
// network, a weight matrix in a rate network), so there is one virtual call per row, not per synapse.
// Spike-triggered rules are a pair of families (one evaluated on presynaptic arrivals, one on
// postsynaptic spikes); see plast/spiking for how the engine drives them.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace plast::rules {

class RuleFamily {
public:
    virtual ~RuleFamily() = default;

    // Short identifier, e.g. "6ppol_pre", "taylor81", "mlp", "expr".
    virtual std::string name() const = 0;
    // Names of the variables, in the order evaluate() expects them.
    virtual std::vector<std::string> inputs() const = 0;
    // Names of the parameters theta, in their documented order.
    virtual std::vector<std::string> param_names() const = 0;
    std::size_t n_params() const { return param_names().size(); }

    // out[i] = g_theta(inputs[0][i], inputs[1][i], ...) for i < n.
    virtual void evaluate(const double* const* inputs, std::size_t n, const double* theta, double* out) const = 0;

    // Gradient with respect to theta, if the family is differentiable: grad[i * n_params + p].
    virtual bool has_param_gradient() const { return false; }
    virtual void param_gradient(const double* const* inputs, std::size_t n, const double* theta, double* grad) const;

    // Human-readable formula for parameters theta; terms with |coefficient| < tol are dropped.
    virtual std::string formula(const double* theta, double tol = 0.0) const = 0;
};

using RuleFamilyPtr = std::shared_ptr<const RuleFamily>;

} // namespace plast::rules
