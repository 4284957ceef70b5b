#pragma once
// Printing a rule expression (a parsed expr::Tape) in the syntax of an export target.
//
// The tape is walked in postfix order and every operator is printed fully parenthesised, so the
// target evaluates the same arithmetic in the same order as plast (double precision in both). What
// each target writes for plast's operators:
//
// | plast        | brian2                      | nestml                    |
// |--------------|-----------------------------|---------------------------|
// | a ^ b        | (a)**(b)                    | (a)**(b)                  |
// | exp log abs  | exp log abs                 | exp ln abs                |
// | step(x)      | int((x) > 0)                | ((x) > 0 ? 1. : 0.)       |
// | min(a, b)    | clip(a, -inf, b)            | min(a, b)                 |
// | max(a, b)    | clip(a, b, inf)             | max(a, b)                 |
// Numbers are printed with 17 significant digits (they read back to the same double); names are
// printed through `rename` (e.g. V -> v_post for Brian2).
#include "plast/expr/tape.hpp"

#include <functional>
#include <string>

namespace plast::exporter {

enum class Target { brian2, nestml };

const char* target_name(Target t);

// A number that reads back to the same double ("0.02", "-1.5e-10").
std::string number_text(double x);

// The expression in the target's syntax. Input and parameter names pass through `rename`.
std::string print_expression(const expr::Tape& tape, Target target,
                             const std::function<std::string(const std::string&)>& rename);

} // namespace plast::exporter
