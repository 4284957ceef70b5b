"""Screening end to end on the rate toy task: rounds improve the pass rate, archives are identical for
1 and 2 threads, a SIGKILLed screen resumes without duplicates or gaps, and bad input is refused."""
import json
import shutil
import os
import signal
import sqlite3
import subprocess
import time

from test_cli import CLI, archive_rows, plast

# The toy screen's settings and its first (prior) round, shared by the screens below.
TOY_PRIOR = """
seed = 3
[screen]
task = "toy_aba"
chunk = 8
mdn_epochs = 80
[task]
epochs = 4000
[[round]]
proposal = "prior"
candidates = {n0}
"""

SMALL = TOY_PRIOR + """[[round]]
proposal = "restricted"
candidates = 120
[[round]]
proposal = "conditional"
candidates = 120
train_groups = ["stable"]
condition_on = ["RI"]
targets = {{ RI = [0.6, 1.0] }}
"""


def rows(run_dir):
    return archive_rows(run_dir)[1]


def test_rounds_improve_and_threads_do_not_matter(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text(SMALL.format(n0=200))
    a, b = tmp_path / "a", tmp_path / "b"
    assert plast("screen", str(cfg), "--out", str(a), "-j1", "-q", "--no-report").returncode == 0
    assert plast("screen", str(cfg), "--out", str(b), "-j2", "-q", "--no-report").returncode == 0
    ra, rb = rows(a), rows(b)
    assert len(ra) == 440 and ra == rb
    rounds = json.loads((a / "run.json").read_text())["summary"]["rounds"]
    frac = [r["plausible_fraction"] for r in rounds]
    # The prior passes ~15 %; with 120 candidates the binomial sd of a fraction is <= 0.046, so a
    # rise of 0.15 is far outside noise.
    assert frac[1] > frac[0] + 0.1 and frac[2] > frac[0] + 0.15, frac


def test_sigkill_then_resume_has_every_candidate_once(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text(SMALL.format(n0=4000))
    ref = tmp_path / "ref"
    assert plast("screen", str(cfg), "--out", str(ref), "-q", "--no-report").returncode == 0
    run = tmp_path / "run"
    p = subprocess.Popen([CLI, "screen", str(cfg), "--out", str(run), "-q", "--no-report"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = run / "archive.sqlite"
    deadline = time.time() + 60
    n = 0
    while time.time() < deadline and p.poll() is None:
        time.sleep(0.05)
        if db.exists():
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                n = con.execute("SELECT COUNT(*) FROM candidates").fetchone()[0]
                con.close()
            except sqlite3.Error:
                n = 0
            if n >= 400:
                break
    assert p.poll() is None, "screen finished before it could be killed; enlarge round 0"
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    assert json.loads((run / "run.json").read_text())["status"] == "running"
    r = plast("screen", "--resume", str(run), "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    got = rows(run)
    keys = [(x[0], x[1]) for x in got]
    assert len(keys) == len(set(keys)) == 4240
    assert got == rows(ref)
    meta = json.loads((run / "run.json").read_text())
    assert meta["status"] == "completed" and len(meta["resumed"]) == 1


def test_bad_prior_and_foreign_or_corrupted_archive(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(SMALL.format(n0=50) + "\n[prior.theta0]\nlo = 1.0\nhi = -1.0\n")
    r = plast("screen", str(cfg), "--out", str(tmp_path / "x"), "-q")
    assert r.returncode == 2 and "prior.theta0.lo: lower bound 1 is above upper bound -1" in r.stderr
    assert not (tmp_path / "x").exists()

    good = tmp_path / "good.toml"
    good.write_text(SMALL.format(n0=50))
    run = tmp_path / "run"
    assert plast("screen", str(good), "--out", str(run), "-q", "--no-report").returncode == 0
    # Another configuration in the run directory: the archive refuses it and stays intact.
    before = rows(run)
    text = (run / "config.toml").read_text().replace("epochs = 4000", "epochs = 5000")
    (run / "config.toml").write_text(text)
    r = plast("screen", "--resume", str(run), "-q", "--no-report")
    assert r.returncode == 2 and "archive was written by another configuration" in r.stderr
    assert rows(run) == before
    # A corrupted archive is refused and left as it is.
    (run / "config.toml").write_text(text.replace("epochs = 5000", "epochs = 4000"))
    for f in run.glob("archive.sqlite-*"):
        f.unlink()
    (run / "archive.sqlite").write_bytes(b"garbage" * 100)
    r = plast("screen", "--resume", str(run), "-q", "--no-report")
    assert r.returncode == 2 and "archive" in r.stderr
    assert (run / "archive.sqlite").read_bytes() == b"garbage" * 100


CMAES = """
seed = 2
[screen]
task = "toy_aba"
[task]
epochs = 4000
[[round]]
proposal = "cmaes"
generations = 15
population = 8
"""


def test_cmaes_round_finds_memory_and_resumes_by_replay(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(CMAES)
    run = tmp_path / "run"
    assert plast("screen", str(cfg), "--out", str(run), "-q", "--no-report").returncode == 0
    full = rows(run)
    assert len(full) == 8 * 16
    info = json.loads((run / "run.json").read_text())["summary"]["rounds"][0]["proposal_info"]
    # The loss is -RI for stable rules; RI close to 1 exists next to the instability lines.
    assert info["best_loss"] < -0.9
    # Emulate a kill after 5 generations: drop the later rows, resume, and get the same archive.
    con = sqlite3.connect(str(run / "archive.sqlite"))
    con.execute("DELETE FROM candidates WHERE idx >= 40")
    con.commit()
    con.close()
    r = plast("screen", "--resume", str(run), "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    assert rows(run) == full


def test_two_mpi_ranks_give_the_same_archive(tmp_path):
    import shutil

    import pytest

    mpirun = shutil.which("mpirun")
    if mpirun is None:
        pytest.skip("Open MPI not installed")
    cfg = tmp_path / "s.toml"
    cfg.write_text(SMALL.format(n0=60).replace("candidates = 120", "candidates = 40"))
    one, two = tmp_path / "one", tmp_path / "two"
    assert plast("screen", str(cfg), "--out", str(one), "-j1", "-q", "--no-report").returncode == 0
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
    r = subprocess.run([mpirun, "-np", "2", CLI, "screen", str(cfg), "--out", str(two), "-j1", "-q", "--no-report"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads((two / "run.json").read_text())["summary"]["mpi_ranks"] == 2
    assert rows(one) == rows(two)


PROMOTE = """
seed = 4
[screen]
task = "{task}"
[task]
epochs = 3000
{extra}
[[round]]
proposal = "archive"
archive = "{archive}"
query = "{query}"
"""


def test_archive_round_promotes_plausible_rows_and_refuses_bad_sources(tmp_path):
    src = tmp_path / "src.toml"
    src.write_text(SMALL.format(n0=120))
    first = tmp_path / "first"
    assert plast("screen", str(src), "--out", str(first), "-q", "--no-report").returncode == 0
    archive = first / "archive.sqlite"
    con = sqlite3.connect(str(archive))
    plausible = con.execute(
        "SELECT round, idx, p_theta0, p_theta1, p_log10_eta FROM candidates WHERE verdict = 'plausible' ORDER BY round, idx"
    ).fetchall()
    con.close()
    assert len(plausible) >= 5
    # The screen's own table of plausible rules has one line per plausible row.
    assert len((first / "plausible_rules.csv").read_text().strip().splitlines()) == len(plausible) + 1

    cfg = tmp_path / "p.toml"
    cfg.write_text(PROMOTE.format(task="toy_aba", extra="", archive=archive, query="verdict = 'plausible'"))
    out = tmp_path / "promoted"
    r = plast("screen", str(cfg), "--out", str(out), "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(str(out / "archive.sqlite"))
    got = con.execute("SELECT source, p_theta0, p_theta1, p_log10_eta FROM candidates ORDER BY idx").fetchall()
    con.close()
    assert [g[1:] for g in got] == [p[2:] for p in plausible]
    assert [g[0] for g in got] == [f"archive:{p[0]}:{p[1]}" for p in plausible]

    # No row matches: a configuration error naming the query, nothing written.
    cfg.write_text(PROMOTE.format(task="toy_aba", extra="", archive=archive, query="verdict = 'none'"))
    r = plast("screen", str(cfg), "--out", str(tmp_path / "x1"), "-q")
    assert r.returncode == 2 and "round[0].query" in r.stderr and "no row" in r.stderr
    assert not (tmp_path / "x1").exists()
    # Rows outside this screen's prior.
    narrow = "[prior.theta0]\nlo = 1.9\nhi = 2.0\n"
    cfg.write_text(PROMOTE.format(task="toy_aba", extra=narrow, archive=archive, query="verdict = 'plausible'"))
    r = plast("screen", str(cfg), "--out", str(tmp_path / "x2"), "-q")
    assert r.returncode == 2 and "outside this screen's prior" in r.stderr
    # Rules of another parameter space (toy rules into the spiking task).
    cfg.write_text(PROMOTE.format(task="fsbi", extra="", archive=archive, query="verdict = 'plausible'").replace("[task]\nepochs = 3000\n", ""))
    r = plast("screen", str(cfg), "--out", str(tmp_path / "x3"), "-q")
    assert r.returncode == 2 and "another parameter space" in r.stderr
    # A file that is not an archive.
    cfg.write_text(PROMOTE.format(task="toy_aba", extra="", archive=tmp_path / "src.toml", query="verdict = 'plausible'"))
    r = plast("screen", str(cfg), "--out", str(tmp_path / "x4"), "-q")
    assert r.returncode == 2 and "round[0].archive" in r.stderr


RESTRICT = TOY_PRIOR + """[[round]]
proposal = "conditional"
candidates = 150
train_groups = ["stable"]
condition_on = ["RI"]
targets = {{ RI = [0.6, 1.0] }}
[[round]]
proposal = "conditional"
candidates = 150
restrict_plausible = {q}
train_groups = ["stable"]
condition_on = ["RI"]
targets = {{ RI = [0.6, 1.0] }}
"""


def test_plausibility_classifier_raises_the_plausible_fraction(tmp_path):
    cfg = tmp_path / "r.toml"
    cfg.write_text(RESTRICT.format(n0=300, q=0.5))
    out = tmp_path / "run"
    r = plast("screen", str(cfg), "--out", str(out), "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    rounds = json.loads((out / "run.json").read_text())["summary"]["rounds"]
    f1, f2 = rounds[1]["plausible_fraction"], rounds[2]["plausible_fraction"]
    # Same density settings, one round later, plus the classifier: the rise must exceed 3 binomial SDs
    # of round 1's fraction over 150 candidates.
    assert f2 > f1 + 3 * (f1 * (1 - f1) / 150) ** 0.5, (f1, f2)
    info = rounds[2]["proposal_info"]["plausibility_classifier"]
    assert info["allowed_false_negatives"] == 0.5 and info["held_out_rows"] > 0
    # The held-out estimate says what the filter buys, and it buys something.
    assert info["held_out_plausible_fraction_accepted"] >= info["held_out_plausible_fraction"]
    assert 0 < info["held_out_plausible_accepted"] <= info["held_out_plausible"]

    # Bad input: in the first round, out of range, too few plausible rules to learn from.
    cfg.write_text(RESTRICT.format(n0=300, q=0.99))
    r = plast("screen", str(cfg), "--out", str(tmp_path / "x1"), "-q")
    assert r.returncode == 2 and "restrict_plausible" in r.stderr and "0.95" in r.stderr, r.stderr
    assert not (tmp_path / "x1").exists()
    cfg.write_text(RESTRICT.format(n0=300, q=0.5).replace('candidates = 300\n', 'candidates = 300\nrestrict_plausible = 0.5\n', 1)
                   .replace('proposal = "prior"', 'proposal = "setpoint"', 1))
    r = plast("screen", str(cfg), "--out", str(tmp_path / "x2"), "-q")
    assert r.returncode == 2 and "restrict_plausible" in r.stderr, r.stderr
    # (20 prior candidates hold about 3 plausible rules; the classifier is fitted before the density)
    cfg.write_text(RESTRICT.format(n0=20, q=0.5).replace('targets = { RI = [0.6, 1.0] }\n', 'targets = { RI = [0.6, 1.0] }\nrestrict_plausible = 0.5\n', 1))
    r = plast("screen", str(cfg), "--out", str(tmp_path / "x3"), "-q", "--no-report")
    assert r.returncode != 0 and "too few to train the plausibility classifier" in r.stderr, r.stderr


PERTURB = TOY_PRIOR + """[[round]]
proposal = "perturb"
candidates = 150
kernel_scale = {scale}
"""


def test_perturbation_round_raises_the_plausible_fraction_and_reads_rule_set_csvs(tmp_path):
    cfg = tmp_path / "p.toml"
    cfg.write_text(PERTURB.format(n0=150, scale=0.5))
    out = tmp_path / "run"
    r = plast("screen", str(cfg), "--out", str(out), "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    rounds = json.loads((out / "run.json").read_text())["summary"]["rounds"]
    f0, f1 = rounds[0]["plausible_fraction"], rounds[1]["plausible_fraction"]
    # Moving the prior's plausible rules keeps most moves plausible: the rise must exceed 3 binomial SDs
    # of the prior round's fraction over 150 candidates.
    assert f1 > f0 + 3 * (f0 * (1 - f0) / 150) ** 0.5, (f0, f1)
    info = rounds[1]["proposal_info"]["perturbation"]
    assert info["particles"] == rounds[0]["plausible"] and info["kernel_scale"] == 0.5
    # Every move lies in the prior box and is a new rule (not a copy of a particle).
    con = sqlite3.connect(str(out / "archive.sqlite"))
    moved = con.execute("SELECT p_theta0, p_theta1, p_log10_eta FROM candidates WHERE round = 1").fetchall()
    parts = set(con.execute("SELECT p_theta0, p_theta1, p_log10_eta FROM candidates WHERE round = 0 AND verdict = 'plausible'").fetchall())
    con.close()
    assert len(moved) == 150 and not parts & set(moved)

    # The run's plausible_rules.csv is a rule set a promotion round reads whole (.csv), in its order.
    csv_path = out / "plausible_rules.csv"
    header = csv_path.read_text().splitlines()[0].split(",")
    n_rules = len(csv_path.read_text().splitlines()) - 1
    cfg2 = tmp_path / "promote.toml"
    cfg2.write_text(PROMOTE.format(task="toy_aba", extra="", archive=csv_path, query="x").replace('query = "x"\n', ""))
    r = plast("screen", str(cfg2), "--out", str(tmp_path / "promoted"), "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(str(tmp_path / "promoted" / "archive.sqlite"))
    got = con.execute("SELECT source, p_theta0 FROM candidates ORDER BY idx").fetchall()
    con.close()
    first = csv_path.read_text().splitlines()[1].split(",")
    assert len(got) == n_rules and got[0][0] == "csv:0"
    assert abs(got[0][1] - float(first[header.index("theta0")])) <= 1e-12 * max(1.0, abs(got[0][1]))

    # Bad input, each one clear error before anything is written: a perturbation round first; a CSV lacking a
    # parameter column; `query` with a CSV; too few particles (at run time, naming the round and the key).
    cfg.write_text(PERTURB.format(n0=150, scale=0.5).replace('proposal = "prior"', 'proposal = "perturb"', 1))
    r = plast("screen", str(cfg), "--out", str(tmp_path / "x1"), "-q")
    assert r.returncode == 2 and "round[0].proposal" in r.stderr, r.stderr
    assert not (tmp_path / "x1").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("theta0,theta1\n0.1,0.2\n")
    cfg2.write_text(PROMOTE.format(task="toy_aba", extra="", archive=bad, query="x").replace('query = "x"\n', ""))
    r = plast("screen", str(cfg2), "--out", str(tmp_path / "x2"), "-q")
    assert r.returncode == 2 and "round[0].archive" in r.stderr and "log10_eta" in r.stderr, r.stderr
    assert not (tmp_path / "x2").exists()
    cfg2.write_text(PROMOTE.format(task="toy_aba", extra="", archive=csv_path, query="verdict = 'plausible'"))
    r = plast("screen", str(cfg2), "--out", str(tmp_path / "x3"), "-q")
    assert r.returncode == 2 and "round[0].query" in r.stderr, r.stderr
    cfg.write_text(PERTURB.format(n0=4, scale=0.5).replace('kernel_scale', 'particles = "verdict = \'none\'"\nkernel_scale'))
    r = plast("screen", str(cfg), "--out", str(tmp_path / "x4"), "-q", "--no-report")
    assert r.returncode != 0 and "particles" in r.stderr and "at least 2" in r.stderr, r.stderr


def test_cmaes_round_gives_the_same_archive_for_threads_and_mpi_ranks(tmp_path):
    # CMA-ES goes through the same executor as the other rounds: each generation is one batch, whose
    # candidates depend only on the earlier generations' losses, so threads and ranks cannot change a row.
    import pytest

    cfg = tmp_path / "c.toml"
    cfg.write_text(CMAES.replace("generations = 15", "generations = 4"))
    runs = {}
    for name, j in (("one", "-j1"), ("two", "-j2")):
        assert plast("screen", str(cfg), "--out", str(tmp_path / name), j, "-q", "--no-report").returncode == 0
        runs[name] = rows(tmp_path / name)
    assert runs["one"] == runs["two"] and len(runs["one"]) == 8 * 5
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        pytest.skip("Open MPI not installed")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
    r = subprocess.run([mpirun, "-np", "2", CLI, "screen", str(cfg), "--out", str(tmp_path / "mpi"), "-j1", "-q",
                        "--no-report"], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert rows(tmp_path / "mpi") == runs["one"]


def test_resume_finds_the_model_file_from_any_working_directory(tmp_path):
    # A model file named relative to the configuration is saved in config.toml as the absolute path found, so a
    # run resumes from another working directory (it used to look for the relative name next to config.toml).
    from test_cli import ROOT

    run = tmp_path / "run"
    r = plast("screen", str(ROOT / "examples" / "screen_expression_rule.toml"), "--set", "round[0].candidates=2",
              "--out", str(run), "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    saved = (run / "config.toml").read_text()
    assert f"file = '{ROOT / 'examples' / 'models' / 'fsbi_ie_expression.toml'}'" in saved
    full = rows(run)
    con = sqlite3.connect(str(run / "archive.sqlite"))
    con.execute("DELETE FROM candidates WHERE idx >= 1")
    con.commit()
    con.close()
    r = plast("screen", "--resume", str(run), "-q", "--no-report", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert rows(run) == full
