#include "plast/spiking/if_neuron.hpp"

#include "plast/core/rng.hpp"
#include "plast/io/config.hpp"

#include <cmath>

namespace plast::spiking {

IfParams IfParams::tif()
{
    IfParams p;
    p.model = Model::tif;
    p.v_rest = p.v_reset = -60;
    p.v_th_base = -50;
    p.ampa_nmda_ratio = 0; // unused: no NMDA
    p.refractory = 5e-3;
    return p;
}

IfParams IfParams::from_config(const Section& s)
{
    const bool tif = s.string("model", "if", {"if", "tif"}) == "tif";
    IfParams p = tif ? IfParams::tif() : IfParams{};
    p.refractory = s.number("refractory", p.refractory, Range::nonneg());
    const Range pos = Range::positive();
    p.tau_m = s.number("tau_m", p.tau_m, pos);
    p.v_rest = s.number("v_rest", p.v_rest);
    p.v_reset = s.number("v_reset", p.v_reset);
    p.e_exc = s.number("e_exc", p.e_exc);
    p.e_inh = s.number("e_inh", p.e_inh);
    p.v_th_base = s.number("v_th_base", p.v_th_base);
    p.v_th_spike = s.number("v_th_spike", p.v_th_spike);
    p.tau_thr = s.number("tau_thr", p.tau_thr, pos);
    p.tau_ampa = s.number("tau_ampa", p.tau_ampa, pos);
    p.tau_gaba = s.number("tau_gaba", p.tau_gaba, pos);
    p.tau_nmda = s.number("tau_nmda", p.tau_nmda, pos);
    p.ampa_nmda_ratio = s.number("ampa_nmda_ratio", p.ampa_nmda_ratio, Range::nonneg());
    if (p.e_inh >= p.e_exc) s.fail("e_inh", "inhibitory reversal must be below the excitatory one", "e_inh < e_exc");
    return p;
}

void IfState::resize(std::size_t n, float v0)
{
    refractory.assign(n, 0);
    v.assign(n, v0);
    g_ampa.assign(n, 0.f);
    g_nmda.assign(n, 0.f);
    g_gaba.assign(n, 0.f);
    theta.assign(n, 0.f);
}

IfGroup::IfGroup(std::string name, std::size_t n, const IfParams& p, double dt) : name_(std::move(name)), n_(n), p_(p)
{
    s_.resize(n, static_cast<float>(p.v_rest));
    const double r = p.ampa_nmda_ratio;
    a_ = static_cast<float>(r / (r + 1.0)); // exactly 0.3/1.3, not the rounded 0.23 (§13.20)
    dt_tau_m_ = static_cast<float>(dt / p.tau_m);
    dt_tau_nmda_ = static_cast<float>(dt / p.tau_nmda);
    decay_ampa_ = static_cast<float>(std::exp(-dt / p.tau_ampa));
    decay_gaba_ = static_cast<float>(std::exp(-dt / p.tau_gaba));
    decay_thr_ = static_cast<float>(std::exp(-dt / p.tau_thr));
    ref_steps_ = static_cast<std::int32_t>(std::llround(p.refractory / dt));
}

void IfGroup::randomize_v(double lo, double hi, std::uint64_t seed, std::uint64_t key)
{
    rng::Stream r(seed, "initial_v", key);
    for (auto& v : s_.v) v = static_cast<float>(r.uniform(lo, hi));
}

bool IfGroup::step_tif(std::vector<std::uint32_t>& spikes)
{
    float* v = s_.v.data();
    float* ga = s_.g_ampa.data();
    float* gi = s_.g_gaba.data();
    std::int32_t* ref = s_.refractory.data();
    const float vrest = static_cast<float>(p_.v_rest), ee = static_cast<float>(p_.e_exc),
                ei = static_cast<float>(p_.e_inh), vth = static_cast<float>(p_.v_th_base),
                vreset = static_cast<float>(p_.v_reset);
    bool finite = true;
    for (std::size_t i = 0; i < n_; ++i) {
        const float dv = dt_tau_m_ * ((vrest - v[i]) + ga[i] * (ee - v[i]) + gi[i] * (ei - v[i]));
        ga[i] *= decay_ampa_;
        gi[i] *= decay_gaba_;
        if (ref[i] > 0) {
            --ref[i];
            v[i] = vreset;
            continue;
        }
        float vn = v[i] + dv;
        finite &= std::isfinite(vn);
        if (vn > vth) {
            spikes.push_back(static_cast<std::uint32_t>(i));
            vn = vreset;
            ref[i] = ref_steps_;
        }
        v[i] = vn;
    }
    return finite;
}

bool IfGroup::step(std::vector<std::uint32_t>& spikes)
{
    if (p_.model == IfParams::Model::tif) return step_tif(spikes);
    float* v = s_.v.data();
    float* ga = s_.g_ampa.data();
    float* gn = s_.g_nmda.data();
    float* gi = s_.g_gaba.data();
    float* th = s_.theta.data();
    const float vrest = static_cast<float>(p_.v_rest), ee = static_cast<float>(p_.e_exc),
                ei = static_cast<float>(p_.e_inh), vth = static_cast<float>(p_.v_th_base),
                vreset = static_cast<float>(p_.v_reset), vspike = static_cast<float>(p_.v_th_spike);
    const float a = a_, b = 1.f - a_;
    // Pass 1 (branch-free, vectorisable): currents from the start-of-step state, conductances,
    // Euler step of V, clip to [E_I, 0] (NaN passes through the comparisons unchanged), threshold decay.
    for (std::size_t i = 0; i < n_; ++i) {
        const float ge = a * ga[i] + b * gn[i];
        const float dv = dt_tau_m_ * ((vrest - v[i]) + ge * (ee - v[i]) + gi[i] * (ei - v[i]));
        gn[i] += dt_tau_nmda_ * (ga[i] - gn[i]);
        ga[i] *= decay_ampa_;
        gi[i] *= decay_gaba_;
        const float vn = v[i] + dv;
        v[i] = vn < ei ? ei : (vn > 0.f ? 0.f : vn);
        th[i] *= decay_thr_;
    }
    // Pass 2: threshold test and reset; the NaN check rides along (a NaN never crosses threshold).
    bool finite = true;
    for (std::size_t i = 0; i < n_; ++i) {
        finite &= v[i] == v[i];
        if (v[i] > vth + th[i]) {
            spikes.push_back(static_cast<std::uint32_t>(i));
            v[i] = vreset;
            th[i] = vspike;
        }
    }
    return finite;
}

} // namespace plast::spiking
