#!/usr/bin/env python3
"""The memory study's headline over several `plast memory` run directories (one study split into parts,
e.g. rule-set rows 1-30 and 31-66 run separately), computed as the study computes it (study_headline):
for the stable rules of a condition, the fraction with a significant (p < 0.05) novelty- / familiarity-
preferring response per test time and at any time, a different ON transient (on_p < 0.05), the lifetime
histogram, and the 5-fold cross-validated ridge (penalty 1) R² from the 24 parameters to the E rate, the
I rate (the last test's baseline rates, mean over completed runs) and log10(1 + lifetime).

    /usr/bin/python3 examples/memory_headline_combined.py RUN_DIR [RUN_DIR ...]

Each run's rules come from its `memory.rules_csv` (recorded in its run.json): rule "csvK" is data row K.
"""
import csv
import json
import pathlib
import sys
from collections import defaultdict

import numpy as np

NAMES = [f"{c}_{p}" for c in ("EE", "EI", "IE", "II") for p in ("tau_pre", "tau_post", "alpha", "beta", "gamma", "kappa")]


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def cv_r2(x, y, folds=5, ridge=1.0):
    x, y = np.asarray(x, float), np.asarray(y, float)
    n = len(y)
    if n == 0 or np.var(y) == 0:
        return float("nan")
    ss_tot, ss_res = float(np.sum((y - y.mean()) ** 2)), 0.0
    for f in range(folds):
        test = np.arange(n) % folds == f
        train = ~test
        if not test.any():
            continue
        if train.sum() < 3:
            return float("nan")
        mu, sd = x[train].mean(0), x[train].std(0)
        sd[sd == 0] = 1.0
        a = (x[train] - mu) / sd
        ym = y[train].mean()
        coef = np.linalg.solve(a.T @ a + ridge * np.eye(a.shape[1]), a.T @ (y[train] - ym))
        ss_res += float(np.sum((y[test] - (ym + ((x[test] - mu) / sd) @ coef)) ** 2))
    return 1.0 - ss_res / ss_tot


def main(run_dirs):
    outcomes = defaultdict(list)  # condition -> [(rule, stable, flags per test, lifetime, rate_e, rate_i, theta)]
    times = None
    for d in run_dirs:
        cfg = json.loads(pathlib.Path(d, "run.json").read_text())["config"]
        path = pathlib.Path(cfg["memory"]["rules_csv"])
        if not path.is_absolute() and not path.exists():
            path = pathlib.Path(__file__).resolve().parents[1] / path
        theta = {f"csv{i}": [float(r[k]) for k in NAMES] for i, r in enumerate(rows(path))}
        summ = rows(f"{d}/memory_summary.csv")
        tests = rows(f"{d}/memory_tests.csv")
        runs = rows(f"{d}/memory_runs.csv")
        tt = sorted({float(t["test_time"]) for t in tests})
        times = times or tt
        assert tt == times, f"{d}: other test times {tt}"
        for s in summ:
            key = (s["rule"], s["condition"])
            ts = sorted((t for t in tests if (t["rule"], t["condition"]) == key), key=lambda t: float(t["test_time"]))
            last = {}
            for r in runs:
                if (r["rule"], r["condition"]) == key and r["aborted"] == "0":
                    if r["run"] not in last or float(r["test_time"]) > float(last[r["run"]]["test_time"]):
                        last[r["run"]] = r
            re = np.mean([float(r["baseline_rate"]) for r in last.values()]) if last else float("nan")
            ri = np.mean([float(r.get("baseline_rate_i", "nan")) for r in last.values()]) if last else float("nan")  # older runs lack it
            outcomes[s["condition"]].append(dict(
                rule=s["rule"], stable=s["stable"] == "1", lifetime=float(s["lifetime"]),
                nov=[t["significant"] == "1" and t["preference"] == "novelty" for t in ts],
                fam=[t["significant"] == "1" and t["preference"] == "familiarity" for t in ts],
                on=[float(t["on_p"]) < 0.05 for t in ts], re=re, ri=ri, theta=theta.get(s["rule"])))
    print("condition,rules,rules_stable,test_time,novelty,familiarity,on_transient")
    for c, oc in outcomes.items():
        sel = [o for o in oc if o["stable"]]
        n = len(sel)
        frac = lambda f: sum(1 for o in sel if f(o)) / n if n else 0.0
        for k, t in enumerate(times):
            print(f"{c},{len(oc)},{n},{t:g},{frac(lambda o: o['nov'][k]):.4f},{frac(lambda o: o['fam'][k]):.4f},{frac(lambda o: o['on'][k]):.4f}")
        print(f"{c},{len(oc)},{n},any,{frac(lambda o: any(o['nov'])):.4f},{frac(lambda o: any(o['fam'])):.4f},{frac(lambda o: any(o['on'])):.4f}")
        hist = [sum(1 for o in sel if o["lifetime"] == v) for v in [0.0] + times]
        print(f"# {c}: lifetime histogram (none, " + ", ".join(f"{t:g} s" for t in times) + f"): {hist}", file=sys.stderr)
        def r2(key, f):
            use = [o for o in sel if o["theta"] is not None and np.isfinite(f(o))]
            return f"{cv_r2([o['theta'] for o in use], [f(o) for o in use]):.3f} ({len(use)} rules)" if use else "n/a"
        print(f"# {c}: 5-fold CV R² from the 24 parameters: E rate {r2('re', lambda o: o['re'])}, I rate {r2('ri', lambda o: o['ri'])}, "
              f"log lifetime {r2('lt', lambda o: np.log10(1 + o['lifetime']))}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
