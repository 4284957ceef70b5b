// Compiled with -fno-trapping-math (CMakeLists.txt): it lets the compiler turn the clipping and
// threshold selects into vector blends. NaN and Inf values still propagate and are counted; only
// floating-point exception flags, which plast never reads, may differ.
#include "plast/spiking/neuron_kernels.hpp"

#include "plast/core/simd.hpp"

#include <algorithm>

namespace plast::spiking {


namespace {

// Separate functions with restrict-qualified streams: with seven arrays the compiler would otherwise
// give up on run-time alias checks and stay scalar.
// Spikes are flagged inside blocks of 64 neurons; only blocks with a spike are scanned for indices.
constexpr std::size_t block = 64;

inline void collect(const std::uint32_t* fl, std::size_t b, std::size_t e, std::vector<std::uint32_t>& out)
{
    for (std::size_t i = b; i < e; ++i)
        if (fl[i]) out.push_back(static_cast<std::uint32_t>(i));
}

PLAST_SIMD_CLONES std::uint32_t if_loop(std::size_t n, const IfConstants c, float* __restrict v, float* __restrict ga,
                                   float* __restrict gn, float* __restrict gi, float* __restrict th,
                                   std::uint32_t* __restrict fl, std::vector<std::uint32_t>& out)
{
    std::uint32_t bad = 0;
    for (std::size_t b = 0; b < n; b += block) {
        const std::size_t e = std::min(n, b + block);
        std::uint32_t any = 0;
        for (std::size_t i = b; i < e; ++i) {
            const float vi = v[i];
            const float ge = c.a * ga[i] + c.b * gn[i];
            const float dv = c.dt_tau_m * ((c.v_rest - vi) + ge * (c.e_exc - vi) + gi[i] * (c.e_inh - vi)); // 1.
            gn[i] = c.nmda_keep * (gn[i] + c.nmda_gain * ga[i]);                                                       // 2.
            ga[i] *= c.decay_ampa;                                                                          // 3.
            gi[i] *= c.decay_gaba;
            float vn = vi + dv;               // 4.
            vn = vn < c.e_inh ? c.e_inh : vn; // 5. NaN passes both comparisons unchanged
            vn = vn > 0.f ? 0.f : vn;
            const float t = th[i] * c.decay_thr; // 6.
            const bool s = vn > c.v_th + t;
            bad += (vn - vn) != 0.f ? 1u : 0u; // NaN or Inf: x - x is NaN
            v[i] = s ? c.v_reset : vn;
            th[i] = s ? c.v_th_spike : t;
            fl[i] = s ? 1u : 0u;
            any |= fl[i];
        }
        if (any) collect(fl, b, e, out);
    }
    return bad;
}

PLAST_SIMD_CLONES std::uint32_t cvaif_loop(std::size_t n, const IfConstants c, const CvaifConstants k,
                                           float* __restrict v, float* __restrict ga, float* __restrict gn,
                                           float* __restrict gi, float* __restrict th, float* __restrict gad,
                                           float* __restrict vt, float* __restrict ce, float* __restrict ci,
                                           std::uint32_t* __restrict fl, std::vector<std::uint32_t>& out)
{
    std::uint32_t bad = 0;
    for (std::size_t b = 0; b < n; b += block) {
        const std::size_t e = std::min(n, b + block);
        std::uint32_t any = 0;
        for (std::size_t i = b; i < e; ++i) {
            const float vi = v[i];
            const float ge = c.a * ga[i] + c.b * gn[i];
            const float ie = ge * (c.e_exc - vi);              // 1. excitatory current term
            const float ii = (gi[i] + gad[i]) * (c.e_inh - vi); //    inhibitory + adaptation current term
            const float dv = c.dt_tau_m * ((c.v_rest - vi) + ie + ii);
            gn[i] = c.nmda_keep * (gn[i] + c.nmda_gain * ga[i]); // 2.
            ga[i] *= c.decay_ampa;                    // 3.
            gi[i] *= c.decay_gaba;
            const float ad = gad[i] * k.decay_adapt;
            float vn = vi + dv;               // 4.
            vn = vn < c.e_inh ? c.e_inh : vn; // 5.
            vn = vn > 0.f ? 0.f : vn;
            const float t = th[i] * c.decay_thr; // 6.
            const bool s = vn > c.v_th + t;
            const float vo = s ? c.v_reset : vn;
            v[i] = vo;
            th[i] = s ? c.v_th_spike : t;
            gad[i] = s ? ad + k.adapt_increment : ad;
            const float vtn = vt[i] + k.dt_tau_vtrace * (vo - vt[i]); // 7.
            const float cen = ce[i] + k.dt_tau_cexc * (ie - ce[i]);
            const float cin = ci[i] + k.dt_tau_cinh * (ii - ci[i]);
            vt[i] = vtn;
            ce[i] = cen;
            ci[i] = cin;
            bad += (vn - vn) != 0.f ? 1u : 0u;
            bad += (cen - cen) != 0.f ? 1u : 0u;
            bad += (cin - cin) != 0.f ? 1u : 0u;
            fl[i] = s ? 1u : 0u;
            any |= fl[i];
        }
        if (any) collect(fl, b, e, out);
    }
    return bad;
}

// The reference CVAIFGroup's order (if_neuron.hpp, cvaif_update = "reference").
PLAST_SIMD_CLONES std::uint32_t cvaif_ref_loop(std::size_t n, const IfConstants c, const CvaifConstants k,
                                               float* __restrict v, float* __restrict ga, float* __restrict gn,
                                               float* __restrict gi, float* __restrict th, float* __restrict gad,
                                               float* __restrict vt, float* __restrict ce, float* __restrict ci,
                                               std::uint32_t* __restrict fl, std::vector<std::uint32_t>& out)
{
    std::uint32_t bad = 0;
    for (std::size_t b = 0; b < n; b += block) {
        const std::size_t e = std::min(n, b + block);
        std::uint32_t any = 0;
        for (std::size_t i = b; i < e; ++i) {
            const float vi = v[i];
            const float a2 = ga[i] * c.decay_ampa; // 1. decay first
            const float i2 = gi[i] * c.decay_gaba;
            const float ad = gad[i] * k.decay_adapt;
            const float n2 = c.nmda_keep * (gn[i] + c.nmda_gain * a2); // 2. NMDA from the decayed AMPA
            const float ie = (c.a * a2 + c.b * n2) * (c.e_exc - vi);    // 3. currents from the decayed g
            const float ii = (i2 + ad) * (vi - c.e_inh);                //    positive sign, as the reference
            const float cen = ce[i] + k.dt_tau_cexc * (ie - ce[i]);     // 4. traces, V_trace from the start V
            const float cin = ci[i] + k.dt_tau_cinh * (ii - ci[i]);
            vt[i] = vt[i] + k.dt_tau_vtrace * (vi - vt[i]);
            ga[i] = a2;
            gi[i] = i2;
            gn[i] = n2;
            ce[i] = cen;
            ci[i] = cin;
            const float t = th[i] * c.decay_thr; // 5. threshold decay, V by Euler, clip, test
            float vn = vi + c.dt_tau_m * ((c.v_rest - vi) + ie - ii);
            vn = vn < c.e_inh ? c.e_inh : vn;
            vn = vn > 0.f ? 0.f : vn;
            const bool s = vn > c.v_th + t;
            v[i] = s ? c.v_reset : vn;
            th[i] = s ? c.v_th_spike : t;
            gad[i] = s ? ad + k.adapt_increment : ad;
            bad += (vn - vn) != 0.f ? 1u : 0u;
            bad += (cen - cen) != 0.f ? 1u : 0u;
            bad += (cin - cin) != 0.f ? 1u : 0u;
            fl[i] = s ? 1u : 0u;
            any |= fl[i];
        }
        if (any) collect(fl, b, e, out);
    }
    return bad;
}

PLAST_SIMD_CLONES std::uint32_t tif_loop(std::size_t n, const IfConstants c, float* __restrict v, float* __restrict ga,
                                    float* __restrict gi, std::int32_t* __restrict ref, std::uint32_t* __restrict fl,
                                    std::vector<std::uint32_t>& out)
{
    std::uint32_t bad = 0;
    for (std::size_t b = 0; b < n; b += block) {
        const std::size_t e = std::min(n, b + block);
        std::uint32_t any = 0;
        for (std::size_t i = b; i < e; ++i) {
            const float vi = v[i];
            const float dv = c.dt_tau_m * ((c.v_rest - vi) + ga[i] * (c.e_exc - vi) + gi[i] * (c.e_inh - vi));
            ga[i] *= c.decay_ampa;
            gi[i] *= c.decay_gaba;
            const std::int32_t r = ref[i];
            const float vn = vi + dv;
            // Bitwise rather than short-circuit logic: one unconditional (blended) store per array.
            const bool in_ref = r > 0;
            const bool s = !in_ref & (vn > c.v_th);
            bad += (vn - vn) != 0.f ? 1u : 0u;
            const float vo = (in_ref | s) ? c.v_reset : vn;
            v[i] = vo;
            ref[i] = s ? c.refractory_steps : r - (in_ref ? 1 : 0);
            fl[i] = s ? 1u : 0u;
            any |= fl[i];
        }
        if (any) collect(fl, b, e, out);
    }
    return bad;
}

} // namespace

std::uint32_t if_kernel(std::size_t n, const IfConstants& c, float* v, float* g_ampa, float* g_nmda, float* g_gaba,
                        float* theta, std::uint32_t* flags, std::vector<std::uint32_t>& spikes)
{
    return if_loop(n, c, v, g_ampa, g_nmda, g_gaba, theta, flags, spikes);
}

std::uint32_t cvaif_kernel(std::size_t n, const IfConstants& c, const CvaifConstants& k, const CvaifArrays& a,
                           std::uint32_t* flags, std::vector<std::uint32_t>& spikes)
{
    if (k.reference)
        return cvaif_ref_loop(n, c, k, a.v, a.g_ampa, a.g_nmda, a.g_gaba, a.theta, a.g_adapt, a.v_trace, a.c_exc, a.c_inh,
                              flags, spikes);
    return cvaif_loop(n, c, k, a.v, a.g_ampa, a.g_nmda, a.g_gaba, a.theta, a.g_adapt, a.v_trace, a.c_exc, a.c_inh, flags,
                      spikes);
}

std::uint32_t tif_kernel(std::size_t n, const IfConstants& c, float* v, float* g_ampa, float* g_gaba,
                         std::int32_t* refractory, std::uint32_t* flags, std::vector<std::uint32_t>& spikes)
{
    return tif_loop(n, c, v, g_ampa, g_gaba, refractory, flags, spikes);
}

} // namespace plast::spiking
