#pragma once
// Two-sample Student t-test with equal variances (scipy.stats.ttest_ind default), as used for the
// memory significance of the familiarity protocol (spec §9: 5 r_nov against 5 r_fam per test time).
#include <vector>

namespace plast::search {

struct TTest {
    double t = 0.0;
    double p = 1.0; // two-sided; 1 when both samples are constant and equal, 0 when constant and different
    int dof = 0;
};

TTest t_test_independent(const std::vector<double>& a, const std::vector<double>& b);

} // namespace plast::search
