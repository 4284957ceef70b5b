#include "plast/spiking/six_param_rule.hpp"

#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"

namespace plast::spiking {

SixParamRule SixParamRule::from_config(const Section& s)
{
    const std::string preset = s.string("preset", "6ppol", {"6ppol", "vogels_istdp", "pair_stdp", "static"});
    SixParamRule r;
    if (preset == "vogels_istdp") {
        r = vogels_istdp(s.number("target_rate", 3.0, Range::positive()), s.number("tau", 0.02, Range::positive()));
    } else if (preset == "pair_stdp") {
        r = pair_stdp(s.number("a_plus", 1.0), s.number("a_minus", 1.0), s.number("tau_plus", 0.0168, Range::positive()),
                      s.number("tau_minus", 0.0337, Range::positive()));
    } else if (preset == "6ppol") {
        const auto v = s.numbers("theta", {0.02, 0.02, 0, 0, 0, 0}, Range::any(), 6, 6);
        r = from_array({v[0], v[1], v[2], v[3], v[4], v[5]});
        if (!(r.tau_pre > 0)) s.fail("theta", "tau_pre (theta[0]) must be > 0", "(0, inf)");
        if (!(r.tau_post > 0)) s.fail("theta", "tau_post (theta[1]) must be > 0", "(0, inf)");
    }
    return r;
}

std::string SixParamRule::formula() const
{
    using io::format_number;
    return "pre: " + format_number(alpha) + " + " + format_number(kappa) + "*x_post(tau=" + format_number(tau_post) +
           "); post: " + format_number(beta) + " + " + format_number(gamma) + "*x_pre(tau=" + format_number(tau_pre) + ")";
}

} // namespace plast::spiking
