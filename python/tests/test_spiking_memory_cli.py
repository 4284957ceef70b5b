"""Bad input for the spiking and memory verbs: one clear error line, exit code 2, nothing written."""
import json

import pytest

from test_cli import plast


@pytest.mark.parametrize(
    "setting,expect",
    [
        ("network.p_rec=1.5", "network.p_rec: out of range: 1.5 (allowed: [0, 1])"),
        ("network.rule_EE.theta=[-0.02,0.02,0,0,0,0]", "network.rule_EE.theta: tau_pre (theta[0]) must be > 0"),
        ("network.delay=0.00005", "network.delay: delay"),
        ("network.w_max=-1", "network.w_max: out of range: -1"),
        ("network.n_exc=0", "network.n_exc: out of range: 0"),
        ("network.n_exc=2000000", "network.n_exc: network needs about"),
        ("network.neuron.tau_m=0", "network.neuron.tau_m: out of range: 0"),
    ],
)
def test_simulate_bad_input(tmp_path, setting, expect):
    r = plast("simulate", "--out", str(tmp_path / "x"), "-q", "--set", setting)
    assert r.returncode == 2, r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expect in lines[0], r.stderr
    assert not (tmp_path / "x").exists()


def test_memory_query_selecting_no_rule_and_foreign_archive(tmp_path):
    # A toy screen archive has other parameters than a quadruplet.
    cfg = tmp_path / "s.toml"
    cfg.write_text('seed = 1\n[task]\nepochs = 500\n[[round]]\nproposal = "prior"\ncandidates = 20\n')
    assert plast("screen", str(cfg), "--out", str(tmp_path / "scr"), "-q", "--no-report").returncode == 0
    arch = tmp_path / "scr" / "archive.sqlite"
    before = arch.read_bytes()
    r = plast("memory", "--out", str(tmp_path / "m"), "-q", "--set", f"memory.archive={arch}")
    assert r.returncode == 2 and "not a 6pPol quadruplet" in r.stderr
    assert arch.read_bytes() == before
    r = plast("memory", "--out", str(tmp_path / "m"), "-q", "--set", 'memory.conditions=["bogus"]')
    assert r.returncode == 2 and "unknown condition 'bogus'" in r.stderr
    assert not (tmp_path / "m").exists()


