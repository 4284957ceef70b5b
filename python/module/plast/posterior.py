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


def calibration(run_dir, condition_on, where, held_out=50, samples=200, seed=1):
    """Calibration of the conditional density on the last `held_out` matching rows (at most a quarter),
    the density trained on the others. Returns a dict:
      names: parameter names;
      levels, coverage: expected coverage, the fraction of held-out truths inside the highest-density
        credible region of each level (the rank of log q(theta_i | x_i) among log q of the samples);
      sbc_ranks: (held_out, parameters) simulation-based-calibration ranks, per parameter the fraction of
        the samples from q(. | x_i) below the true value (uniform on [0, 1] for a calibrated density);
      held_out, samples: the counts used."""
    d, theta, x = ConditionalDensity.untrained(run_dir, condition_on, where, seed=seed)
    held_out = max(10, min(held_out, len(theta) // 4))
    if len(theta) < 40:
        raise ValueError(f"{run_dir}: {len(theta)} usable rows (finite parameters and conditioning metrics); coverage needs at least 40")
    d.fit(theta[:-held_out], x[:-held_out])  # a fresh density: the held-out rows are never seen in training
    ranks, sbc = [], []
    for i in range(len(theta) - held_out, len(theta)):
        xi = dict(zip(condition_on, x[i]))
        lp_true = d.log_prob(theta[i:i + 1], xi)[0]
        draws = d.sample(xi, samples, stream=i)
        lp = d.log_prob(draws, xi)
        ranks.append(float(np.mean(lp > lp_true)))  # fraction of samples more probable than the truth
        sbc.append(np.mean(draws < theta[i], axis=0))
    ranks = np.array(ranks)
    levels = np.linspace(0.1, 0.9, 9)
    return {"names": list(d.names), "levels": [round(float(lvl), 2) for lvl in levels],
            "coverage": [float(np.mean(ranks <= lvl)) for lvl in levels], "sbc_ranks": np.array(sbc),
            "held_out": held_out, "samples": samples}


def reading(levels, coverage, n):
    """One line on the expected-coverage curve: calibrated when every level is within 2.5 binomial standard
    errors sqrt(l (1 - l) / n) of its nominal value; otherwise over-confident (credible regions too narrow:
    coverage below the level) or under-confident (too wide: coverage above it), by the mean deviation."""
    lv, cv = np.asarray(levels, float), np.asarray(coverage, float)
    z = (cv - lv) / np.sqrt(lv * (1 - lv) / n)
    dev = float(np.mean(cv - lv))
    if np.max(np.abs(z)) <= 2.5:
        return "calibrated", f"calibrated: empirical coverage within sampling error of every credible level (n = {n} held-out rows)"
    if dev < 0:
        return "over-confident", (f"over-confident: credible regions too narrow, coverage {-dev:.2f} below the nominal level "
                                  f"on average (n = {n} held-out rows)")
    return "under-confident", (f"under-confident: credible regions too wide, coverage {dev:.2f} above the nominal level "
                               f"on average (n = {n} held-out rows)")


def coverage(run_dir, condition_on, where, held_out=50, samples=200, seed=1):
    """Expected coverage on the last `held_out` matching rows (at most a quarter), the density trained on the others."""
    c = calibration(run_dir, condition_on, where, held_out, samples, seed)
    return list(zip(c["levels"], c["coverage"]))


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
