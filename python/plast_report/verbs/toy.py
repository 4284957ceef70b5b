"""Figures for `plast toy`: RI and convergence-time heat maps with the analytic instability lines,
RI against eta, the Mahalanobis (a, b) map, and the single-rule trajectory in weight space."""
import csv
import json
import math

import numpy as np

from plast_report.plotting import plt, save


def _load(run_dir, name):
    p = run_dir / name
    return np.load(p) if p.exists() else None


def _instability_lines(ax, dim, lo, hi):
    t0 = np.linspace(lo, hi, 200)
    ax.plot(t0, -t0, "k--", lw=1, label=r"$\theta_0+\theta_1=0$")
    ax.plot(t0, -math.sqrt(dim) * t0, "k:", lw=1.3, label=rf"$\sqrt{{{dim}}}\,\theta_0+\theta_1=0$")


def _explicit_maps(run_dir, run, figs):
    ri = _load(run_dir, "explicit_RI.npy")
    if ri is None:
        return
    tau = _load(run_dir, "explicit_tau.npy")
    t0 = _load(run_dir, "explicit_theta0.npy")
    t1 = _load(run_dir, "explicit_theta1.npy")
    etas = _load(run_dir, "explicit_eta.npy")
    dim = run["summary"].get("dim", 2)
    ext = [t0[0], t0[-1], t1[0], t1[-1]]
    finite = ri[np.isfinite(ri)]
    # RI <= 1 by definition; it is unbounded below near the instability lines, so clip the colour scale.
    vmax = 1.0
    ne = len(etas)
    fig, axes = plt.subplots(1, ne, figsize=(4.4 * ne, 3.8), squeeze=False, layout="constrained")
    for k in range(ne):
        ax = axes[0, k]
        if dim == 2:
            cmap = plt.get_cmap("RdBu_r").copy()
            lo, hi = -vmax, vmax
        else:  # N-D proxy ||w_bg' - w_bg|| >= 0
            cmap = plt.get_cmap("viridis").copy()
            lo, hi = 0.0, float(np.nanpercentile(finite, 99)) if finite.size else 1.0
        cmap.set_bad("0.85")
        im = ax.imshow(ri[k].T, origin="lower", extent=ext, aspect="auto", cmap=cmap, vmin=lo, vmax=hi)
        _instability_lines(ax, dim, t0[0], t0[-1])
        ax.set_xlim(ext[0], ext[1])
        ax.set_ylim(ext[2], ext[3])
        ax.set_xlabel(r"$\theta_0$ (post-only)")
        ax.set_ylabel(r"$\theta_1$ (Hebbian)")
        ax.set_title(rf"RI, $\eta$ = {etas[k]:g}" if dim == 2 else rf"$\|w_{{bg}}'-w_{{bg}}\|$, $\eta$ = {etas[k]:g}")
        fig.colorbar(im, ax=ax, shrink=0.8, extend="min" if dim == 2 else "max")
    axes[0, 0].legend(loc="lower left", fontsize=7)
    figs.append((save(fig, run_dir, "explicit_RI.png"),
                 "Relative improvement RI of the A-B-A task over (theta0, theta1) for each learning rate; grey = "
                 "unstable for some allowed input or not converged. Dashed/dotted: analytic instability lines. "
                 "Largest memories lie near the lines; RI does not change with eta."))

    fig, axes = plt.subplots(1, ne, figsize=(4.4 * ne, 3.8), squeeze=False, layout="constrained")
    for k in range(ne):
        ax = axes[0, k]
        cmap = plt.get_cmap("viridis").copy()
        cmap.set_bad("0.85")
        im = ax.imshow(np.log10(tau[k].T), origin="lower", extent=ext, aspect="auto", cmap=cmap)
        _instability_lines(ax, dim, t0[0], t0[-1])
        ax.set_xlim(ext[0], ext[1])
        ax.set_ylim(ext[2], ext[3])
        ax.set_xlabel(r"$\theta_0$")
        ax.set_ylabel(r"$\theta_1$")
        ax.set_title(rf"log10 $(\tau_B+\tau_A)$ [steps], $\eta$={etas[k]:g}", fontsize=10)
        fig.colorbar(im, ax=ax, shrink=0.8)
    figs.append((save(fig, run_dir, "explicit_tau.png"),
                 "Convergence time (Euler steps to |y - y*| <= rho, both phases): slow near the instability lines, "
                 "and inversely proportional to eta."))

    if ne > 1:
        fig, ax = plt.subplots(figsize=(4.5, 4))
        for k in range(1, ne):
            m = np.isfinite(ri[0]) & np.isfinite(ri[k])
            ax.plot(ri[0][m].ravel(), ri[k][m].ravel(), ".", ms=2, label=rf"$\eta$={etas[k]:g}")
        lim = [max(-1.0, np.nanmin(finite)), 1.0] if finite.size else [0, 1]
        ax.set_xlim(lim)
        ax.set_ylim(lim)
        ax.plot(lim, lim, "k-", lw=0.8)
        ax.set_xlabel(rf"RI at $\eta$={etas[0]:g}")
        ax.set_ylabel("RI at other eta")
        ax.legend(fontsize=8)
        figs.append((save(fig, run_dir, "explicit_RI_vs_eta.png"),
                     "RI at one learning rate against RI at the others for every stable grid point: the points lie "
                     "on the diagonal (the learning rate sets the speed, not the fixed point)."))


