#include "plast/spiking/mlp_t4_rule.hpp"

#include "plast/core/error.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace plast::spiking {

namespace {

// The reference's two-branch logistic function (no overflow for large |z|).
double sigmoid(double z) { return z > 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z)); }

} // namespace

MlpT4Weights mlp_t4_weights_from_csv(const std::string& path)
{
    std::ifstream in(path);
    if (!in) runtime_error(path, "cannot open the MLP hidden-weights file");
    MlpT4Weights w;
    w.w_h1.assign(w.n_in * w.n_h1, std::nan(""));
    w.w_h2.assign(w.n_h1 * w.n_h2, std::nan(""));
    std::string line;
    long ln = 0;
    bool header = false;
    auto fail = [&](const std::string& problem) { runtime_error(path + ":" + std::to_string(ln), problem); };
    while (std::getline(in, line)) {
        ++ln;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        if (!header) {
            if (line != "layer,input,unit,weight") fail("expected the header 'layer,input,unit,weight', got '" + line + "'");
            header = true;
            continue;
        }
        std::stringstream ss(line);
        std::string f[4];
        for (int k = 0; k < 4; ++k)
            if (!std::getline(ss, f[k], ',')) fail("expected 4 columns (layer,input,unit,weight)");
        long layer = 0, i = 0, u = 0;
        double v = 0;
        try {
            std::size_t pos = 0;
            layer = std::stol(f[0]);
            i = std::stol(f[1]);
            u = std::stol(f[2]);
            v = std::stod(f[3], &pos);
            if (pos != f[3].size()) throw std::invalid_argument("trailing");
        } catch (const std::exception&) {
            fail("not numbers: '" + line + "'");
        }
        const long ni = layer == 1 ? static_cast<long>(w.n_in) : static_cast<long>(w.n_h1);
        const long nu = layer == 1 ? static_cast<long>(w.n_h1) : static_cast<long>(w.n_h2);
        if (layer != 1 && layer != 2) fail("layer must be 1 or 2");
        if (i < 0 || i >= ni || u < 0 || u >= nu)
            fail("input " + std::to_string(i) + ", unit " + std::to_string(u) + " out of range (layer " + std::to_string(layer) +
                 ": input < " + std::to_string(ni) + ", unit < " + std::to_string(nu) + ")");
        if (!std::isfinite(v)) fail("weight is not a finite number");
        double& slot = layer == 1 ? w.w_h1[static_cast<std::size_t>(u) * w.n_in + static_cast<std::size_t>(i)]
                                  : w.w_h2[static_cast<std::size_t>(u) * w.n_h1 + static_cast<std::size_t>(i)];
        if (!std::isnan(slot)) fail("weight given twice");
        slot = v;
    }
    if (!header) runtime_error(path, "no header 'layer,input,unit,weight'");
    for (double x : w.w_h1)
        if (std::isnan(x)) runtime_error(path, "layer 1 needs all 6 x 50 weights");
    for (double x : w.w_h2)
        if (std::isnan(x)) runtime_error(path, "layer 2 needs all 50 x 4 weights");
    return w;
}

MlpT4Rule::MlpT4Rule(Side side, std::shared_ptr<const MlpT4Weights> weights, MlpT4Scaling scaling)
    : side_(side), w_(std::move(weights)), sc_(scaling)
{
}

std::vector<std::string> MlpT4Rule::inputs() const
{
    if (side_ == Side::pre) return {"x_pre2", "x_post1", "w", "V_trace", "C_exc", "C_inh"};
    return {"x_pre1", "x_post2", "w", "V_trace", "C_exc", "C_inh"};
}

std::vector<std::string> MlpT4Rule::param_names() const { return {"W0", "W1", "W2", "W3", "b"}; }

void MlpT4Rule::evaluate(const double* const* in, std::size_t n, const double* th, double* out) const
{
    const MlpT4Weights& W = *w_;
    const double s[6] = {sc_.trace, sc_.trace, sc_.w, sc_.v, sc_.c_exc, sc_.c_inh * sc_.c_inh_sign};
    std::vector<double> h1(W.n_h1);
    for (std::size_t r = 0; r < n; ++r) {
        double u[6];
        for (std::size_t i = 0; i < 6; ++i) u[i] = s[i] * in[i][r];
        for (std::size_t j = 0; j < W.n_h1; ++j) {
            const double* a = W.w_h1.data() + j * W.n_in;
            double z = 0;
            for (std::size_t i = 0; i < 6; ++i) z += u[i] * a[i];
            h1[j] = sigmoid(z);
        }
        double dw = th[W.n_h2];
        for (std::size_t k = 0; k < W.n_h2; ++k) {
            const double* b = W.w_h2.data() + k * W.n_h1;
            double z = 0;
            for (std::size_t j = 0; j < W.n_h1; ++j) z += h1[j] * b[j];
            dw += th[k] * sigmoid(z);
        }
        out[r] = dw;
    }
}

std::string MlpT4Rule::formula(const double* th, double) const
{
    using io::format_number;
    std::string s = "mlp_t4(" + std::string(side_ == Side::pre ? "x_pre2, x_post1" : "x_pre1, x_post2") + ", w, V_trace, C_exc, C_inh; W = [";
    for (int k = 0; k < 5; ++k) s += (k ? ", " : "") + format_number(th[k]);
    return s + "])";
}

MlpT4Config MlpT4Config::from_config(const Section& s, const std::string& base_dir)
{
    MlpT4Config c;
    const std::string file = s.string("hidden_weights");
    const std::filesystem::path p(file);
    const std::string path = p.is_absolute() || base_dir.empty() ? file : (std::filesystem::path(base_dir) / p).string();
    try {
        c.weights = std::make_shared<const MlpT4Weights>(mlp_t4_weights_from_csv(path));
    } catch (const Error& e) {
        s.fail("hidden_weights", e.what(), "a CSV file of the fixed hidden weights (layer,input,unit,weight), relative to the model file");
    }
    const auto a = s.numbers("w_pre", {}, Range::any(), 5, 5), b = s.numbers("w_post", {}, Range::any(), 5, 5);
    for (std::size_t k = 0; k < 5; ++k) c.w_pre[k] = a[k], c.w_post[k] = b[k];
    c.tau_fast = s.number("tau_fast", c.tau_fast, Range::positive());
    c.tau_slow = s.number("tau_slow", c.tau_slow, Range::positive());
    c.scaling.trace = s.number("scale_trace", c.scaling.trace);
    c.scaling.w = s.number("scale_w", c.scaling.w);
    c.scaling.v = s.number("scale_v", c.scaling.v);
    c.scaling.c_exc = s.number("scale_c_exc", c.scaling.c_exc);
    c.scaling.c_inh = s.number("scale_c_inh", c.scaling.c_inh);
    return c;
}

rules::RuleFamilyPtr MlpT4Config::pre() const { return std::make_shared<MlpT4Rule>(MlpT4Rule::Side::pre, weights, scaling); }
rules::RuleFamilyPtr MlpT4Config::post() const { return std::make_shared<MlpT4Rule>(MlpT4Rule::Side::post, weights, scaling); }

} // namespace plast::spiking
