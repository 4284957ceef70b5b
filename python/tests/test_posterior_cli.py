"""`python3 -m plast.posterior`: the screen's conditional density from the command line (sample, log-prob,
expected coverage), reproducible and with one-line errors."""
import csv
import io
import subprocess
import sys

import numpy as np

from plast_module import _BUILD
from test_cli import plast as cli


def post(*args):
    env = {"PYTHONPATH": str(_BUILD / "python"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "plast.posterior", *map(str, args)], capture_output=True, text=True, env=env)


def table(text):
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], np.array(rows[1:], dtype=float)


def test_sample_log_prob_and_coverage(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('seed = 2\n[task]\nepochs = 500\n[[round]]\nproposal = "prior"\ncandidates = 200\n')
    run = tmp_path / "screen"
    assert cli("screen", str(cfg), "--out", str(run), "-q", "--no-report", "-j", "1").returncode == 0
    r = post(run, "sample", "--condition-on", "RI", "--target", "RI=0.5", "-n", "50")
    assert r.returncode == 0, r.stderr
    names, th = table(r.stdout)
    assert names == ["theta0", "theta1", "log10_eta"] and th.shape == (50, 3)
    # Inside the prior box of the embedded toy screen (read from the run's configuration).
    again = post(run, "sample", "--condition-on", "RI", "--target", "RI=0.5", "-n", "50")
    assert again.stdout == r.stdout  # fixed seed: same samples
    (tmp_path / "th.csv").write_text(r.stdout)
    lp = post(run, "log-prob", "--condition-on", "RI", "--target", "RI=0.5", "--params", tmp_path / "th.csv")
    assert lp.returncode == 0, lp.stderr
    _, v = table(lp.stdout)
    assert v.shape == (50, 1) and np.all(np.isfinite(v))
    cov = post(run, "coverage", "--condition-on", "RI")
    assert cov.returncode == 0, cov.stderr
    head, c = table(cov.stdout)
    assert head == ["credible_level", "empirical_coverage"] and c.shape == (9, 2)
    assert np.all(np.diff(c[:, 1]) >= 0) and np.all((c[:, 1] >= 0) & (c[:, 1] <= 1))  # a CDF
    # Bad input: one line, exit 2.
    bad = post(run, "sample", "--condition-on", "RI")
    assert bad.returncode == 2 and "no value for RI" in bad.stderr
    bad = post(run, "sample", "--condition-on", "nope", "--target", "nope=1")
    assert bad.returncode == 2 and "unknown metric 'nope'" in bad.stderr
