"""Run the reference repository's own Fig. 5D baseline validation (generate_figure_data.py part D, homeostatic
synapse) with NEST at the reference's commit; imports the reference's sim_utils unchanged (see README.md).
Usage: fig5d_baseline_nest.py REFERENCE_CHECKOUT [TRIALS=20]; writes w_trialI.npy (final weights) in the working
directory and prints each trial's SNR next to the published one."""
import copy, sys, time
import numpy as np
# numpy >= 1.24 removed these aliases, which the reference (numpy 1.18) uses; they were bool and int.
np.bool = bool
np.int = int
import nest
_install = nest.Install
def install(name):
    if name == "stdp_sympy_synapse_module":  # needs symengine; not used by the baseline
        return
    return _install(name)
nest.Install = install
ref = sys.argv[1]
n_trials = int(sys.argv[2]) if len(sys.argv) > 2 else 20
sys.path.insert(0, ref + "/experiments/correlation_based")
from sim_utils import compute_SNR, create_frozen_noise, build_poisson_input, pattern_detection_experiment
nest.Install("HomeostaticSTDPmodule")
exp_params_D = {"base_rng": 123, "Npre": 1000, "Npost": 1, "T": 200000.0, "T_stim": 100.0, "T_inter": 400.0,
                "tbin": 1.0, "bg_rate": 3.0,
                "neuron_params": {"V_reset": 0.0, "E_L": 0.0, "V_th": 20.0, "tau_m": 18.0}}
np_rng = np.random.RandomState(seed=11214124 + 123)
SNR_params = copy.deepcopy(exp_params_D); SNR_params["T"] = 11000.0; SNR_params["neuron_params"]["V_th"] = 20000.0
syn = {"lambda": 0.01, "mu_plus": 0.0, "tau_plus": 20.0, "Wout": -0.0015, "weight": 0.5, "Wmax": 1.0, "receptor_type": 0}
pub = np.load(ref + "/data/correlation_based/6a8d0387281207f8c8ed345d40a417fb/Fig5D_SNR_homeostatic_synapse.npy")
out = []
for i in range(n_trials):
    t0 = time.time()
    pat = create_frozen_noise(1000, 100.0, 3.0, np_rng)
    bg = create_frozen_noise(1000, 200000.0, 3.0, np_rng)
    spikes, inter = build_poisson_input(bg, pat, exp_params_D, np_rng)
    sp_pre, sp_post, vm, w0, w1, wd = pattern_detection_experiment("stdp_homeostatic_synapse", syn, exp_params_D, spikes, return_weights=True)
    snr, _ = compute_SNR(w1, spikes, inter, exp_params_D, SNR_params, np_rng=i)
    w = np.array(w1[0]); stim = np.array([len(p) > 0 for p in pat])
    np.save(f"w_trial{i}.npy", w)
    print(f"trial {i}: SNR {snr:.3f} (published {pub[i]:.3f}); post spikes {len(sp_post['times'])}; "
          f"mean w pattern {w[stim].mean():.4f} other {w[~stim].mean():.4f}; {time.time()-t0:.0f} s", flush=True)
    out.append(snr)
out = np.array(out)
print(f"mean {out.mean():.2f} +- {out.std():.2f} (published {pub[:n_trials].mean():.2f} +- {pub[:n_trials].std():.2f}); "
      f"corr {np.corrcoef(out, pub[:n_trials])[0,1]:.2f}")
