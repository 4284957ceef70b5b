#pragma once
// Numerical rule-equivalence checks (evolving-rules §7): identities that hold only on the task's
// input domain (R = +-1) or up to a constant factor are checked on random samples.
#include "plast/expr/tape.hpp"

#include <cstdint>
#include <vector>

namespace plast::e2l {

// If f(v, u, sbar) = c (v - u) sbar on the error task's domain (v, u in [-75, -55] mV, sbar in
// [0, 0.1]), return c (relative spread below 1e-6 over 200 samples); otherwise NaN.
double delta_rule_factor(const expr::Tape& f);

// Linearisation near v = u (paper Eq. 12): if f(u, u, sbar) ~ 0 and c = df/dv / sbar at v = u is
// positive and within a factor 3 over the domain (u in [-75, -55] mV, sbar in [0.005, 0.1]),
// return the median c (the rule acts as a delta rule with learning rate c eta near the target);
// otherwise NaN. Classifies "efficient" rules such as Eqs. 10 and 11 that are not exactly c (v - u) sbar.
double linearized_delta_factor(const expr::Tape& f);

// Maximum |f - g| / max(1, |f|) over `samples` random points; inputs i are drawn from
// {-1, +1} where pm_one[i] is true and from U[lo, hi] otherwise. Non-finite where both are
// non-finite counts as equal.
double max_rel_difference(const expr::Tape& f, const expr::Tape& g, const std::vector<bool>& pm_one, double lo,
                          double hi, int samples = 500, std::uint64_t seed = 1);

} // namespace plast::e2l
