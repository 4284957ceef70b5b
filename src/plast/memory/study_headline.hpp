#pragma once
// The headline of a memory study over many rules (Mem1kRules / Memory by accident, spec §9-§11):
// what fraction of the rules remember, how, and for how long.
//
// Denominator: the rules that are stable in the `control` condition (spec §7.2 subset, see
// memory_study.hpp) with at least two completed runs — the published fractions are over the
// stability-selected rules.
//   novelty(t)      fraction with p < 0.05 at test time t and mean dr_mem > 0
//   familiarity(t)  fraction with p < 0.05 and mean dr_mem < 0
//   on_transient(t) fraction whose ON transient differs (novel vs familiar, p < 0.05)
//   "any time"      the same, at one or more test times
//   lifetime        histogram of the last significant test time (0 = never)
// Knock-outs: the fraction of rules stable in each condition (over the rules that were tested), with
// the mode ("memory" or "stability" = stability-only runs, no memory statistics), the runs per rule
// and the re-check verdicts over all runs; stability-only conditions get no memory fractions.
// Regression (Memory by accident Fig. 1C): linear regression from the 24 rule parameters (standardised,
// plus an intercept; ridge penalty 1 so that it is defined with fewer rules than parameters) to the E
// rate, the I rate (1 s baseline before the last test, mean over runs) and the memory lifetime
// (log10(1 + lifetime/s)), scored by the 5-fold cross-validated R² (folds by rule index modulo 5; the
// in-sample R² of 25 coefficients on tens of rules would mean nothing).
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace plast::memory {

struct RuleOutcome {
    std::string rule, condition;
    std::vector<double> theta;    // the 24 rule parameters
    bool tested = false;          // >= 2 completed runs
    bool stable = false;
    std::vector<bool> novelty, familiarity, on_transient; // per test time
    double lifetime = 0;
    double rate_e = 0, rate_i = 0; // baseline before the last test, mean over completed runs
    bool stability_only = false;   // a knock-out run for stability only (no memory statistics)
    int runs = 0;                  // runs of this rule and condition
    int recheck_runs = 0, recheck_plausible = 0; // re-check verdicts over the runs (0, 0: no re-check)
};

// Fraction tables and regression; `times` are the test times (s after training).
nlohmann::json study_headline(const std::vector<RuleOutcome>& outcomes, const std::vector<double>& times,
                              const std::vector<std::string>& conditions);

// k-fold cross-validated R² of ridge regression y ~ [1, standardised X] (folds by row index modulo k;
// ridge = 0: least squares); NaN when y has no variance or a fold has too few training rows.
double cross_validated_r2(const std::vector<std::vector<double>>& x, const std::vector<double>& y, int folds = 5,
                          double ridge = 1.0);

} // namespace plast::memory
