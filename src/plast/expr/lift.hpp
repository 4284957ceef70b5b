#pragma once
// Turning the numeric constants of an expression into trainable parameters, so that the constants of a
// rule found by evolution (printed as numbers) can be fitted by gradient descent.
//
//   fold_negated_constants:  -(2.5) becomes the constant -2.5 (the parser reads "-2.5" as a negation);
//                            the value is the same bit for bit.
//   lift_constants:          every numeric constant becomes a new parameter named c0, c1, ... in tape
//                            order (names already used by the tape's parameters are skipped), with the
//                            constant as its start value. Integer exponents (y^2) stay constants by default:
//                            they are the form of the rule, and a real exponent would make the derivative
//                            with respect to it undefined for a negative base.
//   match_parameters:        the values a second expression of the same form assigns to the parameters of
//                            a first one (node for node: same operators and inputs, each parameter of the
//                            first facing a constant of the second, other constants equal). Used to
//                            compare fitted constants with the generating rule.
#include "plast/expr/tape.hpp"

#include <optional>
#include <vector>

namespace plast::expr {

Tape fold_negated_constants(const Tape& t);

struct LiftedTape {
    Tape tape;                  // the input tape's parameters first, then the lifted ones
    std::vector<double> values; // start values of the lifted parameters, in order
};

LiftedTape lift_constants(const Tape& t, bool keep_integer_exponents = true);

// theta such that `form` with parameters theta equals `truth` node for node; nullopt if the forms differ
// (or a parameter would take two different values). `truth` is numeric (its parameters, if any, never
// match).
std::optional<std::vector<double>> match_parameters(const Tape& form, const Tape& truth);

} // namespace plast::expr
