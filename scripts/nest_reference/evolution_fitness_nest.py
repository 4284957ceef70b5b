"""Score rules on the reference's 8 evolution tasks with the reference's own main.py (simulate/objective body)
and sim_utils, NEST at the reference's commit. Shims: numpy aliases; a stub `cgp` (only needed for imports);
the voltmeter dict turned into the pandas DataFrame main.py expects; the SymEngine evaluator replaced
(see sympy_expr.h stand-in). Usage: evolution_fitness_nest.py REF 'dep;fac' [...]"""
import copy, json, sys, types, time
import numpy as np
np.bool = bool; np.int = int
import pandas as pd
import nest
_install = nest.Install
ref = sys.argv[1]
sys.path.insert(0, ref + "/experiments/correlation_based")
cgp = types.ModuleType("cgp"); cgp.ConstantFloat = object; sys.modules["cgp"] = cgp
import sim_utils, main
_pde = sim_utils.pattern_detection_experiment
def pde(*a, **k):
    out = _pde(*a, **k)
    if len(out) == 3:
        return out[0], out[1], pd.DataFrame(out[2])
    return out
main.pattern_detection_experiment = pde
params = json.load(open(ref + "/data/correlation_based/6a8d0387281207f8c8ed345d40a417fb/params.json"))
ep = params["exp_params"]; n_trials = params["gp_params"]["n_trials"]
weight = ep["neuron_params"]["V_th"] / (ep["Npre"] * ep["bg_rate"] - np.sqrt(ep["Npre"] * ep["bg_rate"]) * 2) / (ep["neuron_params"]["tau_m"] * 1e-3)
rng = np.random.RandomState(seed=ep["base_rng"] + 111)
syn = []
for i in range(n_trials):
    d = copy.deepcopy(params["synapse_params"]); d["weight"] = rng.normal(loc=weight, scale=0.1); syn.append(d)
np_rng = np.random.RandomState(seed=ep["base_rng"] + 123)
inputs = []
for i in range(n_trials):
    pat = sim_utils.create_frozen_noise(ep["Npre"], ep["T_stim"], ep["bg_rate"], np_rng)
    bg = sim_utils.create_frozen_noise(ep["Npre"], ep["T"], ep["bg_rate"], np_rng)
    inputs.append(sim_utils.build_poisson_input(bg, pat, ep, np_rng)[0])
for rule in sys.argv[2:]:
    dep, fac = [s.strip() for s in rule.split(";")]
    t0 = time.time(); snrs = []
    for i in range(n_trials):
        snrs.append(main.simulate([dep, fac], copy.deepcopy(syn[i]), copy.deepcopy(ep), inputs[i]))
    snrs = np.array(snrs)
    print(f"{dep} ; {fac}: min {snrs.min():.6f}, mean {snrs.mean():.2f} +- {snrs.std():.2f}; per task "
          + " ".join(f"{s:.6f}" for s in snrs) + f"; {time.time()-t0:.0f} s", flush=True)
