"""Figures for `plast screen`: pass fractions per round and filter group, marginals of the plausible
parameters against the prior, and metric distributions from the SQLite archive."""
import html
import math
import sqlite3
import tomllib

import numpy as np

from plast_report.fmt import interval, number
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
    order = _informative(arr, plaus, prior)
    if plaus.sum() >= 2 and len(order) >= 2:
        figs.append(_corner(run_dir, arr, plaus, prior, [pnames[k] for k in order[:4]], order[:4]))
    ranked = _ranked(run_dir, run)
    sixp = [k for k in ("EE", "EI", "IE", "II") if all(f"{k}_{q}" in pnames for q in ("tau_pre", "tau_post", "alpha", "beta", "gamma", "kappa"))]
    if ranked and sixp:
        figs.append(_windows(run_dir, ranked[:5], pnames, sixp))

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
    cal = _calibration(run_dir)
    if cal and "error" not in cal:
        figs.append(_calibration_figure(run_dir, cal))
    return figs


_CALIBRATION = {}


def _calibration(run_dir):
    """Calibration of the final conditional round's density (None when the screen has no conditional round):
    the density conditioned on that round's metrics, trained on the archive's completed rows except the last
    held-out ones, checked on those (plast.posterior.calibration). Computed once per report."""
    key = str(run_dir)
    if key in _CALIBRATION:
        return _CALIBRATION[key]
    out = None
    try:
        cfg = tomllib.loads((run_dir / "config.toml").read_text())
        rounds = [r for r in cfg.get("round", []) if r.get("proposal") == "conditional"]
        if rounds:
            cond = list(rounds[-1].get("condition_on", []))
            out = {"condition_on": cond}
            try:
                from plast.posterior import calibration, reading
                out.update(calibration(run_dir, cond, "status = 'completed'", held_out=50, samples=200, seed=1))
                out["verdict"], out["reading"] = reading(out["levels"], out["coverage"], out["held_out"])
            except ImportError:
                out["error"] = "the plast Python module (build/python) is not importable here"
            except (ValueError, KeyError) as e:
                out["error"] = str(e)
    except (OSError, tomllib.TOMLDecodeError):
        out = None
    _CALIBRATION[key] = out
    return out


