#pragma once
// Exact propagators of the exponential-current LIF (NEST iaf_psc_exp), evolving-rules §1.2:
//   PSP   <- PSP * P22 + i_syn * P21
//   i_syn <- i_syn * P11 + (spike arrivals this step)
// P11 = exp(-h/tau_s), P22 = exp(-h/tau_m), P21 = tau_m tau_s / (C_m (tau_m - tau_s)) (P22 - P11).
// Times in ms, C_m in pF, currents in pA -> potentials in mV.
#include <cmath>

namespace plast::e2l {

struct PspPropagators {
    double p11, p22, p21;
    PspPropagators(double h, double tau_s, double tau_m, double c_m)
        : p11(std::exp(-h / tau_s)), p22(std::exp(-h / tau_m)),
          p21(tau_m * tau_s / (c_m * (tau_m - tau_s)) * (std::exp(-h / tau_m) - std::exp(-h / tau_s)))
    {
    }
};

} // namespace plast::e2l
