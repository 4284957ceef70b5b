"""`plast export --to nestml`: the generated synapse models parse with the NESTML grammar subset of
nestml_check.py (blocks, declarations, statements, every name defined, expressions), and interpreted
event by event they give plast's weights on the pairing, triplet and Poisson protocols (no same-step
pre/post pairs: NEST orders those differently, docs/export.md), for every spike-rule family, rules with
declared states (per postsynaptic neuron, per synapse) and rules with a continuous weight term. Rules
reading the postsynaptic neuron (continuous input ports for co-generation) are checked for the grammar
only. NEST itself is not run (not packaged)."""
import numpy as np
import pytest

from export_check import (CHAMPION, CONT_RULES_TOML, DT, RULES_TOML, STATE_RULES_TOML, plast_trajectories, protocols,
                          tolerance, write_steps)
from nestml_check import NestmlError, parse, run
from test_cli import ROOT, plast

W0, W_MAX = 1.0, 2.0


def test_nestml_models_parse_and_compute_plasts_weights(tmp_path):
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(RULES_TOML)
    prots, steps = protocols(np.random.default_rng(11))
    prots = {k: v for k, v in prots.items() if not set(v[0]) & set(v[1])}  # no same-step pairs
    names = list(prots)
    pre_f, post_f = tmp_path / "pre.csv", tmp_path / "post.csv"
    write_steps(pre_f, [prots[p][0] for p in names])
    write_steps(post_f, [prots[p][1] for p in names])
    r = plast("export", str(rules_file), "--to", "nestml", "--w-max", str(W_MAX), "--out", str(tmp_path / "zoo.nestml"))
    assert r.returncode == 0, r.stderr
    models = parse((tmp_path / "zoo.nestml").read_text())
    sources = [(f"{n}_synapse", [str(rules_file), "--rule", n]) for n in
               ("six_param", "pair_stdp", "vogels_istdp", "triplet_stdp", "expr_soft_bound", "expr_functions")]
    assert set(models) == {s for s, _ in sources}
    champ = ["--expression", CHAMPION, "--eta", "0.002"]
    r = plast("export", *champ, "--to", "nestml", "--w-max", str(W_MAX), "--out", str(tmp_path / "champ.nestml"))
    assert r.returncode == 0, r.stderr
    models.update(parse((tmp_path / "champ.nestml").read_text()))
    sources.append(("rule_synapse", champ))
    # Declared states and continuous weight terms (stepwise models: the update block walks the steps).
    for toml, names_ in ((STATE_RULES_TOML, ("bcm", "elig", "tag")), (CONT_RULES_TOML, ("decay", "cont_mix"))):
        f = tmp_path / f"{names_[0]}.toml"
        f.write_text(toml)
        r = plast("export", str(f), "--to", "nestml", "--w-max", str(W_MAX), "--out", str(tmp_path / "s.nestml"))
        assert r.returncode == 0, r.stderr
        models.update(parse((tmp_path / "s.nestml").read_text()))
        sources += [(f"{n}_synapse", [str(f), "--rule", n]) for n in names_]
    per_step = {"decay_synapse", "cont_mix_synapse"}
    assert "while plast_k < plast_n:" in (tmp_path / "s.nestml").read_text()
    failures = []
    print("\nrule x protocol: |w_plast - w_nestml| at the end")
    for model, args in sources:
        wp = plast_trajectories(tmp_path, args, names, pre_f, post_f, steps, W0, W_MAX)
        line = []
        for k, p in enumerate(names):
            # NEST brings a synapse up to date at its next event: one more update block at the end.
            wn = run(models[model], prots[p][0], prots[p][1], DT, W0, end_step=steps)
            d = abs(wp[-1, k] - wn)
            n_updates = len(prots[p][0]) + len(prots[p][1]) + (steps if model in per_step else 0)
            tol = tolerance(wp[:, k], n_updates, float(np.max(np.abs(np.diff(wp[:, k])))))
            if not abs(wp[-1, k] - W0) > 1e-4:
                failures.append(f"{model} / {p}: the weight did not move")
            line.append(f"{d:.1e}")
            if not d <= tol:
                failures.append(f"{model} / {p}: {d:.3g} > {tol:.3g}")
        print(f"{model:24s}", " ".join(line))
    assert not failures, "\n".join(failures)


