"""`plast export --to brian2` checked with the real Brian2: for every exportable family and a set of
expression rules (and a CGP champion and a shipped fSBI rule), the weight trajectory of one synapse
under pairing, same-step, triplet and Poisson protocols equals plast's (the engine's own rule path)
to the rounding of plast's single-precision weights. Prints the verification table
(rule x protocol, maximum |w_plast - w_brian2| over every step)."""
import numpy as np
import pytest

from export_check import (CHAMPION, CONT_RULES_TOML, DT, RULES_TOML, STATE_RULES_TOML, brian2_trajectories,
                          load_module, plast_trajectories, protocols, tolerance, write_steps)
from test_cli import ROOT, plast

W0, W_MAX = 1.0, 2.0


def test_brian2_weight_trajectories_match_plast(tmp_path):
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(RULES_TOML)
    prots, steps = protocols(np.random.default_rng(7))
    names = list(prots)
    pre_f, post_f = tmp_path / "pre.csv", tmp_path / "post.csv"
    write_steps(pre_f, [prots[p][0] for p in names])
    write_steps(post_f, [prots[p][1] for p in names])
    # Rule sources: the model file's rule tables, a CGP champion typed as an expression, a shipped fSBI rule.
    sources = []
    r = plast("export", str(rules_file), "--out", str(tmp_path / "zoo_b2.py"))
    assert r.returncode == 0, r.stderr
    zoo = load_module(tmp_path / "zoo_b2.py")
    for name in zoo.RULES:
        sources.append((name, zoo, name, [str(rules_file), "--rule", name]))
    # Rules with declared states (per postsynaptic neuron, per synapse).
    states_file = tmp_path / "state_rules.toml"
    states_file.write_text(STATE_RULES_TOML)
    r = plast("export", str(states_file), "--out", str(tmp_path / "states_b2.py"))
    assert r.returncode == 0, r.stderr
    states = load_module(tmp_path / "states_b2.py")
    assert list(states.RULES) == ["bcm", "elig", "tag"]
    for name in states.RULES:
        sources.append((name, states, name, [str(states_file), "--rule", name]))
    # Rules with a continuous weight term: one update per step on top of the events.
    cont_file = tmp_path / "cont_rules.toml"
    cont_file.write_text(CONT_RULES_TOML)
    r = plast("export", str(cont_file), "--out", str(tmp_path / "cont_b2.py"))
    assert r.returncode == 0, r.stderr
    cont = load_module(tmp_path / "cont_b2.py")
    assert list(cont.RULES) == ["cont_mix", "decay"]
    for name in cont.RULES:
        sources.append((name, cont, name, [str(cont_file), "--rule", name]))
    per_step = set(cont.RULES)
    champ_args = ["--expression", CHAMPION, "--eta", "0.002"]
    assert plast("export", *champ_args, "--out", str(tmp_path / "champ_b2.py")).returncode == 0
    sources.append(("CGP champion", load_module(tmp_path / "champ_b2.py"), "rule", champ_args))
    csv_args = [str(ROOT / "examples" / "data" / "fsbi_plausible_rules.csv"), "--row", "0", "--rule", "IE"]
    assert plast("export", *csv_args, "--out", str(tmp_path / "csv_b2.py")).returncode == 0
    sources.append(("fsbi csv row 0 IE", load_module(tmp_path / "csv_b2.py"), "IE", csv_args))

    b2 = brian2_trajectories([(mod, rule) for _, mod, rule, _ in sources], [prots[p][0] for p in names],
                             [prots[p][1] for p in names], steps, W0, W_MAX)
    rows, failures = [], []
    for (label, _, _, args), wb in zip(sources, b2):
        wp = plast_trajectories(tmp_path, args, names, pre_f, post_f, steps, W0, W_MAX)
        assert wp.shape == wb.shape, (label, wp.shape, wb.shape)
        diffs = []
        for k, p in enumerate(names):
            d = float(np.max(np.abs(wp[:, k] - wb[:, k])))
            n_events = len(prots[p][0]) + len(prots[p][1]) + (steps if label in per_step else 0)
            max_step = float(np.max(np.abs(np.diff(wp[:, k])))) if steps > 1 else 0.0
            tol = tolerance(wp[:, k], n_events, max_step)
            moved = float(np.max(np.abs(wp[:, k] - W0)))
            diffs.append(d)
            if not d <= tol:
                failures.append(f"{label} / {p}: max |dw| = {d:.3g} > {tol:.3g}")
            # A protocol that leaves the weight unchanged checks nothing: every cell must move it.
            if not moved > 1e-4:
                failures.append(f"{label} / {p}: the weight did not move ({moved:.3g})")
        rows.append((label, diffs))
    width = max(len(n) for n in names)
    print("\nrule x protocol: max |w_plast - w_brian2| over all steps")
    print(f"{'rule':22s}" + "".join(f"{p:>{width + 2}s}" for p in names))
    for label, diffs in rows:
        print(f"{label:22s}" + "".join(f"{d:>{width + 2}.2e}" for d in diffs))
    assert not failures, "\n".join(failures)


