"""generate_figure_data.py part D (selected runs 9 and 18) with NEST at the reference's commit; shims as in
fig5d_baseline_nest.py plus the SymEngine stand-in. Usage: rules_validation_nest.py REFERENCE_CHECKOUT."""
import copy, json, sys, time
import numpy as np
np.bool = bool; np.int = int
import nest
ref = sys.argv[1]
sys.path.insert(0, ref + "/experiments/correlation_based")
from sim_utils import compute_SNR, create_frozen_noise, build_poisson_input, pattern_detection_experiment
d = ref + "/data/correlation_based/6a8d0387281207f8c8ed345d40a417fb"
params = json.load(open(d + "/params.json")); synapse_params = params["synapse_params"]; exp_params = params["exp_params"]
synapse_params["weight"] = 0.5
for run in [9, 18]:
    li = open(f"{d}/champion_{run}.txt").readlines()
    synapse_params.update({"expr_depress": li[0].split(",")[-2], "expr_facilitate": li[0].split(",")[-1]})
    rng = np.random.RandomState(seed=exp_params["base_rng"] + 1999)
    pub = np.load(f"{d}/Fig5D_fitness_validation_run_{run}.npy")
    res = []
    for i in range(20):
        pat = create_frozen_noise(1000, 100.0, 3.0, rng); bg = create_frozen_noise(1000, exp_params["T"], 3.0, rng)
        spikes, inter = build_poisson_input(bg, pat, exp_params, rng)
        out = pattern_detection_experiment("stdp_sympy_synapse", synapse_params, exp_params, spikes, return_weights=True)
        snr_p = copy.deepcopy(exp_params); snr_p["T"] = 31000.0; snr_p["neuron_params"]["V_th"] = 20000.0
        snr, _ = compute_SNR(out[4], spikes, inter, exp_params, snr_p, np_rng=i)
        res.append(snr)
        print(f"run {run} trial {i}: SNR {snr:.6f} (published {pub[i]:.3f})", flush=True)
    res = np.array(res)
    print(f"run {run}: mean {res.mean():.2f} +- {res.std():.2f} (published {pub.mean():.2f} +- {pub.std():.2f}); corr {np.corrcoef(res, pub)[0,1]:.2f}", flush=True)
