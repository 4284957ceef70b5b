"""Shared code of the export checks: protocols of spike steps, plast's weight trajectories (via
`plast export --trajectory`, the engine's own rule path) and the same synapses in Brian2 (the code
`plast export --to brian2` generates, numpy target, dt = 0.1 ms)."""
import importlib.util
import subprocess

import numpy as np

from test_cli import ROOT, plast

DT = 1e-4  # s

# Rules of every exportable family and some expression rules (a model file that holds only rules).
RULES_TOML = """
[[population]]
name = "n"
size = 1
[[phase]]
duration = 0.1

[rule.six_param]
family = "six_param"
theta = [0.02, 0.03, -0.4, 0.1, 1.0, -0.5]
eta = 0.01

[rule.pair_stdp]
family = "pair_stdp"
a_plus = 0.01
a_minus = 0.012

[rule.vogels_istdp]
family = "vogels_istdp"
target_rate = 5.0
eta = 0.01

[rule.triplet_stdp]
family = "triplet_stdp"
a2_plus = 5e-3

[rule.expr_soft_bound]
family = "expression"
eta = 0.01
tau_post = 0.03
on_pre = "w*(x_post - 0.2)"
on_post = "(1 - w/2)*x_pre"

[rule.expr_functions]
family = "expression"
eta = 0.01
on_pre = "-0.5*min(x_post, 0.8)*exp(-w) + clip(r2*A, 0, 0.5)"
on_post = "step(x_pre - 0.3)*abs(x_pre - 1.5)^1.5 + max(log(x_pre + 1), 0.1) - B*o2"
[rule.expr_functions.traces]
r2 = { side = "pre", tau = 0.08 }
o2 = { side = "post", tau = 0.05 }
[rule.expr_functions.params]
A = 0.7
B = 0.3
"""

# Rules with declared states: a BCM rule (a sliding threshold per postsynaptic neuron), an eligibility
# trace and a synaptic tag (per-synapse states, with and without decay).
STATE_RULES_TOML = """
[[population]]
name = "n"
size = 1
[[phase]]
duration = 0.1

[rule.bcm]
family = "expression"
eta = 1e-3
on_post = "x_pre*(ybar - theta)"
[rule.bcm.traces]
ybar = { side = "post", tau = 1.0 }
[rule.bcm.state]
theta = { tau = 0.2, follows = "ybar^2/y0", init = 1.0 }
[rule.bcm.params]
y0 = 10.0

[rule.elig]
family = "expression"
eta = 0.01
on_pre = "-0.5*e*x_post"
on_post = "e"
[rule.elig.synapse_state]
e = { on_pre = "x_post", on_post = "x_pre", tau = 0.05 }

[rule.tag]
family = "expression"
eta = 0.01
on_pre = "tag*x_post - 0.1*w"
on_post = "tag*x_pre"
[rule.tag.synapse_state]
tag = { on_pre = "0.2*(1 - tag)", on_post = "0.05*w - 0.1*tag", init = 0.5 }
"""

# Rules with a continuous weight term (every step w += eta*dt*continuous, after the events, traces and
# post states): a pull towards w0 on top of pair terms, and one reading the traces after the step, a
# per-synapse state at this step's events and a post state after its update.
CONT_RULES_TOML = """
[[population]]
name = "n"
size = 1
[[phase]]
duration = 0.1

[rule.decay]
family = "expression"
eta = 1.0
on_pre = "-0.05*x_post"
on_post = "0.08*x_pre"
continuous = "-(w - w_rest)/tau_w"
[rule.decay.params]
w_rest = 0.5
tau_w = 0.5

[rule.cont_mix]
family = "expression"
eta = 0.01
on_post = "e"
continuous = "20*x_pre*x_post - 2*theta*w + 5*e - r2"
[rule.cont_mix.traces]
r2 = { side = "pre", tau = 0.08 }
ybar = { side = "post", tau = 0.5 }
[rule.cont_mix.state]
theta = { tau = 0.2, follows = "ybar", init = 0.5 }
[rule.cont_mix.synapse_state]
e = { on_pre = "x_post", on_post = "x_pre", tau = 0.05 }
"""

