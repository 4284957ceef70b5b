#include "plast/rules/mlp_rule.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"

#include <cmath>
#include <cstdio>

namespace plast::rules {

MlpRule::MlpRule(bool with_reward, int hidden, double negative_slope)
    : with_reward_(with_reward), hidden_(hidden), slope_(negative_slope)
{
    if (hidden < 1 || hidden > 4096) runtime_error("mlp", "hidden width must be in [1, 4096]");
}

std::vector<std::string> MlpRule::inputs() const
{
    if (with_reward_) return {"x", "y", "w", "r"};
    return {"x", "y", "w"};
}

std::vector<std::string> MlpRule::param_names() const
{
    std::vector<std::string> out;
    const char* in[4] = {"x", "y", "w", "r"};
    for (int h = 0; h < hidden_; ++h)
        for (int i = 0; i < n_inputs(); ++i)
            out.push_back("Wh_" + std::to_string(h) + "_" + in[i]);
    for (int h = 0; h < hidden_; ++h)
        out.push_back("bh_" + std::to_string(h));
    for (int h = 0; h < hidden_; ++h)
        out.push_back("Wout_" + std::to_string(h));
    out.push_back("bout");
    return out;
}

std::string MlpRule::formula(const double*, double) const
{
    return "tanh(W_out·leaky_relu(W_h·(" + std::string(with_reward_ ? "x, y, w, r" : "x, y, w") +
           ") + b_h) + b_out), " + std::to_string(hidden_) + " hidden units";
}

std::vector<double> MlpRule::init_theta(std::uint64_t seed, double scale, bool legacy_shared_key) const
{
    const std::size_t ni = static_cast<std::size_t>(n_inputs()), H = static_cast<std::size_t>(hidden_);
    std::vector<double> th(n_params());
    const std::size_t sizes[4] = {H * ni, H, H, 1};
    std::size_t off = 0;
    for (std::uint64_t t = 0; t < 4; ++t) {
        rng::Stream s(seed, "mlp_rule_init", legacy_shared_key ? 0 : t);
        for (std::size_t i = 0; i < sizes[t]; ++i)
            th[off + i] = scale * s.normal();
        off += sizes[t];
    }
    return th;
}

void MlpRule::eval_row(double x, const double* y, const double* w, double r, std::size_t n, const double* theta,
                       double* g, double* dg_dy, double* dg_dw) const
{
    const int ni = n_inputs(), H = hidden_;
    const double* Wh = theta;
    const double* bh = Wh + H * ni;
    const double* Wo = bh + H;
    const double bo = Wo[H];
    double base[4096];
    for (int h = 0; h < H; ++h)
        base[h] = bh[h] + Wh[h * ni] * x + (with_reward_ ? Wh[h * ni + 3] * r : 0.0);
    for (std::size_t k = 0; k < n; ++k) {
        double o = bo, sy = 0.0, sw = 0.0;
        for (int h = 0; h < H; ++h) {
            const double u = base[h] + Wh[h * ni + 1] * y[k] + Wh[h * ni + 2] * w[k];
            const double d = u > 0 ? 1.0 : slope_;
            o += Wo[h] * u * d;
            sy += Wo[h] * d * Wh[h * ni + 1];
            sw += Wo[h] * d * Wh[h * ni + 2];
        }
        const double t = std::tanh(o);
        g[k] = t;
        const double dt = 1.0 - t * t;
        if (dg_dy) dg_dy[k] = dt * sy;
        if (dg_dw) dg_dw[k] = dt * sw;
    }
}

void MlpRule::accumulate_vjp(double x, const double* y, const double* w, double r, std::size_t n, const double* theta,
                             const double* lam, double* grad) const
{
    const int ni = n_inputs(), H = hidden_;
    const double* Wh = theta;
    const double* bh = Wh + H * ni;
    const double* Wo = bh + H;
    const double bo = Wo[H];
    double* gWh = grad;
    double* gbh = gWh + H * ni;
    double* gWo = gbh + H;
    double base[4096], u[4096];
    for (int h = 0; h < H; ++h)
        base[h] = bh[h] + Wh[h * ni] * x + (with_reward_ ? Wh[h * ni + 3] * r : 0.0);
    for (std::size_t k = 0; k < n; ++k) {
        if (lam[k] == 0.0) continue;
        double o = bo;
        for (int h = 0; h < H; ++h) {
            u[h] = base[h] + Wh[h * ni + 1] * y[k] + Wh[h * ni + 2] * w[k];
            o += Wo[h] * (u[h] > 0 ? u[h] : slope_ * u[h]);
        }
        const double t = std::tanh(o);
        const double dout = lam[k] * (1.0 - t * t);
        gWo[H] += dout;
        const double in[4] = {x, y[k], w[k], r};
        for (int h = 0; h < H; ++h) {
            const double d = u[h] > 0 ? 1.0 : slope_;
            gWo[h] += dout * u[h] * d;
            const double du = dout * Wo[h] * d;
            gbh[h] += du;
            for (int i = 0; i < ni; ++i)
                gWh[h * ni + i] += du * in[i];
        }
    }
}

} // namespace plast::rules
