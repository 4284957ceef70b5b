#pragma once
// A rule expression as a flat postfix tape (design-anchors §3, evolving-rules §5.2).
//
// The same representation serves evolution (CGP genomes compile into it), users (the parser
// produces it) and the simulators (they evaluate it). Terminals are named inputs, numeric
// constants and free parameters theta; operators are + - * / pow, unary minus and the functions exp,
// log, abs, step, min, max (log of a negative number is NaN, of 0 -Inf), evaluated in
// real double arithmetic (evolving-rules §1.3, toolkit choice): a negative base to a non-integer
// power gives NaN, division by zero gives +-Inf or NaN. Callers treat non-finite results as an
// invalid rule (fitness -inf); evaluation itself never throws.
//
// Batched evaluation runs the tape once per chunk of 64 elements: one switch per node per chunk,
// then a tight loop over the chunk (no virtual call per node or per element).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace plast::expr {

// Functions (user expressions; CGP does not use them): exp, log, abs, step (1 for x > 0, else 0) are
// unary, min and max binary; clip(x, lo, hi) is parsed as min(max(x, lo), hi).
enum class Op : std::uint8_t { input, constant, param, add, sub, mul, div, pow, neg, exp, log, abs, step, min, max };

// Arity of an operator (0 for terminals).
int arity(Op op);
// "+", "-", "*", "/", "^", "neg", "exp", ... (for messages and printing).
bool is_function(Op op);
const char* symbol(Op op);

struct Node {
    Op op = Op::constant;
    std::uint32_t index = 0; // input or parameter index
    double value = 0.0;      // constant value
};

class Tape {
  public:
    Tape() = default;
    explicit Tape(std::vector<std::string> input_names, std::vector<std::string> param_names = {});

    // Building (postfix order). push_op checks that enough operands are on the stack.
    void push_input(std::size_t i);
    void push_constant(double v);
    void push_param(std::size_t i);
    void push_op(Op op);
    // Append another tape's code (same input/param layout) as one operand.
    void append(const Tape& other);

    const std::vector<Node>& nodes() const { return nodes_; }
    const std::vector<std::string>& input_names() const { return inputs_; }
    const std::vector<std::string>& param_names() const { return params_; }
    std::size_t n_inputs() const { return inputs_.size(); }
    std::size_t n_params() const { return params_.size(); }
    std::size_t size() const { return nodes_.size(); }
    // A complete expression leaves exactly one value on the stack.
    bool complete() const { return !nodes_.empty() && depth_ == 1; }
    std::size_t max_depth() const { return max_depth_; }
    // Which inputs the expression reads.
    std::vector<bool> uses_inputs() const;

    // Scalar evaluation: x[i] for input i, theta[p] for parameter p (may be null without params).
    double eval(const double* x, const double* theta = nullptr) const;
    // out[k] = f(inputs[0][k], inputs[1][k], ...) for k < n. Inputs the tape does not read may be null.
    void eval_batch(const double* const* inputs, std::size_t n, const double* theta, double* out) const;

    // Power semantics for a negative base and a non-integer exponent: NaN (real arithmetic, the
    // default) or the real part of the complex principal value |a|^b cos(pi b), which is what the
    // reference E2L evaluator computed (evolving-rules §1.3, legacy).
    void set_pow_real_part(bool on) { pow_real_part_ = on; }
    bool pow_real_part() const { return pow_real_part_; }

    // Fully parenthesised-where-needed infix form with the tape's input names, e.g. "(v - u) * sbar".
    std::string infix() const;

  private:
    std::vector<std::string> inputs_, params_;
    std::vector<Node> nodes_;
    std::size_t depth_ = 0, max_depth_ = 0;
    bool pow_real_part_ = false;
};

// pow with the optional real-part semantics (see Tape::set_pow_real_part).
double pow_op(double a, double b, bool real_part);

// Substitute parameter values: returns a tape without parameters (constants in their place).
Tape bind_params(const Tape& t, const double* theta);

} // namespace plast::expr
