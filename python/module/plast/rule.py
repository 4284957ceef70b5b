"""plast.Rule: one plasticity rule of a model file ([rule.NAME]: family and parameters, docs/model.md),
constructed from Python, evaluated on one synapse by the compiled engine.

Every family changes the weight on events only, dw = eta * f, with traces that jump by 1 on each
spike and decay with their time constant; f = on_pre on a presynaptic arrival, on_post on a
postsynaptic spike, both reading the traces as they stand before the step's increments.

    r = plast.Rule("pair_stdp", a_plus=0.01, a_minus=0.012)
    dw = r.window(np.linspace(-0.1, 0.1, 201))   # one pair, post - pre lag in s
    r.formula, r.sympy(), r.drift(5.0, 5.0)
    plast.Rule("expression", on_pre="0.002 - 0.03 * x_post", on_post="0.01 * x_pre").drift(10, 10)  # estimate, .se
"""
import numpy as np

from . import _core
from .toml_text import dumps

FAMILIES = ("six_param", "pair_stdp", "vogels_istdp", "triplet_stdp", "product21", "expression")


def _neuron_values(neuron):
    """(V, V_trace, C_exc, C_inh) from a dict (missing keys: -70 mV, -70 mV, 0, 0), or None."""
    if neuron is None:
        return None
    keys = {"V": -70.0, "V_trace": -70.0, "C_exc": 0.0, "C_inh": 0.0}
    unknown = [k for k in neuron if k not in keys]
    if unknown:
        raise KeyError(f"neuron: unknown key '{unknown[0]}' (allowed: {', '.join(keys)})")
    vals = tuple(float(neuron.get(k, d)) for k, d in keys.items())
    if not all(np.isfinite(vals)):
        raise ValueError(f"neuron: values must be finite, not {vals}")
    return vals


