#pragma once
// Conductance-based integrate-and-fire neuron with AMPA/NMDA and a moving threshold
// (Auryn IFGroup; spec spiking-stability-memory.md §1.1). Used for every E and I neuron of the
// fSBI / Mem1kRules / Memory-by-accident networks and for the feed-forward output neuron.
//
//   tau_m dV/dt   = (V_rest - V) + g_E (E_E - V) + g_I (E_I - V)
//   g_E           = a g_AMPA + (1 - a) g_NMDA,       a = r/(r + 1), r = ampa_nmda_ratio
//   dg_AMPA/dt    = -g_AMPA/tau_AMPA + sum_i w_i S_i   (excitatory synapses add w to g_AMPA)
//   dg_NMDA/dt    = (g_AMPA - g_NMDA)/tau_NMDA          (NMDA: low-pass copy of AMPA)
//   dg_I/dt       = -g_I/tau_GABA + sum_i w_i S_i       (inhibitory synapses add w to g_I)
//   dtheta/dt     = -theta/tau_thr
//   spike when V > V_th_base + theta; then V <- V_reset, theta <- V_th_spike
//
// Per-step order (required for equivalence with the reference, §1.1):
//   1. currents from the V and g at the start of the step; 2. g_NMDA (below);
//   3. g_AMPA, g_GABA decay exactly; 4. V by forward Euler; 5. clip V to [E_I, 0];
//   6. theta decays exactly, then the threshold test.
// Step 2, nmda_update = "auryn" (default): g_NMDA <- (1 - m)(g_NMDA + m g_AMPA), m = 1 - exp(-dt/tau_NMDA),
// which is what Auryn's IFGroup computes (two saxpy calls, the second on the updated g_NMDA): the
// steady state is (1 - m) g_AMPA, 0.1 % below g_AMPA at dt = 0.1 ms. nmda_update = "euler" is the
// spec's forward Euler g_NMDA += (dt/tau_NMDA)(g_AMPA - g_NMDA) (steady state g_AMPA).
// Conductances are dimensionless (multiples of the leak conductance). Spike increments arrive in the
// propagation phase, after the update, so they act from the next step on.
//
// | parameter | default | | parameter | default |
// |---|---|---|---|---|
// | tau_m | 20 ms | | tau_thr | 5 ms |
// | V_rest, V_reset | -70 mV | | tau_AMPA | 5 ms |
// | E_E | 0 mV | | tau_GABA | 10 ms |
// | E_I | -80 mV | | tau_NMDA | 100 ms |
// | V_th_base | -50 mV | | ampa_nmda_ratio | 0.3 |
// | V_th_spike | +100 mV | | dt | 0.1 ms |
#include "plast/spiking/neuron_kernels.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace plast {
class Section;
}

