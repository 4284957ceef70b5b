"""The verbs from Python (plast.run and one function per verb) against the command line: the same
configuration and seed give the same files, byte for byte (run.json and report files aside: they
hold times, paths and the command line). Bad input raises the command line's message."""
import filecmp
import json
import sqlite3

import numpy as np
import pytest

from plast_module import plast
from test_cli import ROOT, SMALL_TOY, plast as cli

NOT_COMPARED = {"run.json", "report.html", "figures", "archive.sqlite", "archive.sqlite-wal", "archive.sqlite-shm",
                "run.lock"}


def same_files(a, b, skip=()):
    """Every file of run directory a is in b with the same bytes (and no extra file in b)."""
    names_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    names_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    keep = lambda n: n.split("/")[0] not in NOT_COMPARED and n not in skip
    names_a, names_b = [n for n in names_a if keep(n)], [n for n in names_b if keep(n)]
    assert names_a == names_b
    differ = [n for n in names_a if not filecmp.cmp(a / n, b / n, shallow=False)]
    assert not differ, differ
    return names_a


def untimed(x):
    """A run.json value without its wall-clock figures (keys naming seconds or wall time)."""
    if isinstance(x, dict):
        return {k: untimed(v) for k, v in x.items() if not any(w in k for w in ("seconds", "wall", "performance"))}
    if isinstance(x, list):
        return [untimed(v) for v in x]
    return x


def summary(run_dir):
    return untimed(json.loads((run_dir / "run.json").read_text())["summary"])


def archive_rows(run_dir):
    con = sqlite3.connect(str(run_dir / "archive.sqlite"))
    cur = con.execute("SELECT * FROM candidates ORDER BY round, idx")
    drop = [d[0] for d in cur.description].index("wall_seconds")
    rows = [tuple(v for i, v in enumerate(r) if i != drop) for r in cur.fetchall()]
    con.close()
    return rows


def both(tmp_path, verb, config, sets=(), **kw):
    """Run the verb by the command line (dir cli/) and from Python (dir py/); returns both paths."""
    a, b = tmp_path / "cli", tmp_path / "py"
    args = plast.command_line(verb, config, set=list(sets), out=a, quiet=True, **kw)
    assert args[:2] == [verb, str(config)] if config else args[0] == verb
    assert "--no-report" in args and "-q" not in args and "--quiet" in args
    r = cli(*args)
    assert r.returncode == 0, r.stderr
    run = plast.run(verb, config, set=list(sets), out=b, quiet=True, **kw)
    assert run["status"] == "completed" and run["run_dir"] == str(b)
    assert run["config"] == json.loads((a / "run.json").read_text())["config"]
    return a, b


def test_toy_same_files_as_the_command_line(tmp_path):
    cfg = tmp_path / "toy.toml"
    cfg.write_text(SMALL_TOY)
    a, b = both(tmp_path, "toy", cfg)
    assert "explicit_RI.npy" in same_files(a, b)
    assert summary(a) == summary(b)