def test_brian2_same_step_order_is_plasts():
    """A wrong event order (a term reading a trace already incremented in the same step) would differ
    by eta*gamma = 0.01 on the first same-step pair: far above the tolerance. Checked here directly on
    the six_param rule: the same-step pair changes w by eta*(alpha + beta) only."""
    import brian2  # noqa: F401  (the test needs the real Brian2)
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        (d / "r.toml").write_text(RULES_TOML)
        assert plast("export", str(d / "r.toml"), "--rule", "six_param", "--out", str(d / "m.py")).returncode == 0
        mod = load_module(d / "m.py")
        (wb,) = brian2_trajectories([(mod, "six_param")], [[100]], [[100]], 200, W0, W_MAX)
        assert wb[-1, 0] == pytest.approx(W0 + 0.01 * (-0.4 + 0.1), abs=1e-12)


def test_brian2_continuous_term_is_plasts_forward_euler(tmp_path):
    """Without events, continuous = "c - kw*w" gives plast's forward-Euler recursion in closed form:
    w_n = w* + (w_0 - w*)(1 - eta dt kw)^n, w* = c/kw. Brian2 (double) equals it to rounding, plast (float
    weights) to its float tolerance; the same rule with an event on top is in the table above."""
    (tmp_path / "c.toml").write_text('[[population]]\nname = "n"\nsize = 1\n[[phase]]\nduration = 0.1\n'
                                     '[rule.c]\nfamily = "expression"\neta = 2.0\ncontinuous = "c - kw*w"\n'
                                     '[rule.c.params]\nc = 1.5\nkw = 4.0\n')
    assert plast("export", str(tmp_path / "c.toml"), "--out", str(tmp_path / "c.py")).returncode == 0
    steps, w0, eta, c, kw = 3000, 1.0, 2.0, 1.5, 4.0
    (wb,) = brian2_trajectories([(load_module(tmp_path / "c.py"), "c")], [[]], [[]], steps, w0, 2.0)
    n = np.arange(1, steps + 1)
    closed = c / kw + (w0 - c / kw) * (1 - eta * DT * kw) ** n
    assert np.max(np.abs(wb[:, 0] - closed)) < 1e-12
    (tmp_path / "none.csv").write_text("neuron,step\n")
    wp = plast_trajectories(tmp_path, [str(tmp_path / "c.toml"), "--rule", "c"], ["c"], tmp_path / "none.csv",
                            tmp_path / "none.csv", steps, w0, 2.0)
    assert np.max(np.abs(wp[:, 0] - closed)) <= tolerance(wp[:, 0], steps, 0.0)
    assert closed[-1] - w0 < -0.5  # it moved: 1 -> 0.375 + 0.625*0.9992^3000 = 0.43


