"""`plast VERB --print-config`: every key of every verb's default configuration and of every shipped
example is printed with a comment giving its unit, meaning and allowed values, and the printed text is
a configuration the verb accepts back unchanged (print, re-load, same effective configuration)."""
import os
import pathlib
import subprocess
import tomllib

import pytest

CLI = os.environ.get("PLAST_CLI", str(pathlib.Path(__file__).resolve().parents[2] / "build" / "plast"))
ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
VERBS = ["toy", "simulate", "screen", "memory", "evolve", "infer", "demo"]
# Examples that read the outputs of an earlier run (a screen archive): their configuration cannot be
# resolved without that run, so the walk checks the error names the missing input instead.
NEEDS_A_RUN = {"fsbi_promote.toml": "screen", "memory_knockouts.toml": "memory"}


def print_config(verb, config=None, cwd=None):
    args = [CLI, verb] + ([str(config)] if config else []) + ["--print-config"]
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, timeout=120)


def verb_of(example):
    """The verb an example is written for: the first verb that accepts it."""
    for verb in VERBS:
        if print_config(verb, example).returncode == 0:
            return verb
    return None


def check_documented(text, what):
    undocumented, uncommented = [], []
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#") or s.startswith("["):
            continue
        if "   # " not in line:
            uncommented.append(line)
        elif "(undocumented key)" in line:
            undocumented.append(s.split(" = ")[0])
    assert not undocumented, f"{what}: keys without documentation: {undocumented}"
    assert not uncommented, f"{what}: lines without a comment: {uncommented}"


def check_round_trip(verb, text, tmp_path, what):
    # Relative paths in examples (models/, data/) resolve against the configuration's folder.
    for sub in EXAMPLES.iterdir():
        if sub.is_dir() and not (tmp_path / sub.name).exists():
            (tmp_path / sub.name).symlink_to(sub)
    printed = tmp_path / f"printed_{verb}.toml"
    printed.write_text(text)
    again = print_config(verb, printed)
    assert again.returncode == 0, f"{what}: the printed configuration is refused: {again.stderr}"
    assert tomllib.loads(again.stdout) == tomllib.loads(text), f"{what}: re-loading changed the configuration"
    # Identical text apart from the first line (which names the source).
    assert again.stdout.splitlines()[1:] == text.splitlines()[1:]


@pytest.mark.parametrize("verb", VERBS)
def test_default_configuration_is_documented_and_round_trips(verb, tmp_path):
    r = print_config(verb)
    assert r.returncode == 0, r.stderr
    check_documented(r.stdout, f"{verb} default")
    check_round_trip(verb, r.stdout, tmp_path, f"{verb} default")


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.toml")))
def test_example_configuration_is_documented_and_round_trips(example, tmp_path):
    path = EXAMPLES / example
    if example in NEEDS_A_RUN:
        r = print_config(NEEDS_A_RUN[example], path)
        assert r.returncode == 2 and "archive" in r.stderr, r.stderr
        return
    verb = verb_of(path)
    assert verb, f"no verb accepts {example}"
    r = print_config(verb, path)
    check_documented(r.stdout, example)
    check_round_trip(verb, r.stdout, tmp_path, example)


def test_numbers_print_at_their_precision():
    # 0.3 is stored as 0.29999999999999999 (17 digits); the printout gives the shortest text that
    # reads back to the same double.
    r = print_config("simulate")
    assert "ampa_nmda_ratio = 0.3 " in r.stdout
    assert "0.29999999999999999" not in r.stdout
    line = next(l for l in r.stdout.splitlines() if l.strip().startswith("tau_m = "))
    assert "# s, membrane time constant (> 0)" in line