def _implicit_map(run_dir, run, figs):
    ri = _load(run_dir, "implicit_RI.npy")
    if ri is None:
        return
    a = _load(run_dir, "implicit_a.npy")
    b = _load(run_dir, "implicit_b.npy")
    c = run["summary"]["implicit_sweep"]["c"]
    fig, ax = plt.subplots(figsize=(5, 4))
    finite = ri[np.isfinite(ri)]
    vmax = max(1e-6, float(np.nanmax(np.abs(finite)))) if finite.size else 1.0
    cmap = plt.get_cmap("RdBu_r").copy()
    cmap.set_bad("0.85")
    im = ax.imshow(ri.T, origin="lower", extent=[a[0], a[-1], b[0], b[-1]], aspect="auto", cmap=cmap,
                   vmin=-vmax, vmax=vmax)
    aa = np.linspace(max(a[0], 0), a[-1], 200)
    ax.plot(aa, np.sqrt(aa * c), "k--", lw=1, label=r"$ac-b^2=0$")
    ax.plot(aa, -np.sqrt(aa * c), "k--", lw=1)
    ax.set_xlim(a[0], a[-1])
    ax.set_ylim(b[0], b[-1])
    ax.plot([1], [0], "k*", ms=8, label="L2 (delta rule)")
    ax.set_xlabel("a")
    ax.set_ylabel("b")
    ax.set_title(rf"Mahalanobis rule RI, c = {c:g}")
    ax.legend(fontsize=7, loc="lower right")
    fig.colorbar(im, ax=ax, shrink=0.8)
    figs.append((save(fig, run_dir, "implicit_RI.png"),
                 "Implicit (Mahalanobis) rules: RI over the metric entries (a, b) at fixed c; grey = metric not "
                 "positive semi-definite (edge of stability at ac = b^2). Memory is the rule, not the exception."))


def _trajectory(run_dir, run, figs):
    p = run_dir / "explicit_trajectory.csv"
    s = run["summary"]
    if not p.exists() or s.get("dim") != 2:
        return
    rows = list(csv.DictReader(p.open()))
    if not rows:
        return
    w0 = np.array([float(r["w_0"]) for r in rows])
    w1 = np.array([float(r["w_1"]) for r in rows])
    ph = np.array([int(r["phase"]) for r in rows])
    xb, xs, ys = np.array(s["x_bg"]), np.array(s["x_stim"]), s["y_target"]
    fig, ax = plt.subplots(figsize=(4.8, 4.4))
    lo = min(w0.min(), w1.min(), *s["w_cap"]) - 0.3
    hi = max(w0.max(), w1.max(), *s["w_cap"]) + 0.3
    g = np.linspace(lo, hi, 10)
    ax.plot(g, (ys - xb[0] * g) / xb[1], "C0-", lw=1, label=r"$W^*_{bg}$")
    ax.plot(g, (ys - xs[0] * g) / xs[1], "C1-", lw=1, label=r"$W^*_{stim}$")
    for k, name in [(1, "B (stim)"), (2, "A' (bg)")]:
        m = ph == k
        ax.plot(w0[m], w1[m], ".", ms=3, label=f"phase {name}")
    ax.plot(*s["w0"], "ko", label=r"$w_0$")
    ax.plot(*s["w_cap"], "k*", ms=10, label=r"$w_{cap}$")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_xlabel("$w_0$")
    ax.set_ylabel("$w_1$")
    er = s.get("explicit_rule", {})
    th = er.get("theta", [0, 0])
    ax.set_title(rf"$\theta_0$={th[0]:g}, $\theta_1$={th[1]:g}: RI = {er.get('RI') if er.get('RI') is None else round(er['RI'], 4)}")
    ax.legend(fontsize=7)
    figs.append((save(fig, run_dir, "explicit_trajectory.png"),
                 "Weights during the A-B-A protocol for the single explicit rule: each phase moves along the fixed "
                 "direction u = theta0*1 + theta1*x onto the target line of the presented input."))