def test_memory_rule_sets_from_csv_and_their_errors(tmp_path):
    import csv as _csv

    names = [f"{c}_{p}" for c in ("EE", "EI", "IE", "II") for p in ("tau_pre", "tau_post", "alpha", "beta", "gamma", "kappa")]
    rule = [0.02, 0.02, 0, 0, 0, 0] * 2 + [0.02, 0.02, -0.12, 0, 1, 1] + [0.02, 0.02, 0, 0, 0, 0]

    def write(path, header, rows):
        with open(path, "w", newline="") as f:
            w = _csv.writer(f)
            w.writerow(header)
            w.writerows(rows)

    good = tmp_path / "rules.csv"
    write(good, ["source"] + names + ["rate"], [["a"] + rule + [3.0]] * 2)
    from test_cli import ROOT

    base = ["memory", str(ROOT / "examples" / "memory_by_accident.toml"), "--set", "memory.runs=2", "--set", "protocol.breaks=[1.0]", "--set", "protocol.pretrain=2.0",
            "--set", "protocol.train=2.0", "--set", "network.scale=0.05", "--set", "memory.conditions=['control','static']",
            "--no-report", "-q"]
    r = plast(*base, "--set", f"memory.rules_csv='{good}'", "--out", str(tmp_path / "ok"))
    assert r.returncode == 0, r.stderr
    run = json.loads((tmp_path / "ok" / "run.json").read_text())["summary"]
    assert run["rules"] == 2 and "headline" in run
    head = (tmp_path / "ok" / "memory_headline.csv").read_text().splitlines()
    assert head[0].startswith("condition,rules_stable,test_time,novelty")

    missing = tmp_path / "missing.csv"
    write(missing, names[:-1], [rule[:-1]])
    r = plast(*base, "--set", f"memory.rules_csv='{missing}'", "--out", str(tmp_path / "m"))
    assert r.returncode == 2 and "no column 'II_kappa'" in r.stderr
    outside = tmp_path / "outside.csv"
    bad = list(rule)
    bad[2] = 7.5
    write(outside, names, [bad])
    r = plast(*base, "--set", f"memory.rules_csv='{outside}'", "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "EE_alpha = 7.5 lies outside the fSBI prior" in r.stderr
    empty = tmp_path / "empty.csv"
    write(empty, names, [])
    r = plast(*base, "--set", f"memory.rules_csv='{empty}'", "--out", str(tmp_path / "e"))
    assert r.returncode == 2 and "holds no rule" in r.stderr
    assert not any((tmp_path / d).exists() for d in ("m", "o", "e"))


def test_memory_resume_after_ctrl_c_equals_uninterrupted(tmp_path):
    """Ctrl-C keeps the journaled runs; --resume simulates the rest; outputs equal an uninterrupted study."""
    import signal
    import subprocess
    import time

    from test_cli import CLI, ROOT

    args = ["memory", str(ROOT / "examples" / "memory_by_accident.toml"), "--set", "memory.runs=6", "--set", "protocol.breaks=[1.0,9.0]",
            "--set", "protocol.pretrain=2.0", "--set", "protocol.train=2.0", "--set", "network.scale=0.05",
            "--set", "memory.rules_limit=2", "--set", "memory.knockouts='stability'",
            "--set", "memory.conditions=['control','only_IE']", "--no-report", "-q", "-j", "1"]
    assert plast(*args, "--out", str(tmp_path / "full")).returncode == 0
    full = tmp_path / "full"
    assert len((full / "memory_done.jsonl").read_text().splitlines()) == 2 * 6 + 2 * 1
    stab = (full / "memory_stability.csv").read_text().splitlines()
    assert stab[0].startswith("condition,mode,runs_per_rule,rules,stable")
    assert any(line.startswith("only_IE,stability,1,2,") for line in stab)
    # The combined table of examples/memory_stability_combined.py over one run is the run's own.
    import subprocess as sp
    import sys

    comb = sp.run([sys.executable, str(ROOT / "examples" / "memory_stability_combined.py"), str(full)], capture_output=True, text=True)
    assert comb.returncode == 0, comb.stderr
    own = {line.split(",")[0]: line.split(",")[3:5] for line in stab[1:]}
    for line in comb.stdout.splitlines()[1:]:
        c = line.split(",")
        assert c[3:5] == own[c[0]], line

    part = tmp_path / "part"
    p = subprocess.Popen([str(CLI), *args, "--out", str(part)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    journal = part / "memory_done.jsonl"
    while p.poll() is None and not (journal.exists() and journal.read_text().count("\n") >= 1):
        time.sleep(0.05)
    if p.poll() is not None:
        pytest.skip("the study finished before it could be interrupted")
    p.send_signal(signal.SIGINT)
    p.communicate(timeout=600)
    assert p.returncode == 130
    done = journal.read_text().count("\n")
    assert 1 <= done < 14
    assert json.loads((part / "run.json").read_text())["status"] == "interrupted"

    # A resume keeps the configuration: no overrides.
    r = plast("memory", "--resume", str(part), "--set", "memory.runs=3", "-q")
    assert r.returncode == 2 and "--set/--seed are not allowed" in r.stderr
    r = plast("memory", "--resume", str(tmp_path / "nothing"), "-q")
    assert r.returncode == 2 and "not a run directory of plast memory" in r.stderr
    r = plast("memory", "--resume", str(part), "--no-report", "-q", "-j", "2")
    assert r.returncode == 0, r.stderr
    run = json.loads((part / "run.json").read_text())
    assert run["status"] == "completed" and run["summary"]["resumed_runs"] == done
    for f in ("memory_runs.csv", "memory_tests.csv", "memory_summary.csv", "memory_stability.csv", "memory_recheck.csv", "prate_mean.npy"):
        assert (part / f).read_bytes() == (full / f).read_bytes(), f
