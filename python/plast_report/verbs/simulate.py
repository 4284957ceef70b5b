"""Figures for `plast simulate`: raster, population rate, weight traces per projection, ISI histogram."""
import numpy as np

from plast_report.plotting import plt, save


def _load(run_dir, name):
    p = run_dir / name
    return np.load(p) if p.exists() else None


def figures(run_dir, run):
    s = run.get("summary", {})
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
            ax.set_title(n)
            ax.ticklabel_format(useOffset=False, axis="y")
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


def key_numbers(run_dir, run):
    s = run.get("summary", {})
    out = [("verdict", s.get("verdict")), ("filter groups passed", s.get("filter_groups")),
           ("network", s.get("network")), ("performance", s.get("performance"))]
    if s.get("aborted"):
        out.append(("abort", s.get("abort")))
    for k, v in sorted(s.get("metrics", {}).items()):
        out.append((k, v))
    return out
