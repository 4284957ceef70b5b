#!/usr/bin/env python3
"""Summarise a sweep of `plast evolve` runs (one run directory per seed) against a success threshold.

    /usr/bin/python3 scripts/e2l_sweep_summary.py RUN_DIR... [--threshold 10] [--at 1000 2000]
                                                  [--reference K N]

Per run (from its history.csv and run.json): the seed, the champion, its fitness, the generation it became
champion, the first generation whose champion reached the threshold, the champion's fitness at each `--at`
generation and the number of evaluations. Then, for each `--at` generation, how many runs had reached the
threshold by then (runs that stopped earlier count at their last line) and, with `--reference K N` (K of N
reference runs succeeded by the last `--at` generation), the two-sided Fisher exact test between the two rates.
A run that has not yet reached an `--at` generation is counted only where its history reaches it.
"""
import argparse
import csv
import json
import os
import sys


def read_run(path):
    with open(os.path.join(path, "history.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit(f"{path}/history.csv: no generations recorded")
    seed = None
    run_json = os.path.join(path, "run.json")
    if os.path.exists(run_json):
        with open(run_json) as f:
            seed = json.load(f).get("seed")
    return seed, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="run directories of `plast evolve`")
    ap.add_argument("--threshold", type=float, default=10.0, help="success: champion fitness >= this")
    ap.add_argument("--at", type=int, nargs="+", default=[1000, 2000], help="generations to count successes at")
    ap.add_argument("--reference", type=int, nargs=2, metavar=("K", "N"),
                    help="reference successes K of N runs by the last --at generation")
    a = ap.parse_args()

    print("| seed | champion | F | from generation | F >= %g at generation | %s | evaluations |"
          % (a.threshold, " | ".join(f"F at {g}" for g in a.at)))
    print("|---|---|---|---|---|" + "---|" * len(a.at) + "---|")
    success_by = {g: [0, 0] for g in a.at}  # generation -> [successes, runs that reach it or stopped before]
    for path in a.runs:
        seed, rows = read_run(path)
        last = rows[-1]
        fit = [float(r["champion_fitness"]) for r in rows]
        gens = [int(r["generation"]) for r in rows]
        first_hit = next((g for g, f in zip(gens, fit) if f >= a.threshold), None)
        since = gens[-1]
        for g, r in zip(reversed(gens), reversed(rows)):
            if r["champion"] != last["champion"]:
                break
            since = g
        stopped = first_hit is not None  # an evolution stops at its termination fitness
        at_cells = []
        for g in a.at:
            if g <= gens[-1]:
                at_cells.append("%.4g" % fit[gens.index(g)] if g in gens else "")
                success_by[g][0] += first_hit is not None and first_hit <= g
                success_by[g][1] += 1
            elif stopped:
                at_cells.append("(stopped)")
                success_by[g][0] += 1
                success_by[g][1] += 1
            else:
                at_cells.append("(not reached)")
        print("| %s | %s | %.4g | %d | %s | %s | %d |" % (
            seed if seed is not None else os.path.basename(path), last["champion"], fit[-1], since,
            first_hit if first_hit is not None else "—", " | ".join(at_cells), int(last["n_evaluations"])))
    print()
    for g in a.at:
        k, n = success_by[g]
        print(f"by generation {g}: {k} of {n} runs reached F >= {a.threshold:g}")
    if a.reference:
        k_ref, n_ref = a.reference
        k, n = success_by[a.at[-1]]
        if n == 0:
            print("no run reaches the last --at generation yet: no test")
            return
        from scipy.stats import fisher_exact  # Debian python3-scipy
        _, p = fisher_exact([[k, n - k], [k_ref, n_ref - k_ref]], alternative="two-sided")
        print(f"reference {k_ref} of {n_ref} by generation {a.at[-1]}: two-sided Fisher exact p = {p:.3g}")


if __name__ == "__main__":
    sys.exit(main())