# CGP champion of the documented I->E evolution run (docs/model.md), as `plast export --expression` reads it.
CHAMPION = "x_pre^2 + x_post - x_pre; x_post^2/w"


def protocols(rng):
    """name -> (pre steps, post steps, number of steps)."""
    def train(first, period, n):
        return [first + k * period for k in range(n)]
    p = {}
    # Pairing at 20 Hz, 20 pairs, post 10 ms after / before pre (100 steps).
    p["pair +10 ms"] = (train(100, 500, 20), train(200, 500, 20))
    p["pair -10 ms"] = (train(200, 500, 20), train(100, 500, 20))
    # Same-step pre and post (plast: both terms read the traces before either increment).
    p["pair 0 ms"] = (train(100, 500, 20), train(100, 500, 20))
    # Triplets at 10 Hz: pre-post-pre and post-pre-post, 5 ms apart.
    p["pre-post-pre"] = (sorted(train(100, 1000, 10) + train(200, 1000, 10)), train(150, 1000, 10))
    p["post-pre-post"] = (train(150, 1000, 10), sorted(train(100, 1000, 10) + train(200, 1000, 10)))
    # Independent Poisson trains, 10 Hz each, 3 s.
    n = 30000
    p["Poisson 10 Hz"] = (list(np.flatnonzero(rng.random(n) < 10 * DT)), list(np.flatnonzero(rng.random(n) < 10 * DT)))
    steps = max(max(a + b) for a, b in p.values()) + 200
    return p, steps


def write_steps(path, trains):
    rows = [(k, s) for k, steps in enumerate(trains) for s in steps]
    path.write_text("neuron,step\n" + "".join(f"{k},{s}\n" for k, s in rows))


def plast_trajectories(tmp, rule_args, names, pre, post, steps, w0, w_max):
    out = tmp / "w.csv"
    r = plast("export", *rule_args, "--trajectory", str(out), "--pre", str(pre), "--post", str(post),
              "--steps", str(steps), "--synapses", str(len(names)), "--w0", str(w0), "--w-max", str(w_max))
    assert r.returncode == 0, r.stderr
    return np.loadtxt(out, delimiter=",", skiprows=1)[:, 1:]


def load_module(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def brian2_trajectories(modules, trains_pre, trains_post, steps, w0, w_max):
    """Weights after every step for every (module, rule name) in `modules`, one synapse per protocol."""
    import brian2 as b2
    b2.prefs.codegen.target = "numpy"
    b2.start_scope()
    b2.defaultclock.dt = DT * b2.second
    n = len(trains_pre)

    def group(trains, name):
        idx = np.concatenate([np.full(len(t), k) for k, t in enumerate(trains)]).astype(int)
        st = np.concatenate([np.asarray(t, dtype=float) for t in trains])
        return b2.SpikeGeneratorGroup(n, idx, st * DT * b2.second, name=name)

    pre, post = group(trains_pre, "pre_gen"), group(trains_post, "post_gen")
    objs, mons = [pre, post], []
    for k, (mod, rule) in enumerate(modules):
        S = mod.make_synapses(mod.RULES[rule], pre, post, w_max=w_max, name=f"syn{k}")
        S.connect(j="i")
        S.w = w0
        mod.init_states(mod.RULES[rule], S)
        # After the end-of-step operation of post states and continuous terms (run_regularly, order 0).
        m = b2.StateMonitor(S, "w", record=True, when="end", order=100)
        objs += [S, m]
        mons.append(m)
    net = b2.Network(*objs)
    net.run(steps * DT * b2.second)
    return [m.w.T.copy() for m in mons]  # [steps, synapses]


def tolerance(w_plast, n_events, max_step):
    """Single-precision weights and traces in plast, double in Brian2: each update rounds w to float
    (half an ulp, 2^-24 |w| relative) and evaluates the term from traces stored in float (a few
    ulps, < 1e-6 relative); the errors add at most linearly over the updates."""
    return n_events * (2.0 ** -24 * float(np.max(np.abs(w_plast))) + 1e-6 * max_step) + 1e-12
