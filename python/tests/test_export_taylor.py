"""`plast export RUN_DIR` for a fitted Taylor rule of `plast infer` (an Oja rate network): the Brian2
rate-network script, run with the real Brian2 on the same inputs and initial weights, gives plast's own
rate-network weight trajectory (`plast export RUN_DIR --trajectory`, rate::simulate) to double-precision
rounding; NESTML refuses the rate rule with an error naming the feature and the target."""
import numpy as np

from export_check import load_module
from test_cli import plast

OJA_SMALL = """
seed = 3
[model]
kind = "oja"
n_in = 4
n_out = 3
steps = 20
input_std = 1.0
[data]
num_train = 4
num_eval = 2
[rule]
family = "taylor"
ground_truth = "X1Y1W0-X0Y2W1"
init = "zeros"
[fit]
optimizer = "lbfgs"
regularization = "none"
lbfgs_max_evaluations = 40
log_interval = 5
"""


def fitted_run(tmp_path):
    (tmp_path / "oja.toml").write_text(OJA_SMALL)
    run = tmp_path / "run"
    r = plast("infer", str(tmp_path / "oja.toml"), "--out", str(run))
    assert r.returncode == 0, r.stderr
    return run


def test_taylor_rule_in_brian2_matches_plasts_rate_network(tmp_path):
    run = fitted_run(tmp_path)
    script = tmp_path / "taylor_b2.py"
    r = plast("export", str(run), "--out", str(script))
    assert r.returncode == 0, r.stderr
    text = script.read_text()
    assert f"plast infer run {run}, seed 3, theta.csv last row (epoch" in text  # provenance
    mod = load_module(script)
    assert (mod.N_IN, mod.N_OUT, mod.STEPS) == (4, 3, 20)
    # The coefficients are the fit's last logged row, every digit.
    import csv
    rows = list(csv.DictReader(open(run / "theta.csv")))
    assert mod.THETA == {k: float(v) for k, v in rows[-1].items() if k.startswith("A_")}
    assert sum(v != 0 for v in mod.THETA.values()) > 5
    rng = np.random.default_rng(5)
    steps = 30
    x = rng.standard_normal((steps, 4))
    w0 = 0.3 * rng.standard_normal((4, 3))
    np.savetxt(tmp_path / "x.csv", x, delimiter=",", header="x0,x1,x2,x3", comments="", fmt="%.17g")
    np.savetxt(tmp_path / "w0.csv", w0.reshape(1, -1), delimiter=",", header=",".join(f"w{k}" for k in range(12)),
               comments="", fmt="%.17g")
    r = plast("export", str(run), "--trajectory", str(tmp_path / "w.csv"), "--inputs", str(tmp_path / "x.csv"),
              "--weights0", str(tmp_path / "w0.csv"))
    assert r.returncode == 0, r.stderr
    wp = np.loadtxt(tmp_path / "w.csv", delimiter=",", skiprows=1)[:, 1:]
    wb, yb = mod.run(x, w0)
    assert wp.shape == wb.shape == (steps + 1, 12) and yb.shape == (steps, 3)
    d = float(np.max(np.abs(wp - wb)))
    moved = float(np.max(np.abs(wp[-1] - wp[0])))
    print(f"\nTaylor rate network, {steps} steps: max |W_plast - W_brian2| = {d:.2e}, weights moved by up to {moved:.3f}")
    # Both in double precision; only the order of the sums differs (a few ulps per step).
    assert d <= 1e-12 * steps * max(1.0, float(np.max(np.abs(wp)))), d
    assert moved > 0.1
    # The script runs on its own too (its own draws of x and W(0) from the run's distributions).
    import subprocess
    import sys
    p = subprocess.run([sys.executable, str(script), "--steps", "5", "--out", str(tmp_path / "own.npz")],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-2000:]
    assert np.load(tmp_path / "own.npz")["w"].shape == (6, 12)


def test_taylor_rule_errors(tmp_path):
    run = fitted_run(tmp_path)
    r = plast("export", str(run), "--to", "nestml")
    assert r.returncode == 2
    assert "rule 'taylor'" in r.stderr and "a rate rule" in r.stderr and "nestml export cannot express" in r.stderr, r.stderr
    # A behavioural-task run (81 terms with the reward r) is not written.
    bad = tmp_path / "behaviour"
    bad.mkdir()
    (bad / "config.toml").write_text('[model]\nkind = "behaviour"\n[rule]\nfamily = "taylor"\n')
    (bad / "theta.csv").write_text((run / "theta.csv").read_text())
    r = plast("export", str(bad / "theta.csv"))
    assert r.returncode == 2 and "model.kind" in r.stderr and "behaviour" in r.stderr, r.stderr
    (bad / "config.toml").write_text('[model]\nkind = "oja"\n[rule]\nfamily = "mlp"\n')
    r = plast("export", str(bad))
    assert r.returncode == 2 and "rule.family" in r.stderr, r.stderr
    r = plast("export", str(tmp_path / "nowhere"), "--to", "brian2")
    assert r.returncode == 2
