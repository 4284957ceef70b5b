"""Search archives beyond the screen. `plast evolve` writes every new individual to the search archive
(the screen's layout, rule column):
the same rows for 1 and 2 threads and 2 MPI ranks; a run stopped part-way (later rows lost, its checkpoint
older than the archive, or no checkpoint at all) resumes to the archive of an uninterrupted run; old
schema-1 screen archives still open. Task: the Oja rate task (milliseconds per evaluation). `plast infer`
writes every logged epoch of its fits to the same layout."""
import json
import os
import shutil
import sqlite3
import subprocess

import pytest

from test_cli import CLI, ROOT, archive_rows, plast

EXAMPLE = str(ROOT / "examples" / "evolve_oja_rule.toml")


def evolve(out, gens, *extra):
    r = plast("evolve", EXAMPLE, "--set", f"ea.max_generations={gens}", "--set", "ea.checkpoint_every=25",
              "--out", str(out), "-q", "--no-report", *extra)
    assert r.returncode == 0, r.stderr
    return r


def rows(run_dir):
    return archive_rows(run_dir)


def test_archive_rows_threads_and_layout(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    evolve(a, 120, "-j1")
    evolve(b, 120, "-j2")
    cols, ra = rows(a)
    assert rows(b) == (cols, ra)
    # One row per new individual: mu parents at generation 0, lambda offspring per generation.
    assert len(ra) == 4 + 4 * 120
    assert cols[:10] == ["round", "idx", "seed", "source", "status", "verdict", "abort_reason", "abort_time",
                         "wall_seconds", "rule"]
    assert cols[10:] == ["m_fitness", "m_fitness_mean", "m_fitness_sd", "m_fitness_min", "m_size", "m_simulated"]
    c = {n: i for i, n in enumerate(c for c in cols if c != "wall_seconds")}
    assert {r[c["source"]] for r in ra} == {"cgp"}
    assert {r[c["status"]] for r in ra} <= {"completed", "invalid"}
    # Invalid rows have no fitness; the run counts its evaluations as the simulated rows.
    assert all(r[c["m_fitness"]] is None for r in ra if r[c["status"]] == "invalid")
    s = json.loads((a / "run.json").read_text())["summary"]
    assert sum(r[c["m_simulated"]] for r in ra) == s["evaluations"]
    assert s["archive_rows"] == len(ra)
    # The champion is the best archived fitness, and its rule text is the archived expression.
    best = max(r[c["m_fitness"]] for r in ra if r[c["m_fitness"]] is not None)
    assert best == pytest.approx(s["champion_fitness"], abs=0)
    champ = json.loads((a / "champion.json").read_text())["rules"]["rule"]["expression"]
    assert champ in {r[c["rule"]] for r in ra if r[c["m_fitness"]] == best}
    # Python's reader: rules, metrics, no parameters.
    from plast_module import plast as pl

    with pl.open_archive(a) as arch:
        assert arch.method == "cgp" and arch.param_names == [] and arch.schema_version == 2
        assert len(arch.rules()) == len(ra) and arch.metrics().shape == (len(ra), 6)
        assert arch.params().shape == (len(ra), 0)


def test_resume_after_stop_gives_the_same_archive(tmp_path):
    full = tmp_path / "full"
    evolve(full, 120)
    want = rows(full)
    # Stopped at 60 with the checkpoint of generation 50 and rows to 60 (a kill between checkpoints),
    # then rows after 55 lost as well: resume in place, extended to 120.
    part = tmp_path / "part"
    evolve(part, 50)
    ckpt50 = (part / "checkpoint.json").read_text()
    assert plast("evolve", "--resume", str(part), "--set", "ea.max_generations=60", "-q", "--no-report").returncode == 0
    (part / "checkpoint.json").write_text(ckpt50)
    con = sqlite3.connect(str(part / "archive.sqlite"))
    con.execute("DELETE FROM candidates WHERE round > 55")
    con.commit()
    con.close()
    r = plast("evolve", "--resume", str(part), "--set", "ea.max_generations=120", "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    assert rows(part) == want
    s = json.loads((part / "run.json").read_text())["summary"]
    assert s["archive_rows_replayed"] > 0  # generations 51-55 were read back, not simulated
    assert (part / "history.csv").read_text() == (full / "history.csv").read_text()
    # Killed before the first checkpoint: the archive alone is replayed from generation 0.
    early = tmp_path / "early"
    evolve(early, 30)
    (early / "checkpoint.json").unlink()
    con = sqlite3.connect(str(early / "archive.sqlite"))
    con.execute("DELETE FROM candidates WHERE round > 20")
    con.commit()
    con.close()
    r = plast("evolve", "--resume", str(early), "--set", "ea.max_generations=120", "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    assert rows(early) == want
    # A tampered archive is refused with the position where the replay diverged.
    con = sqlite3.connect(str(early / "archive.sqlite"))
    con.execute("UPDATE candidates SET rule = 'x' WHERE round = 3 AND idx = 1")
    con.execute("DELETE FROM candidates WHERE round > 100")
    con.commit()
    con.close()
    (early / "checkpoint.json").unlink()
    r = plast("evolve", "--resume", str(early), "-q", "--no-report")
    assert r.returncode != 0 and "diverged from the archive at generation 3, individual 1" in r.stderr, r.stderr
    # Another configuration is refused before anything is written.
    r = plast("evolve", "--resume", str(part), "--set", "ea.mu=5", "-q", "--no-report")
    assert r.returncode == 2 and "fingerprint" in r.stderr, r.stderr


def test_schema_1_archive_opens(tmp_path):
    """An archive written before the rule column (schema 1) still reads, in C++ (plast memory's query) and
    Python."""
    path = tmp_path / "archive.sqlite"
    con = sqlite3.connect(str(path))
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    con.execute("CREATE TABLE candidates (round INTEGER NOT NULL, idx INTEGER NOT NULL, seed INTEGER, source TEXT, "
                "status TEXT, verdict TEXT, abort_reason TEXT, abort_time REAL, wall_seconds REAL, \"p_a\" REAL, "
                "\"m_r\" REAL, PRIMARY KEY (round, idx))")
    for k, v in (("schema_version", "1"), ("fingerprint", "x"), ("param_names", '["a"]'), ("metric_names", '["r"]')):
        con.execute("INSERT INTO meta VALUES (?, ?)", (k, v))
    con.execute("INSERT INTO candidates VALUES (0, 0, 1, 'prior', 'completed', 'plausible', '', -1, 0.1, 0.5, 2.0)")
    con.commit()
    con.close()
    from plast_module import plast as pl

    with pl.open_archive(path) as a:
        assert a.schema_version == 1 and a.rules() == [""]
        assert a.params().tolist() == [[0.5]] and a.metrics().tolist() == [[2.0]]


def test_two_mpi_ranks_give_the_same_archive(tmp_path):
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        pytest.skip("Open MPI not installed")
    one, two = tmp_path / "one", tmp_path / "two"
    evolve(one, 60, "-j1")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    r = subprocess.run([mpirun, "-np", "2", CLI, "evolve", EXAMPLE, "--set", "ea.max_generations=60", "--set",
                        "ea.checkpoint_every=25", "--out", str(two), "-j1", "-q", "--no-report"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads((two / "run.json").read_text())["summary"]["mpi_ranks"] == 2
    assert rows(one) == rows(two)


def test_infer_writes_its_epochs(tmp_path):
    out = tmp_path / "inf"
    r = plast("infer", str(ROOT / "examples" / "infer_evolved_constants.toml"), "--out", str(out), "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    cols, rs = rows(out)
    assert cols[10:] == ["p_c0", "p_c1", "m_epoch", "m_loss"]
    theta = [line.split(",") for line in (out / "theta.csv").read_text().splitlines()[1:]]
    # One fit: its rows are theta.csv's (epoch, loss, c0, c1), in order.
    assert [r[0] for r in rs] == [0] * len(theta) and [r[1] for r in rs] == list(range(len(theta)))
    for a, t in zip(rs, theta):
        assert (a[11], a[12], a[9], a[10]) == pytest.approx([float(x) for x in t], rel=1e-12)
    fitted = {c["name"]: c["fitted"] for c in json.loads((out / "run.json").read_text())["summary"]["constants"]}
    assert (rs[-1][9], rs[-1][10]) == pytest.approx((fitted["c0"], fitted["c1"]), rel=1e-9)
    con = sqlite3.connect(str(out / "archive.sqlite"))
    meta = dict(con.execute("SELECT key, value FROM meta"))
    con.close()
    assert meta["method"] == "lbfgs" and json.loads(meta["fits"])[0]["round"] == 0


def test_infer_resumes_after_a_kill(tmp_path):
    # An Adam fit (the default behavioural fit, 600 epochs, a checkpoint at every logged epoch) killed with
    # SIGKILL part-way and continued with --resume ends exactly as the uninterrupted fit.
    import time
    args = ["infer", "--set", "fit.epochs=600", "--set", "fit.checkpoint_seconds=0", "-j1", "-q", "--no-report"]
    full = tmp_path / "full"
    r = plast(*args, "--out", str(full))
    assert r.returncode == 0, r.stderr
    assert not (full / "checkpoints").exists()  # removed once the run completed
    part = tmp_path / "part"
    proc = subprocess.Popen([CLI, *args, "--out", str(part)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ckpt = part / "checkpoints" / "fit_0.json"
    killed_at = None
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        try:
            killed_at = json.loads(ckpt.read_text())["next_epoch"]
        except (OSError, ValueError, KeyError):
            killed_at = None
        if killed_at is not None and killed_at >= 100:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the fit ended before it could be killed"
    proc.kill()
    proc.wait()
    killed_at = json.loads(ckpt.read_text())["next_epoch"]
    assert 100 <= killed_at <= 600
    # Another configuration is refused before anything is written.
    r = plast("infer", "--resume", str(part), "--set", "fit.learning_rate=0.01", "-q", "--no-report")
    assert r.returncode == 2 and "fingerprint" in r.stderr, r.stderr
    r = plast("infer", "--resume", str(part), "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    assert not (part / "checkpoints").exists()
    assert rows(part) == rows(full)
    for f in ("theta.csv", "weights_fit.npy", "weights_true.npy"):
        assert (part / f).read_bytes() == (full / f).read_bytes(), f
    drop_seconds = lambda p: [line.rsplit(",", 1)[0] for line in (p / "seeds.csv").read_text().splitlines()]
    assert drop_seconds(part) == drop_seconds(full)
    a = json.loads((full / "run.json").read_text())["summary"]
    b = json.loads((part / "run.json").read_text())
    assert {k: v for k, v in a.items() if k != "fit_seconds"} == {k: v for k, v in b["summary"].items() if k != "fit_seconds"}
    assert len(b["resumed"]) == 1 and b["status"] == "completed"


def _infer_outputs(run_dir, table):
    """What an infer run wrote that must not depend on threads or ranks: the archive rows, theta.csv, the NPY
    files, the run's table without its seconds column, and the summary without seconds, rank count and paths."""
    out = {"rows": rows(run_dir)}
    for f in sorted(run_dir.glob("*.npy")) + [run_dir / "theta.csv"]:
        out[f.name] = f.read_bytes()
    out[table] = [line.rsplit(",", 1)[0] for line in (run_dir / table).read_text().splitlines()]
    s = json.loads((run_dir / "run.json").read_text())["summary"]
    out["summary"] = {k: v for k, v in s.items() if k not in ("fit_seconds", "mpi_ranks", "data_dir")}
    return out


INFER_CASES = {
    # 2 noise levels x 2 seeds of the Oja grid (L-BFGS)
    "oja": (str(ROOT / "examples" / "oja_noise_grid.toml"), "grid.csv",
            ["--set", "sweep.seeds=2", "--set", "sweep.noise=[0.0, 0.5]", "--set", "sweep.observed_fraction=[1.0]",
             "--set", "fit.lbfgs_max_evaluations=20", "--set", "data.num_train=3", "--set", "data.num_eval=2"]),
    # 2 generated animals x 2 models (Adam): the worker ranks read the animals rank 0 wrote
    "animals": (str(ROOT / "examples" / "behaviour_weight_decay_comparison.toml"), "animals.csv",
                ["--set", "data.animals=2", "--set", "data.samples=3", "--set", "fit.epochs=10"]),
}


@pytest.mark.parametrize("case", sorted(INFER_CASES))
def test_infer_fits_share_threads_and_mpi_ranks(tmp_path, case):
    # The fits of a study are jobs of the search executor: 1 thread, 2 threads and 2 MPI ranks write the same
    # outputs (each fit's result travels to rank 0 as JSON and is read back bit for bit).
    config, table, sets = INFER_CASES[case]
    outs = {}
    for name, j in (("one", "-j1"), ("two", "-j2")):
        r = plast("infer", config, *sets, "--out", str(tmp_path / name), j, "-q", "--no-report")
        assert r.returncode == 0, r.stderr
        outs[name] = _infer_outputs(tmp_path / name, table)
    assert outs["one"] == outs["two"]
    assert len(outs["one"][table]) == 5  # header + 4 fits
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        pytest.skip("Open MPI not installed")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    mpi = tmp_path / "mpi"
    r = subprocess.run([mpirun, "-np", "2", CLI, "infer", config, *sets, "--out", str(mpi), "-j1", "-q", "--no-report"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads((mpi / "run.json").read_text())["summary"]["mpi_ranks"] == 2
    assert _infer_outputs(mpi, table) == outs["one"]
