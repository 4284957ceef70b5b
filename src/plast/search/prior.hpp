#pragma once
// Box prior over rule (and nuisance) parameters: each parameter uniform or log-uniform in [lo, hi].
// fSBI round 0 (spec §5.1): tau_pre, tau_post ~ U[0.01, 0.1] s; alpha, beta, gamma, kappa ~ U[-2, 2];
// input rate ~ U[5, 15] Hz. Candidate i of round r is drawn from the stream
// (seed, "prior", round, i), so a candidate is the same whatever the thread count or resume point.
#include <cstdint>
#include <string>
#include <vector>

namespace plast {
class Section;
}

namespace plast::search {

struct PriorBox {
    std::string name;
    double lo = 0.0, hi = 1.0;
    bool log_scale = false;
};

class BoxPrior {
public:
    BoxPrior() = default;
    explicit BoxPrior(std::vector<PriorBox> boxes);

    // Reads `[prior]`: one entry per parameter, `name = { lo = .., hi = .., scale = "uniform"|"log" }`,
    // for the given parameter names (each must be present unless a default box is given).
    static BoxPrior from_config(const Section& s, const std::vector<PriorBox>& defaults);

    std::size_t dim() const { return boxes_.size(); }
    const std::vector<PriorBox>& boxes() const { return boxes_; }
    std::vector<std::string> names() const;

    std::vector<double> sample(std::uint64_t seed, std::uint64_t round, std::uint64_t index) const;
    bool contains(const std::vector<double>& theta) const;
    double log_density(const std::vector<double>& theta) const; // -inf outside the box

    // Map to and from the unit cube (log parameters in log space): used by density estimators.
    std::vector<double> to_unit(const std::vector<double>& theta) const;
    std::vector<double> from_unit(const std::vector<double>& u) const;
    // The unconstrained space of the density estimators and perturbation moves: the logit of the unit cube,
    // unit values clamped to [1e-6, 1 - 1e-6] first so that rules on the box's faces stay finite.
    std::vector<double> to_logit(const std::vector<double>& theta) const;
    std::vector<double> from_logit(const std::vector<double>& z) const;

private:
    std::vector<PriorBox> boxes_;
};

// The 24 + 1 parameter names of the co-active 6pPol quadruplet: EE_tau_pre, ..., II_kappa, input_rate.
std::vector<std::string> quadruplet_names(bool with_input_rate);
// The fSBI round-0 boxes for those names.
std::vector<PriorBox> fsbi_prior_boxes(bool with_input_rate);

} // namespace plast::search
