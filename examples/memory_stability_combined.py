#!/usr/bin/env python3
"""The knock-out stability table over several `plast memory` run directories (one study split into parts,
e.g. chunks of rule-set rows), from each run's memory_stability.csv and memory_runs.csv: per condition the
rules, the stable rules, the stable fraction with its binomial standard error sqrt(f (1 - f) / n), how many
unstable rules had a run aborted by the rate guard (E rate > 100 Hz), how many more failed the baseline-rate
bound [0.1, 100] Hz, the rest failed the mean-weight bounds, and Mem1kRules' published fraction (4-h protocol, full network).

    /usr/bin/python3 examples/memory_stability_combined.py RUN_DIR [RUN_DIR ...]
"""
import csv
import math
import sys
from collections import defaultdict

PAPER = {"only_EE": "94 %", "only_EI": "4 %", "only_IE": "4 %", "only_II": "21 %"}


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main(run_dirs):
    tot = defaultdict(lambda: {"rules": 0, "stable": 0, "aborted": 0, "rate": 0, "mode": "", "runs": ""})
    for d in run_dirs:
        for r in rows(f"{d}/memory_stability.csv"):
            t = tot[r["condition"]]
            t["rules"] += int(r["rules"])
            t["stable"] += int(r["stable"])
            t["mode"], t["runs"] = r["mode"], r["runs_per_rule"]
        runs = rows(f"{d}/memory_runs.csv")
        aborted = {(r["rule"], r["condition"]) for r in runs if r["aborted"] == "1"}
        low = {(r["rule"], r["condition"]) for r in runs if r["aborted"] == "0" and not 0.1 <= float(r["baseline_rate"]) <= 100}
        for _, c in aborted:
            tot[c]["aborted"] += 1
        for _, c in low - aborted:
            tot[c]["rate"] += 1
    print("condition,mode,runs_per_rule,rules,stable,stable_fraction,standard_error,guard_abort,rate_bound,paper")
    for c, t in tot.items():
        f = t["stable"] / t["rules"] if t["rules"] else float("nan")
        se = math.sqrt(f * (1 - f) / t["rules"]) if t["rules"] else float("nan")
        print(f"{c},{t['mode']},{t['runs']},{t['rules']},{t['stable']},{f:.3f},{se:.3f},{t['aborted']},{t['rate']},{PAPER.get(c, '')}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
