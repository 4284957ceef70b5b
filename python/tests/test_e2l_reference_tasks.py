"""scripts/e2l_reference_tasks.py draws the reference's correlation-task instances; plast reads them as spike files.

Checked here on short tasks: the draw keeps the protocol's invariants (one pattern spike per pattern neuron and
window, only pattern spikes inside the windows, rate balancing with replacement), and the written files and
configuration run through `plast evaluate correlation` with the per-task start values.
"""
import sys

import e2l_cli
import numpy as np

sys.path.insert(0, str(e2l_cli.ROOT / "scripts"))
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
    out = e2l_cli.run("evaluate", "correlation", "w*E - w - E; E - w", "--config", tmp_path / "c.toml", cwd="/")
    assert "min over 2 experiments" in out
    per = e2l_cli.per_experiment(out)
    assert len(per) == 2 and all(np.isfinite(per))

    # A run's saved configuration lists every key with its default (rate, frozen_noise, subsample, w_init):
    # it must load again, so that `plast evolve --resume` works on given inputs.
    resolved = e2l_cli.print_config(tmp_path / "c.toml")
    assert "frozen_noise" in resolved and "w_init" in resolved
    (tmp_path / "resolved.toml").write_text(resolved)
    out = e2l_cli.run("evaluate", "correlation", "w*E - w - E; E - w", "--config", tmp_path / "resolved.toml")
    assert e2l_cli.per_experiment(out) == per


def test_evolve_settings_are_the_examples_without_its_task_section(tmp_path):
    text = ref.evolve_settings()
    assert "[cgp]" in text and "[ea]" in text and "[correlation]" not in text
    (tmp_path / "e.toml").write_text(text)
    assert "legacy_mutation_0_1_0 = true" in e2l_cli.print_config(tmp_path / "e.toml")
