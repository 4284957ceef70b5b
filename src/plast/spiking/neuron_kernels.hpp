#pragma once
// Vectorised per-step updates of the IF and TIF neuron groups (models documented in if_neuron.hpp).
// Branch-free loops over structure-of-arrays state: each neuron's spike is written as a 0/1 flag and
// the spike indices are collected afterwards (spikes are rare, so whole blocks of zero flags are
// skipped). The kernels are compiled with an AVX2 clone chosen at run time and a baseline clone;
// both perform the same IEEE single-precision operations in the same order (no FMA contraction),
// so results are bit-identical on every x86-64 machine.
#include <cstdint>
#include <vector>

namespace plast::spiking {

struct IfConstants {
    float a, b;                       // AMPA and NMDA shares of g_E
    float v_rest, v_reset, e_exc, e_inh;
    float dt_tau_m, dt_tau_nmda;      // Euler factors
    float decay_ampa, decay_gaba, decay_thr;
    float v_th, v_th_spike;
    std::int32_t refractory_steps;    // TIF only
};

// One IF step (if_neuron.hpp, per-step order 1-6). Returns the number of neurons whose new V is
// NaN or infinite.
std::uint32_t if_kernel(std::size_t n, const IfConstants& c, float* v, float* g_ampa, float* g_nmda, float* g_gaba,
                        float* theta, std::uint32_t* flags);
// One TIF step: conductances decay, V held at V_reset during the refractory period.
std::uint32_t tif_kernel(std::size_t n, const IfConstants& c, float* v, float* g_ampa, float* g_gaba,
                         std::int32_t* refractory, std::uint32_t* flags);
// Append the indices i < n with flags[i] != 0 to `out`, in increasing order.
void collect_flags(const std::uint32_t* flags, std::size_t n, std::vector<std::uint32_t>& out);

} // namespace plast::spiking
