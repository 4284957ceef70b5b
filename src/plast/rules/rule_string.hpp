#pragma once
// Rule strings for Taylor coefficients, spec gradient-inference.md §2.4.
//
// Examples: "X1Y0W0R1", "XR-0.05W", "X1Y0W0R1-0.05X0Y0W1R0", "X2R2-0.05W2", "R-0.05XW".
// - Terms are split on '+' / '-' (the sign belongs to the following term); whitespace is ignored.
// - A term is an optional numeric multiplier (default 1; "1e-3" style exponents allowed), then
//   variables from {X, Y, W, R} (case-insensitive, any order, each at most once), each optionally
//   followed by a power digit 0, 1 or 2. A missing variable has power 0, a bare variable power 1.
//   A term with no variable is the bias. Repeated terms add up.
// - With with_reward = false (27-term family) the variable R is rejected.
// Errors (plast::Error, config kind) name `where` (file:line or option), `key` and the offending term.
#include <string>
#include <vector>

namespace plast::rules {

// Canonical-order coefficient vector (81 or 27 entries).
std::vector<double> parse_rule_string(const std::string& text, bool with_reward, const std::string& where = "rule",
                                      const std::string& key = "rule");

// Canonical rule string "X1Y0W0R1-0.05X0Y0W1R0" of the nonzero coefficients (inverse of the parser).
std::string format_rule_string(const std::vector<double>& theta, bool with_reward);

// Coefficient mask from a list of term strings (each a single term without multiplier, e.g. "X1R1").
std::vector<double> mask_from_terms(const std::vector<std::string>& terms, bool with_reward,
                                    const std::string& where = "rule", const std::string& key = "terms");

} // namespace plast::rules
