#include "plast/metrics/stability_metrics.hpp"

#include "plast/core/connection_types.hpp"

#include <unsupported/Eigen/FFT>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numeric>

namespace plast::metrics {

namespace {
double mean(const std::vector<double>& v)
{
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double pvar(const std::vector<double>& v)
{
    if (v.empty()) return 0.0;
    const double m = mean(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return s / static_cast<double>(v.size());
}
// counts[neuron][bin]
std::vector<std::vector<double>> binned(const Trains& t, double t0, double t1, double bin)
{
    const std::size_t nb = static_cast<std::size_t>(std::floor((t1 - t0) / bin + 1e-9));
    std::vector<std::vector<double>> c(t.size(), std::vector<double>(nb, 0.0));
    for (std::size_t n = 0; n < t.size(); ++n)
        for (double s : t[n]) {
            if (s < t0 || s >= t1) continue;
            const auto b = static_cast<std::size_t>((s - t0) / bin);
            if (b < nb) c[n][b] += 1.0;
        }
    return c;
}
} // namespace

double mean_rate(const Trains& t, double t0, double t1)
{
    if (t.empty() || t1 <= t0) return std::numeric_limits<double>::quiet_NaN();
    double n = 0;
    for (const auto& tr : t)
        for (double s : tr) n += (s >= t0 && s < t1);
    return n / (static_cast<double>(t.size()) * (t1 - t0));
}

void cv_isi(const Trains& t, double& mean_cv, double& std_cv)
{
    std::vector<double> cvs;
    for (const auto& tr : t) {
        if (tr.size() < 4) { // <= 2 ISIs
            cvs.push_back(0.0);
            continue;
        }
        std::vector<double> isi;
        for (std::size_t k = 1; k < tr.size(); ++k) isi.push_back(tr[k] - tr[k - 1]);
        const double m = mean(isi);
        cvs.push_back(m > 0 ? std::sqrt(pvar(isi)) / m : 0.0);
    }
    mean_cv = mean(cvs);
    std_cv = std::sqrt(pvar(cvs));
}

double kl_isi(const Trains& t)
{
    std::vector<double> isi;
    for (const auto& tr : t)
        for (std::size_t k = 1; k < tr.size(); ++k) isi.push_back(tr[k] - tr[k - 1]);
    if (isi.size() < 2) return std::numeric_limits<double>::quiet_NaN();
    const int nb = 100;
    std::vector<double> p(nb, 0.0);
    for (double x : isi) p[static_cast<std::size_t>(std::clamp(static_cast<int>(x * nb), 0, nb - 1))] += 1.0;
    for (auto& x : p) x /= static_cast<double>(isi.size());
    const double m = mean(isi);
    std::vector<double> q(nb);
    for (int b = 0; b < nb; ++b) q[static_cast<std::size_t>(b)] = std::exp(-b / (nb * m)) - std::exp(-(b + 1) / (nb * m));
    q[nb - 1] += std::exp(-1.0 / m); // clipped tail, as the ISIs are
    double kl = 0;
    for (int b = 0; b < nb; ++b)
        if (p[static_cast<std::size_t>(b)] > 0 && q[static_cast<std::size_t>(b)] > 0)
            kl += p[static_cast<std::size_t>(b)] * std::log(p[static_cast<std::size_t>(b)] / q[static_cast<std::size_t>(b)]);
    return std::fabs(kl);
}

double spatial_fano(const Trains& t, double t0, double t1, double bin)
{
    const auto c = binned(t, t0, t1, bin);
    if (c.empty() || c[0].empty()) return std::numeric_limits<double>::quiet_NaN();
    std::vector<double> f;
    for (std::size_t b = 0; b < c[0].size(); ++b) {
        std::vector<double> col;
        for (const auto& row : c) col.push_back(row[b]);
        const double total = std::accumulate(col.begin(), col.end(), 0.0);
        f.push_back(total <= 3 ? 0.0 : pvar(col) / mean(col));
    }
    return mean(f);
}

double temporal_fano(const Trains& t, double t0, double t1, double bin)
{
    const auto c = binned(t, t0, t1, bin);
    if (c.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::vector<double> f;
    for (const auto& row : c) {
        const double m = mean(row);
        f.push_back(m > 0 ? pvar(row) / m : 0.0);
    }
    return mean(f);
}

double auto_cov(const Trains& t, double t0, double t1, double bin, int max_lag)
{
    const auto c = binned(t, t0, t1, bin);
    if (c.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::vector<double> per;
    for (const auto& row : c) {
        if (std::sqrt(pvar(row)) <= 0.05) {
            per.push_back(1.0);
            continue;
        }
        const double m = mean(row);
        const std::size_t n = row.size();
        double c0 = 0;
        for (double x : row) c0 += (x - m) * (x - m);
        double acc = 0;
        for (int lag = -max_lag; lag <= max_lag; ++lag) {
            const std::size_t L = static_cast<std::size_t>(std::abs(lag));
            double s = 0;
            for (std::size_t k = 0; k + L < n; ++k) s += (row[k] - m) * (row[k + L] - m);
            acc += std::fabs(s) / c0;
        }
        per.push_back(acc / (2 * max_lag + 1));
    }
    return mean(per);
}

std::vector<double> population_activity(const Trains& t, double t0, double t1, double bin)
{
    const std::size_t nb = static_cast<std::size_t>(std::floor((t1 - t0) / bin + 1e-9));
    std::vector<double> a(nb, 0.0);
    for (const auto& tr : t)
        for (double s : tr) {
            if (s < t0 || s >= t1) continue;
            const auto b = static_cast<std::size_t>((s - t0) / bin);
            if (b < nb) a[b] += 1.0;
        }
    if (!t.empty())
        for (auto& x : a) x /= static_cast<double>(t.size());
    return a;
}

double fft_power(const std::vector<double>& a)
{
    if (a.size() < 2) return std::numeric_limits<double>::quiet_NaN();
    Eigen::FFT<double> fft;
    std::vector<std::complex<double>> out;
    fft.fwd(out, a);
    const double n = static_cast<double>(a.size());
    double s = 0;
    for (std::size_t k = 1; k <= a.size() / 2; ++k) s += 2.0 / n * std::abs(out[k]);
    return s;
}

double std_rate_temporal(const std::vector<double>& a) { return std::sqrt(pvar(a)); }

double std_rate_spatial(const Trains& t, double t0, double t1)
{
    std::vector<double> r;
    for (const auto& tr : t) {
        double n = 0;
        for (double s : tr) n += (s >= t0 && s < t1);
        r.push_back(n / (t1 - t0));
    }
    return std::sqrt(pvar(r));
}

double w_blow(const std::vector<WeightTrace>& w)
{
    std::vector<double> f;
    for (const auto& p : w) {
        double n = 0, blown = 0;
        for (const auto& row : p.samples)
            for (float x : row) {
                n += 1;
                blown += (x == 0.f || x == static_cast<float>(p.w_max));
            }
        if (n > 0) f.push_back(blown / n);
    }
    return f.empty() ? 0.0 : mean(f);
}

double w_creep(const std::vector<WeightTrace>& w)
{
    double mx = 0;
    for (const auto& p : w) {
        if (p.samples.size() < 2) continue;
        auto m = [](const std::vector<float>& v) {
            double s = 0;
            for (float x : v) s += x;
            return v.empty() ? 0.0 : s / static_cast<double>(v.size());
        };
        const double a = m(p.samples.front()), b = m(p.samples.back());
        if (a + b > 0.1) mx = std::max(mx, std::fabs(2 * (b - a) / (b + a)));
    }
    return mx;
}

const std::vector<std::string>& fsbi_metric_names()
{
    static const std::vector<std::string> n{"rate", "rate_i", "cv_isi", "std_cv", "kl_isi", "spatial_Fano",
                                            "temporal_Fano", "auto_cov", "fft", "std_rate_temporal",
                                            "std_rate_spatial", "w_blow", "w_creep", "weef", "weif", "wief", "wiif"};
    return n;
}

std::map<std::string, double> fsbi_metrics(const Trains& e, const Trains& i, const std::vector<WeightTrace>& w,
                                           double t0, double t1)
{
    std::map<std::string, double> m;
    m["rate"] = mean_rate(e, t0, t1);
    m["rate_i"] = mean_rate(i, t0, t1);
    cv_isi(e, m["cv_isi"], m["std_cv"]);
    m["kl_isi"] = kl_isi(e);
    m["spatial_Fano"] = spatial_fano(e, t0, t1);
    m["temporal_Fano"] = temporal_fano(e, t0, t1);
    m["auto_cov"] = auto_cov(e, t0, t1);
    const auto act = population_activity(e, t0, t1);
    m["fft"] = fft_power(act);
    m["std_rate_temporal"] = std_rate_temporal(act);
    m["std_rate_spatial"] = std_rate_spatial(e, t0, t1);
    m["w_blow"] = w_blow(w);
    m["w_creep"] = w_creep(w);
    for (const char* k : connection_types) {
        double v = std::numeric_limits<double>::quiet_NaN();
        for (const auto& p : w)
            if (p.name == k && !p.samples.empty()) {
                double s = 0;
                for (float x : p.samples.back()) s += x;
                v = s / static_cast<double>(p.samples.back().size());
            }
        std::string key = std::string("w") + static_cast<char>(std::tolower(k[0])) + static_cast<char>(std::tolower(k[1])) + "f";
        m[key] = v;
    }
    return m;
}

} // namespace plast::metrics
