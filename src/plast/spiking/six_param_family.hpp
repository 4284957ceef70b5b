#pragma once
// The 6-parameter polynomial rule (6pPol, six_param_rule.hpp) as a pair of rule families of the one rule
// model (rules::RuleFamily), so it is seen like every other rule (formula, batched evaluation, the generic
// event path) while the engine keeps its specialised kernel for it (Projection::set_plasticity):
//   on a presynaptic arrival:   f_pre(x_post) = alpha + kappa x_post      parameters (alpha, kappa)
//   on a postsynaptic spike:    f_post(x_pre) = beta + gamma x_pre        parameters (beta, gamma)
// with the traces x_pre (tau_pre) and x_post (tau_post) of the event order in projection.hpp; dw = eta f.
// Driven through Projection::set_event_rules it gives the kernel's weights up to float rounding (tested).
#include "plast/rules/rule_family.hpp"
#include "plast/spiking/six_param_rule.hpp"

namespace plast::spiking {

class SixParamFamily : public rules::RuleFamily {
  public:
    enum class Side { pre, post };
    explicit SixParamFamily(Side side) : side_(side) {}
    std::string name() const override { return side_ == Side::pre ? "6ppol_pre" : "6ppol_post"; }
    std::vector<std::string> inputs() const override { return {side_ == Side::pre ? "x_post" : "x_pre"}; }
    std::vector<std::string> param_names() const override
    {
        return side_ == Side::pre ? std::vector<std::string>{"alpha", "kappa"} : std::vector<std::string>{"beta", "gamma"};
    }
    void evaluate(const double* const* inputs, std::size_t n, const double* theta, double* out) const override;
    bool has_param_gradient() const override { return true; }
    void param_gradient(const double* const* inputs, std::size_t n, const double* theta, double* grad) const override;
    std::string formula(const double* theta, double tol = 0.0) const override;

  private:
    Side side_;
};

// The families and their parameters for one rule: pre (alpha, kappa), post (beta, gamma).
rules::RuleFamilyPtr six_param_pre_family();
rules::RuleFamilyPtr six_param_post_family();
inline std::vector<double> six_param_theta_pre(const SixParamRule& r) { return {r.alpha, r.kappa}; }
inline std::vector<double> six_param_theta_post(const SixParamRule& r) { return {r.beta, r.gamma}; }

} // namespace plast::spiking
