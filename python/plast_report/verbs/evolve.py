"""Report plug-in for `plast evolve`: fitness history and evaluation counts of a CGP run."""
import csv
import json
import math

import matplotlib.pyplot as plt

from plast_report.plotting import save


def _num(s):
    try:
        return float(s)
    except ValueError:
        return math.nan


def _history(run_dir):
    path = run_dir / "history.csv"
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def figures(run_dir, run):
    rows = _history(run_dir)
    if not rows:
        return []
    gen = [int(r["generation"]) for r in rows]
    champ = [_num(r["champion_fitness"]) for r in rows]
    mean = [_num(r["mean_parent_fitness"]) for r in rows]
    task = run.get("summary", {}).get("task", "")
    out = []

    fig, ax = plt.subplots(figsize=(7, 4))
    finite = lambda xs: [x if math.isfinite(x) else math.nan for x in xs]
    ax.plot(gen, finite(champ), drawstyle="steps-post", label="champion")
    ax.plot(gen, finite(mean), drawstyle="steps-post", alpha=0.6, label="mean of parents")
    vals = [x for x in champ + mean if math.isfinite(x)]
    if vals and max(vals) <= 0:
        # Negative fitness (error task): a symmetric log axis shows early and late progress.
        ax.set_yscale("symlog", linthresh=1.0)
    ax.set_xlabel("generation")
    ax.set_ylabel("fitness")
    ax.set_title(f"CGP evolution on the {task} task")
    ax.legend()
    # Mark where the champion's formula changed.
    last = None
    for r in rows:
        if r["champion"] != last and last is not None:
            ax.axvline(int(r["generation"]), color="0.85", lw=0.6, zorder=0)
        last = r["champion"]
    out.append((save(fig, run_dir, "fitness.png"),
                "Champion fitness per generation (grey lines: the champion formula changed). "
                "Final champion: " + rows[-1]["champion"]))

    fig, ax = plt.subplots(figsize=(7, 3.5))
    for key, label in (("n_evaluations", "evaluations"), ("n_cache_hits", "cache hits"), ("n_silent", "silent offspring")):
        ax.plot(gen, [_num(r[key]) for r in rows], label=label)
    ax.set_xlabel("generation")
    ax.set_ylabel("cumulative count")
    ax.legend()
    out.append((save(fig, run_dir, "evaluations.png"),
                "Cumulative objective evaluations, cache hits and silent (unevaluated) offspring."))
    return out


def key_numbers(run_dir, run):
    s = run.get("summary", {})
    keys = [("task", "task"), ("champion", "champion"), ("champion fitness", "champion_fitness"),
            ("generations", "generations"), ("evaluations", "evaluations"), ("cache hits", "cache_hits"),
            ("silent offspring", "silent_offspring"), ("evolution wall time [s]", "evolution_wall_s")]
    out = [(label, s[k]) for label, k in keys if k in s]
    if s.get("fast_mode"):
        # Fast-mode F is on another scale (fewer, shorter trials): show the full-task score beside it.
        out.append(("WARNING", "fast mode: the champion fitness above is not comparable with full-task references"))
        out.append(("champion fitness on the full task", s.get("champion_fitness_full_task")))
    for label, k in (("per-sample RMS error [mV]", "champion_rms_error_mV"),
                     ("final weights' distance from the teacher's [pA]", "champion_weight_distance_pA")):
        if k in s:
            out.append((label, s[k]))
    if "delta_rule_factor" in s:
        c = s["delta_rule_factor"]
        out.append(("champion = c (v - u) sbar ?", "no" if c is None else f"yes, c = {c:.6g}"))
    if "linearized_delta_factor" in s:
        c = s["linearized_delta_factor"]
        out.append(("near v = u: champion ~ c (v - u) sbar ?", "no" if c is None else f"yes, c = {c:.4g}"))
    cj = run_dir / "champion.json"
    if cj.exists():
        rules = json.loads(cj.read_text()).get("rules", {})
        for slot, r in rules.items():
            out.append((f"raw expression ({slot})", r.get("expression", "")))
    return out
