"""plast.Simulation (a model run phase by phase, in pieces, with snapshots) against Model.run, and
Rule.drift estimated by simulation for expression rules against the closed form of the same rule
written in the six-parameter family."""
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from plast_module import plast
from test_cli import ROOT

TWO = ROOT / "examples" / "models" / "two_setpoints.toml"
SMALL = ["phase[0].duration=1.0", "phase[1].duration=2.0", "phase[2].duration=1.0", "phase[3].duration=0.5",
         "phase[4].duration=0.5"]


def same_result(a, b):
    assert a.phases == b.phases
    assert a.spikes.keys() == b.spikes.keys() and a.series.keys() == b.series.keys()
    for k in a.spikes:
        assert np.array_equal(a.spikes[k].times, b.spikes[k].times) and np.array_equal(a.spikes[k].ids, b.spikes[k].ids)
    for k in a.series:
        assert np.array_equal(a.series[k].times, b.series[k].times)
        assert np.array_equal(a.series[k].values, b.series[k].values)
    assert a.metrics == b.metrics and a.verdict == b.verdict
    assert a.raw["synaptic_events"] == b.raw["synaptic_events"]


@pytest.fixture(scope="module")
def model():
    return plast.Model.load(TWO, set=SMALL)


@pytest.fixture(scope="module")
def reference(model):
    return model.run(seed=4, progress=False)


def test_phase_by_phase_and_pieces_equal_one_call(model, reference):
    sim = model.simulation(seed=4)
    assert sim.phases == ["settle", "train", "background", "probe_A", "probe_B"] and sim.position == (0, 5)
    for name in sim.phases:
        sim.run_phase(name)
    assert sim.complete and sim.time == pytest.approx(5.0)
    same_result(sim.result(), reference)
    assert len(reference.spikes["spikes_E_high"]) > 0 and reference.rates["rate_E_low"].values.shape == (2, 1)

    sim = model.simulation(seed=4)
    ran = [sim.run(0.7), sim.run(1.55)]
    assert sim.phase == "train" and sim.phase_remaining == pytest.approx(0.75) and sim.position == (1, 5)
    partial = sim.result()
    assert partial.metrics == {} and partial.verdict == "" and [p["name"] for p in partial.phases] == ["settle"]
    while not sim.complete:
        ran.append(sim.run(0.33))
    assert sum(ran) == pytest.approx(5.0) and sim.run(1.0) == 0.0
    same_result(sim.result(), reference)

    sim = model.simulation(seed=4)
    sim.run(1.2)
    sim.run_phase()  # finishes "train"
    assert sim.phase is None and sim.time == pytest.approx(3.0)
    same_result(sim.run_all().result(), reference)


def test_restore_twice_from_one_snapshot(model):
    # Two probes of A from the snapshot "trained" with a plastic training phase in between: the
    # weights sampled in each probe are the snapshot's, bit for bit (plasticity off). The clock keeps
    # running, and input noise is keyed by the time step: the two probes see independent Poisson
    # input, so their spikes differ while their rates agree within the Poisson spread.
    # The probes switch plasticity off and a phase without `plastic` keeps the setting: "train" is made
    # plastic explicitly so that the second training changes the weights.
    sim = model.with_set("phase[1].plastic=true").simulation(seed=4)
    for p in ["settle", "train", "background"]:
        sim.run_phase(p)
    assert sim.snapshots == ["trained"]
    sim.snapshot("mine")
    assert sim.snapshots == ["mine", "trained"]
    sim.run_phase("probe_A").run_phase("train").run_phase("probe_A")
    r = sim.result()
    starts = [(p["name"], p["t0"], p["repetition"]) for p in r.phases[3:]]
    assert starts == [("probe_A", 4.0, 0), ("train", 4.5, 1), ("probe_A", 6.5, 1)]
    w = r.weights["weights_I_E_low"]
    t = list(w.times)
    at = lambda s: w.values[t.index(s)]
    assert np.array_equal(at(4.0), at(7.0))          # t = 4 snapshot, t = 7 end of the second probe
    assert not np.array_equal(at(4.0), at(6.0))      # the training in between changed them
    e = r.spikes["spikes_E_high"]
    first = e.times[(e.times >= 4.0) & (e.times < 4.5)]
    second = e.times[(e.times >= 6.5) & (e.times < 7.0)]
    assert not np.array_equal(first - 4.0, second - 6.5)
    # 50 neurons x 0.5 s: counts n1, n2; |n1 - n2| < 5 sqrt(n1 + n2) (Poisson bound, generous for the
    # extra variance of a recurrent network).
    assert abs(len(first) - len(second)) < 5 * np.sqrt(len(first) + len(second)) and len(first) > 0


