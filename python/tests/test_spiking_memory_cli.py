"""Bad input for the spiking and memory verbs: one clear error line, exit code 2, nothing written."""
import pytest

from test_cli import plast


@pytest.mark.parametrize(
    "setting,expect",
    [
        ("network.p_rec=1.5", "network.p_rec: out of range: 1.5 (allowed: [0, 1])"),
        ("network.rule_EE.theta=[-0.02,0.02,0,0,0,0]", "network.rule_EE.theta: tau_pre (theta[0]) must be > 0"),
        ("network.delay=0.00005", "network.delay: delay"),
        ("network.w_max=-1", "network.w_max: out of range: -1"),
        ("network.n_exc=0", "network.n_exc: out of range: 0"),
        ("network.n_exc=2000000", "network.n_exc: network needs about"),
        ("network.neuron.tau_m=0", "network.neuron.tau_m: out of range: 0"),
    ],
)
def test_simulate_bad_input(tmp_path, setting, expect):
    r = plast("simulate", "--out", str(tmp_path / "x"), "-q", "--set", setting)
    assert r.returncode == 2, r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expect in lines[0], r.stderr
    assert not (tmp_path / "x").exists()


def test_memory_query_selecting_no_rule_and_foreign_archive(tmp_path):
    # A toy screen archive has other parameters than a quadruplet.
    cfg = tmp_path / "s.toml"
    cfg.write_text('seed = 1\n[task]\nepochs = 500\n[[round]]\nproposal = "prior"\ncandidates = 20\n')
    assert plast("screen", str(cfg), "--out", str(tmp_path / "scr"), "-q", "--no-report").returncode == 0
    arch = tmp_path / "scr" / "archive.sqlite"
    before = arch.read_bytes()
    r = plast("memory", "--out", str(tmp_path / "m"), "-q", "--set", f"memory.archive={arch}")
    assert r.returncode == 2 and "not a 6pPol quadruplet" in r.stderr
    assert arch.read_bytes() == before
    r = plast("memory", "--out", str(tmp_path / "m"), "-q", "--set", 'memory.conditions=["bogus"]')
    assert r.returncode == 2 and "unknown condition 'bogus'" in r.stderr
    assert not (tmp_path / "m").exists()
