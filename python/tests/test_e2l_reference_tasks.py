"""scripts/e2l_reference_tasks.py draws the reference's correlation-task instances; plast reads them as spike files.

Checked here on short tasks: the draw keeps the protocol's invariants (one pattern spike per pattern neuron and
window, only pattern spikes inside the windows, rate balancing with replacement), and the written files and
configuration run through `plast evaluate correlation` with the per-task start values.
"""
import os
import pathlib
import subprocess
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLI = os.environ.get("PLAST_CLI", str(ROOT / "build" / "plast"))
sys.path.insert(0, str(ROOT / "scripts"))
import e2l_reference_tasks as ref  # noqa: E402


def test_draw_keeps_the_protocols_invariants():
    length = 20000.0
    trains, is_pat = ref.task_input(np.random.RandomState(5), length)
    starts = np.arange(ref.FIRST, length, ref.T_PAT + ref.T_INTER)
    n_pat = int(is_pat.sum())
    # A pattern neuron has >= 1 spike in a 100 ms draw at 3 Hz, whose first ISI is the only one: 1 - exp(-0.3).
    p = 1.0 - np.exp(-0.3)
    assert abs(n_pat - 1000 * p) < 4.0 * np.sqrt(1000 * p * (1 - p))
    for tr, pat in zip(trains, is_pat):
        inside = [np.sum((tr > s) & (tr <= s + ref.T_PAT)) for s in starts]
        if pat:
            assert inside == [1] * len(starts)  # exactly the one pattern spike, in every window
        else:
            assert sum(inside) == 0  # background removed inside the windows
    # Rate balancing: pattern neurons keep int(n/6) background spikes, so both groups fire ~2.4 Hz.
    rate = np.array([tr.size for tr in trains]) / (length * 1e-3)
    assert abs(rate[is_pat].mean() / rate[~is_pat].mean() - 1.0) < 0.1


def test_written_files_run_in_plast(tmp_path):
    trains, _ = ref.task_input(np.random.RandomState(1), 3000.0)
    ref.write_csv(tmp_path / "t0.csv", trains)
    ref.write_csv(tmp_path / "t1.csv", ref.task_input(np.random.RandomState(2), 3000.0)[0])
    rows = (tmp_path / "t0.csv").read_text().splitlines()
    assert rows[0] == "input,time_ms"
    first = rows[1].split(",")
    # Times are the generator's + 1 ms (the relay neuron's delay) on the 0.1 ms grid.
    assert float(first[1]) == round(float(first[1]), 1) and float(first[1]) >= 1.1
    (tmp_path / "c.toml").write_text(
        'task = "correlation"\n[ea]\nmax_generations = 1\n[correlation]\ninputs = ["t0.csv", "t1.csv"]\ntrain = 3000.0\ntest = 3000.0\n'
        "task_w_init = [0.4, 0.3]\ntask_V0 = [10.0, 10.0]\ntask_V0_test = [0.0, 5.0]\n")
    r = subprocess.run([CLI, "evaluate", "correlation", "w*E - w - E; E - w", "--config", str(tmp_path / "c.toml")],
                       capture_output=True, text=True, cwd="/")
    assert r.returncode == 0, r.stderr
    assert "min over 2 experiments" in r.stdout
    per = [float(x) for x in r.stdout.split("per experiment:")[1].split("\n")[0].split()]
    assert len(per) == 2 and all(np.isfinite(per))

    # A run's saved configuration lists every key with its default (rate, frozen_noise, subsample, w_init):
    # it must load again, so that `plast evolve --resume` works on given inputs.
    r = subprocess.run([CLI, "evolve", str(tmp_path / "c.toml"), "--print-config"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "frozen_noise" in r.stdout and "w_init" in r.stdout
    (tmp_path / "resolved.toml").write_text(r.stdout)
    r2 = subprocess.run([CLI, "evaluate", "correlation", "w*E - w - E; E - w", "--config",
                         str(tmp_path / "resolved.toml")], capture_output=True, text=True)
    assert r2.returncode == 0, r2.stderr
    assert [float(x) for x in r2.stdout.split("per experiment:")[1].split("\n")[0].split()] == per


def test_evolve_settings_are_the_examples_without_its_task_section(tmp_path):
    text = ref.evolve_settings()
    assert "[cgp]" in text and "[ea]" in text and "[correlation]" not in text
    (tmp_path / "e.toml").write_text(text)
    r = subprocess.run([CLI, "evolve", str(tmp_path / "e.toml"), "--print-config"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "legacy_mutation_0_1_0 = true" in r.stdout
