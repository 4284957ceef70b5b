#include "plast/spiking/product_rule_21.hpp"

#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"

#include <memory>

namespace plast::spiking {

std::vector<std::string> ProductRule21::inputs() const
{
    if (side_ == Side::pre) return {"w", "V_trace", "C_exc", "C_inh", "x_pre2", "x_post1"};
    return {"w", "V_trace", "C_exc", "C_inh", "x_pre1", "x_post2"};
}

std::vector<std::string> ProductRule21::param_names() const
{
    std::vector<std::string> p;
    const int first = side_ == Side::pre ? 0 : 10, count = side_ == Side::pre ? 10 : 11;
    for (int k = 0; k < count; ++k)
        p.push_back("c" + std::to_string(first + k));
    return p;
}

void ProductRule21::evaluate(const double* const* in, std::size_t n, const double* c, double* out) const
{
    const bool pre = side_ == Side::pre;
    for (std::size_t i = 0; i < n; ++i) {
        const double w = sc_.w * in[0][i], v = sc_.v * in[1][i], ce = sc_.c * in[2][i], ci = sc_.c * sc_.c_inh_sign * in[3][i];
        const double xa = sc_.trace * in[4][i], xb = sc_.trace * in[5][i];
        const double fw =
            pre ? 1.0 + c[1] + w * (c[2] + c[3] * w)
                : (legacy_typo_ ? 1.0 + c[1] + w * (c[2] * c[3] * w) : 1.0 + c[1] + w * (c[2] + c[3] * w));
        const double common = fw * (1.0 + c[4] * v) * (1.0 + ce * (c[5] + c[6] * ce)) * (1.0 + c[7] * ci);
        // pre: (1 + c8 x_pre2)(1 + c9 x_post1); post: (1 + c18 x_pre1)(1 + x_post2 (c19 + c20 x_post2^2))
        const double traces =
            pre ? (1.0 + c[8] * xa) * (1.0 + c[9] * xb) : (1.0 + c[8] * xa) * (1.0 + xb * (c[9] + c[10] * xb * xb));
        out[i] = c[0] * common * traces;
    }
}

std::string ProductRule21::formula(const double* c, double) const
{
    using io::format_number;
    const auto f = [&](int k) { return format_number(c[k]); };
    const bool pre = side_ == Side::pre;
    std::string s = f(0) + "*(1 + " + f(1) + " + w*(" + f(2) + (pre || !legacy_typo_ ? " + " : " * ") + f(3) +
                    "*w))*(1 + " + f(4) + "*V)*(1 + Ce*(" + f(5) + " + " + f(6) + "*Ce))*(1 + " + f(7) + "*Ci)*(1 + " +
                    f(8);
    if (pre) return s + "*x_pre2)*(1 + " + f(9) + "*x_post1)";
    return s + "*x_pre1)*(1 + x_post2*(" + f(9) + " + " + f(10) + "*x_post2^2))";
}

Product21Config Product21Config::from_config(const Section& s)
{
    Product21Config p;
    const auto v = s.numbers("c", {}, Range::any(), 21, 21);
    for (std::size_t k = 0; k < 21; ++k)
        p.c[k] = v[k];
    p.tau_fast = s.number("tau_fast", p.tau_fast, Range::positive());
    p.tau_slow = s.number("tau_slow", p.tau_slow, Range::positive());
    p.legacy_typo = s.flag("legacy_typo", p.legacy_typo);
    p.scaling.trace = s.number("scale_trace", p.scaling.trace);
    p.scaling.w = s.number("scale_w", p.scaling.w);
    p.scaling.v = s.number("scale_v", p.scaling.v);
    p.scaling.c = s.number("scale_c", p.scaling.c);
    p.c_inh = s.string("c_inh", "reference", {"reference", "stored"}) == "stored" ? CInh::stored : CInh::reference;
    p.set_post_c_inh_sign(false);
    return p;
}

rules::RuleFamilyPtr Product21Config::pre() const
{
    return std::make_shared<ProductRule21>(ProductRule21::Side::pre, scaling, legacy_typo);
}

rules::RuleFamilyPtr Product21Config::post() const
{
    return std::make_shared<ProductRule21>(ProductRule21::Side::post, scaling, legacy_typo);
}

} // namespace plast::spiking
