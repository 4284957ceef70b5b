"""plast.Model, plast.Rule and Ctrl-C from Python: dicts read like files, errors as the command line's,
STDP windows and drift against closed forms, KeyboardInterrupt with the completed work kept."""
import os
import signal
import subprocess
import sys
import time
import tomllib

import numpy as np
import pytest

from plast_module import plast
from test_cli import ROOT, SMALL_TOY, plast as cli

SMALL_MODEL = {
    "seed": 3,
    "population": [
        {"name": "in", "size": 50, "model": "poisson", "rate": 20.0},
        {"name": "E", "size": 40},
    ],
    "rule": {"stdp": {"family": "pair_stdp", "a_plus": 0.01, "a_minus": 0.012}},
    "projection": [{"name": "in_E", "pre": "in", "post": "E", "p": 0.5, "weight": 1.0, "rule": "stdp"}],
    "phase": [{"name": "run", "duration": 1.0}],
    "monitor": [{"name": "spikes_E", "kind": "spikes", "population": "E"},
                {"name": "w", "kind": "weights", "projection": "in_E", "interval": 0.25, "samples": 10}],
}


def test_model_from_dict_equals_the_same_model_from_a_file(tmp_path):
    from plast.toml_text import dumps

    path = tmp_path / "m.toml"
    path.write_text(dumps(SMALL_MODEL) + "\n")
    m = plast.Model.from_dict(SMALL_MODEL)
    assert m.populations == {"in": 50, "E": 40} and m.duration == 1.0 and m.seed == 3
    r1, r2 = m.run(progress=False), plast.Model.load(path).run(progress=False)
    assert r1.seed == 3 and len(r1.spikes["spikes_E"]) > 0
    assert np.array_equal(r1.spikes["spikes_E"].times, r2.spikes["spikes_E"].times)
    w = r1.weights["w"]
    assert w.values.shape == (w.times.size, 10) and w.values.dtype == np.float32
    # The command line on the same file and seed: the same spikes.
    out = tmp_path / "run"
    assert cli("simulate", str(path), "--out", str(out), "-q", "--no-report").returncode == 0
    assert np.array_equal(np.load(out / "spikes_E_times.npy"), r1.spikes["spikes_E"].times)
    # A changed parameter changes the run; another seed another run.
    r3 = m.set(**{"population[0].rate": 40.0}).run(progress=False)
    assert len(r3.spikes["spikes_E"]) > len(r1.spikes["spikes_E"])
    assert not np.array_equal(m.run(seed=4, progress=False).spikes["spikes_E"].times, r1.spikes["spikes_E"].times)


def test_model_mistakes_raise_the_command_line_message(tmp_path):
    bad = dict(SMALL_MODEL, projection=[dict(SMALL_MODEL["projection"][0], post="in")])
    with pytest.raises(ValueError, match="projection\\[0\\].post.*source population"):
        plast.Model.from_dict(bad)
    with pytest.raises(KeyError, match="unknown key"):
        plast.Model.from_dict(dict(SMALL_MODEL, durration=3))
    with pytest.raises(TypeError):
        plast.Model.from_dict({"population": [{"name": "E", "size": object()}]})
    # A model file with a mistake: the same line as `plast simulate`.
    path = tmp_path / "m.toml"
    path.write_text('[[population]]\nname = "E"\nsize = -3\n[[phase]]\nduration = 1.0\n')
    r = cli("simulate", str(path), "--out", str(tmp_path / "x"), "-q")
    line = r.stderr.strip().splitlines()[0]
    with pytest.raises(ValueError) as e:
        plast.Model.load(path)
    assert r.returncode == 2 and e.value.args[0] == line[len("plast simulate: error: "):]
    with pytest.raises(ValueError, match="seed"):
        plast.Model.from_dict(SMALL_MODEL).run(seed=-1)


def test_shipped_model_round_trips_through_dicts():
    path = ROOT / "examples" / "models" / "two_setpoints.toml"
    d = tomllib.loads(path.read_text())
    a = plast.Model.from_dict(d, base_dir=path.parent)
    b = plast.Model.load(path)
    assert a.populations == b.populations and a.projections == b.projections and a.duration == b.duration


def test_pair_stdp_window_matches_the_closed_form():
    r = plast.Rule("pair_stdp", a_plus=0.01, a_minus=0.012)
    lags = np.arange(-40, 41, 5) * 1e-3
    dw = r.window(lags)
    want = np.where(lags > 0, 0.01 * np.exp(-lags / 0.0168), -0.012 * np.exp(lags / 0.0337))
    want[lags == 0] = 0.0  # same step: each event reads the other side's trace before its jump (0)
    # Weights are float32 around w0 = 1: resolution 6e-8 per update.
    np.testing.assert_allclose(dw, want, atol=2e-7)
    pre, post = r.sympy()
    assert "x_post" in str(pre) and "x_pre" in str(post)
    assert "0.01" in r.formula and "x_pre" in r.formula


def test_drift_matches_independent_poisson_trains():
    # Independent Poisson trains at 20 Hz for 200 s: 4000 events per side; each event changes w by
    # a x trace with E[trace] = r tau ~ 0.34-0.67 and sd of the sum ~ sqrt(8000) * 1e-3 ~ 0.09, while
    # the expected change is r^2 (a_plus tau_plus - a_minus tau_minus) T = -1.35: 5 sd = 0.45.
    r = plast.Rule("pair_stdp", a_plus=1e-3, a_minus=1e-3)
    rng = np.random.default_rng(1)
    T, rate = 200.0, 20.0
    pre = np.sort(rng.uniform(0, T, rng.poisson(rate * T)))
    post = np.sort(rng.uniform(0, T, rng.poisson(rate * T)))
    dw = r.drive(pre, post, T, w0=100.0) - 100.0
    want = float(r.drift(rate, rate)) * T
    assert want == pytest.approx(rate * rate * (1e-3 * 0.0168 - 1e-3 * 0.0337) * T)
    assert abs(dw - want) < 0.45, (dw, want)


