"""plast.Rule: one plasticity rule of a model file ([rule.NAME]: family and parameters, docs/model.md),
constructed from Python, evaluated on one synapse by the compiled engine.

Every family changes the weight on events only, dw = eta * f, with traces that jump by 1 on each
spike and decay with their time constant; f = on_pre on a presynaptic arrival, on_post on a
postsynaptic spike, both reading the traces as they stand before the step's increments.

    r = plast.Rule("pair_stdp", a_plus=0.01, a_minus=0.012)
    dw = r.window(np.linspace(-0.1, 0.1, 201))   # one pair, post - pre lag in s
    r.formula, r.sympy(), r.drift(5.0, 5.0)
"""
import numpy as np

from . import _core
from .toml_text import dumps

FAMILIES = ("six_param", "pair_stdp", "vogels_istdp", "triplet_stdp", "product21", "expression")


class Rule:
    def __init__(self, family, **params):
        self.family, self.params = family, dict(params)
        self.text = dumps({"rule": {"r": {"family": family, **params}}}) + "\n"
        self._d = _core.rule_check(self.text, "r")  # ValueError / KeyError: the command line's messages
        self.eta = self._d["eta"]

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"Rule({self.family!r}{', ' if args else ''}{args})"

    # --- evaluation on one synapse -------------------------------------------------------------
    def drive(self, pre, post, duration, w0=1.0, dt=1e-4):
        """Weight after `duration` s of one synapse with presynaptic arrivals at times `pre` and
        postsynaptic spikes at `post` (s; arrays, 1-D; or 2-D: one synapse per row). Times are put on
        the step grid (round(t / dt))."""
        pre, post = np.asarray(pre, dtype=float), np.asarray(post, dtype=float)
        single = pre.ndim <= 1 and post.ndim <= 1
        if single:
            pre, post = pre.reshape(1, -1), post.reshape(1, -1)
        if pre.ndim != 2 or post.ndim != 2 or pre.shape[0] != post.shape[0]:
            raise ValueError(f"pre, post: spike times as 1-D arrays or 2-D arrays with one row per synapse "
                             f"(got shapes {pre.shape} and {post.shape})")
        for name, a in (("pre", pre), ("post", post)):
            if not np.all(np.isfinite(a)) or np.any(a < 0):
                raise ValueError(f"{name}: spike times must be finite and >= 0 s")
        if not (dt > 0 and np.isfinite(dt)):
            raise ValueError(f"dt: out of range: {dt} (allowed: (0, inf))")
        steps = int(round(float(duration) / dt))
        to_steps = lambda a: [sorted(int(round(t / dt)) for t in row) for row in a]
        w = _core.rule_drive(self.text, "r", to_steps(pre), to_steps(post), steps, float(w0), float(dt))
        return float(w[0]) if single else w

    def window(self, lags, w0=1.0, dt=1e-4):
        """STDP window: weight change after one pre/post pair for each lag = t_post - t_pre (s)."""
        lags = np.asarray(lags, dtype=float)
        if lags.ndim != 1 or not np.all(np.isfinite(lags)):
            raise ValueError("lags: a 1-D array of finite post - pre lags in s")
        start = 0.1 + max(0.0, float(-lags.min(initial=0.0)))
        pre = np.full((len(lags), 1), start)
        post = (start + lags).reshape(-1, 1)
        duration = start + float(np.abs(lags).max(initial=0.0)) + 0.01
        return self.drive(pre, post, duration, w0=w0, dt=dt) - w0

    # --- formulas --------------------------------------------------------------------------------
    def _six(self):
        tp, tq, a, b, g, k = self._d["six"]
        return dict(tau_pre=tp, tau_post=tq, alpha=a, beta=b, gamma=g, kappa=k)

    @property
    def formula(self):
        """The update as text: 'on_pre: dw = ...; on_post: dw = ...' with this rule's numbers."""
        pre, post = self._formula_texts()
        return f"on_pre: dw = {self.eta!r} * ({pre}); on_post: dw = {self.eta!r} * ({post})"

    def _formula_texts(self):
        if self.family in ("six_param", "pair_stdp", "vogels_istdp"):
            s = self._six()
            return (f"{s['alpha']!r} + {s['kappa']!r} * x_post", f"{s['beta']!r} + {s['gamma']!r} * x_pre")
        if self.family == "triplet_stdp":
            p = self._d["params"]
            return (f"-x_post * ({p['a2_minus']!r} + {p['a3_minus']!r} * r2)",
                    f"x_pre * ({p['a2_plus']!r} + {p['a3_plus']!r} * o2)")
        if self.family == "expression":
            return self._d["on_pre"], self._d["on_post"]
        raise NotImplementedError(f"family {self.family}: no closed formula (its update is spiking/product_rule_21)")

    def sympy(self):
        """(on_pre, on_post) as sympy expressions (eta included), parameters substituted."""
        import sympy

        pre, post = self._formula_texts()
        subs = {sympy.Symbol(k): v for k, v in self._d["params"].items()}
        # Names sympy would read as its constants (E, I, S, N, O, Q) are the rule's variables here.
        names = {k: sympy.Symbol(k) for k in ("E", "S", "I", "N", "O", "Q")}
        conv = lambda t: sympy.sympify(t, locals=names).subs(subs)
        scale = (lambda e: e) if self.eta == 1.0 else (lambda e: self.eta * e)
        return scale(conv(pre)), scale(conv(post))

    def drift(self, rate_pre, rate_post):
        """Mean-field drift <dw/dt> (per s) for independent Poisson pre and post spike trains at these
        rates (Hz): each event reads the other side's trace at its mean (rate x tau)."""
        rp, rq = np.asarray(rate_pre, dtype=float), np.asarray(rate_post, dtype=float)
        if self.family in ("six_param", "pair_stdp", "vogels_istdp"):
            s = self._six()
            return self.eta * (rp * (s["alpha"] + s["kappa"] * rq * s["tau_post"]) +
                               rq * (s["beta"] + s["gamma"] * rp * s["tau_pre"]))
        if self.family == "triplet_stdp":
            p, tr = self._d["params"], {t[0]: t[2] for t in self._d["traces"]}
            return self.eta * (-rp * rq * self._d["tau_post"] * (p["a2_minus"] + p["a3_minus"] * rp * tr["r2"]) +
                               rq * rp * self._d["tau_pre"] * (p["a2_plus"] + p["a3_plus"] * rq * tr["o2"]))
        raise NotImplementedError(f"drift: closed form for the six-parameter and triplet families only, not {self.family}")
