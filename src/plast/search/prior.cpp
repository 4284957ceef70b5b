#include "plast/search/prior.hpp"

#include "plast/core/connection_types.hpp"
#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace plast::search {

BoxPrior::BoxPrior(std::vector<PriorBox> boxes) : boxes_(std::move(boxes)) {}

std::vector<std::string> BoxPrior::names() const
{
    std::vector<std::string> n;
    for (const auto& b : boxes_) n.push_back(b.name);
    return n;
}

BoxPrior BoxPrior::from_config(const Section& s, const std::vector<PriorBox>& defaults)
{
    std::vector<PriorBox> boxes;
    for (const auto& d : defaults) {
        const Section p = s.sub(d.name);
        PriorBox b = d;
        b.lo = p.number("lo", d.lo);
        b.hi = p.number("hi", d.hi);
        b.log_scale = p.string("scale", d.log_scale ? "log" : "uniform", {"uniform", "log"}) == "log";
        if (b.lo > b.hi)
            p.fail("lo", "lower bound " + io::format_number(b.lo) + " is above upper bound " + io::format_number(b.hi),
                   "lo <= hi");
        if (b.log_scale && !(b.lo > 0.0)) p.fail("lo", "log-uniform prior needs lo > 0", "(0, hi]");
        boxes.push_back(b);
    }
    return BoxPrior(std::move(boxes));
}

std::vector<double> BoxPrior::sample(std::uint64_t seed, std::uint64_t round, std::uint64_t index) const
{
    rng::Stream r(seed, "prior", round, index);
    std::vector<double> u(boxes_.size());
    for (auto& x : u) x = r.uniform();
    return from_unit(u);
}

bool BoxPrior::contains(const std::vector<double>& theta) const
{
    if (theta.size() != boxes_.size()) return false;
    for (std::size_t i = 0; i < theta.size(); ++i)
        if (!(theta[i] >= boxes_[i].lo && theta[i] <= boxes_[i].hi)) return false;
    return true;
}

double BoxPrior::log_density(const std::vector<double>& theta) const
{
    if (!contains(theta)) return -std::numeric_limits<double>::infinity();
    double lp = 0.0;
    for (std::size_t i = 0; i < theta.size(); ++i) {
        const auto& b = boxes_[i];
        if (b.hi == b.lo) continue;
        lp -= b.log_scale ? std::log(theta[i]) + std::log(std::log(b.hi / b.lo)) : std::log(b.hi - b.lo);
    }
    return lp;
}

std::vector<double> BoxPrior::to_unit(const std::vector<double>& theta) const
{
    std::vector<double> u(theta.size());
    for (std::size_t i = 0; i < theta.size(); ++i) {
        const auto& b = boxes_[i];
        if (b.hi == b.lo) u[i] = 0.5;
        else if (b.log_scale) u[i] = std::log(theta[i] / b.lo) / std::log(b.hi / b.lo);
        else u[i] = (theta[i] - b.lo) / (b.hi - b.lo);
    }
    return u;
}

std::vector<double> BoxPrior::from_unit(const std::vector<double>& u) const
{
    std::vector<double> t(u.size());
    for (std::size_t i = 0; i < u.size(); ++i) {
        const auto& b = boxes_[i];
        t[i] = b.log_scale ? b.lo * std::exp(u[i] * std::log(b.hi / b.lo)) : b.lo + u[i] * (b.hi - b.lo);
    }
    return t;
}

std::vector<std::string> quadruplet_names(bool with_input_rate)
{
    std::vector<std::string> n;
    for (const char* syn : connection_types)
        for (const char* p : {"tau_pre", "tau_post", "alpha", "beta", "gamma", "kappa"})
            n.push_back(std::string(syn) + "_" + p);
    if (with_input_rate) n.push_back("input_rate");
    return n;
}

std::vector<PriorBox> fsbi_prior_boxes(bool with_input_rate)
{
    std::vector<PriorBox> boxes;
    for (const auto& name : quadruplet_names(with_input_rate)) {
        PriorBox b{name, -2.0, 2.0, false};
        if (name.find("tau") != std::string::npos) b.lo = 0.01, b.hi = 0.1;
        if (name == "input_rate") b.lo = 5.0, b.hi = 15.0;
        boxes.push_back(b);
    }
    return boxes;
}

std::vector<double> BoxPrior::to_logit(const std::vector<double>& theta) const
{
    auto u = to_unit(theta);
    for (auto& v : u) {
        const double c = std::clamp(v, 1e-6, 1.0 - 1e-6);
        v = std::log(c / (1.0 - c));
    }
    return u;
}

std::vector<double> BoxPrior::from_logit(const std::vector<double>& z) const
{
    std::vector<double> u(z.size());
    for (std::size_t i = 0; i < z.size(); ++i) u[i] = 1.0 / (1.0 + std::exp(-z[i]));
    return from_unit(u);
}

} // namespace plast::search
