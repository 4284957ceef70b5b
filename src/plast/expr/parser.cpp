#include "plast/expr/parser.hpp"

#include "plast/core/error.hpp"

#include <cctype>
#include <cstdlib>

namespace plast::expr {

namespace {

class Parser {
  public:
    Parser(const std::string& text, const std::vector<std::string>& in, const std::vector<std::string>& par)
        : s_(text), tape_(in, par)
    {
    }

    Tape run()
    {
        skip();
        if (pos_ >= s_.size()) fail("empty rule", "an expression such as x_0*x_1");
        expr();
        skip();
        if (pos_ < s_.size()) fail(std::string("unexpected '") + s_[pos_] + "'", "an operator + - * / ^ or the end");
        return std::move(tape_);
    }

  private:
    [[noreturn]] void fail(const std::string& what, const std::string& allowed)
    {
        usage_error("rule \"" + s_ + "\"", "position " + std::to_string(pos_ + 1) + ": " + what, allowed);
    }
    void skip()
    {
        while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])))
            ++pos_;
    }
    bool eat(const char* tok)
    {
        skip();
        const std::string t(tok);
        if (s_.compare(pos_, t.size(), t) == 0) {
            // '*' must not swallow the first half of '**'.
            if (t == "*" && s_.compare(pos_, 2, "**") == 0) return false;
            pos_ += t.size();
            return true;
        }
        return false;
    }
    void expect(const char* tok)
    {
        if (!eat(tok)) fail(std::string("expected '") + tok + "'", std::string("'") + tok + "'");
    }
    void expr()
    {
        term();
        for (;;) {
            if (eat("+")) {
                term();
                tape_.push_op(Op::add);
            } else if (eat("-")) {
                term();
                tape_.push_op(Op::sub);
            } else
                return;
        }
    }
    void term()
    {
        unary();
        for (;;) {
            if (eat("*")) {
                unary();
                tape_.push_op(Op::mul);
            } else if (eat("/")) {
                unary();
                tape_.push_op(Op::div);
            } else
                return;
        }
    }
    void unary()
    {
        // Every recursion (parentheses, unary signs, powers, pow()) passes through here: bound the
        // nesting so hostile input cannot overflow the stack.
        struct Depth {
            int& d;
            explicit Depth(int& x) : d(x) { ++d; }
            ~Depth() { --d; }
        } guard(depth_);
        if (depth_ > max_nesting)
            fail("nesting deeper than " + std::to_string(max_nesting) + " levels", "an expression with at most " +
                                                                                    std::to_string(max_nesting) +
                                                                                    " nested parentheses, signs or powers");
        if (eat("-")) {
            unary();
            tape_.push_op(Op::neg);
        } else if (eat("+")) {
            unary();
        } else {
            power();
        }
    }
    void power()
    {
        primary();
        if (eat("**") || eat("^")) {
            unary();
            tape_.push_op(Op::pow);
        }
    }
    std::string allowed_names() const
    {
        std::string a;
        for (const auto& n : tape_.input_names())
            a += (a.empty() ? "" : ", ") + n;
        for (const auto& n : tape_.param_names())
            a += (a.empty() ? "" : ", ") + n;
        const std::size_t k = tape_.n_inputs();
        if (k > 0) a += (a.empty() ? "" : ", ") + std::string("x_0") + (k > 1 ? "..x_" + std::to_string(k - 1) : "");
        return a.empty() ? "numbers only" : a;
    }
    void primary()
    {
        skip();
        if (pos_ >= s_.size()) fail("unexpected end of rule", "a number, a name or '('");
        const char c = s_[pos_];
        if (c == '(') {
            ++pos_;
            expr();
            expect(")");
            return;
        }
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
            const char* begin = s_.c_str() + pos_;
            char* end = nullptr;
            const double v = std::strtod(begin, &end);
            if (end == begin) fail("malformed number", "a decimal number such as 0.5 or 1e-3");
            pos_ += static_cast<std::size_t>(end - begin);
            tape_.push_constant(v);
            return;
        }
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            const std::size_t start = pos_;
            while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
                ++pos_;
            const std::string name = s_.substr(start, pos_ - start);
            if (name == "pow" || name == "min" || name == "max") {
                expect("(");
                expr();
                expect(",");
                expr();
                expect(")");
                tape_.push_op(name == "pow" ? Op::pow : name == "min" ? Op::min : Op::max);
                return;
            }
            if (name == "exp" || name == "log" || name == "abs" || name == "step") {
                expect("(");
                expr();
                expect(")");
                tape_.push_op(name == "exp" ? Op::exp : name == "log" ? Op::log : name == "abs" ? Op::abs : Op::step);
                return;
            }
            if (name == "clip") { // clip(x, lo, hi) = min(max(x, lo), hi)
                expect("(");
                expr();
                expect(",");
                expr();
                tape_.push_op(Op::max);
                expect(",");
                expr();
                expect(")");
                tape_.push_op(Op::min);
                return;
            }
            const auto& in = tape_.input_names();
            for (std::size_t i = 0; i < in.size(); ++i)
                if (in[i] == name) return tape_.push_input(i);
            const auto& par = tape_.param_names();
            for (std::size_t i = 0; i < par.size(); ++i)
                if (par[i] == name) return tape_.push_param(i);
            // Positional aliases x_k / xk.
            if (name.size() >= 2 && name[0] == 'x') {
                const std::string digits = name.substr(name[1] == '_' ? 2 : 1);
                bool ok = !digits.empty() && digits.size() < 6;
                for (char d : digits)
                    ok = ok && std::isdigit(static_cast<unsigned char>(d));
                if (ok) {
                    const auto k = static_cast<std::size_t>(std::stoul(digits));
                    if (k < in.size()) return tape_.push_input(k);
                }
            }
            pos_ = start;
            fail("unknown name '" + name + "'", allowed_names());
        }
        fail(std::string("unexpected '") + c + "'", "a number, a name or '('");
    }

    static constexpr int max_nesting = 256;
    const std::string& s_;
    std::size_t pos_ = 0;
    int depth_ = 0;
    Tape tape_;
};

} // namespace

Tape parse(const std::string& text, const std::vector<std::string>& input_names,
           const std::vector<std::string>& param_names)
{
    return Parser(text, input_names, param_names).run();
}

} // namespace plast::expr
