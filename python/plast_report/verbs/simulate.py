"""Figures for `plast simulate`: raster, population rate, weight traces per projection, ISI histogram."""
import numpy as np

from ..fmt import number

from plast_report.plotting import no_float_noise, plt, save


def _load(run_dir, name):
    p = run_dir / name
    return np.load(p) if p.exists() else None


def _model_figures(run_dir, run):
    """Runs of a model file: rate monitors with the phases, weight monitors, the first spike raster."""
    s = run.get("summary", {})
    recs = s.get("recordings", [])
    phases = s.get("phases", [])
    figs = []

    def shade(ax):
        for k, ph in enumerate(phases):
            if k % 2:
                ax.axvspan(ph["t0"], ph["t1"], color="0.92", lw=0)

    rates = [r for r in recs if r.get("kind") == "rate"]
    if rates:
        fig, ax = plt.subplots(figsize=(8, 3))
        shade(ax)
        for r in rates:
            v, t = _load(run_dir, r["files"][0]), _load(run_dir, r["files"][1])
            if v is not None and v.size:
                ax.step(t, v.ravel(), where="post", label=r["target"])
        ax.set_xlabel("time [s]")
        ax.set_ylabel("rate [Hz]")
        ax.legend(fontsize=8)
        ax.set_title("population rates (recorded phases; alternate phases shaded)")
        figs.append((save(fig, run_dir, "model_rates.png"), "Mean rate of each monitored population per bin, in the phases that record."))
    wmon = [r for r in recs if r.get("kind") == "weights"]
    if wmon:
        fig, axes = plt.subplots(1, len(wmon), figsize=(3.4 * len(wmon), 2.8), squeeze=False, layout="constrained")
        for ax, r in zip(axes[0], wmon):
            w, t = _load(run_dir, r["files"][0]), _load(run_dir, r["files"][1])
            if w is not None and w.size:
                ax.plot(t, w[:, : min(20, w.shape[1])], lw=0.6)
                ax.plot(t, w.mean(axis=1), "k", lw=2)
                no_float_noise(ax, w)
            ax.set_title(r["target"])
            ax.set_xlabel("time [s]")
        axes[0, 0].set_ylabel("weight")
        figs.append((save(fig, run_dir, "model_weights.png"), "Sampled weights of each monitored projection (20 synapses) and their mean (black), over the whole run."))
    spk = [r for r in recs if r.get("kind") == "spikes"]
    if spk:
        r = spk[0]
        t, n = _load(run_dir, r["files"][0]), _load(run_dir, r["files"][1])
        if t is not None and t.size:
            fig, ax = plt.subplots(figsize=(8, 3))
            shade(ax)
            ax.plot(t, n, ",", color="C0")
            ax.set_xlabel("time [s]")
            ax.set_ylabel(f"{r['population']} neuron")
            ax.set_title(f"spikes of {r['population']} [{r['neurons'][0]}, {r['neurons'][1]})")
            figs.append((save(fig, run_dir, "model_raster.png"), "Spike raster of the first spikes monitor (recorded phases only)."))
    return figs