def test_export_refuses_what_the_target_cannot_express(tmp_path):
    m = tmp_path / "m.toml"
    m.write_text('[[population]]\nname = "n"\nsize = 1\n[[phase]]\nduration = 0.1\n'
                 '[rule.bcm]\nfamily = "expression"\non_post = "x_pre*(ybar - theta)"\n'
                 '[rule.bcm.traces]\nybar = { side = "post", tau = 1.0 }\n'
                 '[rule.bcm.state]\ntheta = { tau = 2.0, follows = "ybar^2/y0" }\n[rule.bcm.params]\ny0 = 10.0\n'
                 '[rule.v]\nfamily = "expression"\non_post = "x_pre*(V + 60)"\n'
                 '[rule.c]\nfamily = "expression"\non_post = "x_pre"\ncontinuous = "-(w - 1)"\n'
                 '[rule.cv]\nfamily = "expression"\non_post = "x_pre"\ncontinuous = "-(w - 1)*(V_trace + 60)"\n'
                 '[rule.mlp]\nfamily = "mlp_t4"\nhidden_weights = "HIDDEN"\nw_pre = [0.2, -0.3, 0.1, 0.4, -0.05]\n'
                 'w_post = [0.3, 0.1, -0.2, 0.2, -0.1]\n'.replace(
                     "HIDDEN", str(ROOT / "examples" / "data" / "mlp_t4_hidden_weights.csv")))
    for rule in ("bcm", "v", "c", "cv", "mlp"):  # Brian2 writes all of them
        assert plast("export", str(m), "--rule", rule).returncode == 0, rule
    for rule in ("bcm", "v", "c"):  # NESTML: states, continuous input ports, a continuous term over traces and w
        r = plast("export", str(m), "--rule", rule, "--to", "nestml")
        assert r.returncode == 0, (rule, r.stderr)
    r = plast("export", str(m), "--rule", "cv", "--to", "nestml")
    assert r.returncode == 2
    assert ("rule 'cv'" in r.stderr and "'V_trace' in a continuous weight term" in r.stderr
            and "nestml export cannot express" in r.stderr), r.stderr
    r = plast("export", str(m), "--rule", "mlp", "--to", "nestml")
    assert r.returncode == 2
    assert "rule 'mlp'" in r.stderr and "mlp_t4" in r.stderr and "nestml export cannot express" in r.stderr, r.stderr
    r = plast("export", "--expression", "x_pre + ; x_post")
    assert r.returncode == 2 and "--expression" in r.stderr, r.stderr


