"""plast.ConditionalDensity: the screen's conditional density p(theta | metrics) — a mixture density
network over z = logit(u), u = theta mapped to the prior box (uniform or log scale) — trained on the rows
of a screen's archive, with sample, log_prob and conditioning on new target metrics.

    d = plast.ConditionalDensity.from_archive("runs/screen", condition_on=["RI"], where="verdict = 'plausible'")
    theta = d.sample({"RI": 0.9}, 1000)       # parameters whose metrics should be near RI = 0.9
    d.log_prob(theta, {"RI": 0.9})            # log density in theta space (per unit of each parameter)
    d.condition({"RI": 0.9}).pairplot()
"""
import json
import os

import numpy as np

from . import _core
from .archive import Archive


class ConditionalDensity:
    def __init__(self, names, lo, hi, log_scale, condition_on, components=5, hidden=64, max_epochs=300, seed=1):
        self.names, self.condition_on = list(names), list(condition_on)
        self.lo, self.hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        self.log_scale = np.asarray(log_scale, dtype=bool)
        self._d = _core.MixtureDensity(self.names, self.lo.tolist(), self.hi.tolist(), self.log_scale.tolist(),
                                       len(self.condition_on), components, hidden, max_epochs, seed)
        self.validation_nll = None

    @classmethod
    def from_archive(cls, run_dir, condition_on, where="status = 'completed'", **options):
        """Train on a screen's archive: parameters p_* given the metrics m_<condition_on> of the rows
        matching `where` (SQL; rows with a missing metric are left out). The prior box is the run's [prior]."""
        d, theta, x = cls.untrained(run_dir, condition_on, where, **options)
        d.fit(theta, x)
        return d

    @classmethod
    def untrained(cls, run_dir, condition_on, where="status = 'completed'", **options):
        """(density on the run's prior box, not yet trained; theta; x) of the archive rows matching `where`
        with finite parameters and metrics — for training on a subset (e.g. coverage checks)."""
        run_dir = os.fspath(run_dir)
        with open(os.path.join(run_dir, "run.json")) as f:
            prior = json.load(f)["config"].get("prior", {})
        with Archive(run_dir) as a:
            unknown = [m for m in condition_on if m not in a.metric_names]
            if unknown:
                raise KeyError(f"condition_on: unknown metric {unknown[0]!r} (allowed: {', '.join(a.metric_names)})")
            missing = [n for n in a.param_names if n not in prior]
            if missing:
                raise ValueError(f"{run_dir}/run.json: prior.{missing[0]}: no prior box recorded for this parameter")
            rows = a.to_numpy(f"WHERE {where}" if where else "")
            names = a.param_names
        box = [prior[n] for n in names]
        d = cls(names, [b["lo"] for b in box], [b["hi"] for b in box], [b.get("scale") == "log" for b in box],
                condition_on, **options)
        theta = np.column_stack([rows["p_" + n] for n in names]) if len(rows) else np.empty((0, len(names)))
        x = np.column_stack([rows["m_" + m] for m in condition_on]) if len(rows) else np.empty((0, len(condition_on)))
        keep = np.all(np.isfinite(x), axis=1) & np.all(np.isfinite(theta), axis=1)
        return d, theta[keep], x[keep]

    def _x(self, x):
        if isinstance(x, dict):
            unknown = [k for k in x if k not in self.condition_on]
            if unknown:
                raise KeyError(f"{unknown[0]}: not a conditioning metric (allowed: {', '.join(self.condition_on)})")
            missing = [k for k in self.condition_on if k not in x]
            if missing:
                raise ValueError(f"{missing[0]}: target value missing (need: {', '.join(self.condition_on)})")
            x = [x[k] for k in self.condition_on]
        x = np.asarray(x, dtype=float).ravel()
        if x.size != len(self.condition_on) or not np.all(np.isfinite(x)):
            raise ValueError(f"x: {len(self.condition_on)} finite target values ({', '.join(self.condition_on)})")
        return x.tolist()

    def _theta(self, theta):
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        if theta.ndim != 2 or theta.shape[1] != len(self.names):
            raise ValueError(f"theta: shape {theta.shape}: expected N x {len(self.names)} ({', '.join(self.names)})")
        return theta

    def fit(self, theta, x):
        """Train on rows theta (N x parameters, inside the box) and x (N x metrics); returns the validation NLL."""
        theta = self._theta(theta)
        x = np.atleast_2d(np.asarray(x, dtype=float))
        if x.shape != (theta.shape[0], len(self.condition_on)):
            raise ValueError(f"x: shape {x.shape}: expected {theta.shape[0]} x {len(self.condition_on)}")
        self.validation_nll = self._d.fit(theta.tolist(), x.tolist())
        return self.validation_nll

    def sample(self, x, n, stream=0):
        """n parameter vectors (N x parameters, inside the box) given target metrics x (dict or sequence)."""
        return np.array(self._d.sample(self._x(x), int(n), int(stream))).reshape(int(n), len(self.names))

    def log_prob(self, theta, x):
        """log p(theta | x) per row, in theta space: the network's density over z plus log |dz/dtheta|."""
        theta, xs = self._theta(theta), self._x(x)
        inside = np.all((theta > self.lo) & (theta < self.hi), axis=1)
        out = np.full(theta.shape[0], -np.inf)
        ls = self.log_scale
        lo_l, hi_l = np.where(ls, self.lo, 1.0), np.where(ls, self.hi, np.e)  # harmless values off the log dims
        span = np.where(ls, np.log(hi_l / lo_l), self.hi - self.lo)
        for i in np.flatnonzero(inside):
            t = theta[i]
            t_l = np.where(ls, t, 1.0)
            u = np.where(ls, np.log(t_l / lo_l), t - self.lo) / span
            du_dt = 1.0 / (np.where(ls, t_l, 1.0) * span)
            jac = np.sum(np.log(du_dt / (u * (1.0 - u))))
            out[i] = self._d.log_density_z(t.tolist(), xs) + jac
        return out

    def condition(self, x):
        """The density at fixed target metrics x: an object with sample(n), log_prob(theta), pairplot()."""
        return Conditioned(self, self._x(x))


class Conditioned:
    def __init__(self, density, x):
        self.density, self.x = density, x

    def sample(self, n, stream=0):
        return self.density.sample(self.x, n, stream)

    def log_prob(self, theta):
        return self.density.log_prob(theta, self.x)

    def pairplot(self, n=1000, stream=0, bins=30):
        """Pairwise scatter plots and marginal histograms of n samples; returns the matplotlib figure."""
        import matplotlib.pyplot as plt

        s, names = self.sample(n, stream), self.density.names
        d = len(names)
        fig, axes = plt.subplots(d, d, figsize=(2.2 * d, 2.2 * d), squeeze=False)
        for i in range(d):
            for j in range(d):
                ax = axes[i][j]
                if i == j:
                    ax.hist(s[:, i], bins=bins, range=(self.density.lo[i], self.density.hi[i]))
                elif i > j:
                    ax.plot(s[:, j], s[:, i], ".", ms=2, alpha=0.4)
                    ax.set_xlim(self.density.lo[j], self.density.hi[j])
                    ax.set_ylim(self.density.lo[i], self.density.hi[i])
                else:
                    ax.axis("off")
                if i == d - 1:
                    ax.set_xlabel(names[j])
                if j == 0 and i > 0:
                    ax.set_ylabel(names[i])
        cond = ", ".join(f"{k} = {v:g}" for k, v in zip(self.density.condition_on, self.x))
        fig.suptitle(f"p(theta | {cond})")
        fig.tight_layout()
        return fig
