#pragma once
// Parser for rule strings such as "x_2*(x_0-x_1)" or "2*(v - u)*sbar".
//
// Grammar (usual precedence; '^' and '**' are right-associative and bind tighter than unary minus,
// so -x^2 = -(x^2)):
//   expr    := term (('+' | '-') term)*
//   term    := unary (('*' | '/') unary)*
//   unary   := ('-' | '+') unary | power
//   power   := primary (('^' | '**') unary)?
//   primary := number | name | 'pow' '(' expr ',' expr ')' | '(' expr ')'
//            | exp(e) | log(e) | abs(e) | step(e) | min(e, e) | max(e, e) | clip(e, lo, hi)
// Names: the task's input names, the positional aliases x_0, x_1, ... (x0 also accepted) and the
// declared parameter names. Errors are plast::Error (usage kind) naming the position, e.g.
//   rule "2*(v-u": position 7: expected ')' (allowed: ...)
#include "plast/expr/tape.hpp"

#include <string>
#include <vector>

namespace plast::expr {

Tape parse(const std::string& text, const std::vector<std::string>& input_names,
           const std::vector<std::string>& param_names = {});

} // namespace plast::expr
