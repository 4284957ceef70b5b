#include "plast/spiking/if_neuron.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
#include "plast/io/config.hpp"
#include "plast/spiking/neuron_kernels.hpp"

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

IfParams IfParams::cvaif()
{
    IfParams p;
    p.model = Model::cvaif;
    return p;
}

IfParams IfParams::from_config(const Section& s)
{
    const std::string model = s.string("model", "if", {"if", "tif", "cvaif"});
    IfParams p = model == "tif" ? IfParams::tif() : model == "cvaif" ? IfParams::cvaif() : IfParams{};
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
    p.nmda_update = s.string("nmda_update", "auryn", {"auryn", "euler"}) == "euler" ? IfParams::NmdaUpdate::euler
                                                                                  : IfParams::NmdaUpdate::auryn;
    if (p.model == Model::cvaif) {
        p.tau_adapt = s.number("tau_adapt", p.tau_adapt, pos);
        p.adapt_increment = s.number("adapt_increment", p.adapt_increment, Range::nonneg());
        p.tau_vtrace = s.number("tau_vtrace", p.tau_vtrace, pos);
        p.tau_cexc = s.number("tau_cexc", p.tau_cexc, pos);
        p.tau_cinh = s.number("tau_cinh", p.tau_cinh, pos);
        p.cvaif_update = s.string("cvaif_update", "plast", {"plast", "reference"}) == "reference" ? IfParams::CvaifUpdate::reference
                                                                                                : IfParams::CvaifUpdate::plast;
    } else {
        for (const char* key : {"tau_adapt", "adapt_increment", "tau_vtrace", "tau_cexc", "tau_cinh", "cvaif_update"})
            if (s.has(key)) s.fail(key, "only the cvaif neuron has this parameter", "model = \"cvaif\"");
    }
    if (p.e_inh >= p.e_exc) s.fail("e_inh", "inhibitory reversal must be below the excitatory one", "e_inh < e_exc");
    return p;
}

void IfState::resize(std::size_t n, float v0, bool cvaif)
{
    const std::size_t nc = cvaif ? n : 0;
    g_adapt.assign(nc, 0.f);
    v_trace.assign(nc, v0);
    c_exc.assign(nc, 0.f);
    c_inh.assign(nc, 0.f);
    refractory.assign(n, 0);
    v.assign(n, v0);
    g_ampa.assign(n, 0.f);
    g_nmda.assign(n, 0.f);
    g_gaba.assign(n, 0.f);
    theta.assign(n, 0.f);
}

IfGroup::IfGroup(std::string name, std::size_t n, const IfParams& p, double dt) : name_(std::move(name)), n_(n), p_(p)
{
    s_.resize(n, static_cast<float>(p.v_rest), p.model == IfParams::Model::cvaif);
    const double r = p.ampa_nmda_ratio;
    const auto f = [](double x) { return static_cast<float>(x); };
    const float a = f(r / (r + 1.0)); // exactly 0.3/1.3, not the rounded 0.23 (§13.20)
    // g_NMDA <- keep (g_NMDA + gain g_AMPA); the Euler pair gives keep g + keep (d/keep) g_AMPA = (1 - d) g + d g_AMPA.
    const double d = dt / p.tau_nmda, m = -std::expm1(-dt / p.tau_nmda);
    const bool euler = p.nmda_update == IfParams::NmdaUpdate::euler;
    const float nmda_keep = f(euler ? 1.0 - d : 1.0 - m), nmda_gain = f(euler ? d / (1.0 - d) : m);
    k_ = IfConstants{a,
                     1.f - a,
                     f(p.v_rest),
                     f(p.v_reset),
                     f(p.e_exc),
                     f(p.e_inh),
                     f(dt / p.tau_m),
                     nmda_keep,
                     nmda_gain,
                     f(std::exp(-dt / p.tau_ampa)),
                     f(std::exp(-dt / p.tau_gaba)),
                     f(std::exp(-dt / p.tau_thr)),
                     f(p.v_th_base),
                     f(p.v_th_spike),
                     static_cast<std::int32_t>(std::llround(p.refractory / dt))};
    if (euler && d >= 1.0)
        runtime_error(name_, "nmda_update = \"euler\" needs tau_nmda > dt (got tau_nmda = " + std::to_string(p.tau_nmda) + " s)");
    ck_ = CvaifConstants{f(std::exp(-dt / p.tau_adapt)), f(p.adapt_increment), f(dt / p.tau_vtrace), f(dt / p.tau_cexc),
                         f(dt / p.tau_cinh), p.cvaif_update == IfParams::CvaifUpdate::reference};
    if (p.model == IfParams::Model::cvaif && ck_.reference) {
        // CVAIFGroup's NMDA factor is dt/tau (not 1 - exp(-dt/tau)), applied as (1 - d)(g + d g_AMPA).
        k_.nmda_keep = f(1.0 - d);
        k_.nmda_gain = f(d);
    }
}

void IfGroup::randomize_v(double lo, double hi, std::uint64_t seed, std::uint64_t key)
{
    rng::Stream r(seed, "initial_v", key);
    for (auto& v : s_.v) v = static_cast<float>(r.uniform(lo, hi));
}

bool IfGroup::step(std::vector<std::uint32_t>& spikes)
{
    flags_.resize(n_);
    std::uint32_t bad = 0;
    switch (p_.model) {
    case IfParams::Model::tif:
        bad = tif_kernel(n_, k_, s_.v.data(), s_.g_ampa.data(), s_.g_gaba.data(), s_.refractory.data(), flags_.data(),
                         spikes);
        break;
    case IfParams::Model::cvaif:
        bad = cvaif_kernel(n_, k_, ck_,
                           CvaifArrays{s_.v.data(), s_.g_ampa.data(), s_.g_nmda.data(), s_.g_gaba.data(), s_.theta.data(),
                                       s_.g_adapt.data(), s_.v_trace.data(), s_.c_exc.data(), s_.c_inh.data()},
                           flags_.data(), spikes);
        break;
    default:
        bad = if_kernel(n_, k_, s_.v.data(), s_.g_ampa.data(), s_.g_nmda.data(), s_.g_gaba.data(), s_.theta.data(),
                        flags_.data(), spikes);
    }
    return bad == 0;
}

} // namespace plast::spiking
