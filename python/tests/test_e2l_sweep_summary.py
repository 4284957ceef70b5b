"""scripts/e2l_sweep_summary.py: successes by generation over run directories, Fisher test against a reference."""
import json
import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("scipy")
SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "e2l_sweep_summary.py"


def run_dir(d, seed, champions):
    """A run directory whose history has one line per generation: (fitness, champion)."""
    d.mkdir()
    lines = ["generation,champion_fitness,mean_parent_fitness,n_evaluations,n_cache_hits,n_silent,champion"]
    for g, (f, c) in enumerate(champions):
        lines.append(f"{g},{f},{f},{8 + 3 * g},0,0,{c}")
    (d / "history.csv").write_text("\n".join(lines) + "\n")
    (d / "run.json").write_text(json.dumps({"seed": seed}))
    return str(d)


def test_counts_successes_by_generation_and_tests_against_the_reference(tmp_path):
    a = run_dir(tmp_path / "a", 1, [(1, "E"), (2, "w"), (12, "E - w")])           # success at 2, stops
    b = run_dir(tmp_path / "b", 2, [(1, "E"), (3, "w"), (3, "w"), (11, "E ; w")])  # success at 3
    c = run_dir(tmp_path / "c", 3, [(1, "E"), (4, "w"), (4, "w"), (4, "w"), (4, "w")])  # never
    out = subprocess.run([sys.executable, str(SCRIPT), "--at", "2", "4", "--reference", "0", "3", a, b, c],
                         capture_output=True, text=True, check=True).stdout
    assert "| 1 | E - w | 12 | 2 | 2 | 12 | (stopped) | 14 |" in out
    assert "| 2 | E ; w | 11 | 3 | 3 | 3 | (stopped) | 17 |" in out
    assert "| 3 | w | 4 | 1 | — | 4 | 4 | 20 |" in out
    assert "by generation 2: 1 of 3 runs reached F >= 10" in out
    assert "by generation 4: 2 of 3 runs reached F >= 10" in out
    assert "p = 0.4" in out  # [[2, 1], [0, 3]]: two-sided Fisher exact p = 0.4


def test_a_run_still_going_is_not_counted_where_it_has_not_arrived(tmp_path):
    a = run_dir(tmp_path / "a", 1, [(1, "E"), (2, "w")])
    out = subprocess.run([sys.executable, str(SCRIPT), a, "--at", "1", "5"], capture_output=True, text=True,
                         check=True).stdout
    assert "| 1 | w | 2 | 1 | — | 2 | (not reached) | 11 |" in out
    assert "by generation 5: 0 of 0 runs" in out
