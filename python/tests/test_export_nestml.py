"""`plast export --to nestml`: the generated synapse models parse with the NESTML grammar subset of
nestml_check.py (blocks, declarations, every name defined, expressions), and interpreted event by
event they give plast's weights on the pairing, triplet and Poisson protocols (no same-step pre/post
pairs: NEST orders those differently, docs/export.md). NEST itself is not run (not packaged)."""
import numpy as np
import pytest

from export_check import CHAMPION, DT, RULES_TOML, plast_trajectories, protocols, tolerance, write_steps
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
    failures = []
    print("\nrule x protocol: |w_plast - w_nestml| at the end")
    for model, args in sources:
        wp = plast_trajectories(tmp_path, args, names, pre_f, post_f, steps, W0, W_MAX)
        line = []
        for k, p in enumerate(names):
            wn = run(models[model], prots[p][0], prots[p][1], DT, W0)
            d = abs(wp[-1, k] - wn)
            tol = tolerance(wp[:, k], len(prots[p][0]) + len(prots[p][1]), float(np.max(np.abs(np.diff(wp[:, k])))))
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
