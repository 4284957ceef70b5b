#pragma once
// Two-neuron mean-field RNN ("2RNN", "Memory by accident" A.5, Fig. S1; spec §12.5).
//
// The paper does not give the 2RNN dynamics; this is the chosen (and documented) form, a
// linear-threshold E-I pair. Naming XY = from X to Y, as in the spiking code (IE is I -> E):
//     tau_E dr_E/dt = -r_E + [w_EE r_E - w_IE r_I + x_E]_+
//     tau_I dr_I/dt = -r_I + [w_EI r_E - w_II r_I + x_I]_+
// so rates stay >= 0. Each weight has the rate equivalent of the 6pPol spike rule (spec §12.4),
// pre = X, post = Y:
//     dw_XY/dt = eta_XY [alpha r_X + beta r_Y + gamma r_X r_Y]
// followed by clipping to [0, w_max] (w_max = +inf by default). A rule with eta = 0 is static.
// Integration: forward Euler on rates and weights together with step dt (dt << tau; weights are slow
// because eta·rate << 1/tau). Time is in seconds.
//
// Static-weight steady state (linear-threshold system): with the active set A (units with positive
// drive), r_A solves (I - W_AA) r_A = x_A, r_rest = 0, where W = [[w_EE, -w_IE], [w_EI, -w_II]]
// (rows post). steady_state() tries the four active sets and returns the self-consistent one; the fixed
// point is stable iff the eigenvalues of diag(1/tau)(-I + D W) have negative real parts (D = active mask).
//
// Rule set points (dw_XY/dt = 0 with r_X, r_Y > 0):
//     beta = 0:  r_Y* = -alpha/gamma   (a post set point; stable for the IE rule iff alpha < 0 < gamma,
//                                      because more w_IE lowers r_E)
//     alpha = 0: r_X* = -beta/gamma
// IE rule alone (other weights fixed, both units active): at steady state r_I = a r_E + b with
// a = w_EI/(1 + w_II), b = x_I/(1 + w_II), and dw_IE/dt = 0 gives
//     gamma a r_E^2 + (alpha a + beta + gamma b) r_E + alpha b = 0
// (for beta = 0 this reduces to r_E* = -alpha/gamma); the weight there is
//     w_IE* = ((w_EE - 1) r_E* + x_E) / r_I*,
// which must be >= 0 (else the clip at 0 binds). ie_set_point() returns this (r_E*, r_I*, w_IE*).
//
// Familiarity task (A-B-A): background x_bg for t_bg, training stimulus x_stim for t_stim, background
// again for t_post. The readout probes x_stim with plasticity frozen, before training (after the first
// background phase) and after the last phase: the probe starts from the current rates, runs t_probe with
// frozen weights and reports r_E at its end (the static steady state when t_probe >> tau); the network state
// is then restored, so probes do not perturb the protocol. Choice where the paper is silent: frozen probes
// (cf. spec §13.1) make the readout a pure function of the weights.
// familiarity = r_E(probe before) - r_E(probe after): > 0 means a weaker response to the familiar stimulus.
// "stable" requires the end state to be the linearly stable fixed point of the final weights under x_bg
// (within 1e-3 relative) and the frozen probe's fixed point under x_stim to be stable; a bounded run that
// is not there (oscillating, or weights still drifting) is "unsettled", and its familiarity is not read.
// A run "diverges" when a rate exceeds r_max (default 1e3) or a weight is not finite: the simulation
// stops there and the result says so (a result, not a crash); the recorded values stay finite.
#include "plast/core/connection_types.hpp"
#include "plast/toy/rate_pol_family.hpp"

#include <Eigen/Core>

#include <array>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace plast::toy {

enum Syn { EE = 0, EI = 1, IE = 2, II = 3 };

// One synapse's rule: a point (alpha, beta, gamma) of the family RatePolFamily (rate_pol_family.hpp) and eta.
struct RateRule {
    double eta = 0.0; // 1/s; 0 = static weight
    double alpha = 0.0, beta = 0.0, gamma = 0.0;
    std::array<double, 3> params() const { return {alpha, beta, gamma}; }
    // dw/dt = eta·g(r_pre, r_post), g evaluated by the family's kernel.
    double drift(double r_pre, double r_post) const
    {
        const std::array<double, 3> th = params();
        return eta * RatePolFamily::g(r_pre, r_post, th.data());
    }
};

struct TwoNeuronRnn {
    double tau_e = 0.01, tau_i = 0.01;            // s
    double dt = 1e-4;                             // s
    std::array<double, 4> w0{0.5, 1.0, 0.5, 0.5}; // EE, EI, IE, II
    std::array<RateRule, 4> rules{};
    double w_max = std::numeric_limits<double>::infinity();
    double r_max = 1e3;

    // Static steady state for weights w and input x; nullopt when no active set is self-consistent.
    static std::optional<Eigen::Vector2d> steady_state(const std::array<double, 4>& w, const Eigen::Vector2d& x);
    // Largest real part of the Jacobian eigenvalues at r (stable iff < 0).
    double max_real_eigenvalue(const std::array<double, 4>& w, const Eigen::Vector2d& x,
                               const Eigen::Vector2d& r) const;
};

struct IeSetPoint {
    double r_e = 0.0, r_i = 0.0, w_ie = 0.0;
};
// Analytic set point of the IE rule alone (see header comment); nullopt if no positive root exists.
std::optional<IeSetPoint> ie_set_point(const RateRule& ie, const std::array<double, 4>& w, const Eigen::Vector2d& x);

struct FamiliarityTask {
    Eigen::Vector2d x_bg{1.0, 1.0}, x_stim{1.5, 1.0};
    double t_bg = 50.0, t_stim = 50.0, t_post = 50.0, t_probe = 0.2; // s
    double record_dt = 0.05;                                         // s; trajectory sampling (0 = none)
};

struct TwoNeuronResult {
    std::string status;      // "stable", "unsettled" (bounded, not at a stable fixed point) or "diverged"
    std::string diverged_in; // phase name when diverged
    int phases_done = 0;     // completed phases (3 when stable)
    double t_end = 0.0;      // simulated time reached (s)
    Eigen::Vector2d r_end{0, 0};
    std::array<double, 4> w_after_bg{}, w_after_stim{}, w_end{};
    Eigen::Vector2d r_after_bg{0, 0}, r_after_stim{0, 0};
    double probe_before = std::numeric_limits<double>::quiet_NaN();
    double probe_after = std::numeric_limits<double>::quiet_NaN();
    double familiarity() const { return probe_before - probe_after; }
    // Rows: t, phase (0 bg, 1 stim, 2 post), r_E, r_I, w_EE, w_EI, w_IE, w_II.
    std::vector<std::array<double, 8>> trajectory;
};

// Runs only the dynamics for duration T from (r, w) with input x (plasticity on unless frozen).
// Returns false when the network diverged (r, w keep the last finite values; *t_done, if given, receives the
// simulated time reached).
bool simulate(const TwoNeuronRnn& net, const Eigen::Vector2d& x, double T, Eigen::Vector2d& r, std::array<double, 4>& w,
              bool plastic, int phase = 0, double record_dt = 0.0, double t0 = 0.0,
              std::vector<std::array<double, 8>>* traj = nullptr, double* t_done = nullptr);

TwoNeuronResult run_familiarity(const TwoNeuronRnn& net, const FamiliarityTask& task);

} // namespace plast::toy
