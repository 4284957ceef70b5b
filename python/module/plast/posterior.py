"""The conditional density of a screen from the command line (the CLI face of plast.ConditionalDensity).

    /usr/bin/python3 -m plast.posterior RUN_DIR sample   --condition-on RI --target RI=0.9 -n 1000 --out samples.csv
    /usr/bin/python3 -m plast.posterior RUN_DIR log-prob --condition-on RI --target RI=0.9 --params samples.csv
    /usr/bin/python3 -m plast.posterior RUN_DIR coverage --condition-on RI

The density is trained on the screen's archive (rows matching --where, default: completed candidates) with a
fixed seed, so the same command gives the same numbers. `coverage` is the expected-coverage diagnostic of
simulation-based inference: for held-out archive rows (theta_i, x_i), the rank of log q(theta_i | x_i) among
log q of samples from q(. | x_i); a calibrated density gives ranks uniform on [0, 1], i.e. the empirical
coverage of every credible level equals the level.
"""
import argparse
import csv
import sys

import numpy as np

from .density import ConditionalDensity


def _targets(items, names):
    out = {}
    for it in items or []:
        if "=" not in it:
            raise ValueError(f"--target {it}: expected METRIC=VALUE")
        k, v = it.split("=", 1)
        out[k.strip()] = float(v)
    missing = [n for n in names if n not in out]
    if missing:
        raise ValueError(f"--target: no value for {missing[0]} (need one per --condition-on metric)")
    return out


def _write(path, header, rows):
    f = open(path, "w", newline="") if path else sys.stdout
    w = csv.writer(f)
    w.writerow(header)
    w.writerows(rows)
    if path:
        f.close()


def coverage(run_dir, condition_on, where, held_out=50, samples=200, seed=1):
    """Expected coverage on the last `held_out` matching rows (at most a quarter), the density trained on the others."""
    d, theta, x = ConditionalDensity.untrained(run_dir, condition_on, where, seed=seed)
    held_out = max(10, min(held_out, len(theta) // 4))
    if len(theta) < 40:
        raise ValueError(f"{run_dir}: {len(theta)} usable rows (finite parameters and conditioning metrics); coverage needs at least 40")
    d.fit(theta[:-held_out], x[:-held_out])  # a fresh density: the held-out rows are never seen in training
    ranks = []
    for i in range(len(theta) - held_out, len(theta)):
        xi = dict(zip(condition_on, x[i]))
        lp_true = d.log_prob(theta[i:i + 1], xi)[0]
        lp = d.log_prob(d.sample(xi, samples, stream=i), xi)
        ranks.append(float(np.mean(lp > lp_true)))  # fraction of samples more probable than the truth
    ranks = np.array(ranks)
    levels = np.linspace(0.1, 0.9, 9)
    return [(round(float(lvl), 2), float(np.mean(ranks <= lvl))) for lvl in levels]


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m plast.posterior", description=__doc__.split("\n\n")[0])
    ap.add_argument("run_dir")
    ap.add_argument("action", choices=["sample", "log-prob", "coverage"])
    ap.add_argument("--condition-on", nargs="+", required=True, help="metrics the density is conditioned on")
    ap.add_argument("--target", nargs="*", help="METRIC=VALUE per conditioning metric (sample, log-prob)")
    ap.add_argument("--where", default="status = 'completed'", help="SQL filter of the archive rows it is trained on")
    ap.add_argument("-n", type=int, default=1000, help="samples")
    ap.add_argument("--params", help="log-prob: CSV of parameter rows (header = parameter names)")
    ap.add_argument("--out", help="output CSV (default: standard output)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    try:
        if a.action == "coverage":
            _write(a.out, ["credible_level", "empirical_coverage"], coverage(a.run_dir, a.condition_on, a.where, seed=a.seed))
            return 0
        d = ConditionalDensity.from_archive(a.run_dir, a.condition_on, where=a.where, seed=a.seed)
        x = _targets(a.target, a.condition_on)
        if a.action == "sample":
            th = d.sample(x, a.n)
            _write(a.out, d.names, th.tolist())
        else:
            if not a.params:
                raise ValueError("log-prob: --params CSV is required")
            with open(a.params, newline="") as f:
                r = list(csv.DictReader(f))
            th = np.array([[float(row[n]) for n in d.names] for row in r])
            _write(a.out, ["log_prob"], [[v] for v in d.log_prob(th, x)])
    except (ValueError, KeyError) as e:
        print(f"plast posterior: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
