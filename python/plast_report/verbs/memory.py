"""Figures for `plast memory`: dr_mem against test time (significant tests marked), population-rate
responses to the novel and familiar probes, memory lifetimes over rules, knock-out stability bars."""
import csv

import numpy as np

from plast_report.plotting import plt, save


def _rows(path):
    return list(csv.DictReader(path.open())) if path.exists() else []


def figures(run_dir, run):
    s = run.get("summary", {})
    figs = []
    tests = _rows(run_dir / "memory_tests.csv")
    if tests:
        fig, ax = plt.subplots(figsize=(6.5, 4))
        keys = sorted({(r["rule"], r["condition"]) for r in tests})
        for k, (rule, cond) in enumerate(keys[:12]):
            rr = [r for r in tests if r["rule"] == rule and r["condition"] == cond]
            t = np.array([float(r["test_time"]) for r in rr])
            d = np.array([float(r["mean_dr_mem"]) for r in rr])
            sig = np.array([r["significant"] == "1" for r in rr])
            ax.plot(t, d, "-", color=f"C{k % 10}", label=f"{rule} / {cond}")
            ax.plot(t[sig], d[sig], "o", color=f"C{k % 10}")
            ax.plot(t[~sig], d[~sig], "o", mfc="white", color=f"C{k % 10}")
        ax.axhline(0, color="k", lw=0.8)
        ax.set_xscale("log")
        ax.set_xlabel("time after training [s]")
        ax.set_ylabel(r"$\Delta r_{mem}$ (mean over runs)")
        ax.legend(fontsize=7)
        figs.append((save(fig, run_dir, "dr_mem.png"),
                     "Memory index 2(r_nov - r_fam)/(r_nov + r_fam + 0.01) against time after training; filled markers: "
                     "significant (t-test over runs, p < 0.05); > 0 = novelty preference."))
    pr = run_dir / "prate_mean.npy"
    if pr.exists():
        p = np.load(pr)  # [rule, condition, test, 180]; first 90 bins hold the 9 s trace
        conds = s.get("conditions", [])
        if p.size and p.shape[0] > 0:
            fig, axes = plt.subplots(1, len(conds), figsize=(4.2 * len(conds), 3), squeeze=False, layout="constrained")
            t = -1.0 + 0.1 * np.arange(90)
            for c, ax in enumerate(axes[0]):
                tr = p[0, c, 0, :90]
                ax.plot(t, tr, "k")
                ax.axvspan(0, 1, color="C0", alpha=0.2, label="novel")
                ax.axvspan(4, 5, color="C1", alpha=0.2, label="familiar")
                ax.set_title(f"{conds[c]} (first test)")
                ax.set_xlabel("time from novel onset [s]")
            axes[0, 0].set_ylabel("E rate [Hz]")
            axes[0, 0].legend(fontsize=7)
            figs.append((save(fig, run_dir, "probe_responses.png"),
                         "E population rate around the first test (mean over runs, first rule): novel probe at 0 s, "
                         "state restored, familiar probe at 4 s."))
    summ = _rows(run_dir / "memory_summary.csv")
    if summ:
        conds = list(dict.fromkeys(r["condition"] for r in summ))
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained")
        life = [float(r["lifetime"]) for r in summ if r["condition"] == conds[0] and r["lifetime"] not in ("", "nan")]
        if life:
            axes[0].hist(life, bins=20)
        axes[0].set_xlabel("memory lifetime [s]")
        axes[0].set_ylabel("rules")
        axes[0].set_title(f"lifetimes ({conds[0]})")
        frac = [np.mean([r["stable"] == "1" for r in summ if r["condition"] == c]) for c in conds]
        axes[1].bar(range(len(conds)), frac)
        axes[1].set_xticks(range(len(conds)))
        axes[1].set_xticklabels(conds, rotation=30, fontsize=8)
        axes[1].set_ylim(0, 1)
        axes[1].set_ylabel("fraction stable")
        axes[1].set_title("stability per condition (knock-outs)")
        figs.append((save(fig, run_dir, "lifetimes_knockouts.png"),
                     "Memory lifetime (last significant test) over the tested rules, and the fraction of rules that stay "
                     "stable under each condition."))
    head = s.get("headline", {}).get("conditions", {})
    if head and any(c.get("rules_stable", 0) > 0 for c in head.values()):
        shown = [c for c in ("control", "static") if c in head] or list(head)[:2]
        fig, axes = plt.subplots(1, len(shown), figsize=(4.6 * len(shown), 3.4), squeeze=False, layout="constrained")
        for ax, c in zip(axes[0], shown):
            hc = head[c]
            pt = hc["per_test_time"]
            t = np.arange(len(pt) + 1)
            labels = [_fmt_time(x["test_time"]) for x in pt] + ["any"]
            for k, (key, name) in enumerate((("novelty", "novelty-preferring"), ("familiarity", "familiarity-preferring"),
                                             ("on_transient", "ON transient differs"))):
                vals = [x[key] for x in pt] + [hc["any_time"][key]]
                ax.bar(t + (k - 1) * 0.27, vals, 0.27, label=name)
            ax.set_xticks(t)
            ax.set_xticklabels(labels, fontsize=8)
            ax.set_ylim(0, 1)
            ax.set_xlabel("test time after training")
            ax.set_ylabel("fraction of stable rules")
            ax.set_title(f"{c}: {hc['rules_stable']} stable rules")
        axes[0, 0].legend(fontsize=7)
        figs.append((save(fig, run_dir, "headline_fractions.png"),
                     "Fraction of the stable rules with a significant (p < 0.05, 5 runs) novelty- or familiarity-preferring "
                     "response and with a different ON transient, at each test time and at any time."))
    return figs


