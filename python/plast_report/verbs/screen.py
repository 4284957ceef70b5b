"""Figures for `plast screen`: pass fractions per round and filter group, marginals of the plausible
parameters against the prior, and metric distributions from the SQLite archive."""
import math
import sqlite3

import numpy as np

from plast_report.plotting import plt, save


def _rows(run_dir):
    con = sqlite3.connect(f"file:{run_dir / 'archive.sqlite'}?mode=ro", uri=True)
    cur = con.execute("SELECT * FROM candidates ORDER BY round, idx")
    cols = [d[0] for d in cur.description]
    data = cur.fetchall()
    con.close()
    return cols, data


def figures(run_dir, run):
    s = run.get("summary", {})
    if not (run_dir / "archive.sqlite").exists() or "rounds" not in s:
        return []
    figs = []
    rounds = s["rounds"]
    groups = list(rounds[0]["pass"].keys()) if rounds else []
    fig, ax = plt.subplots(figsize=(1.8 + 1.4 * len(rounds), 3.8))
    width = 0.8 / (len(groups) + 1)
    for g, name in enumerate(groups + ["all (plausible)"]):
        vals = [(r["pass"][name] if name in r["pass"] else r["plausible"]) / max(1, r["candidates"]) for r in rounds]
        ax.bar(np.arange(len(rounds)) + g * width, vals, width, label=name)
    ax.set_xticks(np.arange(len(rounds)) + 0.4 - width / 2)
    ax.set_xticklabels([f"round {r['round']}\n{r['proposal']}\n(n={r['candidates']})" for r in rounds], fontsize=8)
    ax.set_ylabel("fraction passing")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7)
    figs.append((save(fig, run_dir, "pass_fractions.png"),
                 "Fraction of candidates passing each filter group, per round: later rounds spend simulations where "
                 "plausible rules are (round 0 samples the prior)."))

    cols, data = _rows(run_dir)
    pnames = s.get("param_names", [c[2:] for c in cols if c.startswith("p_")])
    pidx = [cols.index("p_" + p) for p in pnames]
    vidx = cols.index("verdict")
    ridx = cols.index("round")
    arr = np.array([[np.nan if r[i] is None else r[i] for i in pidx] for r in data], dtype=float)
    plaus = np.array([r[vidx] == "plausible" for r in data])
    prior = np.array([r[ridx] == 0 for r in data])
    n = len(pnames)
    ncol = min(6, n)
    nrow = math.ceil(n / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(2.4 * ncol, 2.0 * nrow), squeeze=False, layout="constrained")
    for k in range(nrow * ncol):
        ax = axes[k // ncol, k % ncol]
        if k >= n:
            ax.axis("off")
            continue
        col = arr[:, k]
        bins = np.linspace(np.nanmin(col), np.nanmax(col), 25) if np.isfinite(col).any() else 10
        ax.hist(col[prior], bins=bins, density=True, histtype="step", color="0.5", label="prior (round 0)")
        if plaus.any():
            ax.hist(col[plaus], bins=bins, density=True, alpha=0.6, color="C0", label="plausible")
        ax.set_title(pnames[k], fontsize=8)
        ax.tick_params(labelsize=6)
    axes[0, 0].legend(fontsize=6)
    figs.append((save(fig, run_dir, "plausible_marginals.png"),
                 f"Marginals of the {int(plaus.sum())} plausible candidates (all rounds) against the prior samples."))

    mnames = s.get("metric_names", [c[2:] for c in cols if c.startswith("m_")])
    midx = [cols.index("m_" + m) for m in mnames]
    marr = np.array([[np.nan if r[i] is None else r[i] for i in midx] for r in data], dtype=float)
    rr = np.array([r[ridx] for r in data])
    ncol = min(4, len(mnames))
    nrow = math.ceil(len(mnames) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(3 * ncol, 2.3 * nrow), squeeze=False, layout="constrained")
    for k in range(nrow * ncol):
        ax = axes[k // ncol, k % ncol]
        if k >= len(mnames):
            ax.axis("off")
            continue
        for r in sorted(set(rr)):
            v = marr[rr == r, k]
            v = v[np.isfinite(v)]
            if v.size:
                ax.hist(v, bins=30, histtype="step", density=True, label=f"round {r}")
        ax.set_title(mnames[k], fontsize=8)
        ax.tick_params(labelsize=6)
    axes[0, 0].legend(fontsize=6)
    figs.append((save(fig, run_dir, "metric_distributions.png"),
                 "Distributions of the metrics per round (finite values; aborted candidates have none)."))
    return figs


def key_numbers(run_dir, run):
    s = run.get("summary", {})
    out = [("task", s.get("task")), ("candidates", s.get("candidates")), ("plausible", s.get("plausible"))]
    for r in s.get("rounds", []):
        out.append((f"round {r['round']} ({r['proposal']})",
                    f"{r['plausible']}/{r['candidates']} plausible ({100 * r['plausible_fraction']:.1f} %), "
                    f"{r['aborted']} aborted; per group: {r['pass']}"))
    return out
