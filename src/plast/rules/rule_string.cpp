#include "plast/rules/rule_string.hpp"

#include "plast/core/error.hpp"
#include "plast/io/csv.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace plast::rules {

namespace {

struct Term {
    double coef = 1.0;
    int pow[4] = {0, 0, 0, 0}; // x, y, w, r
};

const char* const kAllowed = "terms like X1Y0W0R1, XR, -0.05W, X2R2 (variables X, Y, W, R; powers 0, 1, 2)";

Term parse_term(const std::string& t, double sign, bool with_reward, const std::string& where, const std::string& key)
{
    Term term;
    std::size_t i = 0;
    // numeric multiplier
    std::size_t j = i;
    while (j < t.size() && (std::isdigit(static_cast<unsigned char>(t[j])) || t[j] == '.'))
        ++j;
    if (j < t.size() && (t[j] == 'e' || t[j] == 'E') && j > i) {
        std::size_t k = j + 1;
        if (k < t.size() && (t[k] == '+' || t[k] == '-')) ++k;
        if (k < t.size() && std::isdigit(static_cast<unsigned char>(t[k]))) {
            j = k;
            while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j])))
                ++j;
        }
    }
    if (j > i) {
        const std::string num = t.substr(i, j - i);
        char* end = nullptr;
        term.coef = std::strtod(num.c_str(), &end);
        if (end != num.c_str() + num.size())
            config_error(where, key, "bad multiplier '" + num + "' in term '" + t + "'", kAllowed);
        i = j;
    }
    term.coef *= sign;
    bool seen[4] = {false, false, false, false};
    while (i < t.size()) {
        const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(t[i])));
        int v = c == 'X' ? 0 : c == 'Y' ? 1 : c == 'W' ? 2 : c == 'R' ? 3 : -1;
        if (v < 0)
            config_error(where, key, "unknown symbol '" + std::string(1, t[i]) + "' in term '" + t + "'", kAllowed);
        if (v == 3 && !with_reward)
            config_error(where, key, "term '" + t + "' uses R but this rule family has no reward variable",
                         "variables X, Y, W (27-term family)");
        if (seen[v])
            config_error(where, key, "variable " + std::string(1, c) + " repeated in term '" + t + "'", kAllowed);
        seen[v] = true;
        ++i;
        int p = 1;
        if (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
            std::size_t k = i;
            while (k < t.size() && std::isdigit(static_cast<unsigned char>(t[k])))
                ++k;
            p = std::atoi(t.substr(i, k - i).c_str());
            if (p > 2 || k - i > 1)
                config_error(where, key,
                             "power " + t.substr(i, k - i) + " of " + std::string(1, c) + " in term '" + t +
                                 "' is above 2",
                             "powers 0, 1, 2");
            i = k;
        }
        term.pow[v] = p;
    }
    return term;
}

} // namespace

std::vector<double> parse_rule_string(const std::string& text, bool with_reward, const std::string& where,
                                      const std::string& key)
{
    std::string s;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) s += c;
    if (s.empty()) config_error(where, key, "empty rule string", kAllowed);
    std::vector<double> theta(with_reward ? 81 : 27, 0.0);
    std::size_t i = 0;
    while (i < s.size()) {
        double sign = 1.0;
        if (s[i] == '+' || s[i] == '-') {
            sign = s[i] == '-' ? -1.0 : 1.0;
            ++i;
        }
        // the term runs to the next '+'/'-' that is not part of a number's exponent
        std::size_t j = i;
        while (j < s.size()) {
            if ((s[j] == '+' || s[j] == '-') && !(j > i && (s[j - 1] == 'e' || s[j - 1] == 'E') && j >= 2 &&
                                                  std::isdigit(static_cast<unsigned char>(s[j - 2]))))
                break;
            ++j;
        }
        const std::string t = s.substr(i, j - i);
        if (t.empty()) config_error(where, key, "empty term in rule string '" + text + "'", kAllowed);
        const Term term = parse_term(t, sign, with_reward, where, key);
        const std::size_t k = with_reward ? 27 * term.pow[0] + 9 * term.pow[1] + 3 * term.pow[2] + term.pow[3]
                                          : 9 * term.pow[0] + 3 * term.pow[1] + term.pow[2];
        theta[k] += term.coef;
        i = j;
    }
    return theta;
}

std::string format_rule_string(const std::vector<double>& theta, bool with_reward)
{
    std::string s;
    for (std::size_t k = 0; k < theta.size(); ++k) {
        const double c = theta[k];
        if (c == 0.0) continue;
        std::string name =
            with_reward ? "X" + std::to_string(k / 27) + "Y" + std::to_string(k / 9 % 3) + "W" +
                              std::to_string(k / 3 % 3) + "R" + std::to_string(k % 3)
                        : "X" + std::to_string(k / 9) + "Y" + std::to_string(k / 3 % 3) + "W" + std::to_string(k % 3);
        if (c < 0)
            s += "-";
        else if (!s.empty())
            s += "+";
        if (std::fabs(c) != 1.0) s += io::format_number(std::fabs(c));
        s += name;
    }
    return s.empty() ? "0" + std::string(with_reward ? "X0Y0W0R0" : "X0Y0W0") : s;
}

std::vector<double> mask_from_terms(const std::vector<std::string>& terms, bool with_reward, const std::string& where,
                                    const std::string& key)
{
    std::vector<double> mask(with_reward ? 81 : 27, 0.0);
    for (const auto& t : terms) {
        const auto th = parse_rule_string(t, with_reward, where, key);
        int nz = 0;
        for (std::size_t k = 0; k < th.size(); ++k)
            if (th[k] != 0.0) mask[k] = 1.0, ++nz;
        if (nz != 1) config_error(where, key, "'" + t + "' is not a single term", "one term per entry, e.g. \"X1R1\"");
    }
    return mask;
}

} // namespace plast::rules
