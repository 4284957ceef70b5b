#include "plast/infer/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace plast::infer {

double r2_per_unit(const std::vector<double>& truth, const std::vector<double>& pred, std::size_t rows,
                   std::size_t cols, const std::vector<std::uint8_t>* valid)
{
    if (cols == 0) return std::numeric_limits<double>::quiet_NaN();
    double acc = 0.0;
    for (std::size_t c = 0; c < cols; ++c) {
        double m = 0.0;
        std::size_t n = 0;
        for (std::size_t r = 0; r < rows; ++r)
            if (!valid || (*valid)[r]) m += truth[r * cols + c], ++n;
        if (n == 0) continue;
        m /= static_cast<double>(n);
        double ss_res = 0.0, ss_tot = 0.0;
        for (std::size_t r = 0; r < rows; ++r) {
            if (valid && !(*valid)[r]) continue;
            const double y = truth[r * cols + c], d = y - pred[r * cols + c];
            ss_res += d * d;
            ss_tot += (y - m) * (y - m);
        }
        double r2;
        if (!std::isfinite(ss_res))
            r2 = -std::numeric_limits<double>::infinity();
        else if (ss_tot == 0.0)
            r2 = ss_res == 0.0 ? 1.0 : 0.0;
        else
            r2 = 1.0 - ss_res / ss_tot;
        acc += r2;
    }
    return acc / static_cast<double>(cols);
}

double deviance(const std::vector<double>& logit, const std::vector<double>& decision)
{
    double s = 0.0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < logit.size(); ++i) {
        const double d = decision[i];
        if (std::isnan(d)) continue;
        const double z = logit[i];
        // -log sigmoid(z) = softplus(-z); -log(1 - sigmoid(z)) = softplus(z)
        const double zz = d > 0.5 ? -z : z;
        s += 2.0 * (zz > 0 ? zz + std::log1p(std::exp(-zz)) : std::log1p(std::exp(zz)));
        ++n;
    }
    return n ? s / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
}

double percent_deviance_explained(double d_model, double d_null)
{
    return 100.0 * (d_null - d_model) / d_null;
}

double median(std::vector<double> v)
{
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
    if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double mean(const std::vector<double>& v)
{
    double s = 0.0;
    std::size_t n = 0;
    for (double x : v)
        if (!std::isnan(x)) s += x, ++n;
    return n ? s / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
}

} // namespace plast::infer
