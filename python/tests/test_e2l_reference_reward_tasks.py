"""scripts/e2l_reference_reward_tasks.py draws the reference's reward-task instances; plast reads them as directories.

Checked here: the draw has the protocol's shape (45 connected inputs, 30 stimuli with labels +-1, Poisson counts at
6 Hz x 500 ms, times on the 0.01 ms grid), the written directories and configuration run through `plast evaluate
reward` and load again from a run's saved configuration (so `plast evolve --resume` works on them).
"""
import sys

import e2l_cli
import numpy as np

sys.path.insert(0, str(e2l_cli.ROOT / "scripts"))
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
    n20 = ["--set", "reward.n_trials=20"]
    out = e2l_cli.run("evaluate", "reward", "E*R - E", "--config", cfg, *n20, cwd="/")
    per = e2l_cli.per_experiment(out)
    assert len(per) == 2 and all(abs(x) <= 20 for x in per)

    # A run's saved configuration lists every key with its default (sigma_w, p_connect, ...): it must load
    # again, so that `plast evolve --resume` works on given instances.
    (tmp_path / "e.toml").write_text('task = "reward"\n' + cfg.read_text())
    resolved = e2l_cli.print_config(tmp_path / "e.toml")
    assert "sigma_w" in resolved and "p_connect" in resolved
    (tmp_path / "resolved.toml").write_text(resolved)
    out = e2l_cli.run("evaluate", "reward", "E*R - E", "--config", tmp_path / "resolved.toml", *n20)
    assert e2l_cli.per_experiment(out) == per


def test_evolve_settings_are_the_examples_without_its_task_section(tmp_path):
    text = ref.evolve_settings()
    assert "[cgp]" in text and "[ea]" in text and "[reward]" not in text
    (tmp_path / "e.toml").write_text(text)
    resolved = e2l_cli.print_config(tmp_path / "e.toml")
    assert 'task = "reward"' in resolved and "legacy_mutation_0_1_0 = true" in resolved
