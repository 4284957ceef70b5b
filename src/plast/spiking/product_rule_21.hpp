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
// Inputs and the scaling applied before the formula, as the reference connection
// (T4wvceciPolConnection.cpp of SpikES) applies them to the reference neuron's state (CVAIFGroup.cpp):
//   xpre1, xpost1 = 2 x (fast projection traces, tau_fast, default 20 ms; +1 per arrival / post spike)
//   xpre2, xpost2 = 2 x (slow traces, tau_slow, default 100 ms)
//   w             = 1 w
//   V  = 15/V x V_trace,  Ce = 15/V x C_exc,  Ci = 15/V x C_inh^ref   (postsynaptic CVAIF traces, if_neuron.hpp)
// The reference neuron stores volts (rest -70e-3, E_I -80e-3) and conductances in units of the leak, and
// the rule multiplies the stored values by 15; plast stores mV, so the factors are 15e-3 per mV
// (`scale_v`, `scale_c`). C_exc = g_E (E_E - V) >= 0 has the same sign in both. The reference low-passes
// C_inh^ref = (V - E_I)(g_GABA + g_adapt) >= 0; plast's default CVAIF update (cvaif_update = "plast")
// stores the current term (g_I + g_adapt)(E_I - V) <= 0 = -C_inh^ref, cvaif_update = "reference" stores
// C_inh^ref. `c_inh_sign` (Product21Scaling) multiplies the stored value: -1 for a "plast" neuron, +1 for a
// "reference" one, set by the network builder from the postsynaptic population, so the rule reads
// C_inh^ref >= 0 whatever the neuron update (`c_inh = "reference"`, default). `c_inh = "stored"` (the
// behaviour before this was settled) reads the stored value as it is (sign +1 always).
// The rule reads V_trace (the "v" of T4wvceci), not the instantaneous V. The reference has no separate
// learning rate (c0, c10 are the rates): `[network] eta = 1` reproduces its scale.
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
    // Multiplies the stored C_inh: -1 reads the reference's (V - E_I)(g_I + g_adapt) >= 0 from plast's
    // default CVAIF update, +1 reads the stored value (cvaif_update = "reference", or c_inh = "stored").
    double c_inh_sign = -1.0;
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

// `[network.rule_XY] preset = "product21"` / `[rule.NAME] family = "product21"`: c = [21 numbers]
// (required), tau_fast = 0.02, tau_slow = 0.1 (> 0), legacy_typo = false, scale_trace = 2, scale_w = 1,
// scale_v = 0.015, scale_c = 0.015 (per mV), c_inh = "reference" | "stored".
struct Product21Config {
    enum class CInh { reference, stored };
    std::array<double, 21> c{};
    double tau_fast = 0.02, tau_slow = 0.1;
    bool legacy_typo = false;
    CInh c_inh = CInh::reference;
    Product21Scaling scaling;
    // Sets scaling.c_inh_sign for a postsynaptic CVAIF population whose update stores the reference's
    // C_inh sign (cvaif_update = "reference") or plast's (the network builder calls it).
    void set_post_c_inh_sign(bool post_stores_reference_sign)
    {
        scaling.c_inh_sign = c_inh == CInh::stored || post_stores_reference_sign ? 1.0 : -1.0;
    }
    static Product21Config from_config(const Section& s);
    rules::RuleFamilyPtr pre() const;
    rules::RuleFamilyPtr post() const;
    std::vector<double> theta_pre() const { return {c.begin(), c.begin() + 10}; }
    std::vector<double> theta_post() const { return {c.begin() + 10, c.end()}; }
};

} // namespace plast::spiking