def _read_csv(path):
    if not path.exists():
        return None
    rows = list(csv.DictReader(path.open()))
    return rows or None


def _rnn2(run_dir, run, figs):
    rows = _read_csv(run_dir / "rnn2_trajectory.csv")
    if rows is None:
        return
    col = {k: np.array([float(r[k]) for r in rows]) for k in rows[0]}
    s = run.get("summary", {}).get("rnn2", {})
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(7, 5), sharex=True, layout="constrained")
    a1.plot(col["t"], col["r_E"], label="$r_E$")
    a1.plot(col["t"], col["r_I"], label="$r_I$")
    sp = s.get("ie_set_point")
    if sp:
        a1.axhline(sp["r_E"], color="k", ls=":", lw=1, label="IE set point $r_E^*$")
    for w in ["w_EE", "w_EI", "w_IE", "w_II"]:
        a2.plot(col["t"], col[w], label=w)
    for ax in (a1, a2):
        ph = col["phase"]
        for k in np.flatnonzero(np.diff(ph) != 0):
            ax.axvline(col["t"][k + 1], color="0.6", lw=0.8)
        ax.legend(fontsize=7, loc="best")
    a1.set_ylabel("rate")
    a2.set_ylabel("weight")
    a2.set_xlabel("t [s]")
    fam = s.get("familiarity")
    title = f"2RNN familiarity task: {s.get('status')}"
    if fam is not None:
        title += f", probe r_E before/after = {s['probe_rE_before']:.4f} / {s['probe_rE_after']:.4f}"
    a1.set_title(title, fontsize=9)
    figs.append((save(fig, run_dir, "rnn2_trajectory.png"),
                 "Two-neuron E-I network: rates and the four weights over background, stimulus and background "
                 "phases (grey lines). The familiarity readout probes x_stim with frozen weights before and after."))


def _linear_rnn(run_dir, run, figs):
    rows = _read_csv(run_dir / "linear_rnn_trajectory.csv")
    summ = _read_csv(run_dir / "linear_rnn.csv")
    if rows is None or summ is None:
        return
    rules = list(dict.fromkeys(r["rule"] for r in rows))
    fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(12, 3.6), layout="constrained")
    for rule in rules:
        rr = [r for r in rows if r["rule"] == rule]
        step = np.array([float(r["step"]) for r in rr])
        a1.semilogy(step, np.maximum([float(r["err"]) for r in rr], 1e-16), label=rule)
        a2.plot(step, [float(r["dist_w0"]) for r in rr], label=rule)
    for ax in (a1, a2):
        ax.set_xlabel("learning step (phases A, B, A')")
        ax.legend(fontsize=7)
    a1.set_ylabel(r"$|h - h_{tg}|$")
    a2.set_ylabel(r"$\|(W, U) - (W, U)_0\|_F$")
    names = [r["rule"] for r in summ]
    ri = [float(r["RI"]) if r["RI"] not in ("", "nan", "NaN") else np.nan for r in summ]
    dw = [float(r["weight_change"]) if r["weight_change"] not in ("", "nan", "NaN") else np.nan for r in summ]
    x = np.arange(len(names))
    a3.bar(x - 0.2, ri, 0.4, label="RI (trace of B)")
    a3.bar(x + 0.2, dw, 0.4, label=r"$\|W_{A'} - W_A\|_F$")
    a3.set_xticks(x, names)
    a3.axhline(0, color="k", lw=0.8)
    a3.legend(fontsize=7)
    figs.append((save(fig, run_dir, "linear_rnn.png"),
                 "Linear RNN A-B-A task: error to the target, distance of the weights from the start, and the memory "
                 "of B after returning to A (RI, weight change). The non-Hebbian rule returns to the same weights."))


