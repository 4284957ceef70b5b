"""The familiarity task (`plast screen`, task = "familiarity"): a candidate rule runs the memory study's
familiarity protocol and is scored by the memory study's statistics. Checked against `plast memory` itself:
the first candidate (key 0) runs the same seeds and wiring as rule 0 of a memory study, so its archive row
must hold that study's numbers exactly."""
import csv
import json
import sqlite3

import pytest

from test_cli import archive_rows, plast

TASK = """
seed = 3
[memory]
network = "feedforward"
runs = 3
[protocol]
pretrain = 5.0
train = 5.0
on_mean = 1000.0
breaks = [1, 9]
[feedforward]
n_exc = 200
n_inh = 50
pattern_exc = 40
pattern_inh = 10
eta = 0.01
"""

SCREEN = TASK + """
[screen]
task = "familiarity"
# near Vogels' iSTDP (0.02, 0.02, -0.12, 0, 1, 1): rules whose low-rate output remembers the familiar stimulus
[prior.IE_tau_pre]
lo = 0.015
hi = 0.025
[prior.IE_tau_post]
lo = 0.015
hi = 0.025
[prior.IE_alpha]
lo = -0.3
hi = -0.05
[prior.IE_beta]
lo = -0.1
hi = 0.1
[prior.IE_gamma]
lo = 0.5
hi = 1.5
[prior.IE_kappa]
lo = 0.5
hi = 1.5
[[round]]
proposal = "prior"
candidates = 6
"""


def screen(tmp_path, name, text, *extra):
    cfg = tmp_path / f"{name}.toml"
    cfg.write_text(text)
    out = tmp_path / name
    return plast("screen", str(cfg), "--out", str(out), "-q", "--no-report", *extra), out


def test_familiarity_screen_rows_are_the_memory_study(tmp_path):
    r, out = screen(tmp_path, "s", SCREEN, "-j2")
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(str(out / "archive.sqlite"))
    con.row_factory = sqlite3.Row
    rows = con.execute("SELECT * FROM candidates ORDER BY round, idx").fetchall()
    con.close()
    assert len(rows) == 6
    names = rows[0].keys()
    params = [n for n in names if n.startswith("p_")]
    assert params == ["p_IE_" + p for p in ("tau_pre", "tau_post", "alpha", "beta", "gamma", "kappa")]
    assert [n for n in names if n.startswith("m_")] == [
        "m_stable", "m_runs_completed", "m_baseline_rate", "m_lifetime", "m_novelty", "m_familiarity",
        "m_dr_mem_1s", "m_p_1s", "m_dr_mem_10s", "m_p_10s"]
    for row in rows:
        assert row["verdict"] == ("plausible" if row["m_stable"] == 1 else "implausible")
        assert -0.3 <= row["p_IE_alpha"] <= -0.05
        if row["m_runs_completed"] == 3:
            # lifetime: the last test time with p < 0.05; novelty / familiarity: the sign of a significant test
            sig = [(t, row[f"m_dr_mem_{t}s"]) for t in (1, 10) if row[f"m_p_{t}s"] < 0.05]
            assert row["m_lifetime"] == (sig[-1][0] if sig else 0)
            assert row["m_novelty"] == (1 if any(d > 0 for _, d in sig) else 0)
            assert row["m_familiarity"] == (1 if any(d < 0 for _, d in sig) else 0)
    assert sum(row["m_lifetime"] > 0 for row in rows) >= 2  # the lifetime and preference checks above did run
    # The first candidate as rule 0 of a memory study: the same runs, so the same statistics.
    first = rows[0]
    theta = [first[p] for p in params]
    mem = tmp_path / "m.toml"
    mem.write_text(TASK + "[[rule]]\nname = \"c0\"\ntheta = [" + ", ".join(repr(v) for v in theta) + "]\n")
    r = plast("memory", str(mem), "--out", str(tmp_path / "m"), "-q", "--no-report", "-j1")
    assert r.returncode == 0, r.stderr
    with open(tmp_path / "m" / "memory_tests.csv") as f:
        tests = list(csv.DictReader(f))
    assert len(tests) == 2
    for t in tests:
        tag = t["test_time"]
        assert float(t["mean_dr_mem"]) == pytest.approx(first[f"m_dr_mem_{tag}s"], rel=1e-12, abs=1e-15)
        assert float(t["p"]) == pytest.approx(first[f"m_p_{tag}s"], rel=1e-12, abs=1e-15)
    with open(tmp_path / "m" / "memory_summary.csv") as f:
        summary = list(csv.DictReader(f))[0]
    assert int(summary["stable"]) == first["m_stable"]
    # Threads do not change a row.
    r, one = screen(tmp_path, "one", SCREEN, "-j1")
    assert r.returncode == 0, r.stderr
    assert archive_rows(one) == archive_rows(out)


@pytest.mark.parametrize("extra, key", [
    ("[[rule]]\ntheta = [0.02, 0.02, -0.12, 0.0, 1.0, 1.0]\n", "rule"),
    ("", "memory.conditions"),
    ("", "memory.archive"),
    ("", "memory.input_rate"),
])
def test_familiarity_screen_refuses_what_it_would_ignore(tmp_path, extra, key):
    text = SCREEN + extra
    if key == "memory.conditions":
        text = text.replace("runs = 3", "runs = 3\nconditions = [\"static\"]")
    if key == "memory.input_rate":
        text = text.replace("runs = 3", "runs = 3\ninput_rate = \"rule\"")
    if key == "memory.archive":
        text = text.replace("runs = 3", "runs = 3\narchive = \"x.sqlite\"")
    r, out = screen(tmp_path, "bad", text)
    assert r.returncode == 2 and key in r.stderr, r.stderr
    assert not out.exists()


def test_familiarity_screen_on_the_recurrent_network(tmp_path):
    # The recurrent E/I memory network: candidates are quadruplets (24 parameters, the fsbi names without the
    # input rate); a tiny network and protocol, only to check the layout and that every run completes.
    text = """
seed = 1
[screen]
task = "familiarity"
[memory]
network = "recurrent"
runs = 2
recheck_window = 2.0
[protocol]
pretrain = 3.0
train = 3.0
breaks = [1]
[network]
scale = 0.1
[[round]]
proposal = "prior"
candidates = 2
"""
    r, out = screen(tmp_path, "rec", text, "-j2")
    assert r.returncode == 0, r.stderr
    cols, rows = archive_rows(out)
    params = [c for c in cols if c.startswith("p_")]
    assert len(params) == 24 and params[0] == "p_EE_tau_pre" and params[-1] == "p_II_kappa"
    m = cols.index("m_runs_completed") - 1  # archive_rows drops wall_seconds, which comes before it
    assert [row[cols.index("status")] for row in rows] == ["completed", "completed"]
    assert [row[m] for row in rows] == [2, 2]
