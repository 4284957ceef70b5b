#!/usr/bin/env python3
"""The fSBI network in plast and in Brian2: `plast export examples/models/fsbi.toml --script` writes the
Brian2 script; both run the same protocol (scale, warm-up, scored window) over several seeds, and the
rates, CV of ISIs and mean I->E weight of Brian2's runs are compared with plast's seed-to-seed spread
(the two simulators draw different random numbers: the same model, not the same spikes).

    examples/export_fsbi_brian2.py                                   # documented size: scale 0.25, 60 s + 10 s
    examples/export_fsbi_brian2.py --scale 0.125 --warmup 0.5 --score 1.0 --plast-seeds 4 --brian2-seeds 1

A Brian2 value is "within spread" when it lies within 3 standard deviations of plast's seed mean
(plus the standard error of that mean). Prints a table and writes it as JSON (--json).
Needs the plast binary (PLAST_CLI or build/plast) and python3-brian.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "examples" / "models" / "fsbi.toml"


def plast_cli():
    return os.environ.get("PLAST_CLI", str(ROOT / "build" / "plast"))


def spike_stats(times, neurons, n, t0, t1):
    """Mean rate (Hz) and mean CV of ISIs (neurons with >= 3 spikes in the window) of n monitored neurons."""
    sel = (times >= t0) & (times < t1)
    times, neurons = times[sel], neurons[sel]
    rate = times.size / n / (t1 - t0)
    cvs = []
    for k in range(n):
        t = np.sort(times[neurons == k])
        if t.size >= 3:
            isi = np.diff(t)
            cvs.append(isi.std() / isi.mean())
    return rate, float(np.mean(cvs)) if cvs else float("nan")


def overrides(a):
    return ["--set", f"scale={a.scale}", "--set", f"phase[0].duration={a.warmup}", "--set", f"phase[1].duration={a.score}"]


def run_plast(a, seed, work):
    out = work / f"plast_{seed}"
    r = subprocess.run([plast_cli(), "simulate", str(MODEL), *overrides(a), "--seed", str(seed), "--out", str(out),
                        "--force", "--no-report", "-q"], capture_output=True, text=True)
    if r.returncode not in (0, 3):  # 3: the run finished with an implausible verdict
        sys.exit(f"plast simulate failed: {r.stderr}")
    run = json.loads((out / "run.json").read_text())["summary"]
    t0, t1 = run["metrics_on"]["window"]
    rec = {x["monitor"]: x for x in run["recordings"]}
    res = {}
    for pop in ("E", "I"):
        x = rec[f"spikes_{pop}"]
        n = x["neurons"][1] - x["neurons"][0]
        res[f"rate_{pop}"], res[f"cv_isi_{pop}"] = spike_stats(np.load(out / x["files"][0]), np.load(out / x["files"][1]), n, t0, t1)
    res["w_IE_end"] = float(np.load(out / "weights_IE.npy")[-1].mean())
    return res, (t0, t1), {k: rec[f"spikes_{k}"]["neurons"][1] - rec[f"spikes_{k}"]["neurons"][0] for k in ("E", "I")}


def run_brian2(a, seed, work, script, window, sizes):
    out = work / f"brian2_{seed}.npz"
    r = subprocess.run([sys.executable, str(script), "--seed", str(seed), "--out", str(out), "--target", a.target],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"the Brian2 script failed: {r.stderr[-3000:]}")
    d = np.load(out)
    res = {}
    for pop in ("E", "I"):
        res[f"rate_{pop}"], res[f"cv_isi_{pop}"] = spike_stats(d[f"spikes_{pop}_times"], d[f"spikes_{pop}_neurons"],
                                                               sizes[pop], *window)
    res["w_IE_end"] = float(d["weights_IE"][-1].mean())  # [time, synapse]
    return res


def compare(a):
    work = Path(a.work or tempfile.mkdtemp(prefix="export_fsbi_"))
    work.mkdir(parents=True, exist_ok=True)
    script = work / "fsbi_brian2.py"
    r = subprocess.run([plast_cli(), "export", str(MODEL), "--script", *overrides(a), "--out", str(script)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"plast export failed: {r.stderr}")
    pl, window, sizes = [], None, None
    for s in range(1, a.plast_seeds + 1):
        res, window, sizes = run_plast(a, s, work)
        pl.append(res)
    b2 = [run_brian2(a, 100 + s, work, script, window, sizes) for s in range(1, a.brian2_seeds + 1)]
    rows = []
    for key in pl[0]:
        v = np.array([x[key] for x in pl])
        mean, sd = float(v.mean()), float(v.std(ddof=1)) if v.size > 1 else 0.0
        bound = 3 * sd + sd / np.sqrt(v.size)
        for k, x in enumerate(b2):
            rows.append({"metric": key, "plast_mean": mean, "plast_sd": sd, "plast_seeds": int(v.size),
                         "brian2": x[key], "brian2_seed": 101 + k, "within_spread": bool(abs(x[key] - mean) <= bound)})
    print(f"fSBI network, scale {a.scale}, {a.warmup} s warm-up + {a.score} s scored; plast seeds 1..{a.plast_seeds}")
    print(f"{'metric':10s} {'plast mean':>11s} {'sd':>8s} {'brian2':>9s} {'seed':>5s}  within 3 sd")
    for r in rows:
        print(f"{r['metric']:10s} {r['plast_mean']:11.4f} {r['plast_sd']:8.4f} {r['brian2']:9.4f} {r['brian2_seed']:5d}  {r['within_spread']}")
    return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--warmup", type=float, default=60.0)
    ap.add_argument("--score", type=float, default=10.0)
    ap.add_argument("--plast-seeds", type=int, default=8)
    ap.add_argument("--brian2-seeds", type=int, default=1)
    ap.add_argument("--target", default="numpy", choices=["numpy", "cython"])
    ap.add_argument("--work", default="", help="folder for the runs (default: a new temporary folder)")
    ap.add_argument("--json", default="", help="write the table here")
    a = ap.parse_args()
    rows = compare(a)
    if a.json:
        Path(a.json).write_text(json.dumps({"args": vars(a), "rows": rows}, indent=1))
    sys.exit(0 if all(r["within_spread"] for r in rows) else 1)