def _calibration_figure(run_dir, cal):
    names, ranks, n = cal["names"], cal["sbc_ranks"], cal["held_out"]
    k = len(names)
    ncol = min(4, k + 1)
    nrow = math.ceil((k + 1) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(3 * ncol, 2.4 * nrow), squeeze=False, layout="constrained")
    ax = axes[0, 0]
    lv = np.array([0.0] + cal["levels"] + [1.0])
    cv = np.array([0.0] + cal["coverage"] + [1.0])
    band = 2.5 * np.sqrt(lv * (1 - lv) / n)
    ax.fill_between(lv, np.clip(lv - band, 0, 1), np.clip(lv + band, 0, 1), color="0.85", label="±2.5 SE")
    ax.plot([0, 1], [0, 1], "k--", lw=0.8)
    ax.plot(lv, cv, "o-", color="C3", ms=3, label="empirical")
    ax.set_xlabel("credible level", fontsize=8)
    ax.set_ylabel("empirical coverage", fontsize=8)
    ax.set_title("expected coverage", fontsize=8)
    ax.legend(fontsize=6)
    bins = 10
    lo, hi = _binomial_band(n, bins)
    for j in range(k):
        a = axes[(j + 1) // ncol, (j + 1) % ncol]
        a.axhspan(lo, hi, color="0.85")
        a.axhline(n / bins, color="k", lw=0.6, ls="--")
        a.hist(ranks[:, j], bins=np.linspace(0, 1, bins + 1), color="C0", alpha=0.8)
        a.set_title(f"SBC rank: {names[j]}", fontsize=8)
        a.set_xlim(0, 1)
    for j in range(k + 1, nrow * ncol):
        axes[j // ncol, j % ncol].axis("off")
    for a in axes.flat:
        a.tick_params(labelsize=6)
    return (save(fig, run_dir, "calibration.png"),
            f"Calibration of the final conditional round's density (conditioned on {', '.join(cal['condition_on'])}; trained on "
            f"the archive's completed rows except the last {n}, checked on those, {cal['samples']} samples each). First panel: "
            f"expected coverage, the fraction of held-out truths inside each highest-density credible region, against the "
            f"level (diagonal = calibrated; grey: ±2.5 binomial standard errors). Other panels: simulation-based-calibration "
            f"rank histograms per parameter, the fraction of samples below the true value (flat = calibrated; ∪-shaped = "
            f"over-confident, ∩-shaped = under-confident, sloped = biased; grey: the 99 % range of a bin's count).")


def _binomial_band(n, bins):
    """Central 99 % range of one bin's count when n uniform ranks fall into `bins` bins (normal approximation)."""
    p = 1.0 / bins
    sd = math.sqrt(n * p * (1 - p))
    return max(0.0, n * p - 2.58 * sd), n * p + 2.58 * sd


def _informative(arr, plaus, prior):
    """Parameters ordered by how much the plausible marginal differs from the prior's (two-sample
    Kolmogorov-Smirnov distance): the pairs worth a look."""
    if plaus.sum() < 2 or prior.sum() < 2:
        return list(range(arr.shape[1]))
    dist = []
    for k in range(arr.shape[1]):
        a, b = np.sort(arr[prior, k][np.isfinite(arr[prior, k])]), np.sort(arr[plaus, k][np.isfinite(arr[plaus, k])])
        if a.size < 2 or b.size < 2 or np.ptp(np.concatenate([a, b])) == 0:
            dist.append(0.0)
            continue
        grid = np.concatenate([a, b])
        dist.append(float(np.max(np.abs(np.searchsorted(a, grid, "right") / a.size - np.searchsorted(b, grid, "right") / b.size))))
    return list(np.argsort(dist)[::-1])


def _corner(run_dir, arr, plaus, prior, names, idx):
    n = len(idx)
    fig, axes = plt.subplots(n, n, figsize=(2.3 * n, 2.3 * n), squeeze=False, layout="constrained")
    for a in range(n):
        for b in range(n):
            ax = axes[a, b]
            if b > a:
                ax.axis("off")
                continue
            x = arr[:, idx[b]]
            if a == b:
                fin = x[np.isfinite(x)]
                bins = np.linspace(fin.min(), fin.max(), 20) if fin.size and np.ptp(fin) > 0 else 10
                ax.hist(x[prior], bins=bins, density=True, histtype="step", color="0.5", label="prior (round 0)")
                ax.hist(x[plaus], bins=bins, density=True, alpha=0.6, color="C0", label="plausible")
            else:
                y = arr[:, idx[a]]
                ax.scatter(x[prior], y[prior], s=3, color="0.7", label="prior (round 0)")
                ax.scatter(x[plaus], y[plaus], s=6, color="C0", label="plausible")
            if a == n - 1:
                ax.set_xlabel(names[b], fontsize=8)
            if b == 0 and a > 0:
                ax.set_ylabel(names[a], fontsize=8)
            ax.tick_params(labelsize=6)
    axes[0, 0].legend(fontsize=6, loc="upper right")
    return (save(fig, run_dir, "corner.png"),
            f"Pairs of the {n} parameters whose plausible distribution differs most from the prior (Kolmogorov–Smirnov "
            f"distance): plausible candidates of all rounds (blue) over the prior samples of round 0 (grey).")


def _violation(v, lo, hi):
    """How far a metric is outside its bound, relative to the bound's scale (0 inside; inf for NaN)."""
    if v is None or not np.isfinite(v):
        return np.inf
    hi = np.inf if hi is None or hi >= 1e299 else hi
    scale = max(abs(lo), abs(hi) if np.isfinite(hi) else 0.0, (hi - lo) if np.isfinite(hi) else 0.0, 1e-3)
    return max(0.0, lo - v, v - hi) / scale


def _ranked(run_dir, run):
    """Candidates ranked: plausible first, then by the number of missed bounds and the summed relative
    violation (nearest to plausible)."""
    s = run.get("summary", {})
    if not (run_dir / "archive.sqlite").exists():
        return []
    cols, data = _rows(run_dir)
    bounds = [(m, b[0], b[1]) for g in s.get("filter", []) for m, b in g.get("constraints", {}).items()]
    out = []
    for r in data:
        row = dict(zip(cols, r))
        viol = [(m, _violation(row.get("m_" + m), lo, hi), row.get("m_" + m), lo, hi) for m, lo, hi in bounds]
        missed = [v for v in viol if v[1] > 0]
        out.append((len(missed), sum(min(v[1], 1e6) for v in missed), row, missed))
    out.sort(key=lambda t: (t[0], t[1]))
    return out


def _windows(run_dir, ranked, pnames, conns):
    """STDP windows of the best-ranked six-parameter quadruplets: the weight change of one pre/post pair
    at lag dt = t_post - t_pre (eta = 1): alpha + beta + gamma exp(-dt/tau_pre) for dt > 0,
    alpha + beta + kappa exp(dt/tau_post) for dt < 0."""
    fig, axes = plt.subplots(1, len(conns), figsize=(3.2 * len(conns), 2.8), squeeze=False, layout="constrained")
    dt = np.linspace(-0.1, 0.1, 401)
    for ax, c in zip(axes[0], conns):
        for rank, (_, _, row, _) in enumerate(ranked):
            g = {q: row.get(f"p_{c}_{q}") for q in ("tau_pre", "tau_post", "alpha", "beta", "gamma", "kappa")}
            if any(v is None for v in g.values()):
                continue
            w = np.where(dt >= 0, g["alpha"] + g["beta"] + g["gamma"] * np.exp(-np.abs(dt) / g["tau_pre"]),
                         g["alpha"] + g["beta"] + g["kappa"] * np.exp(-np.abs(dt) / g["tau_post"]))
            ax.plot(1000 * dt, w, lw=1.2, label=f"#{rank + 1} ({row.get('verdict')})")
        ax.axhline(0, color="k", lw=0.5)
        ax.axvline(0, color="k", lw=0.5)
        ax.set_title(c)
        ax.set_xlabel("t_post − t_pre [ms]")
    axes[0, 0].set_ylabel("Δw per pair / η")
    axes[0, 0].legend(fontsize=6)
    return (save(fig, run_dir, "stdp_windows.png"),
            "STDP windows of the five best-ranked candidates (table above) per connection: the weight change of one "
            "pre/post pair against its lag, in units of η (the rate-only terms α + β shift the whole window).")


def tables(run_dir, run):
    s = run.get("summary", {})
    rounds = s.get("rounds", [])
    out = []
    if rounds:
        groups = list(rounds[0].get("pass", {}).keys())
        rows = [[str(r["round"]), html.escape(r["proposal"]), str(r["candidates"]), str(r["aborted"])]
                + [f"{r['pass'].get(g, 0)} ({100 * r['pass'].get(g, 0) / max(1, r['candidates']):.0f} %)" for g in groups]
                + [f"<b>{r['plausible']}</b> ({100 * r['plausible_fraction']:.1f} %)"] for r in rounds]
        out.append(("Rounds", ["round", "proposal", "candidates", "aborted"] + [g.replace("_", " ") for g in groups] + ["plausible"], rows,
                    "Candidates passing each filter group per round (a candidate counts in every group it passes)."))
    ranked = _ranked(run_dir, run)[:10]
    if ranked:
        pn = s.get("param_names", [])
        rows = []
        for k, (nmiss, _, row, missed) in enumerate(ranked):
            why = ", ".join(f"{m} = {number(v)} ∉ {interval(lo, hi)}" for m, _, v, lo, hi in missed[:4]) or "–"
            if nmiss > 4:
                why += f" (+{nmiss - 4} more)"
            params = ", ".join(f"{q} {number(row.get('p_' + q))}" for q in pn if row.get("p_" + q) is not None)
            rows.append([str(k + 1), f"{row.get('round')}/{row.get('idx')}", html.escape(str(row.get("verdict"))),
                         html.escape(number(row.get("m_rate"), "Hz")), html.escape(why), f"<small>{html.escape(params)}</small>"])
        out.append(("Best and nearest-to-plausible candidates", ["#", "round/index", "verdict", "E rate", "missed bounds", "parameters"], rows,
                    "Ranked: plausible first, then by the number of missed bounds and how far outside they are (relative to each bound)."))
    cal = _calibration(run_dir)
    if cal and "error" in cal:
        out.append(("Calibration of the conditional density", ["conditioned on", "calibration"],
                    [[html.escape(", ".join(cal["condition_on"])), html.escape("not computed: " + cal["error"])]],
                    "Simulation-based calibration of the final conditional round's density needs held-out archive rows."))
    elif cal:
        rows = [[f"{lvl:.0%}", f"{c:.0%}", f"{c - lvl:+.2f}"] for lvl, c in zip(cal["levels"], cal["coverage"])]
        out.append(("Calibration of the conditional density", ["credible level", "empirical coverage", "difference"], rows,
                    f"Reading: {cal['reading']}. The final conditional round's density (conditioned on "
                    f"{', '.join(cal['condition_on'])}), trained on the archive's completed rows except the last {cal['held_out']}, "
                    f"checked on those; rank histograms per parameter in the figures."))
    return out


def key_numbers(run_dir, run):
    s = run.get("summary", {})
    out = [("task", s.get("task")), ("candidates simulated", s.get("candidates")), ("plausible", s.get("plausible")),
           ("parameters searched", len(s.get("param_names", []))), ("archive", s.get("archive"))]
    cal = _calibration(run_dir)
    if cal and "verdict" in cal:
        out.append(("conditional density", cal["verdict"] + f" (expected coverage on {cal['held_out']} held-out rows)"))
    if s.get("plausible_rules"):
        out.append(("plausible rules file", s.get("plausible_rules") if isinstance(s.get("plausible_rules"), str) else "plausible_rules.csv"))
    return out
