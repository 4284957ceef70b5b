"""plast.ConditionalDensity: the screen's mixture density network from Python — it learns a known
conditional, its log_prob is a normalised density in parameter space, and it trains from an archive."""
import numpy as np
import pytest

from plast_module import plast
from test_cli import plast as cli


def test_learns_a_known_conditional_and_is_normalised():
    # theta ~ x + N(0, 0.1^2) inside [-2, 2], x ~ U(-1, 1), 2000 rows.
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (2000, 1))
    theta = np.clip(x + rng.normal(0, 0.1, x.shape), -1.99, 1.99)
    d = plast.ConditionalDensity(["a"], [-2.0], [2.0], [False], ["x"], max_epochs=200, seed=2)
    d.fit(theta, x)
    s = d.sample({"x": 0.5}, 2000)
    assert s.shape == (2000, 1) and np.all((s > -2) & (s < 2))
    # The sample mean has sd 0.1 / sqrt(2000) ~ 0.002; the fit itself is looser: 0.1 (one noise sd).
    assert abs(s.mean() - 0.5) < 0.1 and 0.05 < s.std() < 0.2, (s.mean(), s.std())
    # Normalised in theta space (the logit Jacobian included): trapezoid over the box ~ 1.
    grid = np.linspace(-2, 2, 4001)[1:-1]
    p = np.exp(d.condition({"x": 0.5}).log_prob(grid[:, None]))
    assert np.trapz(p, grid) == pytest.approx(1.0, abs=0.02)
    assert np.isneginf(d.log_prob([[2.5]], [0.5])[0])
    with pytest.raises(KeyError):
        d.sample({"y": 0.5}, 10)
    with pytest.raises(ValueError, match="shape"):
        d.log_prob(np.zeros((3, 2)), [0.5])


def test_trained_from_a_screen_archive(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('seed = 2\n[task]\nepochs = 500\n[[round]]\nproposal = "prior"\ncandidates = 200\n')
    assert cli("screen", str(cfg), "--out", str(tmp_path / "r"), "-q", "--no-report").returncode == 0
    with plast.open_archive(tmp_path / "r") as a:
        metric = a.metric_names[0]
    d = plast.ConditionalDensity.from_archive(tmp_path / "r", [metric], max_epochs=30)
    c = d.condition({metric: 0.5})
    s = c.sample(100)
    assert s.shape == (100, len(d.names)) and np.all((s > d.lo) & (s < d.hi))
    assert np.all(np.isfinite(c.log_prob(s)))
    import matplotlib

    matplotlib.use("Agg")
    fig = c.pairplot(n=200)
    assert len(fig.axes) == len(d.names) ** 2
    with pytest.raises(KeyError, match="unknown metric"):
        plast.ConditionalDensity.from_archive(tmp_path / "r", ["bogus"])


def test_log_scale_parameter_is_normalised_in_parameter_space():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (1500, 1))
    theta = np.exp(rng.uniform(np.log(0.01), np.log(1.0), (1500, 1)))
    d = plast.ConditionalDensity(["eta"], [0.01], [1.0], [True], ["x"], max_epochs=50)
    d.fit(theta, x)
    grid = np.geomspace(0.01, 1.0, 20001)[1:-1]
    assert np.trapz(np.exp(d.log_prob(grid[:, None], [0.2])), grid) == pytest.approx(1.0, abs=0.02)


def test_core_density_checks_sizes():
    d = plast._core.MixtureDensity(["a", "b"], [0.0, 0.0], [1.0, 1.0], [False, False], 1)
    with pytest.raises(ValueError):
        d.sample([0.1, 0.2], 5)
    with pytest.raises(ValueError):
        d.log_density_z([0.5], [0.1])
    with pytest.raises(ValueError):
        d.fit([[0.5, 0.5]] * 20, [[0.1, 0.2]] * 20)
    with pytest.raises(ValueError, match="lo < hi"):
        plast._core.MixtureDensity(["a"], [1.0], [0.0], [False], 1)
