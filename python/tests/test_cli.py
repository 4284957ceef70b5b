"""End-to-end tests of the plast command line: the toy verb, reports, and bad input handling."""
import json
import os
import pathlib
import subprocess

import numpy as np
import pytest

CLI = os.environ.get("PLAST_CLI", str(pathlib.Path(__file__).resolve().parents[2] / "build" / "plast"))
ROOT = pathlib.Path(__file__).resolve().parents[2]


def plast(*args, cwd=None):
    return subprocess.run([CLI, *args], capture_output=True, text=True, cwd=cwd)


SMALL_TOY = """
seed = 1
[task]
epochs = 3000
[explicit]
theta = [0.0, -1.0]
[explicit_sweep]
theta0 = { min = -1.0, max = 0.5, points = 7 }
theta1 = { min = -1.5, max = 0.5, points = 9 }
eta = [0.01, 0.02]
"""


def archive_rows(run_dir):
    """Columns and rows of a run's archive.sqlite in (round, idx) order, without the wall-time column (the only
    column that may differ between runs of the same search)."""
    import sqlite3
    con = sqlite3.connect(str(pathlib.Path(run_dir) / "archive.sqlite"))
    cur = con.execute("SELECT * FROM candidates ORDER BY round, idx")
    cols = [d[0] for d in cur.description]
    drop = cols.index("wall_seconds")
    out = [tuple(v for i, v in enumerate(r) if i != drop) for r in cur.fetchall()]
    con.close()
    return cols, out


def test_toy_run_writes_data_and_report(tmp_path):
    cfg = tmp_path / "toy.toml"
    cfg.write_text(SMALL_TOY)
    out = tmp_path / "run"
    r = plast("toy", str(cfg), "--out", str(out), "-q")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("report.html")
    run = json.loads((out / "run.json").read_text())
    assert run["status"] == "completed"
    assert run["seed"] == 1 and run["git_revision"] and run["wall_seconds"] >= 0
    assert run["config"]["task"]["epochs"] == 3000  # resolved config written back
    ri = np.load(out / "explicit_RI.npy")
    assert ri.shape == (2, 7, 9)
    label = np.load(out / "explicit_label.npy")
    # Stable points have finite RI, others NaN.
    assert np.all(np.isfinite(ri[label == 0])) and np.all(np.isnan(ri[label != 0]))
    html = (out / "report.html").read_text()
    assert "explicit_RI.png" in html and (out / "figures" / "explicit_RI.png").stat().st_size > 1000


def test_never_overwrites_a_run(tmp_path):
    cfg = tmp_path / "toy.toml"
    cfg.write_text(SMALL_TOY)
    out = tmp_path / "run"
    assert plast("toy", str(cfg), "--out", str(out), "-q", "--no-report").returncode == 0
    before = (out / "run.json").read_text()
    r = plast("toy", str(cfg), "--out", str(out), "-q", "--no-report")
    assert r.returncode == 2 and "already exists" in r.stderr
    assert (out / "run.json").read_text() == before
    assert plast("toy", str(cfg), "--out", str(out), "-q", "--no-report", "--force").returncode == 0


@pytest.mark.parametrize(
    "text,setting,expect",
    [
        ("[task]\netta = 0.1\n", None, "bad.toml:2: task.etta: unknown key"),
        ("[task]\neta = \"fast\"\n", None, "bad.toml:2: task.eta: expected a number"),
        ("[task]\neta = -0.1\n", None, "bad.toml:2: task.eta: out of range: -0.1 (allowed: (0, inf])"),
        ("[task]\neta = nan\n", None, "task.eta: must be finite"),
        ("[task]\nrho = 0.01\n", "task.epochs=0", "--set task.epochs=0: task.epochs: out of range"),
        ("[task\n", None, "bad.toml:1"),
    ],
)
def test_bad_config_one_clear_line_exit_2_no_run_dir(tmp_path, text, setting, expect):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "run.json").write_text("{}")
    args = ["toy", str(cfg), "--out", str(tmp_path / "new"), "-q"]
    if setting:
        args += ["--set", setting]
    r = plast(*args, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    assert expect in lines[0].replace(str(cfg), "bad.toml"), lines[0]
    assert not (tmp_path / "new").exists()
    assert (earlier / "run.json").read_text() == "{}"


def test_missing_config_file(tmp_path):
    r = plast("toy", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "x"))
    assert r.returncode == 2
    assert "nope.toml: cannot open configuration file" in r.stderr
    assert not (tmp_path / "x").exists()


