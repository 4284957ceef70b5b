"""Overhead of the Python path: `plast bench fsbi` by the command line against plast.bench("fsbi") in
this process (same workload, same model files), interleaved, ROUNDS times each. Prints wall seconds per
simulated second per mode (median and minimum over rounds) and the CPU seconds of each whole run.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_overhead.py [SCALE] [ROUNDS] [OTHER_PLAST]

OTHER_PLAST: a second executable to compare too (e.g. a build without PLAST_PYTHON, not position-independent).
Run it on an otherwise idle machine: on a shared one the spread between rounds hides a 2 % difference."""
import json
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile

import plast

ROOT = pathlib.Path(__file__).resolve().parents[1]
scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
kinds = {"cli": plast._core.cli_path, "module": None}
if len(sys.argv) > 3:
    kinds["other"] = sys.argv[3]
models = str(ROOT / "examples" / "models")


def cpu():
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


rows = {k: [] for k in kinds}
with tempfile.TemporaryDirectory() as tmp:
    for r in range(rounds):
        for kind, exe in kinds.items():
            c0 = cpu()
            if exe is None:
                figs = plast.bench("fsbi", scale=scale, options=["--models", models])
            else:
                out = os.path.join(tmp, "b.json")
                subprocess.run([exe, "bench", "fsbi", "--scale", str(scale), "--models", models, "--json", out],
                               check=True, stdout=subprocess.DEVNULL)
                figs = json.load(open(out))
            rows[kind].append((cpu() - c0, {f["mode"]: f["wall_per_simulated_second"] for f in figs},
                               {f["mode"]: (f["rate_E"], f["rate_I"]) for f in figs}))
rates = {k: v[0][2] for k, v in rows.items()}
assert all(r == rates["cli"] for r in rates.values()), "different rates: not the same workload"
for kind, v in rows.items():
    per = {m: [x[1][m] for x in v] for m in v[0][1]}
    print(f"{kind:7s} cpu/run median {statistics.median(x[0] for x in v):6.2f} s  " +
          "  ".join(f"{m} {statistics.median(s):.3f} (min {min(s):.3f})" for m, s in per.items()))