class DriftEstimate(float):
    """A drift estimated by simulation: the value (a float, per s) with its standard error `.se` over
    `.synapses` independent synapses of `.duration` s each."""

    def __new__(cls, value, se, synapses, duration):
        x = super().__new__(cls, value)
        x.se, x.synapses, x.duration = float(se), int(synapses), float(duration)
        return x

    def __repr__(self):
        return f"DriftEstimate({float(self)!r}, se={self.se!r})"


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
    def drive(self, pre, post, duration, w0=1.0, dt=1e-4, neuron=None):
        """Weight after `duration` s of one synapse with presynaptic arrivals at times `pre` and
        postsynaptic spikes at `post` (s; arrays, 1-D; or 2-D: one synapse per row). Times are put on
        the step grid (round(t / dt)). neuron: the postsynaptic variables a rule may read, held
        constant (dict with V, V_trace in mV, C_exc, C_inh; defaults -70, -70, 0, 0); needed by rules
        that read them (product21, mlp_t4, expressions naming them)."""
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
        w = self._drive(to_steps(pre), to_steps(post), steps, float(w0), float(dt), neuron)
        return float(w[0]) if single else w

    def _drive(self, pre, post, steps, w0, dt, neuron):
        try:
            return _core.rule_drive(self.text, "r", pre, post, steps, w0, dt, _neuron_values(neuron))
        except RuntimeError as e:
            if "need a CVAIF postsynaptic group" in str(e):
                raise ValueError("neuron: the rule reads V, V_trace, C_exc or C_inh: give their values, e.g. "
                                 "neuron={'V': -60.0, 'V_trace': -60.0, 'C_exc': 0.0, 'C_inh': 0.0}") from None
            raise

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

    def drift(self, rate_pre, rate_post, w=1.0, duration=20.0, synapses=100, seed=0, dt=1e-4, neuron=None):
        """Mean-field drift <dw/dt> (per s) for independent Poisson pre and post spike trains at these
        rates (Hz).

        Six-parameter families (six_param, pair_stdp, vogels_istdp) and triplet_stdp: the closed form,
        each event reading the other side's trace at its mean (rate x tau); arrays broadcast; w and the
        other arguments are not used.

        expression and product21 (any update, possibly depending on w, neuron state or extra traces):
        estimated by simulation. `synapses` lone synapses start at weight w, each driven by its own
        Poisson trains (numpy generator `seed`) for a warm-up of 10 trace time constants (traces
        reach their stationary statistics) and then `duration` s; the estimate is the mean of
        (w(end) - w(end of warm-up)) / duration with its standard error over the synapses (.se of
        the returned DriftEstimate). Scalar rates only. The weight moves during the run: for a rule
        that depends on w the estimate is the drift near w as long as |drift| x duration is small
        against the scale of that dependence (the estimate is the mean of dw/dt over the run). Weights
        stay in [0, 1e9]: a synapse that reaches 0 is an error (start at a larger w). Neuron
        variables a rule reads are held at `neuron` (see drive())."""
        rp, rq = np.asarray(rate_pre, dtype=float), np.asarray(rate_post, dtype=float)
        if self.family in ("six_param", "pair_stdp", "vogels_istdp"):
            s = self._six()
            return self.eta * (rp * (s["alpha"] + s["kappa"] * rq * s["tau_post"]) +
                               rq * (s["beta"] + s["gamma"] * rp * s["tau_pre"]))
        if self.family == "triplet_stdp":
            p, tr = self._d["params"], {t[0]: t[2] for t in self._d["traces"]}
            return self.eta * (-rp * rq * self._d["tau_post"] * (p["a2_minus"] + p["a3_minus"] * rp * tr["r2"]) +
                               rq * rp * self._d["tau_pre"] * (p["a2_plus"] + p["a3_plus"] * rq * tr["o2"]))
        return self._simulated_drift(rp, rq, w, duration, synapses, seed, dt, neuron)

    def _simulated_drift(self, rp, rq, w, duration, synapses, seed, dt, neuron):
        if rp.ndim or rq.ndim:
            raise ValueError(f"drift: scalar rates for the {self.family} family (its drift is estimated by simulation)")
        rp, rq, w, duration, dt = float(rp), float(rq), float(w), float(duration), float(dt)
        for name, v, ok in (("rate_pre", rp, rp >= 0), ("rate_post", rq, rq >= 0), ("w", w, w > 0),
                            ("duration", duration, duration > 0), ("dt", dt, dt > 0)):
            if not (ok and np.isfinite(v)):
                raise ValueError(f"drift: {name}: out of range: {v} (allowed: {'[0, inf)' if name.startswith('rate') else '(0, inf)'})")
        synapses = int(synapses)
        if synapses < 2:
            raise ValueError(f"drift: synapses: out of range: {synapses} (allowed: [2, inf): the standard error needs two)")
        taus = [self._d["tau_pre"], self._d["tau_post"]] + [t[2] for t in self._d["traces"]]
        taus += [float(v) for k, v in self.params.items() if k.startswith("tau") and isinstance(v, (int, float))]
        warm = 10.0 * max([t for t in taus if t > 0] or [0.02])
        total = warm + duration
        rng = np.random.default_rng(seed)
        n_w, n_t = int(round(warm / dt)), int(round(total / dt))
        trains = []
        for _ in range(synapses):
            for r in (rp, rq):
                t = np.sort(rng.uniform(0.0, total, rng.poisson(r * total)))
                trains.append(np.unique(np.minimum(np.round(t / dt).astype(np.int64), n_t - 1)).tolist())
        pre, post = trains[0::2], trains[1::2]
        w_warm = self._drive(pre, post, n_w, w, dt, neuron)
        w_end = self._drive(pre, post, n_t, w, dt, neuron)
        if np.any(w_end <= 0) or np.any(w_warm <= 0):
            raise ValueError(f"drift: the weight reached 0 on a synapse (weights stay in [0, 1e9]); "
                             f"start at a larger w than {w} or shorten duration")
        d = (np.asarray(w_end, dtype=float) - np.asarray(w_warm, dtype=float)) / ((n_t - n_w) * dt)
        return DriftEstimate(d.mean(), d.std(ddof=1) / np.sqrt(synapses), synapses, duration)
