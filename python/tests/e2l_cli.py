"""Helpers shared by the tests that run `plast evaluate` / `plast evolve --print-config` on E2L tasks."""
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLI = os.environ.get("PLAST_CLI", str(ROOT / "build" / "plast"))


def run(*args, **kw):
    """Run the CLI; fail the test with its stderr unless it exits 0."""
    r = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, **kw)
    assert r.returncode == 0, r.stderr
    return r.stdout


def per_experiment(stdout):
    """The numbers of `plast evaluate`'s "per experiment:" line."""
    return [float(x) for x in stdout.split("per experiment:")[1].split("\n")[0].split()]


def print_config(config):
    """`plast evolve CONFIG --print-config`: the resolved configuration, every key with its value."""
    return run("evolve", config, "--print-config")
