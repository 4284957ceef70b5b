#include "plast/export/expression_printer.hpp"

#include "plast/core/error.hpp"

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace plast::exporter {

const char* target_name(Target t)
{
    return t == Target::brian2 ? "brian2" : "nestml";
}

std::string number_text(double x)
{
    if (std::isnan(x)) return "nan";
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    for (int digits = 1; digits <= 17; ++digits) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.*g", digits, x);
        if (std::strtod(buf, nullptr) == x) {
            std::string s = buf;
            // Plain decimals for ordinary magnitudes ("20.0", not "2e+01").
            const double ax = std::fabs(x);
            if (s.find('e') != std::string::npos && ax >= 1e-4 && ax < 1e16) {
                const int p = std::max(0, digits - 1 - static_cast<int>(std::floor(std::log10(ax))));
                char fb[64];
                std::snprintf(fb, sizeof fb, "%.*f", p, x);
                if (std::strtod(fb, nullptr) == x) s = fb;
            }
            // A float literal in every target ("2." is not valid in all of them: write "2.0").
            if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
            return s;
        }
    }
    return "nan"; // unreachable: 17 digits always round-trip
}

std::string print_expression(const expr::Tape& tape, Target target,
                             const std::function<std::string(const std::string&)>& rename)
{
    using expr::Op;
    std::vector<std::string> st;
    const auto pop = [&] {
        std::string s = std::move(st.back());
        st.pop_back();
        return s;
    };
    const bool b2 = target == Target::brian2;
    for (const auto& n : tape.nodes()) {
        switch (n.op) {
        case Op::input: st.push_back(rename(tape.input_names()[n.index])); break;
        case Op::param: st.push_back(rename(tape.param_names()[n.index])); break;
        case Op::constant: {
            const std::string s = number_text(n.value);
            st.push_back(n.value < 0 ? "(" + s + ")" : s);
            break;
        }
        case Op::add:
        case Op::sub:
        case Op::mul:
        case Op::div: {
            const std::string b = pop(), a = pop();
            st.push_back("(" + a + " " + expr::symbol(n.op) + " " + b + ")");
            break;
        }
        case Op::pow: {
            const std::string b = pop(), a = pop();
            st.push_back("(" + a + ")**(" + b + ")");
            break;
        }
        case Op::neg: st.push_back("(-" + pop() + ")"); break;
        case Op::exp: st.push_back("exp(" + pop() + ")"); break;
        case Op::log: st.push_back((b2 ? "log(" : "ln(") + pop() + ")"); break;
        case Op::abs: st.push_back("abs(" + pop() + ")"); break;
        case Op::step: {
            const std::string a = pop();
            st.push_back(b2 ? "int(" + a + " > 0)" : "(" + a + " > 0 ? 1.0 : 0.0)");
            break;
        }
        case Op::min:
        case Op::max: {
            const std::string b = pop(), a = pop();
            if (b2)
                st.push_back(n.op == Op::min ? "clip(" + a + ", -inf, " + b + ")" : "clip(" + a + ", " + b + ", inf)");
            else
                st.push_back(std::string(n.op == Op::min ? "min(" : "max(") + a + ", " + b + ")");
            break;
        }
        }
    }
    if (st.size() != 1) runtime_error("export", "incomplete expression tape");
    return st.back();
}

} // namespace plast::exporter
