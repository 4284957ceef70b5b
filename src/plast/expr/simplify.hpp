#pragma once
// Simplification and canonical printing of rule expressions.
//
// The canonical form is a sum of terms  c * a1^k1 * a2^k2 * ...  with numeric coefficients c and
// integer exponents k (negative exponents print as a denominator). Atoms are the inputs, the
// parameters, and opaque sub-expressions that are not polynomial: 1/(sum) becomes the atom
// "(sum)" with exponent -1 (the sum normalised so its first coefficient is 1), and a power with a
// non-integer or non-constant exponent becomes "pow(base, exponent)". Products of sums are
// expanded (up to 256 terms), like terms are combined, constants are folded and zero terms
// dropped, so algebraically equal polynomial/rational-monomial rules print identically:
//   "(v - u)*sbar*2"  and  "2*sbar*v - sbar*u - sbar*u"  both print  "2*sbar*v - 2*sbar*u".
// Identities that need facts about the inputs (R^2 = 1 for R = +-1) are not applied; use
// numerical comparison for those (e2l tests do).
// A division by an expression that is identically zero yields the form "nan" (invalid rule).
#include "plast/expr/tape.hpp"

#include <string>

namespace plast::expr {

// Canonical printed form (also used as a cache key). Parameters print by name.
std::string canonical(const Tape& t);

// Canonical form with the parameters replaced by the values theta.
std::string canonical(const Tape& t, const double* theta);

// For reports: the canonical form, unless expanding made it longer than the plain infix form of the
// expression (nested quotients), in which case the infix form.
std::string readable(const Tape& t);

// The expression of the canonical form, as a tape over the same inputs: what hal-cgp's
// to_sympy(simplify=True) gives the E2L reference to simulate. It differs from t where t has a removable
// singularity (E*w/E is w, also at E = 0; w/w - w/w is 0) and in coefficients beyond 10 significant
// digits. A canonical form "nan" (division by zero) gives a tape that is NaN everywhere; t itself if the
// form does not parse back (an opaque sub-expression the parser does not know).
Tape simplified(const Tape& t);

} // namespace plast::expr
