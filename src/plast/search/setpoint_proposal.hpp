#pragma once
// Mean-field set-point proposal for co-active 6pPol quadruplets (a plast addition to the fSBI loop,
// documented in docs/screen.md).
//
// For independent Poisson pre- and postsynaptic trains the mean drift of a 6pPol weight is
//     <dw/dt> = eta [ alpha r_pre + beta r_post + (kappa tau_post + gamma tau_pre) r_pre r_post ]
// (spec §5.2; additive rule, so every synapse of a connection drifts alike). A quadruplet whose four
// drifts do not vanish at one common pair of rates (r_E, r_I) cannot hold all four mean weights still:
// that is why w_creep fails for almost every box-prior candidate with stable activity. This proposal
// draws target rates (r_E, r_I), then for each connection XY (pre X, post Y) draws the six rule
// parameters from the box prior and solves one of alpha, beta, gamma, kappa (chosen at random) so
// the drift vanishes at (r_X, r_Y). A solution outside its prior box is redrawn. With `homeostatic`,
// the drift must also push the postsynaptic rate back: d<dw/dt>/dr_post < 0 for excitatory and > 0
// for inhibitory presynaptic populations. Every other parameter (the input rate, any parameter the
// task adds) is drawn from the prior. The result lies inside the prior box.
//
// Candidate (round, index) uses the streams (seed, "setpoint", round, index) only, so it is the same
// whatever the thread count or resume point.
#include "plast/search/prior.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace plast::search {

struct SetpointOptions {
    double rate_e_lo = 2.0, rate_e_hi = 20.0;  // target E rate (Hz), uniform
    double rate_i_lo = 2.0, rate_i_hi = 40.0;  // target I rate (Hz), uniform
    bool homeostatic = true;
    int max_tries = 10000;                     // per connection; then the last in-box draw is kept
};

class SetpointProposal {
public:
    // The prior must name the 24 quadruplet parameters (EE_tau_pre ... II_kappa); throws otherwise.
    SetpointProposal(BoxPrior prior, SetpointOptions opt);

    std::vector<double> sample(std::uint64_t seed, std::uint64_t round, std::uint64_t index) const;

    // Moves theta onto the set-point manifold at (r_E, r_I): for each connection one of alpha, beta,
    // gamma, kappa (tried in a random order) is solved so the drift vanishes, the first solution inside
    // its prior box (and of homeostatic sign, when required) is kept. Used to project samples of a
    // conditional density, whose diagonal mixture components cannot hold the thin set-point manifold.
    // Returns the number of connections projected (0-4); unprojected connections are left as they were.
    int project(std::vector<double>& theta, double r_e, double r_i, std::uint64_t seed, std::uint64_t round,
                std::uint64_t index) const;
    const SetpointOptions& options() const { return opt_; }

    // Mean-field drift (per eta) of connection k (0 EE, 1 EI, 2 IE, 3 II) at rates (r_E, r_I).
    double drift(const std::vector<double>& theta, int k, double r_e, double r_i) const;

private:
    enum class Solve { ok, outside_box, wrong_sign };
    // Sets coefficient `which` (2 alpha .. 5 kappa) of connection k so its drift vanishes at (r_E, r_I).
    Solve solve(std::vector<double>& theta, int k, double r_e, double r_i, int which) const;
    BoxPrior prior_;
    SetpointOptions opt_;
    // Index into theta of [k][0..5] = tau_pre, tau_post, alpha, beta, gamma, kappa of connection k.
    std::size_t idx_[4][6];
};

} // namespace plast::search
