#pragma once
// The 6-parameter polynomial spike rule "6pPol" (spec §5.1, §5.3):
//
//   dw/dt = eta [ (alpha + kappa x_post) S_pre + (beta + gamma x_pre) S_post ]
//   dx_pre/dt = -x_pre/tau_pre + S_pre  (per presynaptic arrival, i.e. after the axonal delay)
//   dx_post/dt = -x_post/tau_post + S_post
//
// Event semantics: on a presynaptic arrival dw = eta (alpha + kappa x_post); on a postsynaptic spike
// dw = eta (beta + gamma x_pre); both read the traces before this step's increments; after each
// update w is clipped to [0, w_max]. Then traces get +1 for this step's arrivals / spikes and all
// traces decay by exp(-dt/tau): one step after a spike a trace reads exp(-dt/tau).
// Parameter order everywhere: [tau_pre, tau_post, alpha, beta, gamma, kappa] (taus in seconds).
//
// Pair window (isolated pair, pre arriving k >= 1 steps before the post spike):
//   dw = eta [alpha + beta + gamma exp(-k dt/tau_pre)];  after: eta [alpha + beta + kappa exp(-k dt/tau_post)];
//   same step: eta (alpha + beta).
// Mean field for independent Poisson trains: <dw/dt> = eta [alpha r_pre + beta r_post +
//   (kappa tau_post + gamma tau_pre) r_pre r_post].
// Presets: Vogels et al. 2011 iSTDP with target r0: alpha = -2 r0 tau, beta = 0, kappa = gamma = 1.
#include <array>
#include <string>

namespace plast {
class Section;
}

namespace plast::spiking {

struct SixParamRule {
    double tau_pre = 0.02, tau_post = 0.02, alpha = 0, beta = 0, gamma = 0, kappa = 0;

    static SixParamRule from_array(const std::array<double, 6>& t) { return {t[0], t[1], t[2], t[3], t[4], t[5]}; }
    bool operator==(const SixParamRule&) const = default; // the default-constructed rule is the zero 6pPol rule
    std::array<double, 6> to_array() const { return {tau_pre, tau_post, alpha, beta, gamma, kappa}; }
    // Vogels 2011 inhibitory STDP with target rate r0 (Hz) and trace time constant tau (s).
    static SixParamRule vogels_istdp(double r0, double tau = 0.02) { return {tau, tau, -2.0 * r0 * tau, 0.0, 1.0, 1.0}; }
    // Symmetric-trace pair STDP: potentiation a_plus exp(-dt/tau_plus), depression a_minus.
    static SixParamRule pair_stdp(double a_plus, double a_minus, double tau_plus = 0.0168, double tau_minus = 0.0337)
    {
        return {tau_plus, tau_minus, 0.0, 0.0, a_plus, -a_minus};
    }
    // Reads `rule = [6 numbers]` or a preset name with its keys; validates taus > 0.
    static SixParamRule from_config(const Section& s);
    std::string formula() const;

    // Mean-field drift per unit eta and the set point of an I->E rule (r_exc*).
    double mean_field(double r_pre, double r_post) const
    {
        return alpha * r_pre + beta * r_post + (kappa * tau_post + gamma * tau_pre) * r_pre * r_post;
    }
    double set_point(double r_inh) const { return -alpha * r_inh / (beta + (kappa * tau_post + gamma * tau_pre) * r_inh); }
};

} // namespace plast::spiking
