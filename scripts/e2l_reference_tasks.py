#!/usr/bin/env python3
"""Write the E2L correlation task's reference instances (Jordan et al. 2021, Fig. 5) as plast spike files.

The reference draws its inputs with numpy's legacy RandomState; plast draws its own tasks with counter-based
streams, so by default the two score a rule on different task instances. This script draws the reference's
instances with numpy in the reference's order (written for plast from the published protocol; it does not use
the reference's code) and writes, per set, one CSV per task (columns input, time_ms) and a configuration that
names them with the per-task start values (correlation.inputs, task_w_init, task_V0, task_V0_test):

  evolution/          the 8 tasks every evolution run is scored on (100 s; base seed 11214124 + 123;
                      w ~ N(w*, 0.1) from seed 11214124 + 111); evolution.toml is a complete `plast evolve`
                      configuration (the settings of examples/e2l_correlation.toml) and also works with
                      `plast evaluate correlation RULE --config`
  validation/         the homeostatic-STDP baseline's 20 validation tasks (200 s, seed 11214124 + 123,
                      w = 0.5; test potentials from seeds 0..19); validation.toml
  rules_validation/   the evolved rules' 20 validation tasks (100 s, seed 11214124 + 1999, w = 0.5, 31 s
                      test); rules_validation.toml

Per train: max(1, int(1.25 rate T)) exponential ISIs, times round(cumsum + 0.1, 1) ms, kept below T; the
pattern (100 ms) is drawn first, then the background. Background spikes inside the windows
(400.1 + 500 k, 500.1 + 500 k] are removed for every input; a pattern neuron (>= 1 pattern spike) keeps
int(alpha n) of its remaining spikes drawn with replacement (alpha = 1/6) plus the pattern copies. The training
potential starts at N(0, 10) from seed 17893 for every task. A spike leaves the spike generator at t and its
relay (parrot) neuron 1 ms later, which is the time plast's synapse sees, so time_ms = t + 1.

Usage: e2l_reference_tasks.py OUTDIR [evolution|validation|rules_validation ...]   (default: all three;
under a minute for all three sets: 22 MB evolution, 113 MB validation, 54 MB rules_validation).
"""
import os
import pathlib
import sys

import numpy as np

N_IN, RATE, T_PAT, T_INTER, FIRST = 1000, 3.0, 100.0, 400.0, 0.1 + 400.0
BASE = 11214124


def exp_trains(n, length, rng):
    """A fixed number of exponential ISIs per train, cumulated, + 0.1 ms, rounded to 0.1 ms, < length."""
    k = max(1, int(1.25 * RATE * 1e-3 * length))
    t = np.round(np.cumsum(rng.exponential(1000.0 / RATE, size=(n, k)), axis=1) + 0.1, 1)
    return [row[row < length] for row in t]


def task_input(rng, length):
    """One task's input trains (generator times, ms) and which inputs are pattern neurons."""
    pattern = exp_trains(N_IN, T_PAT, rng)
    background = exp_trains(N_IN, length, rng)
    nu_pat = 1000.0 / (T_INTER + T_PAT)
    alpha = 1.0 - nu_pat / (RATE * T_INTER / (T_INTER + T_PAT))
    starts = []
    t = FIRST
    while t < length:
        starts.append(t)
        t += T_PAT + T_INTER
    starts = np.array(starts)
    trains = []
    for bg, pat in zip(background, pattern):
        j = np.clip(np.searchsorted(starts, bg, side="left") - 1, 0, None)
        x = bg[~((bg > starts[j]) & (bg <= starts[j] + T_PAT))]
        if pat.size:
            x = np.append(rng.choice(x, size=int(x.size * alpha)), (pat[None, :] + starts[:, None]).ravel())
        trains.append(np.sort(x))
    return trains, np.array([p.size > 0 for p in pattern])


def write_csv(path, trains):
    rows = [(i, t + 1.0) for i, tr in enumerate(trains) for t in tr]
    rows.sort(key=lambda r: (r[1], r[0]))
    with open(path, "w") as f:
        f.write("input,time_ms\n")
        f.writelines(f"{i},{t:.1f}\n" for i, t in rows)


def toml_list(xs):
    return "[" + ", ".join(repr(float(x)) if not isinstance(x, str) else f'"{x}"' for x in xs) + "]"


def evolve_settings(example="e2l_correlation.toml", section="[correlation]"):
    """The run settings of an example (top-level keys, [cgp], [ea]) without its task section."""
    ex = (pathlib.Path(__file__).resolve().parents[1] / "examples" / example).read_text()
    return ex[ex.index("seed ="):ex.index(section)] + ex[ex.index("[cgp]"):]


def write_set(out, name):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    v0_train = float(np.random.RandomState(17893).normal(0.0, 10.0, 1)[0])
    if name == "evolution":
        n, length, seed = 8, 100000.0, BASE + 123
        w_star = 20.0 / (N_IN * RATE - 2.0 * np.sqrt(N_IN * RATE)) / 0.018
        rw = np.random.RandomState(BASE + 111)
        extra = {"task_w_init": [rw.normal(loc=w_star, scale=0.1) for _ in range(n)],
                 "task_V0_test": [v0_train] * n}
        keys = ""
    else:
        n = 20
        length, seed = (200000.0, BASE + 123) if name == "validation" else (100000.0, BASE + 1999)
        extra = {"task_V0_test": [np.random.RandomState(i).normal(0.0, 10.0, 1)[0] for i in range(n)]}
        keys = "w_init = 0.5\n" + ("test = 31000.0\n" if name == "rules_validation" else "")
    rng = np.random.RandomState(seed)
    files = []
    for k in range(n):
        trains, _ = task_input(rng, length)
        files.append(f"{name}/task{k:02d}.csv")
        write_csv(os.path.join(out, files[-1]), trains)
        print(f"{name}: task {k + 1} of {n}", flush=True)
    text = (evolve_settings() if name == "evolution" else "") + "\n[correlation]\n"
    text += f"train = {length}\n" + keys + f"inputs = {toml_list(files)}\n"
    text += f"task_V0 = {toml_list([v0_train] * n)}\n"
    for k, v in extra.items():
        text += f"{k} = {toml_list(v)}\n"
    with open(os.path.join(out, name + ".toml"), "w") as f:
        f.write(f"# The reference's {name} tasks of the E2L correlation task, written by e2l_reference_tasks.py.\n")
        f.write(text)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sets = sys.argv[2:] or ["evolution", "validation", "rules_validation"]
    for s in sets:
        if s not in ("evolution", "validation", "rules_validation"):
            sys.exit(f"e2l_reference_tasks.py: unknown set '{s}' (evolution, validation, rules_validation)")
    for s in sets:
        write_set(sys.argv[1], s)


if __name__ == "__main__":
    main()