def test_model_script_runs_in_brian2(tmp_path):
    """`plast export MODEL.toml --script` is a runnable Brian2 script: the fSBI network at a tiny size for
    0.1 s writes spikes of both monitored populations and the I->E weight samples (the statistical
    comparison with plast is examples/export_fsbi_brian2.py, docs/export.md)."""
    import subprocess
    import sys
    script = tmp_path / "fsbi_b2.py"
    r = plast("export", str(ROOT / "examples" / "models" / "fsbi.toml"), "--script", "--set", "scale=0.0625",
              "--set", "phase[0].duration=0.05", "--set", "phase[1].duration=0.05", "--set", "dt=2e-4",
              "--out", str(script))
    assert r.returncode == 0, r.stderr
    text = script.read_text()
    assert "make_synapses(RULES[\"istdp\"]" in text and "S.connect(condition=\"i != j\", p=" in text
    out = tmp_path / "run.npz"
    p = subprocess.run([sys.executable, str(script), "--seed", "3", "--out", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-3000:]
    d = np.load(out)
    assert list(d["phase_names"]) == ["warmup", "score"] and list(d["phase_recorded"]) == [False, True]
    assert d["spikes_E_times"].size > 0 and d["spikes_I_times"].size > 0
    assert d["spikes_E_neurons"].max() < 1000 // 16 and d["spikes_I_neurons"].max() < 500 // 16
    # Sampled every 0.1 s over 0.1 s, plus the end of the run: two samples of 100 synapses, at 0 and 0.1 s.
    assert d["weights_IE"].shape == (2, 100) and list(d["weights_IE_times"]) == pytest.approx([0.0, 0.1])
    assert np.all(d["weights_IE"][0] == 1.0)


def test_model_script_protocol_features_run_in_brian2(tmp_path):
    """The two_setpoints model (stimuli, a random on/off schedule, a snapshot and its restores, plasticity
    switched off in the probes) at 1/4 size and short phases: the script runs every phase in order with
    plast's boundaries, and a probe's stimulus (+20 Hz on the 200 inputs of A) drives E_high above its
    background rate (plast at this size: background 11 Hz, probes 51 Hz). The set points themselves
    need the file's 100 s (docs/export.md: measured)."""
    import subprocess
    import sys
    script = tmp_path / "ts_b2.py"
    sets = ["scale=0.25", "phase[0].duration=0.3", "phase[1].duration=0.4", "phase[1].schedule.on=0.1",
            "phase[1].schedule.off=0.1", "phase[2].duration=0.3", "phase[3].duration=0.2", "phase[4].duration=0.2"]
    r = plast("export", str(ROOT / "examples" / "models" / "two_setpoints.toml"), "--script",
              *[x for kv in sets for x in ("--set", kv)], "--out", str(script))
    assert r.returncode == 0, r.stderr
    out = tmp_path / "run.npz"
    p = subprocess.run([sys.executable, str(script), "--seed", "2", "--out", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-3000:]
    d = np.load(out)
    assert list(d["phase_names"]) == ["settle", "train", "background", "probe_A", "probe_B"]
    assert d["phases"] == pytest.approx(np.array([[0, 0.3], [0.3, 0.7], [0.7, 1.0], [1.0, 1.2], [1.2, 1.4]]))
    t = d["spikes_E_high_times"]
    background = np.sum((t >= 0.7) & (t < 1.0)) / 50 / 0.3
    probe_a = np.sum((t >= 1.0) & (t < 1.2)) / 50 / 0.2
    assert probe_a > 2 * background + 5, (background, probe_a)
    # Plasticity is off in the probes and both restore the snapshot taken at the end of the background:
    # the I->E weights at the end of the run are those of that snapshot (a sample at 1.0 s).
    w, wt = d["weights_I_E_high"], d["weights_I_E_high_times"]
    assert np.array_equal(w[-1], w[np.flatnonzero(np.isclose(wt, 1.0))[0]])
    assert not np.array_equal(w[-1], w[0])  # the weights moved before


def test_model_script_refuses_what_it_cannot_write_yet(tmp_path):
    m = tmp_path / "m.toml"
    m.write_text('[[population]]\nname = "n"\nsize = 4\nnmda_update = "euler"\n[[phase]]\nduration = 0.1\n')
    r = plast("export", str(m), "--script")
    assert r.returncode == 2
    assert "population 'n'" in r.stderr and "nmda_update" in r.stderr and "brian2 script export cannot express yet" in r.stderr, r.stderr


def test_model_script_connection_lists_and_receptive_fields(tmp_path):
    """A connection list with weights (the file's rows, clipped to [0, w_max]) and receptive fields on a
    10 x 10 grid (radius 2: every postsynaptic neuron gets the grid points closer than 2 to its centre,
    at most 16 and, for a centre at least 2 from the border, at least 9)."""
    import subprocess
    import sys
    (tmp_path / "pairs.csv").write_text("pre,post,weight\n3,0,0.5\n1,1,25.0\n0,1,0.25\n")
    (tmp_path / "m.toml").write_text(
        '[[population]]\nname = "grid"\nsize = 100\nmodel = "poisson"\nrate = 5.0\n'
        '[[population]]\nname = "n"\nsize = 20\n'
        '[[projection]]\nname = "rf"\npre = "grid"\npost = "n"\nconnect = "receptive_field"\nradius = 2.0\nweight = 0.1\n'
        '[[projection]]\nname = "li"\npre = "grid"\npost = "n"\nconnect = "list"\nfile = "pairs.csv"\nw_max = 20.0\n'
        '[[phase]]\nduration = 0.01\n')
    script = tmp_path / "m_b2.py"
    r = plast("export", str(tmp_path / "m.toml"), "--script", "--out", str(script))
    assert r.returncode == 0, r.stderr
    code = script.read_text() + (
        "\nindeg = np.bincount(np.asarray(synapses['rf'].j), minlength=20)\n"
        "np.save(args.out + '.indeg.npy', indeg)\n"
        "np.save(args.out + '.li.npy', np.c_[synapses['li'].i, synapses['li'].j, synapses['li'].w])\n")
    script.write_text(code)
    out = tmp_path / "run.npz"
    p = subprocess.run([sys.executable, str(script), "--out", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-3000:]
    indeg = np.load(str(out) + ".indeg.npy")
    assert indeg.max() <= 16 and indeg.min() >= 4 and np.median(indeg) >= 9, indeg
    li = np.load(str(out) + ".li.npy")
    assert li.tolist() == [[3, 0, 0.5], [1, 1, 20.0], [0, 1, 0.25]]


def test_setting_eta_to_zero_between_runs_freezes_the_weight(tmp_path):
    """The model script switches plasticity off and on by the namespace's eta, which Brian2 reads at the
    start of every run: a pre arrival while eta = 0 leaves w unchanged, the one before changes it by
    eta*alpha."""
    import brian2 as b2
    (tmp_path / "r.toml").write_text(RULES_TOML)
    assert plast("export", str(tmp_path / "r.toml"), "--rule", "six_param", "--out", str(tmp_path / "m.py")).returncode == 0
    mod = load_module(tmp_path / "m.py")
    b2.prefs.codegen.target = "numpy"
    b2.start_scope()
    b2.defaultclock.dt = DT * b2.second
    pre = b2.SpikeGeneratorGroup(1, [0, 0], [1, 11] * b2.ms)
    post = b2.SpikeGeneratorGroup(1, [], [] * b2.ms)
    S = mod.make_synapses(mod.RULES["six_param"], pre, post, w_max=2.0)  # no name: Brian2 picks one
    S.connect()
    S.w = 1.0
    net = b2.Network(pre, post, S)
    net.run(5 * b2.ms)
    assert S.w[0] == pytest.approx(1.0 + 0.01 * -0.4, abs=1e-12)
    S.namespace["eta"] = 0.0
    net.run(10 * b2.ms)
    assert S.w[0] == pytest.approx(1.0 + 0.01 * -0.4, abs=1e-12)


CVAIF_TOML = """
dt = 1e-4
seed = 1
[[population]]
name = "exc"
model = "spike_file"
size = 40
file = "exc.csv"
[[population]]
name = "inh"
model = "spike_file"
size = 10
file = "inh.csv"
[[population]]
name = "post"
model = "cvaif"
cvaif_update = "UPDATE"
size = 1
[rule.p21]
family = "product21"
eta = 0.001
c = [-0.1, 0.1, 0.2, -0.1, 0.3, 0.2, 0.1, -0.2, 0.5, 1.0, 0.05, 0.1, 0.2, 0.1, -0.3, 0.1, 0.2, 0.3, 1.0, 0.2, 0.1]
[rule.reads_v]
family = "expression"
eta = 0.01
on_pre = "x_post*(V + 60)/10 + C_inh/200"
on_post = "x_pre*(V_trace + 55)/10"
[rule.cont]
family = "expression"
eta = 0.5
on_pre = "0.02*x_post"
continuous = "0.3*(0.05 - w) + 0.002*x_pre*(V_trace + 60)"
[rule.mlp]
family = "mlp_t4"
eta = 0.01
hidden_weights = "HIDDEN"
w_pre = [0.2, -0.3, 0.1, 0.4, -0.05]
w_post = [0.3, 0.1, -0.2, 0.2, -0.1]
[[projection]]
name = "EM"
pre = "exc"
post = "post"
connect = "all_to_all"
weight = 0.1
rule = "mlp"
[[projection]]
name = "EP"
pre = "exc"
post = "post"
connect = "all_to_all"
weight = 0.5
rule = "p21"
[[projection]]
name = "IP"
pre = "inh"
post = "post"
receptor = "inh"
connect = "all_to_all"
weight = 1.0
rule = "reads_v"
[[projection]]
name = "IC"
pre = "inh"
post = "post"
connect = "all_to_all"
weight = 0.05
rule = "cont"
[[phase]]
duration = 0.5
[[monitor]]
kind = "spikes"
name = "spk"
population = "post"
"""


@pytest.mark.parametrize("update", ["plast", "reference"])
def test_cvaif_neuron_and_rules_reading_it_match_plast_step_by_step(tmp_path, update):
    """One CVAIF neuron driven by the same input spike times (spike_file populations in plast, a
    SpikeGeneratorGroup in the script): its V, V_trace, C_exc, C_inh, g_adapt after every step, its
    spikes and the weights of a product21 rule and of an mlp_t4 rule (40 E synapses each) and of an expression rule reading V,
    V_trace and C_inh (10 I synapses), plast's engine against the exported script. plast keeps all of
    them in single precision, Brian2 in double: a state variable X relaxing with time constant tau_X
    collects at most its rounding (2^-24 max|X| per step) over tau_X/dt steps, plus the relative error
    of its inputs, which collect theirs over at most the slowest input time constant (g_NMDA's,
    0.1 s): tol = 2^-24 max|X| (tau_X + 0.1 s)/dt. The weights get the
    rule tolerance of the lone-synapse test (tolerance()), one term per event. The spikes must be the
    same steps: a difference in the equations or the order would move them."""
    import subprocess
    import sys
    rng = np.random.default_rng(3)
    for name, n in [("exc", 40), ("inh", 10)]:
        rows = sorted((t, k) for k in range(n) for t in rng.uniform(0, 0.5, rng.poisson(10)))
        (tmp_path / f"{name}.csv").write_text("time,neuron\n" + "".join(f"{t:.6f},{k}\n" for t, k in rows))
    variables = {"v": 0.02, "v_trace": 0.1, "c_exc": 0.01, "c_inh": 0.1, "g_adapt": 0.1}  # -> tau (s)
    text = CVAIF_TOML.replace("HIDDEN", str(ROOT / "examples" / "data" / "mlp_t4_hidden_weights.csv")).replace("UPDATE", update)
    for v in variables:
        text += f'[[monitor]]\nkind = "state"\nname = "{v}"\npopulation = "post"\nvariable = "{v}"\ninterval = 1e-4\n'
    for pr, size in [("EP", 40), ("EM", 40), ("IP", 10), ("IC", 10)]:
        text += f'[[monitor]]\nkind = "weights"\nname = "w_{pr}"\nprojection = "{pr}"\nsamples = {size}\ninterval = 1e-4\n'
    model = tmp_path / "cvaif.toml"
    model.write_text(text)
    r = plast("simulate", str(model), "--out", str(tmp_path / "run"))
    assert r.returncode == 0, r.stderr
    script = tmp_path / "cvaif_b2.py"
    r = plast("export", str(model), "--script", "--out", str(script))
    assert r.returncode == 0, r.stderr
    p = subprocess.run([sys.executable, str(script), "--out", str(tmp_path / "b2.npz")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-3000:]
    b = np.load(tmp_path / "b2.npz")
    run = tmp_path / "run"
    spikes_plast = np.load(run / "spk_times.npy")
    assert spikes_plast.size >= 20, spikes_plast.size  # the neuron fires: the check covers its reset
    assert np.array_equal(np.rint(spikes_plast / DT), np.rint(b["spk_times"] / DT))
    report = []
    for v, tau in variables.items():
        xp, xb = np.load(run / f"{v}.npy"), b[v]
        assert xp.shape == xb.shape == (5001, 1)
        d = float(np.max(np.abs(xp - xb)))
        tol = 2.0 ** -24 * float(np.max(np.abs(xp))) * (tau + 0.1) / DT
        report.append(f"{v} {d:.2g} (tol {tol:.2g})")
        assert d <= tol, (v, d, tol)
    for pr in ["EP", "EM", "IP", "IC"]:
        wp, wb = np.load(run / f"w_{pr}.npy"), b[f"w_{pr}"]
        assert wp.shape == wb.shape
        n_events = spikes_plast.size * wp.shape[1] + sum(1 for _ in open(tmp_path / ("exc.csv" if pr in ("EP", "EM") else "inh.csv"))) - 1
        if pr == "IC":  # a continuous term: one update per step and synapse
            n_events += (wp.shape[0] - 1) * wp.shape[1]
        tol = tolerance(wp, n_events, float(np.max(np.abs(np.diff(wp, axis=0)))))
        d = float(np.max(np.abs(wp - wb)))
        moved = float(np.max(np.abs(wp - wp[0])))
        report.append(f"w_{pr} {d:.2g} (tol {tol:.2g}, moved {moved:.2g})")
        assert d <= tol and moved > 1e-3, (pr, d, tol, moved)
    print(f"\nCVAIF ({update} update) step by step, max |plast - brian2|:", "; ".join(report), f"; {spikes_plast.size} spikes, same steps")