def test_screen_same_archive_rows(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('seed = 2\n[task]\nepochs = 500\n[[round]]\nproposal = "prior"\ncandidates = 24\n')
    a, b = both(tmp_path, "screen", cfg, threads=2)
    rows = archive_rows(a)
    assert len(rows) == 24 and rows == archive_rows(b)
    same_files(a, b)
    # The archive as numpy / pandas: the same rows.
    with plast.open_archive(b) as ar:
        df = ar.to_pandas()
        arr = ar.to_numpy()
        assert len(df) == 24 and list(df["idx"]) == list(range(24))
        assert ar.params().shape == (24, len(ar.param_names)) and ar.metrics().shape == (24, len(ar.metric_names))
        cols = list(arr.dtype.names)
        first = rows[0]
        for name, v in zip([c for c in cols if c != "wall_seconds"], first):
            got = arr[name][0]
            assert (v is None and (got == "" or np.isnan(got))) or got == v, name


def test_simulate_fsbi_same_spikes_and_weights(tmp_path):
    sets = ["network.scale=0.05", "network.warmup=0.5", "network.score=1.0"]
    a, b = both(tmp_path, "simulate", None, sets, seed=4)
    files = same_files(a, b)
    assert any(f.endswith("_spike_times.npy") for f in files)


MODEL_SETS = ["phase[0].duration=2.0", "phase[1].duration=2.0", "phase[2].duration=2.0"]


def test_simulate_model_file_and_plast_model_give_the_command_line_arrays(tmp_path):
    model = ROOT / "examples" / "models" / "two_setpoints.toml"
    a, b = both(tmp_path, "simulate", model, MODEL_SETS, seed=5)
    same_files(a, b)
    # plast.Model: the same arrays as the files of `plast simulate MODEL`.
    r = plast.Model.load(model, set=MODEL_SETS).run(seed=5, progress=False)
    rec = {x["monitor"]: x for x in summary(a)["recordings"]}
    assert set(rec) == set(r.spikes) | set(r.series)
    for name, sp in r.spikes.items():
        t, n = (np.load(a / f) for f in rec[name]["files"])
        assert np.array_equal(sp.times, t) and np.array_equal(sp.ids, n) and sp.ids.dtype == n.dtype
        assert np.all(np.diff(sp.times) >= 0)
    for name, se in r.series.items():
        v, t, c = (np.load(a / f) for f in rec[name]["files"])
        assert np.array_equal(se.values, v) and np.array_equal(se.times, t) and np.array_equal(se.columns, c)
    assert [p["name"] for p in r.phases] == [p["name"] for p in summary(a)["phases"]]
    assert set(r.rates) and set(r.weights)


def test_memory_same_tables(tmp_path):
    names = [f"{c}_{p}" for c in ("EE", "EI", "IE", "II") for p in ("tau_pre", "tau_post", "alpha", "beta", "gamma", "kappa")]
    rule = [0.02, 0.02, 0, 0, 0, 0] * 2 + [0.02, 0.02, -0.12, 0, 1, 1] + [0.02, 0.02, 0, 0, 0, 0]
    csv = tmp_path / "rules.csv"
    csv.write_text(",".join(["source"] + names) + "\n" + ",".join(["a"] + [repr(x) for x in rule]) + "\n")
    sets = ["memory.runs=2", "protocol.breaks=[1.0]", "protocol.pretrain=1.0", "protocol.train=1.0",
            "network.scale=0.05", "memory.conditions=['control','static']", f"memory.rules_csv='{csv}'"]
    a, b = both(tmp_path, "memory", ROOT / "examples" / "memory_by_accident.toml", sets, threads=1)
    assert "memory_headline.csv" in same_files(a, b)


def test_infer_same_fit(tmp_path):
    sets = ["data.num_train=6", "data.num_eval=3"]
    a, b = both(tmp_path, "infer", ROOT / "examples" / "oja_small_inputs.toml", sets)
    same_files(a, b, skip=("grid.csv",))  # its last column is the fit's wall time
    drop_seconds = lambda p: [line.rsplit(",", 1)[0] for line in p.read_text().splitlines()]
    assert drop_seconds(a / "grid.csv") == drop_seconds(b / "grid.csv")
    assert summary(a) == summary(b)


def test_evolve_same_generations(tmp_path):
    sets = ["fast=true", "error.n_experiments=1", "error.duration=300", "ea.max_generations=3"]
    a, b = both(tmp_path, "evolve", None, sets, threads=1)
    same_files(a, b, skip=("checkpoint.json",))  # the checkpoint records wall times
    assert summary(a) == summary(b)


def test_evaluate_same_json(tmp_path):
    out = tmp_path / "cli.json"
    args = ["error", "2*(v - u)*sbar", "--set", "error.n_experiments=2", "--set", "error.duration=300"]
    r = cli("evaluate", *args, "--json", str(out), "-j", "1")
    assert r.returncode == 0, r.stderr
    got = plast.evaluate("error", "2*(v - u)*sbar", set=["error.n_experiments=2", "error.duration=300"], threads=1)
    want = json.loads(out.read_text())
    assert untimed(got) == untimed(want)


def test_report_renders_a_module_run(tmp_path):
    cfg = tmp_path / "toy.toml"
    cfg.write_text(SMALL_TOY)
    run = plast.toy(cfg, out=tmp_path / "r", quiet=True)
    html = plast.report(run["run_dir"])
    assert html.endswith("report.html") and (tmp_path / "r" / "report.html").stat().st_size > 1000


@pytest.mark.parametrize(
    "text,setting,exc,expect",
    [
        ("[task]\netta = 0.1\n", None, KeyError, "bad.toml:2: task.etta: unknown key"),
        ("[task]\neta = \"fast\"\n", None, ValueError, "bad.toml:2: task.eta: expected a number"),
        ("[task]\nrho = 0.01\n", "task.epochs=0", ValueError, "--set task.epochs=0: task.epochs: out of range"),
    ],
)
def test_bad_input_raises_the_command_line_message(tmp_path, text, setting, exc, expect):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    sets = [setting] if setting else []
    r = cli("toy", str(cfg), *sum([["--set", s] for s in sets], []), "--out", str(tmp_path / "c"), "-q")
    assert r.returncode == 2
    line = r.stderr.strip().splitlines()[0]
    assert line.startswith("plast toy: error: ")
    with pytest.raises(exc) as e:
        plast.toy(cfg, set=sets, out=tmp_path / "p", quiet=True)
    assert e.value.args[0] == line[len("plast toy: error: "):] and expect in e.value.args[0]
    assert not (tmp_path / "p").exists()
    # The process lives on: the next run works.
    ok = tmp_path / "ok.toml"
    ok.write_text(SMALL_TOY)
    assert plast.toy(ok, out=tmp_path / "after", quiet=True)["status"] == "completed"


def test_unknown_option_and_verb_are_value_errors(tmp_path):
    with pytest.raises(ValueError, match="--bogus"):
        plast.run("toy", options=["--bogus"])
    with pytest.raises(ValueError):
        plast.run("nosuchverb")
    with pytest.raises(ValueError, match="unknown benchmark"):
        plast.bench("nosuchbench")


def test_bench_same_workload_same_rates(tmp_path):
    # Timings differ run to run; the workload (network, seed, spikes) does not: equal rates and synapses.
    out = tmp_path / "cli.json"
    models = str(ROOT / "examples" / "models")
    r = cli("bench", "fsbi", "--scale", "0.01", "--models", models, "--json", str(out))
    assert r.returncode == 0, r.stderr
    figs = plast.bench("fsbi", scale=0.01, options=["--models", models])
    keep = lambda fs: [(f["mode"], f["rate_E"], f["rate_I"], f["synapses"], f["simulated_seconds"]) for f in fs]
    assert keep(figs) == keep(json.loads(out.read_text())) and len(figs) == 5


def test_screen_callback_sees_every_result_once(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('seed = 2\n[task]\nepochs = 500\n[[round]]\nproposal = "prior"\ncandidates = 30\n'
                   '[[round]]\nproposal = "restricted"\ncandidates = 20\n')
    seen = []
    run = plast.screen(cfg, out=tmp_path / "r", quiet=True, threads=2, on_result=seen.append)
    assert run["status"] == "completed"
    keys = [(r["round"], r["idx"]) for r in seen]
    assert sorted(keys) == keys and len(set(keys)) == 50
    assert [tuple(v for k, v in r.items() if k != "wall_seconds") for r in seen] == archive_rows(tmp_path / "r")
    with pytest.raises(ValueError, match="out="):
        plast.screen(cfg, on_result=print)


def test_a_failing_callback_stops_the_search_and_raises(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('seed = 2\n[screen]\nchunk = 4\n[task]\nepochs = 20000\n[[round]]\nproposal = "prior"\ncandidates = 4000\n')

    def fail(row):
        raise RuntimeError("callback failed")

    with pytest.raises(RuntimeError, match="callback failed"):
        plast.screen(cfg, out=tmp_path / "r", quiet=True, threads=1, on_result=fail)
    run = json.loads((tmp_path / "r" / "run.json").read_text())
    assert run["status"] == "interrupted" and len(archive_rows(tmp_path / "r")) < 4000
    # The interpreter's handlers are back: the next search runs.
    assert plast.screen(cfg, out=tmp_path / "r2", quiet=True, set=["round[0].candidates=8"])["status"] == "completed"


def test_evolve_callback_every_generation_and_early_stop(tmp_path):
    sets = ["fast=true", "error.n_experiments=1", "error.duration=300", "ea.max_generations=4"]
    seen = []
    run = plast.evolve(set=sets, out=tmp_path / "r", quiet=True, threads=1,
                       on_generation=lambda g, f, formula: seen.append((g, f, formula)))
    assert run["status"] == "completed" and "stopped_by_callback" not in run
    hist = (tmp_path / "r" / "history.csv").read_text().splitlines()[1:]
    assert [g for g, _, _ in seen] == list(range(len(hist))) and len(hist) >= 4
    # The values are history.csv's: champion fitness never decreases (elitist), formula as written.
    for (g, f, formula), line in zip(seen, hist):
        cells = line.split(",")
        assert float(cells[1]) == pytest.approx(f) and formula and formula in line
    assert all(b[1] >= a[1] for a, b in zip(seen, seen[1:]))
    # Returning False stops the run cleanly: run.json "interrupted", fewer generations than asked for.
    seen2 = []
    # Trials of 2 s: generations slow enough for the callback, which follows history.csv, to stop the run
    # within a few of them even on an idle machine.
    long = ["fast=true", "error.n_experiments=1", "error.duration=2000", "ea.max_generations=400"]
    run = plast.evolve(set=long, out=tmp_path / "s", quiet=True, threads=1,
                       on_generation=lambda g, f, formula: seen2.append(g) or g < 2)
    assert run["status"] == "interrupted" and run["stopped_by_callback"] is True
    assert 3 <= len(seen2) < 400 and seen2 == list(range(len(seen2)))
    with pytest.raises(ValueError, match="on_generation: for plast evolve"):
        plast.screen(None, out=tmp_path / "x", on_generation=print)


def test_infer_callback_every_logged_epoch_and_early_stop(tmp_path):
    sets = ["data.num_train=6", "data.num_eval=3"]
    seen = []
    run = plast.infer(ROOT / "examples" / "oja_small_inputs.toml", set=sets, out=tmp_path / "r", quiet=True,
                      on_epoch=lambda e, loss, params: seen.append((e, loss, params)))
    assert run["status"] == "completed"
    rows = (tmp_path / "r" / "theta.csv").read_text().splitlines()
    header, rows = rows[0].split(","), rows[1:]
    assert len(seen) == len(rows) >= 2
    for (e, loss, params), line in zip(seen, rows):
        cells = line.split(",")
        assert int(cells[0]) == e and float(cells[1]) == pytest.approx(loss, nan_ok=True)
        assert list(params) == header[2:] and [params[k] for k in header[2:]] == pytest.approx([float(c) for c in cells[2:]])
    assert [e for e, _, _ in seen] == sorted(e for e, _, _ in seen)
    many = sets + ["fit.optimizer=adam", "fit.epochs=100000", "fit.log_interval=1"]
    count = []
    run = plast.infer(ROOT / "examples" / "oja_small_inputs.toml", set=many, out=tmp_path / "s", quiet=True,
                      on_epoch=lambda e, loss, params: count.append(e) or len(count) < 3)
    assert run["status"] == "interrupted" and run["stopped_by_callback"] is True and 3 <= len(count) < 100000


def test_infer_stopped_by_callback_resumes_to_the_uninterrupted_fit(tmp_path):
    # An Adam fit stopped by its callback at epoch 50 and continued with resume= ends as the fit that ran
    # through; the resumed run's callback sees the earlier epochs first (replayed from the checkpoint).
    sets = ["fit.epochs=200", "fit.checkpoint_seconds=0"]
    full = plast.infer(set=sets, out=tmp_path / "full", quiet=True, threads=1)
    assert full["status"] == "completed"
    run = plast.infer(set=sets, out=tmp_path / "part", quiet=True, threads=1, on_epoch=lambda e, loss, params: e < 50)
    assert run["status"] == "interrupted" and (tmp_path / "part" / "checkpoints" / "fit_0.json").exists()
    seen = []
    run = plast.infer(resume=tmp_path / "part", quiet=True, on_epoch=lambda e, loss, params: seen.append(e))
    assert run["status"] == "completed"
    lines = (tmp_path / "full" / "theta.csv").read_text().splitlines()
    assert (tmp_path / "part" / "theta.csv").read_text().splitlines() == lines
    assert seen == [int(line.split(",")[0]) for line in lines[1:]]
