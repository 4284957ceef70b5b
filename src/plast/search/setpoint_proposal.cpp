#include "plast/search/setpoint_proposal.hpp"

#include "plast/core/connection_types.hpp"
#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"

#include <algorithm>
#include <cmath>

namespace plast::search {

namespace {
constexpr const char* kParams[6] = {"tau_pre", "tau_post", "alpha", "beta", "gamma", "kappa"};
// Presynaptic population of EE, EI, IE, II is E, E, I, I; postsynaptic E, I, E, I.
constexpr bool kPreExc[4] = {true, true, false, false};
constexpr bool kPostExc[4] = {true, false, true, false};

double draw(const PriorBox& b, rng::Stream& s)
{
    const double u = s.uniform();
    if (b.log_scale) return std::exp(std::log(b.lo) + u * (std::log(b.hi) - std::log(b.lo)));
    return b.lo + u * (b.hi - b.lo);
}
} // namespace

SetpointProposal::SetpointProposal(BoxPrior prior, SetpointOptions opt) : prior_(std::move(prior)), opt_(opt)
{
    const auto names = prior_.names();
    for (int k = 0; k < 4; ++k)
        for (int p = 0; p < 6; ++p) {
            const std::string n = std::string(connection_types[k]) + "_" + kParams[p];
            const auto it = std::find(names.begin(), names.end(), n);
            if (it == names.end())
                runtime_error("setpoint proposal", "the prior has no parameter '" + n +
                                                       "' (this proposal needs the 24 6pPol quadruplet parameters)");
            idx_[k][p] = static_cast<std::size_t>(it - names.begin());
        }
}

double SetpointProposal::drift(const std::vector<double>& th, int k, double r_e, double r_i) const
{
    const double rpre = kPreExc[k] ? r_e : r_i, rpost = kPostExc[k] ? r_e : r_i;
    const auto* ix = idx_[k];
    const double c = th[ix[5]] * th[ix[1]] + th[ix[4]] * th[ix[0]];
    return th[ix[2]] * rpre + th[ix[3]] * rpost + c * rpre * rpost;
}

SetpointProposal::Solve SetpointProposal::solve(std::vector<double>& th, int k, double r_e, double r_i, int which) const
{
    // drift = 0 solved for one coefficient: alpha (x r_pre), beta (x r_post),
    // gamma (x tau_pre r_pre r_post) or kappa (x tau_post r_pre r_post).
    const auto* ix = idx_[k];
    const double rpre = kPreExc[k] ? r_e : r_i, rpost = kPostExc[k] ? r_e : r_i;
    const double mult[6] = {0, 0, rpre, rpost, th[ix[0]] * rpre * rpost, th[ix[1]] * rpre * rpost};
    th[ix[which]] = 0.0;
    const double v = -drift(th, k, r_e, r_i) / mult[which];
    const auto& b = prior_.boxes()[ix[which]];
    if (!(v >= b.lo && v <= b.hi)) return Solve::outside_box;
    th[ix[which]] = v;
    if (opt_.homeostatic) {
        // d drift / d r_post = beta + (kappa tau_post + gamma tau_pre) r_pre
        const double slope = th[ix[3]] + (th[ix[5]] * th[ix[1]] + th[ix[4]] * th[ix[0]]) * rpre;
        if (kPreExc[k] ? !(slope < 0) : !(slope > 0)) return Solve::wrong_sign;
    }
    return Solve::ok;
}

std::vector<double> SetpointProposal::sample(std::uint64_t seed, std::uint64_t round, std::uint64_t index) const
{
    const auto& boxes = prior_.boxes();
    rng::Stream s(seed, "setpoint", round, index);
    std::vector<double> th(boxes.size());
    for (std::size_t i = 0; i < boxes.size(); ++i) th[i] = draw(boxes[i], s);
    const double r_e = s.uniform(opt_.rate_e_lo, opt_.rate_e_hi);
    const double r_i = s.uniform(opt_.rate_i_lo, opt_.rate_i_hi);
    for (int k = 0; k < 4; ++k) {
        const auto* ix = idx_[k];
        std::vector<double> last(th);
        bool found = false;
        for (int t = 0; t < opt_.max_tries && !found; ++t) {
            for (int p = 0; p < 6; ++p) th[ix[p]] = draw(boxes[ix[p]], s);
            const auto r = solve(th, k, r_e, r_i, 2 + static_cast<int>(s.below(4)));
            if (r != Solve::outside_box) last = th;
            found = r == Solve::ok;
        }
        if (!found) th = last;
    }
    return th;
}

int SetpointProposal::project(std::vector<double>& th, double r_e, double r_i, std::uint64_t seed, std::uint64_t round,
                              std::uint64_t index) const
{
    rng::Stream s(seed, "setpoint_projection", round, index);
    int projected = 0;
    for (int k = 0; k < 4; ++k) {
        int order[4] = {2, 3, 4, 5};
        for (int a = 3; a > 0; --a) std::swap(order[a], order[s.below(static_cast<std::uint64_t>(a + 1))]);
        for (int which : order) {
            std::vector<double> t(th);
            if (solve(t, k, r_e, r_i, which) != Solve::ok) continue;
            th = t;
            ++projected;
            break;
        }
    }
    return projected;
}

} // namespace plast::search