def test_nestml_checker_rejects_broken_models(tmp_path):
    r = plast("export", str(ROOT / "examples" / "models" / "fsbi.toml"), "--rule", "istdp", "--to", "nestml")
    assert r.returncode == 0, r.stderr
    good = r.stdout
    parse(good)
    for bad, why in [(good.replace("x_post' = -x_post / tau_post\n", ""), "without an equation"),
                     (good.replace("kappa real", "kapa real"), "undeclared name 'kappa'"),
                     (good.replace("(alpha + (kappa * x_post))", "(alpha + (kappa * x_post)"), "expected \\)"),
                     (good.replace("    update:", "    updates:"), "unknown block"),
                     (good.replace("tau_pre ms = 20.0 ms", "tau_pre ms = 20.0"), "a time needs a value in ms")]:
        with pytest.raises(NestmlError, match=why):
            parse(bad)


def test_nestml_rules_reading_the_postsynaptic_neuron_use_continuous_ports(tmp_path):
    """V, V_trace, C_exc, C_inh become continuous input ports in mV (NESTML's third-factor inputs, connected
    to the neuron by co-generation, whose options the comment gives); a product21 rule reads three of them.
    Grammar only: plast's lone synapse has no neuron to compare with."""
    (tmp_path / "m.toml").write_text(
        '[[population]]\nname = "n"\nsize = 1\nmodel = "cvaif"\n[[phase]]\nduration = 0.1\n'
        '[rule.reads_v]\nfamily = "expression"\neta = 0.01\non_pre = "x_post*(V + 60)/10 + C_inh/200"\n'
        'on_post = "x_pre*(V_trace + 55)/10"\n'
        '[rule.reads_v.synapse_state]\ne = { on_pre = "C_exc/100", tau = 0.05 }\n'
        '[rule.p21]\nfamily = "product21"\neta = 0.001\n'
        'c = [-0.1, 0.1, 0.2, -0.1, 0.3, 0.2, 0.1, -0.2, 0.5, 1.0, 0.05, 0.1, 0.2, 0.1, -0.3, 0.1, 0.2, 0.3, 1.0, 0.2, 0.1]\n')
    r = plast("export", str(tmp_path / "m.toml"), "--to", "nestml")
    assert r.returncode == 0, r.stderr
    models = parse(r.stdout)
    assert models["reads_v_synapse"]["continuous"] == ["C_exc_post", "C_inh_post", "V_post", "V_trace_post"]
    assert models["p21_synapse"]["continuous"] == ["C_exc_post", "C_inh_post", "V_trace_post"]
    assert '"post_ports": ["post_spikes", ["C_exc_post", "NEURON_C_exc"], ["C_inh_post", "NEURON_C_inh"], ["V_post", "NEURON_V"], ["V_trace_post", "NEURON_V_trace"]]' in r.stdout
    # Interpreted with fixed neuron values (V = -60 mV, V_trace = -55 mV: both terms vanish but C_inh/200 and e):
    # one arrival with x_post = 0 gives eta*C_inh/200.
    ports = {"V_post": -60.0, "V_trace_post": -55.0, "C_exc_post": 30.0, "C_inh_post": 40.0}
    w = run(models["reads_v_synapse"], [10], [], DT, 1.0, ports=ports)
    assert w == pytest.approx(1.0 + 0.01 * 40.0 / 200, abs=1e-15)
    with pytest.raises(NestmlError, match="undeclared name 'V_post'"):
        parse(r.stdout.replace("        V_post mV <- continuous\n", ""))


def test_nestml_stepwise_models_are_checked_too(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text(CONT_RULES_TOML)
    r = plast("export", str(f), "--rule", "cont_mix", "--to", "nestml")
    assert r.returncode == 0, r.stderr
    good = r.stdout
    parse(good)
    for bad, why in [(good.replace("            x_post = x_post * exp(-resolution() / tau_post)\n", ""), "without an equation"),
                     (good.replace("        plast_k integer = 0\n", ""), "undeclared name 'plast_k'"),
                     (good.replace("            plast_k += 1", "          plast_k += 1"), "indentation"),
                     (good.replace("plast_new_theta real =", "plast_new_theta ="), "not a state variable")]:
        with pytest.raises(NestmlError, match=why):
            parse(bad)
