#include "plast/rate/oja_network.hpp"

#include "plast/core/simd.hpp"

#include <cmath>
#include <limits>

namespace plast::rate {

namespace {
inline double sigmoid(double u)
{
    return 1.0 / (1.0 + std::exp(-u));
}

// u += a row (vectorised; simd.hpp)
PLAST_SIMD_CLONES void add_scaled(double* __restrict u, const double* __restrict row, double a, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        u[i] += row[i] * a;
}

// next = row + eta g
PLAST_SIMD_CLONES void euler_row(double* __restrict next, const double* __restrict row, double eta,
                                 const double* __restrict g, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        next[i] = row[i] + eta * g[i];
}
} // namespace

void simulate(const OjaNetwork& net, const rules::DifferentiableRule& rule, const double* theta, const double* x,
              const double* w0, int steps, OjaRecord& rec)
{
    const std::size_t ni = static_cast<std::size_t>(net.n_in), no = static_cast<std::size_t>(net.n_out),
                      ns = net.n_syn(), T = static_cast<std::size_t>(steps);
    rec.w.resize((T + 1) * ns);
    rec.y.resize(T * no);
    rec.finite = true;
    std::copy(w0, w0 + ns, rec.w.begin());
    auto& u = rec.u;
    auto& g = rec.g;
    u.resize(no);
    g.resize(no);
    double* __restrict uu = u.data();
    double* __restrict gg = g.data();
    for (std::size_t t = 0; t < T; ++t) {
        const double* __restrict W = rec.w.data() + t * ns;
        double* __restrict Wn = rec.w.data() + (t + 1) * ns;
        const double* xt = x + t * ni;
        double* __restrict y = rec.y.data() + t * no;
        for (std::size_t i = 0; i < no; ++i)
            uu[i] = 0.0;
        for (std::size_t j = 0; j < ni; ++j)
            add_scaled(uu, W + j * no, xt[j], no);
        for (std::size_t i = 0; i < no; ++i)
            y[i] = sigmoid(uu[i]);
        for (std::size_t j = 0; j < ni; ++j) {
            const double* __restrict row = W + j * no;
            rule.eval_row(xt[j], y, row, 0.0, no, theta, gg, nullptr, nullptr);
            euler_row(Wn + j * no, row, net.eta, gg, no);
        }
    }
    for (double v : rec.w)
        if (!std::isfinite(v)) {
            rec.finite = false;
            break;
        }
}

double activity_loss(const OjaNetwork& net, const rules::DifferentiableRule& rule, const double* theta,
                     const OjaTrajectory& traj, double factor, double* grad, OjaRecord& rec)
{
    const std::size_t ni = static_cast<std::size_t>(net.n_in), no = static_cast<std::size_t>(net.n_out),
                      ns = net.n_syn(), T = static_cast<std::size_t>(traj.steps);
    simulate(net, rule, theta, traj.x.data(), traj.w0.data(), traj.steps, rec);
    std::size_t n_obs = 0;
    for (auto o : traj.observed)
        n_obs += o ? 1 : 0;
    if (n_obs == 0 || T == 0) return 0.0;
    const double scale = factor / static_cast<double>(n_obs * T);
    double loss = 0.0;
    for (std::size_t t = 0; t < T; ++t)
        for (std::size_t i = 0; i < no; ++i)
            if (traj.observed[i]) {
                const double d = rec.y[t * no + i] - traj.activity[t * no + i];
                loss += d * d;
            }
    loss *= scale;
    if (!grad) return loss;
    if (!std::isfinite(loss)) return std::numeric_limits<double>::quiet_NaN();

    // Adjoint: wbar = dL/dW(t+1) on entry to step t, dL/dW(t) on exit.
    const std::size_t np = rule.n_params();
    auto& wbar = rec.wbar;
    auto& ybar = rec.ybar;
    wbar.assign(ns, 0.0);
    ybar.assign(no, 0.0);
    std::vector<double> gth(np, 0.0);
    for (std::size_t tt = T; tt-- > 0;) {
        const double* W = rec.w.data() + tt * ns;
        const double* xt = traj.x.data() + tt * ni;
        const double* y = rec.y.data() + tt * no;
        for (std::size_t i = 0; i < no; ++i)
            ybar[i] = traj.observed[i] ? 2.0 * scale * (y[i] - traj.activity[tt * no + i]) : 0.0;
        for (std::size_t j = 0; j < ni; ++j) {
            const double* row = W + j * no;
            double* wb = wbar.data() + j * no;
            rule.adjoint_row(xt[j], y, row, 0.0, no, theta, net.eta, wb, ybar.data(), gth.data());
        }
        for (std::size_t i = 0; i < no; ++i)
            ybar[i] *= y[i] * (1.0 - y[i]); // now ubar
        for (std::size_t j = 0; j < ni; ++j)
            add_scaled(wbar.data() + j * no, ybar.data(), xt[j], no);
    }
    for (std::size_t p = 0; p < np; ++p)
        grad[p] += net.eta * gth[p];
    return loss;
}

std::size_t activity_jtj(const OjaNetwork& net, const std::vector<double>& mask27, const double* theta,
                         const OjaTrajectory& traj, double* jtj)
{
    constexpr std::size_t P = 27;
    const std::size_t ni = static_cast<std::size_t>(net.n_in), no = static_cast<std::size_t>(net.n_out),
                      ns = net.n_syn(), T = static_cast<std::size_t>(traj.steps);
    std::vector<double> W(traj.w0), dW(ns * P, 0.0), du(no * P), y(no), g(no), gy(no), gw(no), th(P);
    for (std::size_t p = 0; p < P; ++p)
        th[p] = theta[p] * mask27[p];
    std::size_t rows = 0;
    for (std::size_t t = 0; t < T; ++t) {
        const double* xt = traj.x.data() + t * ni;
        std::fill(du.begin(), du.end(), 0.0);
        for (std::size_t i = 0; i < no; ++i)
            y[i] = 0.0;
        for (std::size_t j = 0; j < ni; ++j) {
            add_scaled(y.data(), W.data() + j * no, xt[j], no);
            add_scaled(du.data(), dW.data() + j * no * P, xt[j], no * P);
        }
        for (std::size_t i = 0; i < no; ++i) {
            y[i] = sigmoid(y[i]);
            const double s = y[i] * (1.0 - y[i]);
            for (std::size_t p = 0; p < P; ++p)
                du[i * P + p] *= s; // now dy
            if (traj.observed[i]) {
                const double* d = du.data() + i * P;
                for (std::size_t a = 0; a < P; ++a)
                    for (std::size_t b = 0; b < P; ++b)
                        jtj[a * P + b] += d[a] * d[b];
                ++rows;
            }
        }
        // dW' = dW + eta (dg/dtheta + dg/dy dy + dg/dw dW), with the partials at the old W.
        for (std::size_t j = 0; j < ni; ++j) {
            double* row = W.data() + j * no;
            const double x = xt[j];
            double gth[P];
            for (std::size_t i = 0; i < no; ++i) {
                const double yv = y[i], wv = row[i];
                const double xp[3] = {1, x, x * x}, yp[3] = {1, yv, yv * yv}, wp[3] = {1, wv, wv * wv};
                double gval = 0, dgy = 0, dgw = 0;
                for (int a = 0; a < 3; ++a)
                    for (int b = 0; b < 3; ++b)
                        for (int c = 0; c < 3; ++c) {
                            const std::size_t k = static_cast<std::size_t>(9 * a + 3 * b + c);
                            const double m = xp[a] * yp[b] * wp[c];
                            gth[k] = m * mask27[k];
                            gval += th[k] * m;
                            if (b > 0) dgy += th[k] * xp[a] * b * (b == 2 ? yv : 1.0) * wp[c];
                            if (c > 0) dgw += th[k] * xp[a] * yp[b] * c * (c == 2 ? wv : 1.0);
                        }
                double* d = dW.data() + (j * no + i) * P;
                const double* dy = du.data() + i * P;
                for (std::size_t p = 0; p < P; ++p)
                    d[p] += net.eta * (gth[p] + dgy * dy[p] + dgw * d[p]);
                g[i] = gval;
            }
            for (std::size_t i = 0; i < no; ++i)
                row[i] += net.eta * g[i];
        }
    }
    return rows;
}

} // namespace plast::rate