def figures(run_dir, run):
    s = run.get("summary", {})
    if "recordings" in s:
        return _model_figures(run_dir, run)
    cfg = run.get("config", {}).get("network", {})
    warm, score = cfg.get("warmup", 60.0), cfg.get("score", 10.0)
    figs = []
    te, ne = _load(run_dir, "exc_spike_times.npy"), _load(run_dir, "exc_spike_neurons.npy")
    ti, ni = _load(run_dir, "inh_spike_times.npy"), _load(run_dir, "inh_spike_neurons.npy")
    if te is not None and te.size:
        fig, ax = plt.subplots(figsize=(8, 3.5))
        t_end = warm + min(score, 2.0)
        m = te < t_end
        ax.plot(te[m], ne[m], ",", color="C0")
        if ti is not None and ti.size:
            off = ne.max() + 1 if ne.size else 0
            mi = ti < t_end
            ax.plot(ti[mi], ni[mi] + off, ",", color="C3")
        ax.set_xlabel("time [s]")
        ax.set_ylabel("neuron (E blue, I red)")
        ax.set_title("raster, first 2 s of the scored window")
        figs.append((save(fig, run_dir, "raster.png"), "Spike raster of the recorded E (blue) and I (red) neurons."))
    r = _load(run_dir, "rate_estimate.npy")
    if r is not None and r.size:
        fig, ax = plt.subplots(figsize=(8, 3))
        ax.plot(np.arange(1, r.size + 1) * 0.1, r)
        ax.axvline(warm, color="k", ls=":", lw=1)
        ax.set_xlabel("time [s]")
        ax.set_ylabel("E rate estimate [Hz]")
        ax.set_title("population rate (guard estimate, tau = 1 s)")
        figs.append((save(fig, run_dir, "population_rate.png"),
                     "E population rate as seen by the rate guard; the dotted line starts the scored window."))
    names = [n for n in ("EE", "EI", "IE", "II") if (run_dir / f"weights_{n}.npy").exists()]
    wt = _load(run_dir, "weights_times.npy")  # sample times (whole run by default); absent in older runs
    if names:
        fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 2.8), squeeze=False, layout="constrained")
        for ax, n in zip(axes[0], names):
            w = np.load(run_dir / f"weights_{n}.npy")
            if w.size:
                if wt is not None and wt.size == w.shape[0]:
                    t = wt
                else:
                    t = warm + np.arange(w.shape[0]) * cfg.get("weight_interval", 0.1)
                ax.plot(t, w[:, : min(20, w.shape[1])], lw=0.6)
                ax.plot(t, w.mean(axis=1), "k", lw=2)
                no_float_noise(ax, w)
            ax.set_title(n)
            ax.axvline(warm, color="k", ls=":", lw=1)
            ax.set_xlabel("time [s]")
        axes[0, 0].set_ylabel("weight")
        figs.append((save(fig, run_dir, "weights.png"), "Sampled weights per projection (20 synapses) and their mean (black); the dotted line starts the scored window."))
    if te is not None and te.size:
        isi = []
        for k in np.unique(ne):
            tt = np.sort(te[ne == k])
            isi.extend(np.diff(tt))
        if isi:
            fig, ax = plt.subplots(figsize=(4.5, 3))
            ax.hist(np.clip(isi, 0, 1), bins=100, range=(0, 1), density=True)
            ax.set_xlabel("ISI [s]")
            ax.set_ylabel("density")
            ax.set_title(f"E ISI histogram (CV = {s.get('metrics', {}).get('cv_isi', float('nan')):.2f})")
            figs.append((save(fig, run_dir, "isi.png"), "Pooled ISI histogram of the recorded E neurons."))
    return figs


def _performance(s):
    perf = s.get("performance") or {}
    out = []
    if perf:
        out.append(("simulated time", perf.get("simulated_seconds"), "s"))
        out.append(("wall time of the simulation", perf.get("wall_seconds"), "s"))
        out.append(("wall time per simulated second", perf.get("wall_per_simulated_second"), "s"))
        out.append(("synaptic events", float(perf.get("synaptic_events", 0)), ""))
    return out


def key_numbers(run_dir, run):
    s = run.get("summary", {})
    in_table = {r["metric"] for r in s.get("verdict_table", [])}
    if "recordings" in s:
        out = [("verdict", s.get("verdict") or "no [metrics] in the model")]
        out.append(("populations", ", ".join(f"{p['name']} ({p['size']} neurons)" for p in s.get("model", {}).get("populations", []))))
        out.append(("phases", ", ".join(f"{p['name']} {p['t0']:g}–{p['t1']:g} s" for p in s.get("phases", []))))
        for r in s.get("recordings", []):
            if r.get("kind") == "rate":
                v = _load(run_dir, r["files"][0])
                if v is not None and v.size:
                    out.append((f"{r['target']} mean rate (rate monitor)", float(v.mean()), "Hz"))
        for k, v in sorted(s.get("metrics", {}).items()):
            if k not in in_table:
                out.append((k, v))
        return out + _performance(s)
    net = s.get("network", {})
    out = [("verdict", s.get("verdict")),
           ("network", f"{net.get('n_exc')} E, {net.get('n_inh')} I, {net.get('n_input')} Poisson inputs; "
                       f"scored window [{net.get('warmup', 0):g}, {net.get('warmup', 0) + net.get('score', 0):g}) s")]
    if s.get("aborted"):
        ab = s.get("abort", {})
        out.append(("aborted", f"at t = {number(ab.get('time'), 's')}: {ab.get('reason')}"))
    pr = s.get("population_rates", {})
    if pr:
        out.append(("E rate, all neurons", pr.get("exc"), "Hz"))
        out.append(("I rate, all neurons", pr.get("inh"), "Hz"))
    for k, v in sorted(s.get("metrics", {}).items()):
        if k not in in_table:
            out.append((k, v))
    return out + _performance(s)