def test_bad_names_and_misuse(model):
    sim = model.simulation(seed=4)
    with pytest.raises(KeyError, match="no phase named 'probe_C'.*settle, train, background"):
        sim.run_phase("probe_C")
    with pytest.raises(KeyError, match="no snapshot named 'x'"):
        sim.restore("x")
    with pytest.raises(ValueError, match="restores snapshot 'trained', which has not been taken yet"):
        sim.run_phase("probe_A")
    with pytest.raises(ValueError, match="index 9 is out of range"):
        sim.run_phase(9)
    with pytest.raises(ValueError, match="neither a phase name nor an index"):
        sim.run_phase(1.5)
    sim.run(0.5)
    with pytest.raises(ValueError, match="'settle' is in progress"):
        sim.run_phase("train")
    with pytest.raises(ValueError, match="seconds"):
        sim.run(-1)
    with pytest.raises(ValueError, match="seed: out of range"):
        model.simulation(seed=-1)
    assert sim.time == pytest.approx(0.5)


def test_the_gil_is_released_while_a_simulation_runs(model):
    # 40 s of settling: long enough (≈ 0.5 s wall on an idle machine) for the ticking thread to be seen.
    sim = model.with_set("phase[0].duration=40.0").simulation(seed=4)
    ticks = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    th = threading.Thread(target=count)
    th.start()
    t0 = time.perf_counter()
    sim.run_phase("settle")
    wall = time.perf_counter() - t0
    stop.set()
    th.join()
    # A thread that sleeps 1 ms per tick gets at least a few ticks in while a second of network runs
    # (under the GIL it would get none until the run returns).
    assert wall > 0.05 and len(ticks) >= 5, (wall, len(ticks))


def test_ctrl_c_stops_a_simulation_which_then_continues_to_the_same_result():
    # A 300 s settle phase (seconds of wall time even on an idle machine) interrupted after half a second: KeyboardInterrupt, the simulation stands
    # inside "settle", and running on from there gives Model.run's arrays exactly.
    code = (f"import sys; sys.path.insert(0, {str(ROOT / 'python' / 'tests')!r}); from plast_module import plast\n"
            "import numpy as np\n"
            f"m = plast.Model.load({str(TWO)!r}, set={SMALL!r} + ['phase[0].duration=300.0'])\n"
            "sim = m.simulation(seed=4)\n"
            "print('start', flush=True)\n"
            "try:\n"
            "    sim.run_phase('settle')\n"
            "    print('not interrupted', flush=True)\n"
            "except KeyboardInterrupt:\n"
            "    print('interrupted', sim.time, sim.phase, flush=True)\n"
            "a, b = sim.run_all().result(), m.run(seed=4, progress=False)\n"
            "same = (a.phases == b.phases and all(np.array_equal(a.series[k].values, b.series[k].values) for k in a.series)\n"
            "        and all(np.array_equal(a.spikes[k].times, b.spikes[k].times) for k in a.spikes))\n"
            "print('same', same, len(a.spikes['spikes_E_high']), flush=True)\n")
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "start"
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=300)
    assert p.returncode == 0, stderr
    lines = dict((line.split(" ", 1) + [""])[:2] for line in stdout.splitlines())
    assert "interrupted" in lines, stdout + stderr
    t, phase = lines["interrupted"].split()
    assert 0 < float(t) < 300 and phase == "settle"
    same, spikes = lines["same"].split()
    assert same == "True" and int(spikes) > 0