def _rnn2_sweep(run_dir, run, figs):
    fam = _load(run_dir, "rnn2_sweep_familiarity.npy")
    stable = _load(run_dir, "rnn2_sweep_stable.npy")
    if fam is None or stable is None:
        return
    x = _load(run_dir, "rnn2_sweep_x.npy")
    y = _load(run_dir, "rnn2_sweep_y.npy")
    sw = run.get("summary", {}).get("rnn2_sweep", {})
    ext = [x[0], x[-1] if len(x) > 1 else x[0] + 1, y[0], y[-1] if len(y) > 1 else y[0] + 1]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
    axes[0].imshow(stable.T, origin="lower", extent=ext, aspect="auto", cmap="Greys_r", vmin=0, vmax=1)
    axes[0].set_title("settled at a stable fixed point (white)")
    finite = fam[np.isfinite(fam)]
    # symmetric colour scale clipped at the 95th percentile: a few points next to instabilities dominate
    vmax = max(1e-6, float(np.percentile(np.abs(finite), 95))) if finite.size else 1.0
    cmap = plt.get_cmap("RdBu_r").copy()
    cmap.set_bad("0.85")
    im = axes[1].imshow(np.ma.masked_invalid(fam).T, origin="lower", extent=ext, aspect="auto", cmap=cmap,
                        vmin=-vmax, vmax=vmax)
    axes[1].set_title("familiarity = probe r_E before - after")
    fig.colorbar(im, ax=axes[1], shrink=0.8)
    for ax in axes:
        ax.set_xlabel(sw.get("x_param", "x"))
        ax.set_ylabel(sw.get("y_param", "y"))
    figs.append((save(fig, run_dir, "rnn2_sweep.png"),
                 "2RNN sweep over two rule parameters: where the co-active rules keep the E-I pair at a stable "
                 "fixed point (left) and the familiarity trace they leave there (right; grey = diverged or unsettled)."))


def figures(run_dir, run):
    figs = []
    _explicit_maps(run_dir, run, figs)
    _implicit_map(run_dir, run, figs)
    _trajectory(run_dir, run, figs)
    _rnn2(run_dir, run, figs)
    _rnn2_sweep(run_dir, run, figs)
    _linear_rnn(run_dir, run, figs)
    return figs


def key_numbers(run_dir, run):
    s = run.get("summary", {})
    out = [("input dimension", s.get("dim")), ("RI definition", s.get("ri_definition"))]
    if "w_cap" in s:
        out.append(("w_cap", s["w_cap"]))
    er = s.get("explicit_rule")
    if er:
        out += [("single rule theta", er.get("theta")), ("single rule label", er.get("label")),
                ("single rule RI", er.get("RI")), ("single rule tau_B, tau_A", [er.get("tau_B"), er.get("tau_A")]),
                ("Euler vs closed-form fixed point", er.get("euler_vs_closed_form"))]
    ir = s.get("implicit_rule")
    if ir:
        out += [("Mahalanobis rule RI", ir.get("RI")), ("Mahalanobis rule label", ir.get("label"))]
    es = s.get("explicit_sweep")
    if es:
        out += [("sweep points", es.get("points")), ("stable points", es.get("stable")),
                ("best RI (theta0, theta1, eta)", [es.get("best_RI"), *(es.get("best_theta") or []), es.get("best_eta")]),
                ("|RI(eta) - RI(eta')| over stable points: median / max", [es.get("median_RI_difference_across_eta"), es.get("max_RI_difference_across_eta")])]
    im = s.get("implicit_sweep")
    if im:
        out += [("Mahalanobis grid points (PSD / RI > 0)", f"{im.get('points')} ({im.get('psd')} / {im.get('RI_positive')})")]
    r2 = s.get("rnn2")
    if r2:
        out += [("2RNN status", r2.get("status")), ("2RNN probe r_E before / after", [r2.get("probe_rE_before"), r2.get("probe_rE_after")]),
                ("2RNN familiarity", r2.get("familiarity")), ("2RNN w_end (EE, EI, IE, II)", r2.get("w_end"))]
    sw = s.get("rnn2_sweep")
    if sw:
        out += [("2RNN sweep " + f"{sw.get('x_param')} x {sw.get('y_param')}: points / stable / with memory",
                 [sw.get("points"), sw.get("stable"), sw.get("with_memory")])]
    lr = s.get("linear_rnn")
    if lr:
        for k, v in lr.items():
            if isinstance(v, dict):
                out.append((f"linear RNN {k}: status / RI / weight change", [v.get("status"), v.get("RI"), v.get("weight_change")]))
    return out
