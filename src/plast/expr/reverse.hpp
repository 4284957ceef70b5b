#pragma once
// Reverse-mode differentiation of an expression tape: the value of f and its partial derivatives with
// respect to every input and every free parameter in one forward and one backward sweep.
//
// Forward sweep: every node's value is kept (not only the stack top). Backward sweep: the adjoint of the
// output is the seed (1, or lam[k] for a vector-Jacobian product), and each node hands its adjoint to
// its operands with the local partials
//   a + b: 1, 1            a - b: 1, -1          a * b: b, a          a / b: 1/b, -a/b^2
//   a ^ b: b a^(b-1), a^b log(a)   (the b-partial only when b depends on an input or parameter; 0 when
//          a = 0 and b > 0; with the real-part power semantics, |a|^b (log|a| cos(pi b) - pi sin(pi b))
//          for a < 0)
//   -a: -1   exp(a): exp(a)   log(a): 1/a   abs(a): sign(a) (0 at 0)   step(a): 0 (NaN for a NaN)
//   min(a, b), max(a, b): 1 to the chosen operand (a on ties), NaN to both when either is NaN.
// At the kinks of abs, step, min and max the one-sided derivative above is returned. Nothing throws:
// NaN and Inf propagate as IEEE arithmetic gives them (a rule that blows up has a non-finite gradient).
//
// Cost: about three tape evaluations; batched calls run the sweeps over chunks of 64 elements.
#include "plast/expr/tape.hpp"

#include <cstddef>
#include <vector>

namespace plast::expr {

class ReverseTape {
  public:
    explicit ReverseTape(Tape tape);

    const Tape& tape() const { return tape_; }

    // Scalar: returns f(x, theta); dx[i] = df/dx_i (n_inputs entries, may be null), dtheta[p] = df/dtheta_p
    // (n_params entries, may be null; overwritten).
    double gradient(const double* x, const double* theta, double* dx, double* dtheta) const;

    // Batched, element k < n: out[k] = f_k (may be null); dx[i][k] = df_k/dx_i for every input i with
    // dx[i] non-null (dx itself may be null); dtheta[k * n_params + p] = df_k/dtheta_p (may be null).
    // Inputs the tape does not read may be null.
    void gradient_batch(const double* const* inputs, std::size_t n, const double* theta, double* out,
                        double* const* dx, double* dtheta) const;

    // Vector-Jacobian product: dtheta[p] += sum_k lam[k] df_k/dtheta_p; out (may be null) as above,
    // dx[i][k] = lam[k] df_k/dx_i where dx[i] is non-null.
    void vjp_batch(const double* const* inputs, std::size_t n, const double* theta, const double* lam, double* out,
                   double* const* dx, double* dtheta) const;

  private:
    void sweep(const double* const* inputs, std::size_t n, const double* theta, const double* lam, double* out,
               double* const* dx, double* dtheta, bool per_element) const;

    Tape tape_;
    std::vector<std::uint32_t> lhs_, rhs_; // operand node indices (rhs_ unused for unary operators)
    std::vector<char> active_;             // node depends on an input or a parameter
};

} // namespace plast::expr
