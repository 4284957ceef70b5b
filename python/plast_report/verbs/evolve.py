"""Report plug-in for `plast evolve`: fitness history and evaluation counts of a CGP run."""
import csv
import json
import math

import html
import sqlite3

import matplotlib.pyplot as plt

from plast_report.fmt import number

from plast_report.plotting import save


def _num(s):
    try:
        return float(s)
    except ValueError:
        return math.nan


def _history(run_dir):
    path = run_dir / "history.csv"
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def figures(run_dir, run):
    rows = _history(run_dir)
    if not rows:
        return []
    gen = [int(r["generation"]) for r in rows]
    champ = [_num(r["champion_fitness"]) for r in rows]
    mean = [_num(r["mean_parent_fitness"]) for r in rows]
    task = run.get("summary", {}).get("task", "")
    out = []

    fig, ax = plt.subplots(figsize=(7, 4))
    finite = lambda xs: [x if math.isfinite(x) else math.nan for x in xs]
    ax.plot(gen, finite(champ), drawstyle="steps-post", label="champion")
    ax.plot(gen, finite(mean), drawstyle="steps-post", alpha=0.6, label="mean of parents")
    refs = run.get("summary", {}).get("references", [])
    for k, r in enumerate(refs):
        f = r.get("fitness")
        if f is not None and math.isfinite(f):
            ax.axhline(f, color=f"C{k + 2}", ls="--", lw=1, label=f"{r['name']}: {r['rule']} (F = {f:.4g})")
    vals = [x for x in champ + mean + [r.get("fitness") for r in refs if r.get("fitness") is not None] if math.isfinite(x)]
    if vals:
        # The axis spans what matters: from the worst of the champion's start and the references to the best.
        lo = min(min(x for x in champ if math.isfinite(x)) if any(math.isfinite(x) for x in champ) else min(vals),
                 *[r["fitness"] for r in refs if r.get("fitness") is not None and math.isfinite(r["fitness"])])
        hi = max(vals)
        pad = 0.05 * (hi - lo if hi > lo else max(1.0, abs(hi)))
        ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlabel("generation")
    ax.set_ylabel("fitness")
    ax.set_title(f"CGP evolution on the {task} task")
    ax.legend(fontsize=7)
    # Mark where the champion's formula changed.
    last = None
    for r in rows:
        if r["champion"] != last and last is not None:
            ax.axvline(int(r["generation"]), color="0.85", lw=0.6, zorder=0)
        last = r["champion"]
    out.append((save(fig, run_dir, "fitness.png"),
                "Champion fitness per generation with known rules on the same task as dashed lines (grey lines: the champion "
                "formula changed). Final champion: " + rows[-1]["champion"]))
    hof = _hall(run_dir)
    front = [h for h in hof if h["list"] == "front"]
    best = [h for h in hof if h["list"] == "best"]
    if front:
        fig, ax = plt.subplots(figsize=(6.5, 3.6))
        ax.scatter([int(h["size"]) for h in best], [_num(h["fitness"]) for h in best], s=12, color="0.6", label="20 best distinct rules")
        ax.plot([int(h["size"]) for h in front], [_num(h["fitness"]) for h in front], "o-", color="C0", label="complexity front")
        for h in front:
            ax.annotate(h["formula"][:40], (int(h["size"]), _num(h["fitness"])), fontsize=6, xytext=(3, -8), textcoords="offset points")
        ax.set_xlabel("rule size (expression nodes)")
        ax.set_ylabel("fitness")
        ax.legend(fontsize=7)
        out.append((save(fig, run_dir, "complexity_front.png"),
                    "Hall of fame: the best rule of each size that beats every smaller rule (blue), among the best distinct rules (grey)."))

    fig, ax = plt.subplots(figsize=(7, 3.5))
    for key, label in (("n_evaluations", "evaluations"), ("n_cache_hits", "cache hits"), ("n_silent", "silent offspring")):
        ax.plot(gen, [_num(r[key]) for r in rows], label=label)
    ax.set_xlabel("generation")
    ax.set_ylabel("cumulative count")
    ax.legend()
    out.append((save(fig, run_dir, "evaluations.png"),
                "Cumulative objective evaluations, cache hits and silent (unevaluated) offspring."))
    trace = _student_teacher(run_dir, run)
    if trace:
        out.append(trace)
    pop = _archive_figure(run_dir)
    if pop:
        out.append(pop)
    return out


