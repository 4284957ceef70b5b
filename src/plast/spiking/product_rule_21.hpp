#pragma once
// The SpikES 21-parameter product rule "T4wvceciPol" (spec §5.5) as a pair of rule families for the
// generic event path of Projection (projection.hpp). c0 (pre side) and c10 (post side) act as
// learning rates:
//
//   on a presynaptic arrival:
//     f_pre  = c0  (1 + c1  + w(c2  + c3 w))  (1 + c4 V)  (1 + Ce(c5  + c6 Ce))  (1 + c7 Ci)  (1 + c8 xpre2)
//              (1 + c9 xpost1)
//   on a postsynaptic spike:
//     f_post = c10 (1 + c11 + w(c12 + c13 w)) (1 + c14 V) (1 + Ce(c15 + c16 Ce)) (1 + c17 Ci) (1 + c18 xpre1)
//              (1 + xpost2 (c19 + c20 xpost2^2))
//   dw = eta f_pre / eta f_post, then w is clipped to [0, w_max] (eta, w_max: the network's).
//
// This is the documented additive form. The reference code's post weight factor evaluates
// (1 + c11 + w (c12 c13 w)) instead (spec §5.5, a typo); `legacy_typo = true` reproduces it. The last
// post factor is cubic in xpost2 exactly as the spec writes it.
//
// Inputs and the scaling applied before the formula (spec §5.4, "inputs rescaled as in §5.4"):
//   xpre1, xpost1 = 2 x (fast projection traces, tau_fast, default 20 ms; +1 per arrival / post spike)
//   xpre2, xpost2 = 2 x (slow traces, tau_slow, default 100 ms)
//   w             = 1 w
//   V             = 15 V_trace,  Ce = 15 C_exc,  Ci = 15 C_inh   (the postsynaptic CVAIF traces, if_neuron.hpp)
// plast stores V and the current terms in mV; the reference (Auryn) stores volts, so plast multiplies
// them by 15e-3 per mV (`scale_v`, `scale_c`). This unit reading is an assumption: check
// T4wvceciPolConnection / T4wvceciMLPConnection.cpp for units (and whether C_inh enters signed)
// before comparing numbers with the reference. All four scales are configurable.
// The rule reads V_trace (the "v" of T4wvceci), not the instantaneous V.
#include "plast/rules/rule_family.hpp"

#include <array>
#include <string>
#include <vector>

namespace plast {
class Section;
}

namespace plast::spiking {

struct Product21Scaling {
    double trace = 2.0, w = 1.0, v = 15e-3, c = 15e-3; // v, c per mV
};

class ProductRule21 : public rules::RuleFamily {
  public:
    enum class Side { pre, post };
    explicit ProductRule21(Side side, Product21Scaling scaling = {}, bool legacy_typo = false)
        : side_(side), sc_(scaling), legacy_typo_(legacy_typo)
    {
    }
    std::string name() const override { return side_ == Side::pre ? "product21_pre" : "product21_post"; }
    // pre: w, V_trace, C_exc, C_inh, x_pre2, x_post1; post: w, V_trace, C_exc, C_inh, x_pre1, x_post2.
    std::vector<std::string> inputs() const override;
    // pre: c0..c9; post: c10..c20.
    std::vector<std::string> param_names() const override;
    void evaluate(const double* const* inputs, std::size_t n, const double* theta, double* out) const override;
    std::string formula(const double* theta, double tol = 0.0) const override;

  private:
    Side side_;
    Product21Scaling sc_;
    bool legacy_typo_;
};

// `[network.rule_XY] preset = "product21"`: c = [21 numbers] (required), tau_fast = 0.02,
// tau_slow = 0.1 (> 0), legacy_typo = false, scale_trace = 2, scale_w = 1, scale_v = 0.015,
// scale_c = 0.015.
struct Product21Config {
    std::array<double, 21> c{};
    double tau_fast = 0.02, tau_slow = 0.1;
    bool legacy_typo = false;
    Product21Scaling scaling;
    static Product21Config from_config(const Section& s);
    rules::RuleFamilyPtr pre() const;
    rules::RuleFamilyPtr post() const;
    std::vector<double> theta_pre() const { return {c.begin(), c.begin() + 10}; }
    std::vector<double> theta_post() const { return {c.begin() + 10, c.end()}; }
};

} // namespace plast::spiking
