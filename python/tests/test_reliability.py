"""Reliability end to end: a full disk, unwritable --json targets, configurations that are not regular
files, --set on arrays of tables, hostile rule expressions and non-UTF-8 paths give one clear error (or
work), never a crash, and leave no temporary files."""
import json
import os
import subprocess

import pytest

from test_cli import CLI, ROOT, plast

SIM = ["simulate", str(ROOT / "examples" / "fsbi_background.toml"), "--set", "network.scale=0.1",
       "--set", "network.warmup=1", "--set", "network.score=3", "--no-report", "-q"]


@pytest.fixture
def small_disk(tmp_path):
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mnt
    subprocess.run(["umount", str(mnt)])


@pytest.mark.parametrize("fill_kib", [0, 150, 185, 190, 200])
def test_full_disk_is_an_error_not_an_abort(small_disk, fill_kib):
    # Before the fix every verb ended in SIGABRT: recording the failure threw from the error handler.
    if fill_kib:
        (small_disk / "fill").write_bytes(b"\0" * (fill_kib * 1024 - 4096))
    r = plast(*SIM, "--out", str(small_disk / "run"))
    assert r.returncode in (0, 1), r.stderr
    assert r.returncode >= 0  # no signal
    if r.returncode == 1:
        assert "write failed" in r.stderr
        assert "Traceback" not in r.stderr and "terminate" not in r.stderr
    assert not list(small_disk.rglob("*.tmp"))
    if (small_disk / "run" / "run.json").exists():
        json.loads((small_disk / "run" / "run.json").read_text())


def test_evaluate_json_write_failure_is_reported(tmp_path):
    for target in ("/dev/full", str(tmp_path / "missing" / "x.json")):
        r = plast("evaluate", "error", "2*(v - u)*sbar", "--json", target)
        assert r.returncode == 1 and "--json" in r.stderr, (target, r.stderr)