SIX = dict(tau_pre=0.02, tau_post=0.03, alpha=0.002, beta=-0.001, gamma=0.05, kappa=-0.03)


def test_expression_drift_by_simulation_matches_the_closed_form():
    six = plast.Rule("six_param", **SIX)
    expr = plast.Rule("expression", on_pre=f"{SIX['alpha']} + {SIX['kappa']} * x_post",
                      on_post=f"{SIX['beta']} + {SIX['gamma']} * x_pre", tau_pre=SIX["tau_pre"],
                      tau_post=SIX["tau_post"])
    for rp, rq in [(10.0, 10.0), (20.0, 5.0)]:  # closed form 0.02 and 0.045 per s
        want = float(six.drift(rp, rq))
        got = expr.drift(rp, rq, duration=10.0, synapses=40, seed=1)
        assert isinstance(got, plast.DriftEstimate) and got.synapses == 40
        # The estimate is a mean of 40 independent synapses: within 4 standard errors of the truth
        # (fails by chance with probability ~6e-5), and the error is small enough to tell drifts apart.
        assert abs(got - want) < 4 * got.se, (rp, rq, float(got), got.se, want)
        assert got.se < 0.2 * abs(want), (got.se, want)
    # A rule that depends on w: each presynaptic spike removes 1 % of w, so after N Poisson spikes
    # E[w] = w0 E[0.99^N] = w0 exp(-0.01 r t). The estimate is the mean of (w(W + T) - w(W)) / T
    # with the warm-up W = 10 x 0.02 s: w0 (exp(-0.01 r (W + T)) - exp(-0.01 r W)) / T.
    decay = plast.Rule("expression", on_pre="-0.01 * w")
    got = decay.drift(20.0, 0.0, w=2.0, duration=2.0, synapses=40, seed=2)
    want = 2.0 * (np.exp(-0.01 * 20 * 2.2) - np.exp(-0.01 * 20 * 0.2)) / 2.0
    assert abs(got - want) < 4 * got.se, (float(got), got.se, want)
    with pytest.raises(ValueError, match="scalar rates"):
        expr.drift(np.array([1.0, 2.0]), 1.0)
    with pytest.raises(ValueError, match="reached 0"):
        plast.Rule("expression", on_pre="-0.01").drift(20.0, 0.0, w=0.001, duration=1.0, synapses=4)


def test_product21_drift_by_simulation_matches_its_mean_field():
    # Only c0 (pre learning rate), c4 (V_trace factor), c9 (fast post trace factor) and c10 (post
    # learning rate) set: f_pre = c0 (1 + c4 0.015 V_trace) (1 + c9 2 x_post_fast), f_post = c10, so for
    # independent Poisson trains the drift is r_pre c0 (1 + c4 0.015 V_trace)(1 + 2 c9 r_post tau_fast)
    # + r_post c10 (the trace read at its mean r tau_fast; the rule's other factors are 1).
    c = [0.0] * 21
    c[0], c[4], c[9], c[10] = 0.01, 0.1, 0.5, -0.005
    r = plast.Rule("product21", c=c, tau_fast=0.02, tau_slow=0.1)
    with pytest.raises(ValueError, match="neuron: the rule reads V"):
        r.drift(10.0, 10.0, duration=1.0, synapses=4)
    with pytest.raises(KeyError, match="neuron: unknown key 'v'"):
        r.drift(10.0, 10.0, neuron={"v": -60.0})
    for rp, rq in [(10.0, 10.0), (20.0, 5.0)]:
        want = r.eta * (rp * 0.01 * (1 + 0.1 * 0.015 * -60.0) * (1 + 2 * 0.5 * rq * 0.02) + rq * -0.005)
        got = r.drift(rp, rq, duration=10.0, synapses=40, seed=3, neuron={"V_trace": -60.0})
        assert abs(got - want) < 4 * got.se and got.se < 0.2 * abs(want), (rp, rq, float(got), got.se, want)
