"""Model files end to end: `plast simulate MODEL.toml` writes its recordings, phases and a report with the
model figures; a mistake in a model file is one clear line and nothing is written."""
import json

import numpy as np

from test_cli import ROOT, plast


def test_model_file_run_writes_recordings_phases_and_report(tmp_path):
    out = tmp_path / "run"
    r = plast("simulate", str(ROOT / "examples" / "models" / "two_setpoints.toml"),
              "--set", "phase[0].duration=5.0", "--set", "phase[1].duration=4.0", "--set", "phase[2].duration=3.0",
              "--out", str(out))
    assert r.returncode == 0, r.stderr
    run = json.loads((out / "run.json").read_text())
    s = run["summary"]
    assert [p["name"] for p in s["phases"]] == ["settle", "train", "background", "probe_A", "probe_B"]
    # The schedule alternates stimuli and background blocks (0.5 s on, 1.5 s off in 4 s: two blocks each).
    assert s["phases"][1]["stimuli"].count("-") == 2
    kinds = {rec["monitor"]: rec for rec in s["recordings"]}
    rate = np.load(out / kinds["rate_E_low"]["files"][0])
    times = np.load(out / kinds["rate_E_low"]["files"][1])
    assert rate.shape == (times.size, 1) and times.size == 5  # 3 background bins + 2 probe bins
    # Per-phase rates (summary and headline): the background's is the mean of its own bins only, not of
    # the probes' (which respond far above it).
    per_phase = {p["phase"]: p for p in s["phase_rates"]}
    assert list(per_phase) == ["background", "probe_A", "probe_B"]
    bg = per_phase["background"]
    assert (bg["t0"], bg["t1"]) == (9.0, 12.0)
    assert abs(bg["rates"]["E_low"] - rate[:3, 0].mean()) < 1e-5
    assert per_phase["probe_A"]["rates"]["E_low"] > bg["rates"]["E_low"]
    assert any(line.startswith("background (9–12 s): ") for line in run["headline"])
    w = np.load(out / kinds["weights_I_E_low"]["files"][0])
    wt = np.load(out / kinds["weights_I_E_low"]["files"][1])
    assert w.shape == (wt.size, 200) and wt[0] == 0.0  # weights over the whole run, from t = 0
    assert (out / "report.html").exists()
    for fig in ("model_rates.png", "model_weights.png", "model_raster.png"):
        assert (out / "figures" / fig).exists(), fig


def test_model_file_mistake_is_one_line_and_writes_nothing(tmp_path):
    model = tmp_path / "m.toml"
    model.write_text('[[population]]\nname = "in"\nsize = 10\nmodel = "poisson"\nrate = 5.0\n'
                     '[[population]]\nname = "E"\nsize = 10\n'
                     '[[projection]]\npre = "E"\npost = "in"\np = 0.1\n'
                     '[[phase]]\nduration = 1.0\n')
    out = tmp_path / "run"
    r = plast("simulate", str(model), "--out", str(out))
    assert r.returncode == 2
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and "m.toml:11: projection[0].post" in err[0] and "source population" in err[0], r.stderr
    assert not out.exists()
