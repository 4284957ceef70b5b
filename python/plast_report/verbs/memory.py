"""Figures for `plast memory`: dr_mem against test time (significant tests marked), population-rate
responses to the novel and familiar probes, memory lifetimes over rules, knock-out stability bars."""
import html
import csv

import numpy as np

from plast_report.fmt import number
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
        tts = sorted({float(r["test_time"]) for r in tests}) if tests else []
        if len(life) >= 5:
            # One bar per test time (lifetimes can only take those values, plus 0 = none).
            vals = [0.0] + tts
            counts = [sum(1 for x in life if x == v) for v in vals]
            axes[0].bar(range(len(vals)), counts)
            axes[0].set_xticks(range(len(vals)))
            axes[0].set_xticklabels(["none"] + [_fmt_time(v) for v in tts], fontsize=8)
            axes[0].set_ylabel("rules")
            axes[0].set_title(f"memory lifetimes ({conds[0]}, {len(life)} rules)")
        else:
            # A histogram of one to four rules says nothing: list each rule's lifetime instead.
            rules = [r for r in summ if r["condition"] == conds[0]]
            axes[0].barh(range(len(rules)), [float(r["lifetime"] or 0) for r in rules])
            axes[0].set_yticks(range(len(rules)))
            axes[0].set_yticklabels([r["rule"][:18] for r in rules], fontsize=7)
            axes[0].set_xlabel("memory lifetime [s] (last significant test)")
            axes[0].set_title(f"lifetime per rule ({conds[0]})")
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


PAPER = {  # Memory by accident / Mem1kRules, for the control condition and the knock-outs
    "novelty_any": "98 %", "novelty_10s": "93.6 %", "novelty_4h": "6.9 %", "familiarity_any": "17.4 %",
    "only_EE": "94 %", "only_EI": "4 %", "only_IE": "4 %", "only_II": "21 %",
}


def key_numbers(run_dir, run):
    s = run.get("summary", {})
    return [("network", s.get("network")), ("rules tested", s.get("rules")), ("conditions", s.get("conditions")),
            ("runs per rule and condition", s.get("runs")), ("test times after training", s.get("test_times"), "s"),
            ("simulated time per run", s.get("simulated_seconds_per_run"), "s"), ("input rate", s.get("input_rate"))]


def _pct(x):
    return "n/a" if x is None else f"{100 * x:.1f} %"


def tables(run_dir, run):
    s = run.get("summary", {})
    hd = s.get("headline", {})
    out = []
    rows = []
    for c, hc in hd.get("conditions", {}).items():
        n = hc.get("rules_stable", 0)
        for x in hc.get("per_test_time", []) + [dict(hc.get("any_time", {}), test_time=None)]:
            when = "any test" if x.get("test_time") is None else _fmt_time(x["test_time"])
            paper = ""
            if c == "control":
                if x.get("test_time") is None:
                    paper = f"novelty {PAPER['novelty_any']}, familiarity {PAPER['familiarity_any']}"
                elif abs(x["test_time"] - 10) < 1e-9:
                    paper = f"novelty {PAPER['novelty_10s']}"
                elif abs(x["test_time"] - 14400) < 1:
                    paper = f"novelty {PAPER['novelty_4h']}"
            rows.append([html.escape(c), str(n), html.escape(when), _pct(x.get("novelty")), _pct(x.get("familiarity")),
                         _pct(x.get("on_transient")), html.escape(paper)])
    if rows:
        out.append(("Headline", ["condition", "stable rules", "test time", "novelty-preferring", "familiarity-preferring",
                                 "ON transient differs", "paper (control, 4-h protocol)"], rows,
                    "Fractions of the stable rules with a significant response (p < 0.05 over the runs, two-sample t-test of "
                    "r_nov against r_fam). Definitions: docs/glossary.md."))
    st = hd.get("stability_by_condition", [])
    if st:
        out.append(("Stability per condition (knock-outs)", ["condition", "stable", "fraction", "runs per rule", "paper"],
                    [[html.escape(r["condition"]), f"{r['stable']} of {r['rules']}", _pct(r["stable_fraction"]),
                      f"{r.get('runs_per_rule', '')}" + (" (stability only)" if r.get("mode") == "stability" else ""),
                      PAPER.get(r["condition"], "")] for r in st],
                    "only_X: only connection X plastic; no_X: X static. Paper numbers from Mem1kRules Fig. 4. "
                    "Stability only: pre-training, training and breaks without probes (knockouts = \"stability\")."))
    reg = [(c, hc.get("regression_cv_r2", {})) for c, hc in hd.get("conditions", {}).items() if hc.get("regression_cv_r2", {}).get("rules")]
    if reg:
        f = lambda v: "n/a (too few rules)" if v is None else f"{v:.2f}"
        out.append(("Regression from the 24 rule parameters", ["condition", "rules", "CV R² E rate", "CV R² I rate", "CV R² log lifetime"],
                    [[html.escape(c), str(r["rules"]), f(r.get("rate_e")), f(r.get("rate_i")), f(r.get("log_lifetime"))] for c, r in reg],
                    "5-fold cross-validated R² of a ridge regression; the paper finds the rates predictable and the lifetime not."))
    res = s.get("results", [])
    if res:
        rows = []
        for r in res[:40]:
            ft = r.get("first_test", {})
            rows.append([html.escape(str(r["rule"])), html.escape(r["condition"]), "yes" if r.get("stable") else "no",
                         number(r.get("lifetime"), "s"), number(ft.get("dr_mem")), number(ft.get("p")),
                         html.escape(str(ft.get("preference")))])
        out.append(("Rules", ["rule", "condition", "stable", "memory lifetime", "Δr_mem (first test)", "p (first test)", "preference"], rows,
                    f"First {len(rows)} of {len(res)} rule × condition results; all in memory_summary.csv and memory_tests.csv."))
    return out
