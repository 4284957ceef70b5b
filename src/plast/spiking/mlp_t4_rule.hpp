#pragma once
// The MLP plasticity rule of fSBI Fig. 4 ("T4wvceciMLP"): on each event the weight change is a small
// fixed-weight neural network of six inputs with a trained linear readout.
//
//   on a presynaptic arrival:   dw = eta * f(W_pre;  x_pre2, x_post1, w, V_trace, C_exc, C_inh)
//   on a postsynaptic spike:    dw = eta * f(W_post; x_pre1, x_post2, w, V_trace, C_exc, C_inh)
//   f(W; u)  = sum_k W[k] h2_k + W[4],                       (linear readout with bias, W: 4 + 1 numbers)
//   h2_k     = sigmoid( sum_j W_h2[j][k] h1_j ),  k < 4      (no bias)
//   h1_j     = sigmoid( sum_i W_h1[i][j] s_i u_i ), j < 50   (no bias)
//   s        = (2, 2, 1, 15e-3, 15e-3, 15e-3 * sign): input scalings, traces x2, w x1, V_trace, C_exc,
//              C_inh x15 per volt (plast stores mV: 15e-3 per mV). The reference neuron low-passes
//              (g_I + g_adapt)(V - E_I) > 0 as C_inh; plast's default CVAIF update stores
//              (g_I + g_adapt)(E_I - V) < 0, so sign = -1 for it and +1 for cvaif_update = "reference"
//              (the builder sets it from the postsynaptic population): the rule always reads the
//              reference's C_inh. All scalings are configurable (scale_c_inh is per mV of that C_inh).
//   x_pre1, x_post1: fast traces (tau_fast, 10 ms); x_pre2, x_post2: slow traces (tau_slow, 100 ms);
//   +1 per arrival / postsynaptic spike, read before this step's increments (the engine's event order).
//   V_trace, C_exc, C_inh: the postsynaptic CVAIF neuron's traces after this step's neuron update.
// W_h1 (6 x 50) and W_h2 (50 x 4) are fixed (not inferred) and shared by both events and every
// projection; they are read from a file (hidden_weights_from_csv). The readouts W_pre and W_post (the
// family's parameters) and eta are what fSBI infers. The reference computes in single precision;
// plast in double (the weight is stored in single precision, as every rule's).
#include "plast/rules/rule_family.hpp"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace plast {
class Section;
}

namespace plast::spiking {

struct MlpT4Weights {
    std::size_t n_in = 6, n_h1 = 50, n_h2 = 4;
    std::vector<double> w_h1; // w_h1[j * n_in + i]: input i -> unit j
    std::vector<double> w_h2; // w_h2[k * n_h1 + j]: unit j -> unit k
};

// Reads the hidden weights from a CSV file with lines starting with '#' as comments, a header
// `layer,input,unit,weight` and one row per weight (layer 1: input 0-5, unit 0..n_h1-1; layer 2: input
// 0..n_h1-1, unit 0..n_h2-1); every weight exactly once. Errors name the file and the line.
MlpT4Weights mlp_t4_weights_from_csv(const std::string& path);

struct MlpT4Scaling {
    double trace = 2.0, w = 1.0, v = 15e-3, c_exc = 15e-3, c_inh = 15e-3; // v, c per mV
    double c_inh_sign = -1.0; // -1: plast's C_inh sign (cvaif_update = "plast"), +1: the reference's
};

class MlpT4Rule : public rules::RuleFamily {
  public:
    enum class Side { pre, post };
    MlpT4Rule(Side side, std::shared_ptr<const MlpT4Weights> weights, MlpT4Scaling scaling = {});
    std::string name() const override { return side_ == Side::pre ? "mlp_t4_pre" : "mlp_t4_post"; }
    // pre: x_pre2, x_post1, w, V_trace, C_exc, C_inh; post: x_pre1, x_post2, w, V_trace, C_exc, C_inh.
    std::vector<std::string> inputs() const override;
    // W0..W3 (readout of the 4 units), b (bias).
    std::vector<std::string> param_names() const override;
    void evaluate(const double* const* inputs, std::size_t n, const double* theta, double* out) const override;
    std::string formula(const double* theta, double tol = 0.0) const override;

  private:
    Side side_;
    std::shared_ptr<const MlpT4Weights> w_;
    MlpT4Scaling sc_;
};

// `[rule.NAME] family = "mlp_t4"`: hidden_weights = "file.csv" (required, relative to the model file),
// w_pre = [5 numbers], w_post = [5 numbers] (required), tau_fast = 0.01, tau_slow = 0.1, scale_trace = 2,
// scale_w = 1, scale_v = 0.015, scale_c_exc = 0.015, scale_c_inh = 0.015 (per mV of the reference's C_inh).
struct MlpT4Config {
    std::shared_ptr<const MlpT4Weights> weights;
    std::array<double, 5> w_pre{}, w_post{};
    double tau_fast = 0.01, tau_slow = 0.1;
    MlpT4Scaling scaling;
    static MlpT4Config from_config(const Section& s, const std::string& base_dir);
    rules::RuleFamilyPtr pre() const;
    rules::RuleFamilyPtr post() const;
};

} // namespace plast::spiking