def _archive_figure(run_dir):
    """Every individual of the archive (archive.sqlite): fitness per generation, simulated ones apart
    from those whose fitness came from the cache or the parent, and invalid rules counted."""
    path = run_dir / "archive.sqlite"
    if not path.exists():
        return None
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT round, status, m_fitness, m_simulated FROM candidates ORDER BY round, idx").fetchall()
    except sqlite3.DatabaseError:
        return None  # not an evolve archive
    finally:
        con.close()
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for sim, color, label in ((1, "C0", "simulated"), (0, "0.6", "from the cache or the parent")):
        pts = [(g, f) for g, st, f, m in rows if m == sim and f is not None]
        if pts:
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=4, color=color, alpha=0.5, label=label)
    ax.set_xlabel("generation")
    ax.set_ylabel("fitness")
    ax.legend(fontsize=7)
    invalid = sum(1 for r in rows if r[1] != "completed")
    return (save(fig, run_dir, "archive_fitness.png"),
            f"Every individual in archive.sqlite ({len(rows)} rows, {invalid} invalid or failed rules not drawn): fitness "
            "per generation.")


def _csv_columns(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        cols = list(zip(*[[_num(x) for x in row] for row in r]))
    return header, cols


def _student_teacher(run_dir, run):
    """Error task: the champion on experiment 0 — student potential u against the teacher's v in the first and
    the last window of the trial (before and after learning), and the student's weights over the trial
    against the teacher's (champion_trace.csv, champion_weights.csv)."""
    info = run.get("summary", {}).get("champion_trace")
    if not info or not (run_dir / "champion_trace.csv").exists():
        return None
    _, (t, v, u) = _csv_columns(run_dir / "champion_trace.csv")
    wh, wc = _csv_columns(run_dir / "champion_weights.csv")
    teacher = info.get("w_teacher_pA", [])
    if not t:
        return None
    span = min(200.0, (t[-1] - t[0]) / 4)  # ms per window
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4), layout="constrained", gridspec_kw={"width_ratios": [1, 1, 1.3]})
    for ax, (a, b, title) in zip(axes[:2], ((t[0], t[0] + span, "before learning (trial start)"),
                                            (t[-1] - span, t[-1], "after learning (trial end)"))):
        idx = [i for i, x in enumerate(t) if a <= x <= b]
        ax.plot([t[i] for i in idx], [v[i] for i in idx], color="k", lw=1.2, label="teacher v")
        ax.plot([t[i] for i in idx], [u[i] for i in idx], color="C1", lw=1.0, label="student u")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("t [ms]")
    axes[0].set_ylabel("membrane potential [mV]")
    axes[0].legend(fontsize=7)
    ax = axes[2]
    tw = wc[0]
    for j, col in enumerate(wc[1:]):
        ax.plot(tw, col, color=f"C{j % 10}", lw=1.0, label=f"input {j + 1}" if j < 10 else None)
        if j < len(teacher):
            ax.axhline(teacher[j], color=f"C{j % 10}", ls="--", lw=0.8)
    ax.set_xlabel("t [ms]")
    ax.set_ylabel("weight [pA]")
    ax.set_title("student weights (solid) and teacher's (dashed)", fontsize=9)
    if len(wc) - 1 <= 10:
        ax.legend(fontsize=6, ncol=2)
    return (save(fig, run_dir, "student_teacher.png"),
            f"Champion on experiment {info.get('experiment', 0)} of the error task: the student's membrane potential u "
            f"follows the teacher's v once the rule has learned (left: the first {span:.0f} ms, middle: the last); right: "
            f"the student's weights over the trial approach the teacher's (dashed), starting from w0.")


def _hall(run_dir):
    path = run_dir / "hall_of_fame.csv"
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def tables(run_dir, run):
    out = _tables(run_dir, run)
    w = _weights_table(run_dir, run)
    return out + ([w] if w else [])


