"""What a search varies is declared, everything else comes from the configuration or the model: each bad
input below (a slot of a family the task cannot run, a gradient method where there is none, a missing prior
or bound, a parameter the rule does not have, a configured rule the search would replace) is one clear error
(exit 2, one line on stderr naming the file and the key) before any simulation, and no run directory is written."""
import pytest

from test_cli import ROOT, plast

EXPR_MODEL = (ROOT / "examples" / "models" / "fsbi_ie_expression.toml").as_posix()
ROUND = '[[round]]\nproposal = "prior"\ncandidates = 4\n'
TOY = 'seed = 3\n[screen]\ntask = "toy_aba"\n[task]\nepochs = 400\n'
MODEL = f'[screen]\ntask = "model"\n[model]\nfile = "{EXPR_MODEL}"\nset = ["scale=0.05"]\n'
E2L = '[screen]\ntask = "e2l"\n[e2l]\ntask = "error"\nrule = "c1*(v - u)*sbar"\n[error]\nn_experiments = 1\n'
STABILITY = f'seed = 1\ntask = "stability"\n[stability]\nfile = "{EXPR_MODEL}"\nset = ["scale=0.05"]\n'
INFER = ('seed = 1\n[model]\nkind = "oja"\nn_in = 4\nn_out = 4\nsteps = 5\n[data]\nnum_train = 2\nnum_eval = 1\n'
         '[fit]\noptimizer = "{opt}"\nregularization = "none"\n[rule]\nfamily = "{family}"\n')
INFER_EXPR = 'expression = "a*x*y - b*w*y^2"\nground_truth = "0.3*x*y - 0.3*w*y^2"\nparams = {{ {params} }}\n'
QUAD = ", ".join(["0.02, 0.02, 0, 0, 0, 0"] * 4)