def _fmt_time(t):
    t = float(t)
    if t < 60:
        return f"{t:g} s"
    if t < 3600:
        return f"{t / 60:g} min"
    return f"{t / 3600:g} h"


def key_numbers(run_dir, run):
    s = run.get("summary", {})
    out = [("network", s.get("network")), ("runs per rule and condition", s.get("runs")),
           ("test times [s]", s.get("test_times"))]
    hd = s.get("headline", {})
    for c, hc in hd.get("conditions", {}).items():
        if not hc.get("rules_stable"):
            continue
        at = hc["any_time"]
        first = hc["per_test_time"][0]
        reg = hc.get("regression_cv_r2", {})
        out.append((f"headline ({c})",
                    f"{hc['rules_stable']} stable rules; novelty-preferring at any test {100 * at['novelty']:.1f} %, at "
                    f"{_fmt_time(first['test_time'])} {100 * first['novelty']:.1f} %; familiarity-preferring at any test "
                    f"{100 * at['familiarity']:.1f} %"))
        if reg.get("rules"):
            fmt = lambda v: "n/a" if v is None else f"{v:.2f}"
            out.append((f"regression from the 24 parameters ({c}), 5-fold CV R²",
                        f"E rate {fmt(reg.get('rate_e'))}, I rate {fmt(reg.get('rate_i'))}, "
                        f"log lifetime {fmt(reg.get('log_lifetime'))} ({reg['rules']} rules)"))
    for row in hd.get("stability_by_condition", []):
        out.append((f"stable under {row['condition']}", f"{row['stable']} of {row['rules']} rules "
                                                         f"({100 * row['stable_fraction']:.0f} %)"))
    for r in s.get("results", [])[:20]:
        ft = r.get("first_test", {})
        out.append((f"{r['rule']} / {r['condition']}",
                    f"stable={r.get('stable')}, lifetime={r.get('lifetime')} s, first test: p={ft.get('p')}, "
                    f"dr_mem={ft.get('dr_mem')}, {ft.get('preference')}"))
    return out