def _tables(run_dir, run):
    out = []
    refs = run.get("summary", {}).get("references", [])
    if refs:
        fast = any("fitness_full_task" in r for r in refs)
        rows = [[html.escape(r["name"]), f"<code>{html.escape(r['rule'])}</code>", html.escape(number(r.get("fitness"), sig=4))]
                + ([html.escape(number(r.get("fitness_full_task"), sig=4))] if fast else []) for r in refs]
        s = run.get("summary", {})
        rows.insert(0, ["<b>champion</b>", f"<code>{html.escape(s.get('champion', ''))}</code>", html.escape(number(s.get("champion_fitness"), sig=4))]
                    + ([html.escape(number(s.get("champion_fitness_full_task"), sig=4))] if fast else []))
        out.append(("Champion and known rules", ["rule", "formula", "fitness F"] + (["F on the full task"] if fast else []), rows,
                    "Known rules evaluated on the same task instances as the evolution (same seed)."))
    hof = _hall(run_dir)
    if hof:
        rows = [[h["list"], h["rank"], html.escape(number(_num(h["fitness"]), sig=5)), h["size"], h["generation"],
                 f"<code>{html.escape(h['formula'])}</code>"] for h in hof]
        out.append(("Hall of fame", ["list", "rank", "fitness F", "size", "first seen (generation)", "formula"], rows,
                    "best: the 20 best distinct rules evaluated; front: for each size the best rule that beats every smaller one. "
                    "Also in hall_of_fame.csv."))
    return out


def _weights_table(run_dir, run):
    """Final student weights against the teacher's (error task, experiment 0)."""
    info = run.get("summary", {}).get("champion_trace")
    if not info or not (run_dir / "champion_weights.csv").exists():
        return None
    _, wc = _csv_columns(run_dir / "champion_weights.csv")
    teacher = info.get("w_teacher_pA", [])
    rows = [[str(j + 1), number(w, "pA"), number(col[0], "pA"), number(col[-1], "pA"), number(col[-1] - w, "pA")]
            for j, (w, col) in enumerate(zip(teacher, wc[1:]))]
    return ("Student against teacher: weights", ["input", "teacher", "student at start", "student at end", "end − teacher"], rows,
            "The champion on experiment 0 of the error task: each plastic weight of the student at the start and the end of "
            "the trial next to the teacher's fixed weight (figure 'student_teacher' for the potentials).")


def key_numbers(run_dir, run):
    s = run.get("summary", {})
    keys = [("task", "task"), ("champion", "champion"), ("champion fitness", "champion_fitness"),
            ("generations", "generations"), ("evaluations", "evaluations"), ("cache hits", "cache_hits"),
            ("silent offspring", "silent_offspring"), ("evolution wall time [s]", "evolution_wall_s")]
    out = [(label, s[k]) for label, k in keys if k in s]
    if s.get("fast_mode"):
        # Fast-mode F is on another scale (fewer, shorter trials): show the full-task score beside it.
        out.append(("note", "fast mode: the champion fitness above is on the shortened task; compare full-task numbers only with full-task references"))
        out.append(("champion fitness on the full task", s.get("champion_fitness_full_task")))
    for label, k in (("per-sample RMS error [mV]", "champion_rms_error_mV"),
                     ("final weights' distance from the teacher's [pA]", "champion_weight_distance_pA")):
        if k in s:
            out.append((label, s[k]))
    if "delta_rule_factor" in s:
        c = s["delta_rule_factor"]
        out.append(("champion = c (v - u) sbar ?", "no" if c is None else f"yes, c = {c:.6g}"))
    if "linearized_delta_factor" in s:
        c = s["linearized_delta_factor"]
        out.append(("near v = u: champion ~ c (v - u) sbar ?", "no" if c is None else f"yes, c = {c:.4g}"))
    cj = run_dir / "champion.json"
    if cj.exists():
        rules = json.loads(cj.read_text()).get("rules", {})
        for slot, r in rules.items():
            out.append((f"raw expression ({slot})", r.get("expression", "")))
    return out
