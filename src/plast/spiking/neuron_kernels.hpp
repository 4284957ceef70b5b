#pragma once
// Vectorised per-step updates of the IF and TIF neuron groups (models documented in if_neuron.hpp).
// Branch-free loops over structure-of-arrays state, in blocks of 64 neurons: each neuron's spike is
// written as a 0/1 flag and only blocks that contain a spike are scanned for indices. The kernels
// are compiled with an AVX2 clone chosen at run time and a baseline clone; both perform the same
// IEEE single-precision operations in the same order (no FMA contraction), so results are
// bit-identical on every x86-64 machine.
#include <cstdint>
#include <vector>

namespace plast::spiking {

struct IfConstants {
    float a, b;                       // AMPA and NMDA shares of g_E
    float v_rest, v_reset, e_exc, e_inh;
    float dt_tau_m;                   // Euler factor of V
    // g_NMDA <- nmda_keep (g_NMDA + nmda_gain g_AMPA): Auryn's IFGroup form (keep = exp(-dt/tau),
    // gain = 1 - keep) or forward Euler (keep = 1 - dt/tau, gain = (dt/tau)/keep); if_neuron.hpp.
    float nmda_keep, nmda_gain;
    float decay_ampa, decay_gaba, decay_thr;
    float v_th, v_th_spike;
    std::int32_t refractory_steps;    // TIF only
};

// CVAIF additions (if_neuron.hpp): adaptation decay and increment, Euler factors dt/tau of the traces.
struct CvaifConstants {
    float decay_adapt, adapt_increment;
    float dt_tau_vtrace, dt_tau_cexc, dt_tau_cinh;
    bool reference = false; // the reference CVAIFGroup's order and C_inh sign (if_neuron.hpp)
};
struct CvaifArrays {
    float *v, *g_ampa, *g_nmda, *g_gaba, *theta, *g_adapt, *v_trace, *c_exc, *c_inh;
};

// One IF step (if_neuron.hpp, per-step order 1-6); spike indices are appended to `spikes` in
// increasing order (`flags`: n words of scratch). Returns the number of neurons whose new V is NaN
// or infinite.
std::uint32_t if_kernel(std::size_t n, const IfConstants& c, float* v, float* g_ampa, float* g_nmda, float* g_gaba,
                        float* theta, std::uint32_t* flags, std::vector<std::uint32_t>& spikes);
// One CVAIF step (if_neuron.hpp, order 1-7). Returns the number of NaN or infinite values among the
// new V, C_exc and C_inh (counted separately: three sums vectorise, their "or" does not).
std::uint32_t cvaif_kernel(std::size_t n, const IfConstants& c, const CvaifConstants& k, const CvaifArrays& a,
                           std::uint32_t* flags, std::vector<std::uint32_t>& spikes);
// One TIF step: conductances decay, V held at V_reset during the refractory period.
std::uint32_t tif_kernel(std::size_t n, const IfConstants& c, float* v, float* g_ampa, float* g_gaba,
                         std::int32_t* refractory, std::uint32_t* flags, std::vector<std::uint32_t>& spikes);

} // namespace plast::spiking
