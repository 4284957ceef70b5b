#pragma once
// Filters on metrics: named groups of bounds (spec §7.1 "the filter"). A metric that is NaN or
// missing never passes. The fSBI plausibility filter's defaults follow the published plausible sets;
// the documented discrepancies of the reference code are named variants:
//   "paper"        (default) std_rate_temporal <= 0.5, cv_isi >= 0.7, std_cv <= 0.2
//   "analyse_py"   condition() of fsbi/analyse.py: std_rate_temporal <= 0.05, 0.7 <= cv_isi <= 2.7
//   "fit_posterior" the 1_Fit_posterior list: no std_cv bound
//   "mlp"          MLP space: no weif / wiif bounds (EI and II static)
#include <map>
#include <string>
#include <vector>

namespace plast::metrics {

struct Constraint {
    std::string metric;
    double lo, hi;
};
struct FilterGroup {
    std::string name;
    std::vector<Constraint> constraints;
};

std::vector<bool> group_pass(const std::vector<FilterGroup>& filter, const std::vector<std::string>& metric_names,
                             const std::vector<double>& metrics);
bool passes(const std::vector<FilterGroup>& filter, const std::map<std::string, double>& metrics);

// One bound of a filter checked on a run: the verdict table. failed_bounds() keeps the missed ones
// (the reasons of an "implausible" verdict).
struct BoundCheck {
    std::string group, metric;
    double value, lo, hi;
    bool passed = false;
};
using FailedBound = BoundCheck;
std::vector<BoundCheck> check_bounds(const std::vector<FilterGroup>& filter, const std::map<std::string, double>& metrics);
std::vector<FailedBound> failed_bounds(const std::vector<FilterGroup>& filter, const std::map<std::string, double>& metrics);

// The fSBI plausibility filter (groups: stable_activity, stable_weights, asynchronous_irregular).
std::vector<FilterGroup> fsbi_plausibility_filter(const std::string& variant = "paper");
const std::vector<std::string>& fsbi_filter_variants();

} // namespace plast::metrics
