#ifndef SYMPY_EXPR_H
#define SYMPY_EXPR_H
// Stand-in for the reference's SymEngine evaluator (SymEngine is not available here): parses the
// expression (numbers, x_i, + - * / ** ^, parentheses, unary minus) and evaluates it in complex
// arithmetic, returning the real part, as the reference's eval_complex_double does. Operations on
// real values stay real (x/0 = +-inf), so only a negative base to a non-integer power goes complex.
#include <cassert>
#include <cmath>
#include <complex>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>
namespace nest
{
class SympyExpr
{
  typedef std::complex< double > C;
  struct Node { char op; double num; int var; std::shared_ptr< Node > a, b; };
  typedef std::shared_ptr< Node > P;
  std::string s_; size_t i_ = 0; P root_; size_t n_ = 0;
  void ws() { while ( i_ < s_.size() && s_[ i_ ] == ' ' ) ++i_; }
  P mk( char op, P a, P b ) { P n( new Node() ); n->op = op; n->a = a; n->b = b; return n; }
  P sum() { P l = prod(); for ( ;; ) { ws(); if ( i_ < s_.size() && ( s_[ i_ ] == '+' || s_[ i_ ] == '-' ) ) { char o = s_[ i_++ ]; l = mk( o, l, prod() ); } else return l; } }
  P prod() { P l = unary(); for ( ;; ) { ws(); if ( i_ < s_.size() && s_[ i_ ] == '*' && !( i_ + 1 < s_.size() && s_[ i_ + 1 ] == '*' ) ) { ++i_; l = mk( '*', l, unary() ); } else if ( i_ < s_.size() && s_[ i_ ] == '/' ) { ++i_; l = mk( '/', l, unary() ); } else return l; } }
  P unary() { ws(); if ( s_[ i_ ] == '-' ) { ++i_; return mk( 'n', unary(), P() ); } if ( s_[ i_ ] == '+' ) { ++i_; return unary(); } return power(); }
  P power() { P b = atom(); ws(); if ( i_ + 1 < s_.size() && s_[ i_ ] == '*' && s_[ i_ + 1 ] == '*' ) { i_ += 2; return mk( '^', b, unary() ); } if ( i_ < s_.size() && s_[ i_ ] == '^' ) { ++i_; return mk( '^', b, unary() ); } return b; }
  P atom() { ws(); P n( new Node() ); if ( s_[ i_ ] == '(' ) { ++i_; P e = sum(); ws(); if ( s_[ i_ ] != ')' ) throw std::runtime_error( "missing )" ); ++i_; return e; }
    if ( s_.compare( i_, 2, "x_" ) == 0 ) { i_ += 2; size_t k; n->var = std::stoi( s_.substr( i_ ), &k ); i_ += k; n->op = 'x'; return n; }
    size_t k; n->num = std::stod( s_.substr( i_ ), &k ); i_ += k; n->op = 'c'; return n; }
  static C ev( const P& n, const std::vector< double >& x )
  {
    switch ( n->op ) {
    case 'c': return C( n->num, 0 );
    case 'x': return C( x[ n->var ], 0 );
    case 'n': return -ev( n->a, x );
    }
    C a = ev( n->a, x ), b = ev( n->b, x );
    bool real = a.imag() == 0 && b.imag() == 0;
    switch ( n->op ) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return real ? C( a.real() * b.real(), 0 ) : a * b;
    case '/': return real ? C( a.real() / b.real(), 0 ) : a / b;
    default:
      if ( real && ( a.real() >= 0 || b.real() == std::floor( b.real() ) ) ) return C( std::pow( a.real(), b.real() ), 0 );
      return std::pow( a, b );
    }
  }
public:
  void parse( const std::string expr, const size_t n_inputs ) { assert( expr.size() > 0 ); s_ = expr; i_ = 0; root_ = sum(); n_ = n_inputs; }
  double eval( const std::vector< double > args ) const { assert( args.size() == n_ ); return std::real( ev( root_, args ) ); }
};
}
#endif