def test_rule_errors_and_expression_formula():
    with pytest.raises(ValueError, match="family"):
        plast.Rule("bogus")
    with pytest.raises(KeyError, match="unknown key"):
        plast.Rule("pair_stdp", a_pluss=1.0)
    e = plast.Rule("expression", on_pre="x_post - 0.4", on_post="x_pre")
    six = plast.Rule("six_param", alpha=-0.4, kappa=1.0, gamma=1.0)
    np.testing.assert_array_equal(e.window(np.array([-0.01, 0.01])), six.window(np.array([-0.01, 0.01])))
    import sympy

    on_pre, on_post = e.sympy()
    assert sympy.simplify(on_pre - (sympy.Symbol("x_post") - 0.4)) == 0 and on_post == sympy.Symbol("x_pre")
    with pytest.raises(ValueError, match="1-D"):
        e.window(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="finite"):
        e.drive([np.nan], [0.1], 1.0)


def test_ctrl_c_raises_keyboard_interrupt_and_keeps_the_run(tmp_path):
    out = tmp_path / "run"
    toy = tmp_path / "toy.toml"
    toy.write_text(SMALL_TOY)
    code = (f"import sys; sys.path.insert(0, {str(ROOT / 'python' / 'tests')!r}); from plast_module import plast\n"
            "import time\nprint('start', flush=True)\n"
            "try:\n"
            f"    plast.simulate(None, set=['network.scale=0.1', 'network.warmup=600'], out={str(out)!r}, quiet=True)\n"
            "except KeyboardInterrupt as e:\n"
            "    print('interrupted:', e, flush=True)\n"
            f"    plast.toy({str(toy)!r}, out={str(tmp_path / 'after')!r}, quiet=True)\n"
            "    print('alive', flush=True)\n")
    env = dict(os.environ)
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert p.stdout.readline().strip() == "start"
    deadline = time.monotonic() + 60
    while not (out / "run.json").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=120)
    assert p.returncode == 0, stderr
    assert "interrupted: interrupted (SIGINT)" in stdout and "alive" in stdout, stdout + stderr
    import json
    assert json.loads((out / "run.json").read_text())["status"] == "interrupted"


def test_input_spike_trains_and_initial_weights_as_arrays(tmp_path):
    rng = np.random.default_rng(2)
    n_in = 30
    spikes = np.array(sorted((t, float(i)) for i in range(n_in) for t in rng.uniform(0, 1.0, 40)))  # 40 Hz each
    pairs = np.array([(i, j, 0.5 + 0.05 * i) for i in range(n_in) for j in range(5)], dtype=float)
    d = {"seed": 1,
         "population": [{"name": "src", "size": n_in, "model": "spike_file", "file": spikes}, {"name": "E", "size": 5}],
         "rule": {"zero": {"family": "six_param"}},  # updates computed, no change: the weights stay as given
         "projection": [{"name": "src_E", "pre": "src", "post": "E", "connect": "list", "file": pairs, "rule": "zero"}],
         "phase": [{"name": "run", "duration": 1.0}],
         "monitor": [{"name": "sp", "kind": "spikes", "population": "E"},
                     {"name": "w", "kind": "weights", "projection": "src_E", "samples": len(pairs), "interval": 0.5}]}
    r = plast.Model.from_dict(d).run(progress=False)
    # The initial weights are the array's third column (in storage order: sorted by the engine).
    w0 = r.weights["w"].values[0]
    assert sorted(w0.tolist()) == pytest.approx(sorted(pairs[:, 2].tolist()), abs=1e-6)
    # The same arrays written as files: the same run.
    np.save(tmp_path / "s.npy", spikes)
    np.save(tmp_path / "p.npy", pairs)
    d2 = {**d, "population": [dict(d["population"][0], file="s.npy"), d["population"][1]],
          "projection": [dict(d["projection"][0], file="p.npy")]}
    r2 = plast.Model.from_dict(d2, base_dir=tmp_path).run(progress=False)
    assert len(r.spikes["sp"]) > 0 and np.array_equal(r.spikes["sp"].times, r2.spikes["sp"].times)
    # Wrong dtype, shape, values: ValueError naming the key.
    for bad, msg in ((spikes.astype(str), "dtype"), (spikes[:, :1], "shape"), (np.full((2, 2), np.nan), "NaN")):
        with pytest.raises(ValueError, match=f"population\\[0\\].file: .*{msg}"):
            plast.Model.from_dict({**d, "population": [dict(d["population"][0], file=bad), d["population"][1]]})
    neg = spikes.copy()
    neg[0, 1] = n_in + 3  # a neuron outside the population: the file reader's message
    with pytest.raises(ValueError, match="population\\[0\\]"):
        plast.Model.from_dict({**d, "population": [dict(d["population"][0], file=neg), d["population"][1]]})


def test_the_gil_is_released_while_a_model_runs():
    import threading

    m = plast.Model.from_dict(dict(SMALL_MODEL, phase=[{"name": "run", "duration": 20.0}], monitor=[]))
    t = threading.Thread(target=m.run, kwargs={"progress": False})
    t.start()
    n = 0
    while t.is_alive():  # runs only while the simulation thread does not hold the GIL
        n += 1
        time.sleep(0.0005)
    t.join()
    # 20 simulated seconds are 200000 steps of 90 neurons (tens of ms at least); with the GIL held
    # this loop would run about once.
    assert n >= 20, n