CASES = {
    # verb, configuration, the key the error names
    "toy_configured_rule": ("screen", TOY + "[explicit]\ntheta = [0.1, -1.0, 0.2, 0.3]\n" + ROUND, "explicit"),
    "toy_configured_eta": ("screen", TOY + "eta = 0.05\n" + ROUND, "task.eta"),
    "toy_unknown_param": ("screen", TOY + ROUND + "[prior.theta9]\nlo = 0\nhi = 1\n", "prior.theta9"),
    "toy_gradient": ("screen", TOY + '[[round]]\nproposal = "adam"\ncandidates = 4\n', "round[0].proposal"),
    "fsbi_expression_slot": ("screen", '[screen]\ntask = "fsbi"\n[network]\nscale = 0.05\n[network.rule_IE]\n'
                             'preset = "expression"\non_pre = "x_post - 0.4"\n' + ROUND, "network.rule_IE.preset"),
    "fsbi_configured_preset": ("screen", '[screen]\ntask = "fsbi"\n[network]\nscale = 0.05\n[network.rule_IE]\n'
                               'preset = "vogels_istdp"\n' + ROUND, "network.rule_IE.preset"),
    "fsbi_configured_theta": ("screen", '[screen]\ntask = "fsbi"\n[network]\nscale = 0.05\n[network.rule_EE]\n'
                              'plastic = true\ntheta = [0.02, 0.02, -0.1, 0, 1, 0]\n' + ROUND, "network.rule_EE.theta"),
    "fsbi_unknown_param": ("screen", '[screen]\ntask = "fsbi"\n' + ROUND + "[prior.EE_zeta]\nlo = 0\nhi = 1\n",
                           "prior.EE_zeta"),
    "model_unknown_param": ("screen", MODEL + '[[model.free]]\nkey = "rule.ie.params.zz"\nlo = 0.1\nhi = 1\n' + ROUND,
                            "model.free[0].key"),
    "model_key_of_other_family": ("screen", MODEL + '[[model.free]]\nkey = "rule.ie.alpha"\nlo = 0.1\nhi = 1\n' + ROUND,
                                  "model.free"),
    "model_free_twice": ("screen", MODEL + '[[model.free]]\nkey = "rule.ie.params.a"\nlo = 0.1\nhi = 1\n' * 2 + ROUND,
                         "model.free[1].key"),
    "model_missing_bound": ("screen", MODEL + '[[model.free]]\nkey = "rule.ie.params.a"\nlo = 0.1\n' + ROUND,
                            "model.free[0].hi"),
    "e2l_stability_task": ("screen", '[screen]\ntask = "e2l"\n[e2l]\ntask = "stability"\nrule = "c1*x_pre"\n'
                           '[[e2l.free]]\nname = "c1"\nlo = -1\nhi = 1\n' + ROUND, "e2l.task"),
    "e2l_missing_bound": ("screen", E2L + '[[e2l.free]]\nname = "c1"\nlo = -1\n' + ROUND, "e2l.free[0].hi"),
    "e2l_free_twice": ("screen", E2L + '[[e2l.free]]\nname = "c1"\nlo = -1\nhi = 1\n' * 2 + ROUND, "e2l.free[1].name"),
    "e2l_unused_constant": ("screen", E2L + '[[e2l.free]]\nname = "c1"\nlo = -1\nhi = 1\n'
                            '[[e2l.free]]\nname = "c9"\nlo = -1\nhi = 1\n' + ROUND, "e2l.free"),
    "evolve_six_param_slot": ("evolve", STABILITY + 'rule = "zero"\n', "stability.rule"),
    "evolve_gradient": ("evolve", STABILITY + '[ea]\nmethod = "adam"\n', "ea.method"),
    "evolve_prior": ("evolve", STABILITY + "[prior.c1]\nlo = 0\nhi = 1\n", "prior.c1"),
    "infer_family": ("infer", INFER.format(opt="lbfgs", family="six_param"), "rule.family"),
    "infer_gradient": ("infer", INFER.format(opt="cmaes", family="expression") + INFER_EXPR.format(params="a = 0.2, b = 0.2"),
                       "fit.optimizer"),
    "infer_missing_start": ("infer", INFER.format(opt="lbfgs", family="expression") + INFER_EXPR.format(params="a = 0.2"),
                            "rule.expression"),
    "infer_unknown_param": ("infer", INFER.format(opt="lbfgs", family="expression")
                            + INFER_EXPR.format(params="a = 0.2, b = 0.2, zz = 1.0"), "rule.params.zz"),
    "memory_model_expression_slot": ("memory", f'seed = 1\n[memory]\nnetwork = "model"\nruns = 2\n[model]\nfile = "{EXPR_MODEL}"\n'
                                     'set = ["scale=0.05"]\nreadout = "E"\nnovel = ["x"]\nfamiliar = ["y"]\nrules = ["IE"]\n'
                                     '[[rule]]\ntheta = [0.02, 0.02, 0, 0, 0, 0]\n', "model.rules"),
    "memory_recurrent_configured_preset": ("memory", 'seed = 1\n[memory]\nnetwork = "recurrent"\nruns = 2\n[network]\nscale = 0.05\n'
                                           '[network.rule_II]\npreset = "pair_stdp"\n'
                                           f'[[rule]]\ntheta = [{QUAD}]\n', "network.rule_II.preset"),
    "memory_theta_length": ("memory", 'seed = 1\n[memory]\nnetwork = "recurrent"\nruns = 2\n[network]\nscale = 0.05\n'
                            '[[rule]]\ntheta = [0.02, 0.02, 0, 0, 0, 0]\n', "rule[0].theta"),
    "memory_recurrent_expression_slot": ("memory", 'seed = 1\n[memory]\nnetwork = "recurrent"\nruns = 2\n[network]\nscale = 0.05\n'
                                         '[network.rule_IE]\npreset = "expression"\non_pre = "x_post - 0.4"\n'
                                         f'[[rule]]\ntheta = [{QUAD}]\n', "network.rule_IE.preset"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_search_declaration_is_one_clear_error(tmp_path, case):
    verb, text, key = CASES[case]
    cfg = tmp_path / "c.toml"
    cfg.write_text(text)
    out = tmp_path / "run"
    r = plast(verb, str(cfg), "--out", str(out), "-q", "--no-report", "-j1")
    errors = r.stderr.strip().splitlines()
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert len(errors) == 1 and ": error: " in errors[0] and "c.toml:" in errors[0] and key in errors[0] and "allowed" in errors[0], r.stderr
    assert not out.exists()


def test_declared_model_parameter_is_accepted(tmp_path):
    # The counterpart of model_unknown_param: a declared parameter passes the checks (print-config stops
    # before any simulation).
    cfg = tmp_path / "c.toml"
    cfg.write_text(MODEL + '[[model.free]]\nkey = "rule.ie.params.a"\nlo = 0.1\nhi = 1\n' + ROUND)
    r = plast("screen", str(cfg), "--print-config")
    assert r.returncode == 0, r.stderr
    assert "rule.ie.params.a" in r.stdout


def test_toy_screen_resumes_a_run_that_stored_task_eta(tmp_path):
    # Runs begun before task.eta was refused stored it (unused) in config.toml; they still resume.
    cfg = tmp_path / "c.toml"
    cfg.write_text(TOY + ROUND)
    run = tmp_path / "run"
    assert plast("screen", str(cfg), "--out", str(run), "-q", "--no-report", "-j1").returncode == 0
    stored = (run / "config.toml").read_text()
    assert "eta = " not in stored.split("[task]")[1].split("[")[0]
    assert "[task]\n" in stored
    (run / "config.toml").write_text(stored.replace("[task]\n", "[task]\neta = 0.01\n", 1))
    r = plast("screen", "--resume", str(run), "-q", "--no-report", "-j1")
    assert r.returncode == 0, r.stderr
