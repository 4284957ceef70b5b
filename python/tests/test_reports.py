"""Every verb's report is rendered and readable: a headline first (also printed by the verb), a table of
contents, numbers without raw JSON, the verdict table where the run has one; the glossary page agrees
with the report package's table."""
import json
import pathlib
import re
import subprocess
import sys

import pytest

from test_cli import CLI, ROOT, SMALL_TOY

sys.path.insert(0, str(ROOT / "python"))
from plast_report import glossary  # noqa: E402

RULE_NAMES = [f"{c}_{p}" for c in ("EE", "EI", "IE", "II") for p in ("tau_pre", "tau_post", "alpha", "beta", "gamma", "kappa")]


def run(tmp_path, verb, config, sets=(), extra=()):
    out = tmp_path / verb
    args = [CLI, verb] + ([str(config)] if config else []) + [a for s in sets for a in ("--set", s)] + list(extra)
    r = subprocess.run(args + ["--out", str(out), "-j", "1"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out, r


def check_report(out, r, verb):
    run_json = json.loads((out / "run.json").read_text())
    headline = run_json.get("headline", [])
    assert headline, f"{verb}: no headline in run.json"
    for line in headline:
        assert f"plast {verb}: {line}" in r.stderr  # printed at the end of the run
    html = (out / "report.html").read_text()
    assert "class='headline'" in html and html.index("class='headline'") < html.index("Key numbers")
    assert "<nav>" in html
    # No raw JSON objects or Python reprs in the tables.
    body = re.sub(r"<[^>]+>", " ", html)
    assert '{"' not in body and "{'" not in body, f"{verb}: raw dict in the report"
    # No 16-digit floats.
    assert not re.search(r"\d\.\d{9,}", body), f"{verb}: unformatted float in the report"
    return run_json, html


def test_simulate_report_has_the_verdict_table(tmp_path):
    out, r = run(tmp_path, "simulate", None, ["network.scale=0.05", "network.warmup=0.5", "network.score=1.0"], ["--seed", "4"])
    run_json, html = check_report(out, r, "simulate")
    table = run_json["summary"]["verdict_table"]
    assert len(table) == 16 and {t["group"] for t in table} == {"stable_activity", "stable_weights", "asynchronous_irregular"}
    failed = {f["metric"] for f in run_json["summary"]["failed"]}
    assert failed == {t["metric"] for t in table if not t["passed"]}
    assert html.count("class='fail'") == len(failed) and html.count("class='pass'") == 16 - len(failed)
    for m in run_json["summary"]["metrics"]:
        assert m in glossary.TERMS and glossary.definition(m), f"metric {m} is not in the glossary"
    verdict = run_json["summary"]["verdict"]
    assert any(line.startswith(verdict) for line in run_json["headline"])


def test_model_file_report(tmp_path):
    sets = ["phase[0].duration=2.0", "phase[1].duration=2.0", "phase[2].duration=2.0"]
    out, r = run(tmp_path, "simulate", ROOT / "examples" / "models" / "two_setpoints.toml", sets)
    run_json, _ = check_report(out, r, "simulate")
    assert any("Hz" in line for line in run_json["headline"])


def test_toy_report(tmp_path):
    cfg = tmp_path / "toy.toml"
    cfg.write_text(SMALL_TOY)
    out, r = run(tmp_path, "toy", cfg)
    run_json, _ = check_report(out, r, "toy")
    assert run_json["headline"][0].startswith("explicit rule: RI = ")


def test_screen_report_ranks_candidates(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('seed = 2\n[task]\nepochs = 500\n[[round]]\nproposal = "prior"\ncandidates = 24\n')
    out, r = run(tmp_path, "screen", cfg)
    run_json, html = check_report(out, r, "screen")
    s = run_json["summary"]
    assert run_json["headline"][0].startswith(f"{s['plausible']} of 24 candidates plausible")
    assert "Rounds" in html and "Best and nearest-to-plausible candidates" in html


def test_screen_report_calibrates_the_conditional_density(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('seed = 2\n[task]\nepochs = 500\n[[round]]\nproposal = "prior"\ncandidates = 160\n'
                   '[[round]]\nproposal = "conditional"\ncandidates = 40\ncondition_on = ["RI"]\ntrain_groups = ["stable"]\n'
                   '[round.targets]\nRI = [0.3, 1.0]\n')
    out, r = run(tmp_path, "screen", cfg)
    _, html = check_report(out, r, "screen")
    assert "Calibration of the conditional density" in html
    assert (out / "figures" / "calibration.png").exists()
    # The one-line reading and the coverage table (9 credible levels 10 % ... 90 %).
    reading = re.search(r"Reading: (calibrated|over-confident|under-confident)", html)
    assert reading, "no calibration reading in the report"
    levels = re.findall(r"<tr><td>(\d+)%</td><td>\d+%</td><td>[+−-]\d\.\d\d</td></tr>", html)
    assert levels == [str(k) for k in range(10, 100, 10)]
    # The numbers are those of `python3 -m plast.posterior RUN_DIR coverage` (same density, same rows).
    env = {"PYTHONPATH": str(pathlib.Path(CLI).resolve().parent / "python"), "PATH": "/usr/bin:/bin"}
    cov = subprocess.run([sys.executable, "-m", "plast.posterior", str(out), "coverage", "--condition-on", "RI"],
                         capture_output=True, text=True, env=env)
    assert cov.returncode == 0, cov.stderr
    for line in cov.stdout.splitlines()[1:]:
        lvl, c = (float(v) for v in line.split(","))
        assert f"<td>{lvl:.0%}</td><td>{c:.0%}</td>" in html


def test_infer_report(tmp_path):
    out, r = run(tmp_path, "infer", ROOT / "examples" / "oja_recovery.toml", ["data.num_train=6", "data.num_eval=3"])
    run_json, html = check_report(out, r, "infer")
    assert run_json["headline"][0].startswith("fitted rule")
    assert "A_110" not in re.sub(r"<[^>]+>", " ", html.split("Figures")[0]) or "x·y" in html


def test_evolve_report_has_hall_of_fame_and_references(tmp_path):
    sets = ["fast=true", "error.n_experiments=1", "error.duration=300", "ea.max_generations=30"]
    out, r = run(tmp_path, "evolve", None, sets)
    run_json, html = check_report(out, r, "evolve")
    refs = {x["name"]: x for x in run_json["summary"]["references"]}
    assert set(refs) == {"no learning", "delta rule"}
    # The best rule ever evaluated is the champion (elitist selection).
    rows = (out / "hall_of_fame.csv").read_text().splitlines()
    assert rows[0] == "list,rank,fitness,size,generation,formula"
    best = [line.split(",") for line in rows[1:] if line.startswith("best,")]
    assert best and float(best[0][2]) == pytest.approx(run_json["summary"]["champion_fitness"], rel=1e-12)
    assert "Hall of fame" in html and "Champion and known rules" in html
    # Student against teacher on one trial: potentials over time and the weights against the teacher's.
    trace = (out / "champion_trace.csv").read_text().splitlines()
    assert trace[0] == "t_ms,v_teacher_mV,u_student_mV" and len(trace) > 100
    weights = (out / "champion_weights.csv").read_text().splitlines()
    n_inputs = len(run_json["summary"]["champion_trace"]["w_teacher_pA"])
    assert len(weights[0].split(",")) == 1 + n_inputs and len(weights) == len(trace)
    assert (out / "figures" / "student_teacher.png").exists()
    assert "Student against teacher: weights" in html and html.count("pA</td>") >= 4 * n_inputs


def test_memory_report_has_the_headline_table(tmp_path):
    rule = [0.02, 0.02, 0, 0, 0, 0] * 2 + [0.02, 0.02, -0.12, 0, 1, 1] + [0.02, 0.02, 0, 0, 0, 0]
    csv = tmp_path / "rules.csv"
    csv.write_text(",".join(["source"] + RULE_NAMES) + "\n" + ",".join(["a"] + [repr(x) for x in rule]) + "\n")
    sets = ["memory.runs=2", "protocol.breaks=[1.0]", "protocol.pretrain=1.0", "protocol.train=1.0",
            "network.scale=0.05", "memory.conditions=['control','static']", f"memory.rules_csv='{csv}'"]
    out, r = run(tmp_path, "memory", ROOT / "examples" / "memory_by_accident.toml", sets)
    run_json, html = check_report(out, r, "memory")
    assert [line.split(":")[0] for line in run_json["headline"]] == ["control", "static"]
    assert "Headline" in html and "Stability per condition (knock-outs)" in html


def test_glossary_page_is_generated_from_the_report_table():
    page = (ROOT / "docs" / "glossary.md").read_text()
    assert page == glossary.markdown(), "regenerate: /usr/bin/python3 -m plast_report.glossary > docs/glossary.md"


def test_tutorials_run_as_written():
    """Every ```sh tutorial block of docs/tutorials.md, in order, from the repository root."""
    import shutil

    text = (ROOT / "docs" / "tutorials.md").read_text()
    blocks = re.findall(r"```sh tutorial\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 7
    shutil.rmtree(ROOT / "runs" / "tutorial", ignore_errors=True)
    env = dict(__import__("os").environ, PLAST_TUTORIAL="1")
    cli_dir = str(pathlib.Path(CLI).resolve().parent.parent)  # the build's parent: commands say build/plast
    try:
        for b in blocks:
            cmd = b.replace("build/plast", CLI) if cli_dir != str(ROOT) else b
            r = subprocess.run(["bash", "-euo", "pipefail", "-c", cmd], cwd=ROOT, capture_output=True, text=True, env=env)
            assert r.returncode == 0, f"tutorial block failed:\n{b}\n{r.stderr[-2000:]}"
    finally:
        shutil.rmtree(ROOT / "runs" / "tutorial", ignore_errors=True)
