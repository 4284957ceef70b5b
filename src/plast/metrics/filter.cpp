#include "plast/metrics/filter.hpp"

#include "plast/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace plast::metrics {

std::vector<bool> group_pass(const std::vector<FilterGroup>& filter, const std::vector<std::string>& names,
                             const std::vector<double>& metrics)
{
    std::vector<bool> pass;
    for (const auto& g : filter) {
        bool ok = true;
        for (const auto& c : g.constraints) {
            const auto it = std::find(names.begin(), names.end(), c.metric);
            const double v = it == names.end() ? std::nan("") : metrics[static_cast<std::size_t>(it - names.begin())];
            ok = ok && std::isfinite(v) && v >= c.lo && v <= c.hi;
        }
        pass.push_back(ok);
    }
    return pass;
}

bool passes(const std::vector<FilterGroup>& filter, const std::map<std::string, double>& m)
{
    for (const auto& g : filter)
        for (const auto& c : g.constraints) {
            const auto it = m.find(c.metric);
            if (it == m.end() || !std::isfinite(it->second) || it->second < c.lo || it->second > c.hi) return false;
        }
    return true;
}

const std::vector<std::string>& fsbi_filter_variants()
{
    static const std::vector<std::string> v{"paper", "analyse_py", "fit_posterior", "mlp"};
    return v;
}

std::vector<FilterGroup> fsbi_plausibility_filter(const std::string& variant)
{
    const double inf = 1e300;
    std::vector<FilterGroup> f{
        {"stable_activity", {{"rate", 1, 50}, {"rate_i", 1, 50}}},
        {"stable_weights", {{"w_blow", 0, 0.1}, {"w_creep", 0, 0.05}, {"weef", 0, 0.5}, {"weif", 0, 0.5}, {"wief", 0, 5}, {"wiif", 0, 5}}},
        {"asynchronous_irregular",
         {{"cv_isi", 0.7, inf}, {"spatial_Fano", 0.5, 2.5}, {"temporal_Fano", 0.5, 2.5}, {"auto_cov", 0, 0.1}, {"fft", 0, 1},
          {"std_rate_temporal", 0, 0.5}, {"std_rate_spatial", 0, 5}, {"std_cv", 0, 0.2}}},
    };
    auto& ai = f[2].constraints;
    if (variant == "paper") return f;
    if (variant == "analyse_py") {
        for (auto& c : ai) {
            if (c.metric == "std_rate_temporal") c.hi = 0.05;
            if (c.metric == "cv_isi") c.hi = 2.7;
        }
        return f;
    }
    if (variant == "fit_posterior") {
        ai.erase(std::remove_if(ai.begin(), ai.end(), [](const Constraint& c) { return c.metric == "std_cv"; }), ai.end());
        return f;
    }
    if (variant == "mlp") {
        auto& sw = f[1].constraints;
        sw.erase(std::remove_if(sw.begin(), sw.end(), [](const Constraint& c) { return c.metric == "weif" || c.metric == "wiif"; }), sw.end());
        return f;
    }
    runtime_error("plausibility filter", "unknown variant '" + variant + "'");
}

std::vector<BoundCheck> check_bounds(const std::vector<FilterGroup>& filter, const std::map<std::string, double>& metrics)
{
    std::vector<BoundCheck> out;
    for (const auto& g : filter)
        for (const auto& c : g.constraints) {
            const auto it = metrics.find(c.metric);
            const double v = it == metrics.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
            out.push_back({g.name, c.metric, v, c.lo, c.hi, v >= c.lo && v <= c.hi}); // NaN never passes
        }
    return out;
}

std::vector<FailedBound> failed_bounds(const std::vector<FilterGroup>& filter, const std::map<std::string, double>& metrics)
{
    auto all = check_bounds(filter, metrics);
    all.erase(std::remove_if(all.begin(), all.end(), [](const BoundCheck& b) { return b.passed; }), all.end());
    return all;
}

} // namespace plast::metrics