def test_configuration_must_be_a_regular_file(tmp_path):
    r = plast("toy", str(tmp_path), "--out", str(tmp_path / "x"), "-q")
    assert r.returncode == 2 and "not a regular file" in r.stderr
    fifo = tmp_path / "c.toml"
    os.mkfifo(fifo)
    r = subprocess.run([CLI, "toy", str(fifo), "--out", str(tmp_path / "y"), "-q"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "not a regular file" in r.stderr
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_set_reaches_arrays_of_tables_and_names_itself_in_errors(tmp_path):
    r = plast("screen", "--set", "round[0].candidates=7", "--print-config")
    assert r.returncode == 0, r.stderr
    assert "candidates = 7" in r.stdout
    r = plast("screen", "--set", "round[0].candidates=-1", "--out", str(tmp_path / "a"), "-q")
    assert r.returncode == 2 and "--set round[0].candidates=-1" in r.stderr
    r = plast("screen", "--set", "round[9].candidates=5", "--out", str(tmp_path / "b"), "-q")
    assert r.returncode == 2 and "out of range" in r.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_deeply_nested_rules_are_refused():
    # 20,000 parentheses or 120,000 unary minuses overflowed the parser's stack (SIGSEGV).
    for rule in ("(" * 20000 + "v" + ")" * 20000, "-" * 120000 + "v"):
        r = plast("evaluate", "error", rule)
        assert r.returncode == 2 and "nesting deeper than" in r.stderr


def test_non_utf8_run_directory(tmp_path):
    out = os.path.join(os.fsencode(tmp_path), b"run-\xff\xfe")
    r = subprocess.run([os.fsencode(CLI), *[a.encode() for a in SIM], b"--out", out], capture_output=True)
    assert r.returncode == 0, r.stderr
    j = json.loads(open(os.path.join(out, b"run.json"), "rb").read().decode("utf-8"))
    assert j["status"] == "completed"


def _interrupt(args, sig, ready, tmp_path, timeout=600):
    """Run plast, send `sig` once `ready()` is true (polled; not after a fixed time, so a loaded machine
    cannot make the run look as if it had completed nothing), and return (exit code, stderr)."""
    import signal
    import time

    p = subprocess.Popen([CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    start = time.monotonic()
    while not ready():
        if p.poll() is not None:
            out, err = p.communicate()
            raise AssertionError(f"plast ended (exit {p.returncode}) before the state to interrupt: {err}")
        if time.monotonic() - start > timeout:
            p.kill()
            raise AssertionError(f"plast did not reach the state to interrupt within {timeout} s")
        time.sleep(0.2)
    p.send_signal(getattr(signal, sig))
    out, err = p.communicate(timeout=120)
    return p.returncode, err


def _lines(path):
    try:
        return len(path.read_text().strip().splitlines())
    except OSError:
        return 0


def _candidates(db):
    import sqlite3

    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
        try:
            return con.execute("SELECT COUNT(*) FROM candidates").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:  # not created yet, or locked by the writer
        return 0


def test_sigint_keeps_completed_memory_runs_and_marks_the_run(tmp_path):
    run = tmp_path / "mem"
    rc, err = _interrupt(["memory", "--out", str(run), "-j1", "--no-report"], "SIGINT",
                         lambda: _lines(run / "memory_done.jsonl") >= 1, tmp_path)  # the journal: one line per completed run
    assert rc == 130, err
    j = json.loads((run / "run.json").read_text())
    assert j["status"] == "interrupted"
    kept = j["summary"]["completed_runs_before_interrupt"]
    lines = (run / "memory_runs.csv").read_text().strip().splitlines()
    assert kept >= 1 and len(lines) >= 1 + kept  # header + at least one test row per completed run


SCREEN_SPIKING = """
seed = 2
[screen]
task = "fsbi"
chunk = 2
[network]
scale = 0.1
warmup = 2.0
score = 1.0
[[round]]
proposal = "prior"
candidates = 400
"""


def test_sigterm_stops_a_screen_that_resumes_in_place(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text(SCREEN_SPIKING)
    run = tmp_path / "scr"
    rc, err = _interrupt(["screen", str(cfg), "--out", str(run), "-j2", "--no-report", "-q"], "SIGTERM",
                         lambda: _candidates(run / "archive.sqlite") >= 1, tmp_path)
    assert rc == 143, err
    assert json.loads((run / "run.json").read_text())["status"] == "interrupted"
    import sqlite3

    con = sqlite3.connect(str(run / "archive.sqlite"))
    n = con.execute("SELECT COUNT(*) FROM candidates").fetchone()[0]
    con.close()
    assert 0 < n < 400
    r = plast("screen", "--resume", str(run), "-q", "--no-report", "--set", "round[0].candidates=" + str(n + 4))
    # A resumed screen keeps its configuration: overrides are refused.
    assert r.returncode == 2
    text = (run / "config.toml").read_text().replace("candidates = 400", f"candidates = {n + 4}")
    (run / "config.toml").write_text(text)
    r = plast("screen", "--resume", str(run), "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(str(run / "archive.sqlite"))
    assert con.execute("SELECT COUNT(*) FROM candidates").fetchone()[0] == n + 4
    con.close()


def test_refused_resume_leaves_the_run_untouched_and_concurrent_resumes_are_locked(tmp_path):
    import time

    cfg = tmp_path / "s.toml"
    cfg.write_text(SCREEN_SPIKING.replace("candidates = 400", "candidates = 6"))
    run = tmp_path / "scr"
    assert plast("screen", str(cfg), "--out", str(run), "-q", "--no-report").returncode == 0
    before = (run / "run.json").read_text()
    # Another configuration: exit 2, run.json unchanged, no -wal/-shm left behind.
    stored = (run / "config.toml").read_text()
    (run / "config.toml").write_text(stored.replace("scale = 0.10000000000000001", "scale = 0.2"))
    r = plast("screen", "--resume", str(run), "-q", "--no-report")
    assert r.returncode == 2 and "another configuration" in r.stderr
    assert (run / "run.json").read_text() == before
    assert not list(run.glob("archive.sqlite-*"))
    (run / "config.toml").write_text(stored.replace("candidates = 6", "candidates = 200"))
    # Two resumes at once: the second is refused while the first works.
    p = subprocess.Popen([CLI, "screen", "--resume", str(run), "-q", "--no-report", "-j1"], stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    r = plast("screen", "--resume", str(run), "-q", "--no-report")
    p.terminate()
    p.communicate(timeout=60)
    assert r.returncode == 2 and "another plast process" in r.stderr


def test_runs_that_cannot_fit_in_memory_are_refused_before_they_start(tmp_path):
    # These ended in std::bad_alloc (or the OOM killer) after allocating for a while.
    r = plast("simulate", "--set", "network.dt=1e-9", "--out", str(tmp_path / "a"), "-q")
    assert r.returncode == 2 and "network.dt" in r.stderr and "GiB" in r.stderr and "available" in r.stderr
    r = plast("infer", "--set", "model.kind=oja", "--set", "model.n_in=100000", "--set", "model.n_out=100000",
              "--out", str(tmp_path / "b"), "-q")
    assert r.returncode == 2 and "model.n_in" in r.stderr and "GiB" in r.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_unbounded_e2l_duration_and_corrupted_checkpoints_are_refused(tmp_path):
    r = plast("evaluate", "error", "2*(v - u)*sbar", "--set", "error.duration=1e12")
    assert r.returncode == 2 and "error.duration" in r.stderr and "GiB" in r.stderr
    run = tmp_path / "ev"
    args = ["--set", "fast=true", "--set", "error.n_experiments=1", "--set", "error.duration=500", "-q", "--no-report"]
    assert plast("evolve", *args, "--set", "ea.max_generations=10", "--out", str(run)).returncode == 0
    before = (run / "run.json").read_text()
    # Before: SIGABRT (a non-UTF-8 error message broke the JSON writer); then a completed run marked failed.
    (run / "checkpoint.json").write_bytes(b'{"generation": \xff\xfe garbage')
    r = plast("evolve", "--resume", str(run), "-q", "--no-report")
    assert r.returncode == 2 and "malformed JSON" in r.stderr
    assert (run / "run.json").read_text() == before


def test_thread_creation_failure_is_an_error_not_an_abort(tmp_path):
    # Under an address-space limit the 200 thread stacks cannot be mapped: this ended in
    # "terminate called without an active exception" (SIGABRT) before.
    import shutil

    if not shutil.which("prlimit"):
        pytest.skip("prlimit not available")
    r = subprocess.run(["prlimit", "--as=250000000", CLI, "toy", "--out", str(tmp_path / "t"), "-q", "--no-report", "-j", "200"],
                       capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    assert "cannot start 200 worker threads" in r.stderr
    assert json.loads((tmp_path / "t" / "run.json").read_text())["status"] == "failed"