namespace plast::spiking {

// The Vogels-Abbott neuron "TIF" (Auryn TIFGroup; spec §1.3) is the same group with model = tif:
// fixed threshold -50 mV, E_rest = V_reset = -60 mV, tau_m = 20 ms, single-exponential AMPA (5 ms)
// and GABA (10 ms) conductances without NMDA, and a hard refractory period (5 ms) during which V is
// held at V_reset. IfParams::tif() gives those defaults.
//
// "CVAIF" (spec §1.2, reference CVAIFGroup; model = cvaif) is the IF neuron above plus
//   - a spike-triggered adaptation conductance with reversal E_I whose current adds to the GABA current:
//       dg_adapt/dt = -g_adapt/tau_adapt + adapt_increment sum_k delta(t - t_k)   (t_k: own spikes)
//       tau_m dV/dt = (V_rest - V) + g_E (E_E - V) + (g_I + g_adapt)(E_I - V)
//   - three per-neuron low-pass traces read by plasticity rules (§5.4, §5.5), each with unit DC gain,
//       tau_X dX/dt = u_X - X:
//       V_trace: u = V, the membrane potential at the end of the step (after the reset of a spike), mV;
//       C_exc:   u = g_E (E_E - V), the excitatory current term of step 1 below, mV;
//       C_inh:   u = (g_I + g_adapt)(E_I - V), the inhibitory + adaptation current term of step 1, mV
//                (negative: it is the signed current term, not its magnitude).
//     Each trace is advanced by forward Euler, X += (dt/tau_X)(u - X), like g_NMDA (and Auryn's
//     EulerTrace::follow): with a constant input it converges to the input as (1 - dt/tau)^n, which is
//     exp(-n dt/tau) up to O(dt/tau) relative.
// CVAIF per-step order: 1. currents I_E = g_E (E_E - V), I_I = (g_I + g_adapt)(E_I - V) from the values at
//   the start of the step; 2. g_NMDA by forward Euler; 3. g_AMPA, g_GABA, g_adapt decay exactly;
//   4. V += dt/tau_m (V_rest - V + I_E + I_I); 5. clip V to [E_I, 0]; 6. theta decays, threshold test,
//   on a spike V <- V_reset, theta <- V_th_spike, g_adapt += adapt_increment; 7. the three traces with
//   u from steps 1 and 6. Rules evaluated in the propagation phase of the same step therefore see
//   traces that include this step. With adapt_increment = 0 the spikes are those of model = if
//   (bit-identical, tested).
//
// | CVAIF parameter | key | default |
// |---|---|---|
// | tau_adapt | tau_adapt | 100 ms |
// | adaptation increment per spike | adapt_increment | 0.1 (leak conductance units) |
// | tau of V_trace | tau_vtrace | 100 ms nominal (spec §1.2). The legacy value 10 ms (every reference run before Sept 2024, a setter bug) reproduces the published MLP results |
// | tau of C_exc | tau_cexc | 10 ms |
// | tau of C_inh | tau_cinh | 100 ms |
// | step order | cvaif_update | "plast" (above) or "reference" (below) |
//
// cvaif_update = "reference" follows CVAIFGroup.cpp of the fSBI / Mem1kRules code instead: 1. g_AMPA,
// g_GABA, g_adapt decay; 2. g_NMDA <- (1 - dt/tau_NMDA)(g_NMDA + (dt/tau_NMDA) g_AMPA) from the decayed
// g_AMPA (whatever nmda_update says); 3. I_E = g_E (E_E - V), and C_inh's input (g_I + g_adapt)(V - E_I),
// POSITIVE, from the decayed conductances and the start-of-step V; 4. C_exc, C_inh and V_trace (input: the
// start-of-step V) by forward Euler; 5. theta decays, V += dt/tau_m (V_rest - V + I_E - (g_I + g_adapt)(V - E_I)),
// clip, threshold test, reset, adaptation increment. Differences to "plast": synaptic inputs act
// exp(-dt/tau) weaker (0.980 AMPA, 0.990 GABA), V_trace lags one step, and C_inh has the opposite sign.
struct IfParams {
    enum class Model { if_nmda, tif, cvaif };
    Model model = Model::if_nmda;
    enum class NmdaUpdate { auryn, euler };
    NmdaUpdate nmda_update = NmdaUpdate::auryn;
    enum class CvaifUpdate { plast, reference };
    CvaifUpdate cvaif_update = CvaifUpdate::plast; // cvaif only
    double refractory = 0.0; // s (tif)
    double tau_m = 20e-3, v_rest = -70, v_reset = -70, e_exc = 0, e_inh = -80, v_th_base = -50, v_th_spike = 100;
    double tau_thr = 5e-3, tau_ampa = 5e-3, tau_gaba = 10e-3, tau_nmda = 100e-3, ampa_nmda_ratio = 0.3;
    // cvaif only
    double tau_adapt = 100e-3, adapt_increment = 0.1, tau_vtrace = 100e-3, tau_cexc = 10e-3, tau_cinh = 100e-3;

    static IfParams from_config(const Section& s); // validates (time constants > 0, ...)
    static IfParams tif();
    static IfParams cvaif();
};

// State of a group of IF neurons as structure-of-arrays (single precision). The CVAIF arrays
// (g_adapt, v_trace, c_exc, c_inh) are empty for the other models.
struct IfState {
    std::vector<float> v, g_ampa, g_nmda, g_gaba, theta;
    std::vector<std::int32_t> refractory; // remaining refractory steps (tif)
    std::vector<float> g_adapt, v_trace, c_exc, c_inh; // cvaif
    void resize(std::size_t n, float v0, bool cvaif = false);
};

class IfGroup {
public:
    IfGroup(std::string name, std::size_t n, const IfParams& p, double dt);
    // One step; spikes are appended to `spikes` (indices). Returns false if a state became NaN/Inf.
    bool step(std::vector<std::uint32_t>& spikes);
    // Initial membrane potentials uniform in [lo, hi) from the stream (seed, "initial_v", key).
    void randomize_v(double lo, double hi, std::uint64_t seed, std::uint64_t key);

    const std::string& name() const { return name_; }
    std::size_t size() const { return n_; }
    const IfParams& params() const { return p_; }
    IfState& state() { return s_; }
    const IfState& state() const { return s_; }
    float* g_ampa() { return s_.g_ampa.data(); }
    float* g_gaba() { return s_.g_gaba.data(); }

private:
    std::string name_;
    std::size_t n_;
    IfParams p_;
    IfState s_;
    IfConstants k_;
    CvaifConstants ck_{};
    std::vector<std::uint32_t> flags_; // per-neuron spike flags of the current step
};

} // namespace plast::spiking
