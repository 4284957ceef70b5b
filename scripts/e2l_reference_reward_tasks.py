#!/usr/bin/env python3
"""Write the E2L reward task's reference instances (Jordan et al. 2021, Fig. 3) as plast instance directories.

The reference draws each experiment's stimuli, labels, initial weights and trial sequence with numpy's legacy
RandomState seeded with seed + experiment; plast draws its own instances with counter-based streams. This script
draws the reference's instances with numpy in the reference's order (written for plast from the published
protocol; it does not use the reference's code) and writes, per experiment, a directory for `reward.inputs`:
synapses.csv (input, w0_pA), patterns.csv (pattern, label), spikes.csv (pattern, input, time_ms), trials.csv
(trial, pattern), plus a configuration that names them:

  evolution/    the 10 experiments every evolution run is scored on (seeds 11231 + k, 500 trials);
                evolution.toml is a complete `plast evolve` configuration (the run settings of
                examples/e2l_reward.toml) and also works with `plast evaluate reward RULE --config`
  validation/   the 10 experiments of the reference's validation of E(R - 1) (seeds 817818273 + k);
                validation.toml

Order of the draws per experiment: for each of the 30 stimuli, Poisson counts for the 50 inputs (6 Hz x 500 ms),
then per input that many uniform times in (dt, 500) ms, sorted and truncated to the 0.01 ms grid, then the
stimulus' label from {-1, +1}; then one N(0, 1000 pA) weight per connection, in input order; then the stimulus of
every trial, uniformly. Which inputs are connected is not drawn with numpy: the reference connects them with
NEST's pairwise Bernoulli rule (p = 0.8) right after a kernel reset, so every experiment gets the same 45 of the
50 inputs, all but CONNECTION_GAPS (obtained with NEST 27dc242, the version the reference pins; the reference's
own recorded inputs, data/reward-driven/.../input-0-*.npy, are reproduced by this draw only with 45 weight
draws). A spike leaves its generator at t and its relay (parrot) neuron 1 ms later, which is the time plast's
synapse sees, so time_ms = t + 1.

Usage: e2l_reference_reward_tasks.py OUTDIR [evolution|validation ...]   (default: both; a few seconds, 4 MB)
"""
import os
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import e2l_reference_tasks  # noqa: E402  (shared: an example's run settings, TOML lists)

N_IN, N_STIM, RATE, T_STIM, DT, SIGMA_W, N_TRIALS = 50, 30, 6.0, 500.0, 0.01, 1000.0, 500
CONNECTION_GAPS = (3, 17, 35, 39, 47)
SETS = {"evolution": 11231, "validation": 817818273}


def draw(seed, n_trials=N_TRIALS):
    """One experiment: stimuli (per stimulus, per input, generator times in ms), labels, weights, trials."""
    rng = np.random.RandomState(seed)
    stimuli, labels = [], []
    for _ in range(N_STIM):
        counts = rng.poisson(T_STIM * 1e-3 * RATE, N_IN)
        trains = [np.sort(rng.uniform(0.0 + DT, T_STIM, size=c)) for c in counts]
        stimuli.append([t - (t % DT) for t in trains])
        labels.append(rng.choice([-1.0, 1.0]))
    connected = [i for i in range(N_IN) if i not in CONNECTION_GAPS]
    w0 = [rng.normal(0.0, SIGMA_W) for _ in connected]
    trials = [rng.randint(0, N_STIM) for _ in range(n_trials)]
    return stimuli, labels, connected, w0, trials


def write_experiment(d, stimuli, labels, connected, w0, trials):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "synapses.csv"), "w") as f:
        f.write("input,w0_pA\n")
        f.writelines(f"{i},{w!r}\n" for i, w in zip(connected, w0))
    with open(os.path.join(d, "patterns.csv"), "w") as f:
        f.write("pattern,label\n")
        f.writelines(f"{m},{int(l)}\n" for m, l in enumerate(labels))
    with open(os.path.join(d, "spikes.csv"), "w") as f:
        f.write("pattern,input,time_ms\n")
        f.writelines(f"{m},{i},{t + 1.0:.2f}\n" for m, st in enumerate(stimuli) for i, tr in enumerate(st) for t in tr)
    with open(os.path.join(d, "trials.csv"), "w") as f:
        f.write("trial,pattern\n")
        f.writelines(f"{k},{m}\n" for k, m in enumerate(trials))


def evolve_settings():
    """The run settings of examples/e2l_reward.toml (top-level keys, [cgp], [ea]) without its [reward]."""
    return e2l_reference_tasks.evolve_settings("e2l_reward.toml", "[reward]")


def write_set(out, name, n=10):
    dirs = []
    for k in range(n):
        dirs.append(f"{name}/experiment{k}")
        write_experiment(os.path.join(out, dirs[-1]), *draw(SETS[name] + k))
    text = (evolve_settings() if name == "evolution" else "") + "\n[reward]\n"
    text += f"seed = {SETS[name]}    # seeds plast's escape noise; the instances are read from `inputs`\n"
    text += f"n_trials = {N_TRIALS}\ninputs = {e2l_reference_tasks.toml_list(dirs)}\n"
    with open(os.path.join(out, name + ".toml"), "w") as f:
        f.write(f"# The reference's {name} experiments of the E2L reward task, written by "
                "e2l_reference_reward_tasks.py.\n")
        f.write(text)
    print(f"{name}: {n} experiments in {os.path.join(out, name)}, configuration {os.path.join(out, name + '.toml')}")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sets = sys.argv[2:] or list(SETS)
    for s in sets:
        if s not in SETS:
            sys.exit(f"e2l_reference_reward_tasks.py: unknown set '{s}' ({', '.join(SETS)})")
    for s in sets:
        write_set(sys.argv[1], s)


if __name__ == "__main__":
    main()
