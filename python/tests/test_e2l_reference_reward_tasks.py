"""scripts/e2l_reference_reward_tasks.py draws the reference's reward-task instances; plast reads them as directories.

Checked here: the draw has the protocol's shape (45 connected inputs, 30 stimuli with labels +-1, Poisson counts at
6 Hz x 500 ms, times on the 0.01 ms grid), the written directories and configuration run through `plast evaluate
reward` and load again from a run's saved configuration (so `plast evolve --resume` works on them).
"""
import os
import pathlib
import subprocess
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLI = os.environ.get("PLAST_CLI", str(ROOT / "build" / "plast"))
sys.path.insert(0, str(ROOT / "scripts"))
import e2l_reference_reward_tasks as ref  # noqa: E402


def test_draw_has_the_protocols_shape():
    stimuli, labels, connected, w0, trials = ref.draw(11231)
    assert len(connected) == 45 and len(w0) == 45 and set(ref.CONNECTION_GAPS).isdisjoint(connected)
    assert len(stimuli) == 30 and set(labels) <= {-1.0, 1.0} and len(trials) == 500
    assert min(trials) >= 0 and max(trials) < 30
    counts = np.array([[len(t) for t in st] for st in stimuli])
    # 1500 Poisson(3) counts: mean 3 within 4 standard errors.
    assert abs(counts.mean() - 3.0) < 4.0 * np.sqrt(3.0 / counts.size)
    times = np.concatenate([t for st in stimuli for t in st])
    assert times.min() > 0.0 and times.max() < 500.0
    assert np.allclose(times * 100.0, np.round(times * 100.0), atol=1e-6)
    # N(0, 1000 pA) weights.
    assert abs(np.std(w0) - 1000.0) < 400.0


def test_written_set_runs_in_plast_and_its_saved_configuration_loads_again(tmp_path):
    ref.write_set(str(tmp_path), "validation", n=2)
    d = tmp_path / "validation" / "experiment0"
    assert (d / "spikes.csv").read_text().splitlines()[0] == "pattern,input,time_ms"
    first = (d / "spikes.csv").read_text().splitlines()[1].split(",")
    assert float(first[2]) >= 1.01  # generator time + 1 ms (the relay neuron)
    cfg = tmp_path / "validation.toml"
    assert 'inputs = ["validation/experiment0", "validation/experiment1"]' in cfg.read_text()
    args = ["--config", str(cfg), "--set", "reward.n_trials=20"]
    r = subprocess.run([CLI, "evaluate", "reward", "E*R - E", *args], capture_output=True, text=True, cwd="/")
    assert r.returncode == 0, r.stderr
    per = [float(x) for x in r.stdout.split("per experiment:")[1].split("\n")[0].split()]
    assert len(per) == 2 and all(abs(x) <= 20 for x in per)

    (tmp_path / "e.toml").write_text('task = "reward"\n' + cfg.read_text())
    r = subprocess.run([CLI, "evolve", str(tmp_path / "e.toml"), "--print-config"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "sigma_w" in r.stdout and "p_connect" in r.stdout
    (tmp_path / "resolved.toml").write_text(r.stdout)
    r2 = subprocess.run([CLI, "evaluate", "reward", "E*R - E", "--config", str(tmp_path / "resolved.toml"),
                         "--set", "reward.n_trials=20"], capture_output=True, text=True)
    assert r2.returncode == 0, r2.stderr
    assert [float(x) for x in r2.stdout.split("per experiment:")[1].split("\n")[0].split()] == per


def test_evolve_settings_are_the_examples_without_its_task_section(tmp_path):
    text = ref.evolve_settings()
    assert "[cgp]" in text and "[ea]" in text and "[reward]" not in text
    (tmp_path / "e.toml").write_text(text)
    r = subprocess.run([CLI, "evolve", str(tmp_path / "e.toml"), "--print-config"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert 'task = "reward"' in r.stdout and "legacy_mutation_0_1_0 = true" in r.stdout