def test_examples_parse_and_list():
    r = plast("list")
    assert r.returncode == 0 and "toy" in r.stdout
    for ex in sorted((ROOT / "examples").glob("toy_*.toml")):
        assert ex.name in r.stdout
    # The screen tasks, from the registry: each name is one the screen accepts.
    tasks = r.stdout.split("screen tasks")[1].split("example configurations")[0]
    names = [line.split()[0] for line in tasks.splitlines()[1:] if line.strip()]
    assert names == ["toy_aba", "fsbi", "model", "e2l", "familiarity"]
    bad = plast("screen", "--set", "screen.task=nope", "--print-config")
    assert bad.returncode == 2 and "toy_aba, fsbi, model, e2l, familiarity" in bad.stderr, bad.stderr


def test_report_verb_rerenders(tmp_path):
    cfg = tmp_path / "toy.toml"
    cfg.write_text(SMALL_TOY)
    out = tmp_path / "run"
    assert plast("toy", str(cfg), "--out", str(out), "-q", "--no-report").returncode == 0
    assert not (out / "report.html").exists()
    r = plast("report", str(out))
    assert r.returncode == 0 and (out / "report.html").exists()
    assert plast("report", str(tmp_path)).returncode == 2


def test_infer_evolved_constants_example_report(tmp_path):
    """The expression-family example end to end: constants recovered, gradient check and constants in the report."""
    out = tmp_path / "run"
    r = plast("infer", str(ROOT / "examples" / "infer_evolved_constants.toml"), "--out", str(out), "-q")
    assert r.returncode == 0, r.stderr
    s = json.loads((out / "run.json").read_text())["summary"]
    # noise-free data, exact form: L-BFGS ends within 1e-6 of (-0.3, 0.3) (measured 1.7e-11)
    assert s["constants_max_rel_error"] < 1e-6
    assert s["gradient_check"]["relative_error"] < 1e-5
    html = (out / "report.html").read_text()
    assert "constant c0" in html and "gradient check" in html and "theta.png" in html
    rows = (out / "constants.csv").read_text().splitlines()
    assert rows[0] == "name,start,fitted,true,abs_error,rel_error" and rows[1].startswith("c0,-0.25,")


def test_a_rule_that_starts_with_a_minus_is_a_rule_not_an_option():
    """The published correlation champions are written '-x_0 + ...'; CLI11 would read that as a short option."""
    sets = ["--set", "correlation.n_tasks=1", "--set", "correlation.train=3000", "--set", "correlation.test=3000"]
    minus = plast("evaluate", "correlation", "-x_0 + x_1; -x_0 + x_1", *sets)
    assert minus.returncode == 0, minus.stdout + minus.stderr
    plain = plast("evaluate", "correlation", "x_1 - x_0; x_1 - x_0", *sets)
    assert minus.stdout.split("per experiment:")[1].split("\n")[0] == plain.stdout.split("per experiment:")[1].split("\n")[0]
    # Options are still options, unknown ones still errors.
    assert plast("evaluate", "correlation", "x_1; x_1", "-j", "1", *sets).returncode == 0
    assert plast("evaluate", "correlation", "x_1; x_1", "-z", *sets).returncode == 2


def test_a_short_option_with_an_attached_path_stays_an_option(tmp_path):
    out = tmp_path / "toy_run"
    r = plast("toy", "-q", f"-o{out}", "--set", "task.epochs=50", "--set", "explicit.theta=[0.0, -1.0]")
    assert r.returncode == 0, r.stderr
    assert (out / "run.json").exists()
