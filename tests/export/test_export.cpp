// Exporters: expression printing per target, the canonical form of every family, the errors for what a
// target cannot express, the generated Brian2 / NESTML text, and the engine's weight trajectories.
// The generated code is run with the real Brian2 in python/tests/test_export_brian2.py.
#include "plast/core/error.hpp"
#include "plast/export/brian2.hpp"
#include "plast/export/expression_printer.hpp"
#include "plast/export/nestml.hpp"
#include "plast/export/one_synapse.hpp"
#include "plast/export/rule_source.hpp"
#include "plast/export/taylor_source.hpp"
#include "plast/expr/parser.hpp"
#include "plast/io/config.hpp"
#include "plast/model/rule_table.hpp"
#include "plast/rules/taylor_rule.hpp"
#include "plast/search/archive.hpp"
#include "plast/search/prior.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace {

using namespace plast::exporter;
using plast::model::Rule;

Rule rule_from(const std::string& toml)
{
    auto cfg = plast::Config::parse(toml, "rule.toml");
    return plast::model::read_rule(cfg.root().sub("rule").sub("r"), "r");
}

std::string same(const std::string& n)
{
    return n;
}

} // namespace

TEST(Export, NumbersReadBackExactly)
{
    for (double x : {0.02, -1.569868006590322, 1e-7, 20.0, 300000.0, 6.2e-3, 1.0 / 3.0}) {
        const std::string s = number_text(x);
        EXPECT_EQ(std::strtod(s.c_str(), nullptr), x) << s;
        EXPECT_NE(s.find_first_of(".eE"), std::string::npos) << s; // a float literal in every target
    }
    EXPECT_EQ(number_text(20.0), "20.0");
}

TEST(Export, ExpressionsInEachTargetsSyntax)
{
    const auto t = plast::expr::parse("-0.5*min(x_post, 0.8)*exp(-w) + step(x_pre - 0.3)*abs(x_pre)^1.5 + log(x_pre) + max(w, A)",
                                      {"x_pre", "x_post", "w"}, {"A"});
    const std::string b = print_expression(t, Target::brian2, same), n = print_expression(t, Target::nestml, same);
    EXPECT_NE(b.find("clip(x_post, -inf, 0.8)"), std::string::npos) << b;
    EXPECT_NE(b.find("clip(w, A, inf)"), std::string::npos) << b;
    EXPECT_NE(b.find("int((x_pre - 0.3) > 0)"), std::string::npos) << b;
    EXPECT_NE(b.find("(abs(x_pre))**(1.5)"), std::string::npos) << b;
    EXPECT_NE(b.find("log(x_pre)"), std::string::npos) << b;
    EXPECT_NE(n.find("min(x_post, 0.8)"), std::string::npos) << n;
    EXPECT_NE(n.find("((x_pre - 0.3) > 0 ? 1.0 : 0.0)"), std::string::npos) << n;
    EXPECT_NE(n.find("ln(x_pre)"), std::string::npos) << n;
    EXPECT_EQ(n.find("log("), std::string::npos) << n;
}

TEST(Export, SixParamFamiliesBecomeAlphaBetaGammaKappa)
{
    const auto e = canonical(rule_from("[rule.r]\nfamily = \"vogels_istdp\"\ntarget_rate = 5.0\neta = 0.01\n"), "test", Target::brian2);
    EXPECT_EQ(e.family, "vogels_istdp");
    EXPECT_DOUBLE_EQ(e.params.at("alpha"), -2 * 5.0 * 0.02);
    EXPECT_DOUBLE_EQ(e.params.at("gamma"), 1.0);
    EXPECT_DOUBLE_EQ(e.eta, 0.01);
    const auto m = brian2_rule_module({e}, "header");
    EXPECT_NE(m.find("\"pre\": \"w = clip(w + eta*(alpha + (kappa * xpost)), 0, w_max)\""), std::string::npos) << m;
    EXPECT_NE(m.find("\"alpha\": -0.2,"), std::string::npos) << m;
    EXPECT_NE(m.find("S.pre.order, S.post.order, S.pre_trace.order, S.post_trace.order = 0, 1, 2, 3"), std::string::npos);
}

TEST(Export, TripletTracesAndParamsAreDeclared)
{
    const auto e = canonical(rule_from("[rule.r]\nfamily = \"triplet_stdp\"\n"), "test", Target::nestml);
    ASSERT_EQ(e.traces.size(), 2u);
    const auto n = nestml_models({e}, "header", 20.0, 0.8);
    EXPECT_NE(n.find("model r_synapse:"), std::string::npos);
    EXPECT_NE(n.find("r2' = -r2 / tau_r2"), std::string::npos) << n;
    EXPECT_NE(n.find("tau_o2 ms = 125.0 ms"), std::string::npos) << n;
    EXPECT_NE(n.find("a3_plus real = 0.0062"), std::string::npos) << n;
    // The weight is transmitted before the presynaptic update, as in plast.
    EXPECT_LT(n.find("emit_spike(w, d)"), n.find("w = clip(w + eta * ((-x_post)"));
}

TEST(Export, WhatATargetCannotExpressIsAnErrorNamingIt)
{
    const Rule bcm = rule_from(R"TOML([rule.r]
family = "expression"
on_post = "x_pre*(ybar - theta)"
[rule.r.traces]
ybar = { side = "post", tau = 1.0 }
[rule.r.state]
theta = { tau = 2.0, follows = "ybar^2/y0" }
[rule.r.params]
y0 = 10.0
)TOML");
    EXPECT_NO_THROW(canonical(bcm, "test", Target::brian2)); // states: both targets
    EXPECT_NO_THROW(canonical(bcm, "test", Target::nestml));
    const Rule cont = rule_from("[rule.r]\nfamily = \"expression\"\non_post = \"x_pre\"\ncontinuous = \"-(w - 1)\"\n");
    EXPECT_NO_THROW(canonical(cont, "test", Target::brian2));
    EXPECT_NO_THROW(canonical(cont, "test", Target::nestml));
    // A continuous term reading the neuron: Brian2 yes; NEST updates synapses at their events only.
    const Rule cv = rule_from("[rule.r]\nfamily = \"expression\"\non_post = \"x_pre\"\ncontinuous = \"(V + 60)*w\"\n");
    EXPECT_NO_THROW(canonical(cv, "test", Target::brian2));
    try {
        canonical(cv, "test", Target::nestml);
        FAIL() << "no error";
    } catch (const plast::Error& e) {
        EXPECT_NE(std::string(e.what()).find("rule 'r'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("'V' in a continuous weight term"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("which the nestml export cannot express"), std::string::npos) << e.what();
    }
    const Rule v = rule_from("[rule.r]\nfamily = \"expression\"\non_post = \"x_pre*(V + 60)\"\n");
    EXPECT_NO_THROW(canonical(v, "test", Target::brian2)); // Brian2 reads v_post of the target group
    const auto n = nestml_models({canonical(v, "test", Target::nestml)}, "header", 20.0, 0.8); // NESTML: a continuous input port
    EXPECT_NE(n.find("V_post mV <- continuous"), std::string::npos) << n;
    EXPECT_NE(n.find("(V_post / mV)"), std::string::npos) << n;
    EXPECT_NE(n.find("\"post_ports\": [\"post_spikes\", [\"V_post\", \"NEURON_V\"]]"), std::string::npos) << n;
    const Rule mlp = [] {
        Rule r;
        r.name = "m";
        r.family = Rule::Family::mlp_t4;
        r.mlp_t4 = plast::spiking::MlpT4Config{};
        return r;
    }();
    try {
        canonical(mlp, "test", Target::nestml);
        FAIL() << "no error";
    } catch (const plast::Error& e) {
        EXPECT_NE(std::string(e.what()).find("mlp_t4"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("which the nestml export cannot express"), std::string::npos) << e.what();
    }
    EXPECT_THROW(rule_from_expressions("x_pre + w", 0.02, 0.02, 1.0, Target::brian2), plast::Error);
    EXPECT_THROW(rule_from_expressions("x_pre + q; w", 0.02, 0.02, 1.0, Target::brian2), plast::Error);
}

TEST(Export, TrajectoryIsTheEnginesPairWindow)
{
    // One pre arrival at step 100, one post spike 50 steps later: dw = a_plus exp(-50 dt/tau_plus).
    const Rule r = rule_from("[rule.r]\nfamily = \"pair_stdp\"\na_plus = 0.01\na_minus = 0.012\n");
    SpikeSteps pre{{0}, {100}}, post{{0}, {150}};
    const auto w = weight_trajectories(r, 1, pre, post, 200, 1.0, 20.0, 1e-4);
    ASSERT_EQ(w.size(), 200u);
    EXPECT_EQ(w[149], 1.0f);
    EXPECT_NEAR(w[150] - 1.0, 0.01 * std::exp(-50e-4 / 0.0168), 1e-7);
    EXPECT_EQ(w[199], w[150]);
    EXPECT_THROW(weight_trajectories(r, 1, SpikeSteps{{1}, {10}}, post, 200, 1.0, 20.0, 1e-4), plast::Error);
}

TEST(Export, ArchiveAndRuleSetRowsGiveFourSixParamRulesWithProvenance)
{
    const auto dir = std::filesystem::temp_directory_path() / "plast_export_test";
    std::filesystem::create_directories(dir);
    const auto path = (dir / "archive.sqlite").string();
    std::filesystem::remove(path);
    const auto names = plast::search::quadruplet_names(true);
    {
        auto a = plast::search::Archive::open(path, names, {"rate"}, "fp", false);
        plast::search::CandidateRow row;
        row.round = 1;
        row.idx = 7;
        row.seed = 42;
        row.source = "prior";
        row.status = "completed";
        row.verdict = "plausible";
        for (std::size_t k = 0; k < names.size(); ++k) row.params.push_back(k % 6 < 2 ? 0.01 + 0.001 * static_cast<double>(k) : static_cast<double>(k));
        row.metrics = {5.0};
        a.insert({row});
    }
    const auto rules = rules_from_archive(path, 1, 7, 0.01, Target::brian2);
    ASSERT_EQ(rules.size(), 4u);
    EXPECT_EQ(rules[2].name, "IE");
    EXPECT_DOUBLE_EQ(rules[2].tau_pre, 0.01 + 0.012);      // IE_tau_pre is parameter 12
    EXPECT_DOUBLE_EQ(rules[2].params.at("alpha"), 14.0);    // IE_alpha is parameter 14
    EXPECT_NE(rules[2].provenance.find("round 1 idx 7, seed 42, source prior, plausible"), std::string::npos) << rules[2].provenance;
    EXPECT_THROW(rules_from_archive(path, 0, 7, 0.01, Target::brian2), plast::Error); // no such row
    std::filesystem::remove_all(dir);

    const auto csv = rules_from_csv(std::string(PLAST_TEST_SOURCE_DIR) + "/examples/data/fsbi_plausible_rules.csv", 0, 0.01, Target::nestml);
    ASSERT_EQ(csv.size(), 4u);
    EXPECT_DOUBLE_EQ(csv[0].tau_pre, 0.01020501495034166);
    EXPECT_NE(csv[0].provenance.find("row 0, round 0, idx 0, source archive:1:6 (EE)"), std::string::npos) << csv[0].provenance;
    EXPECT_THROW(rules_from_csv(std::string(PLAST_TEST_SOURCE_DIR) + "/examples/data/fsbi_plausible_rules.csv", 100000, 0.01, Target::nestml), plast::Error);
}

TEST(Export, DeclaredStatesInBrian2)
{
    // A post state is a per-synapse copy updated at the end of every step from the traces at t + dt
    // (plast: after the traces jumped and decayed); a synapse state's jump and the weight's term of one
    // event both read the values before the event.
    const Rule r = rule_from(R"TOML([rule.r]
family = "expression"
on_pre = "-e*x_post"
on_post = "x_pre*(ybar - theta)"
[rule.r.traces]
ybar = { side = "post", tau = 1.0 }
[rule.r.state]
theta = { tau = 2.0, follows = "ybar^2/y0", init = 3.0 }
[rule.r.synapse_state]
e = { on_pre = "x_post", on_post = "x_pre", tau = 0.05 }
[rule.r.params]
y0 = 10.0
)TOML");
    const auto e = canonical(r, "test", Target::brian2);
    ASSERT_EQ(e.states.size(), 1u);
    ASSERT_EQ(e.synapse_states.size(), 1u);
    const auto m = brian2_rule_module({e}, "header");
    EXPECT_NE(m.find("theta : 1\n"), std::string::npos) << m;
    EXPECT_NE(m.find("de_/dt = -e_/tau_s_e_ : 1 (event-driven)"), std::string::npos) << m; // e is Brian2's constant
    EXPECT_NE(m.find("plast_next_ybar = ybar*exp(-(t + dt - lastupdate)/tau_ybar)"), std::string::npos) << m;
    EXPECT_NE(m.find("plast_new_theta = theta + dt/tau_s_theta*(((plast_next_ybar)**(2.0) / y0) - theta)"), std::string::npos) << m;
    EXPECT_NE(m.find("\"initial\": {\"e_\": 0.0, \"theta\": 3.0}"), std::string::npos) << m;
    const auto dw = m.find("plast_dw = eta*((-e_) * xpost)\\nplast_d_e_ = xpost\\nw = clip(w + plast_dw, 0, w_max)\\ne_ = e_ + plast_d_e_");
    EXPECT_NE(dw, std::string::npos) << m;
}

TEST(Export, Product21IsAnExpressionRuleOverTheCvaifTraces)
{
    const Rule r = rule_from("[rule.r]\nfamily = \"product21\"\ntau_fast = 0.02\ntau_slow = 0.1\n"
                             "c = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]\n");
    const auto e = canonical(r, "test", Target::brian2);
    EXPECT_EQ(e.tau_pre, 0.02);
    ASSERT_EQ(e.traces.size(), 2u);
    EXPECT_EQ(e.traces[0].name, "x_pre2");
    EXPECT_EQ(e.traces[1].tau, 0.1);
    EXPECT_EQ(e.params.at("c20"), 21.0);
    EXPECT_TRUE(e.reads_post_neuron);
    // The expression evaluates to ProductRule21's value: on a presynaptic arrival with every input 0
    // except w = 1: c0 (1 + c1 + w (c2 + c3 w)) = 1 * (1 + 2 + 3 + 4) = 10; on a post spike c10 (1 + c11 + c12 + c13) = 11 * 40.
    const auto vars = plast::model::expression_variables([&] { Rule p = r; p.traces = e.traces; return p; }());
    std::vector<double> in(vars.size(), 0.0), th;
    for (const auto& [k, v] : e.params) th.push_back(v);
    for (std::size_t k = 0; k < vars.size(); ++k)
        if (vars[k] == "w") in[k] = 1.0;
    EXPECT_DOUBLE_EQ(e.on_pre.eval(in.data(), th.data()), 10.0);
    EXPECT_DOUBLE_EQ(e.on_post.eval(in.data(), th.data()), 440.0);
    EXPECT_TRUE(canonical(r, "test", Target::nestml).reads_post_neuron); // NESTML: V_trace, C_exc, C_inh as continuous input ports
}

namespace {

using plast::exporter::Target;

TEST(Export, ContinuousTermIsAnEndOfStepOperationInBrian2AndAStepwiseLoopInNestml)
{
    const Rule r = rule_from("[rule.r]\nfamily = \"expression\"\non_post = \"x_pre\"\ncontinuous = \"x_pre - 2*(w - w0)\"\n"
                             "[rule.r.params]\nw0 = 0.5\n");
    const auto b = brian2_rule_module({canonical(r, "test", Target::brian2)}, "header");
    // The traces as plast reads them after its decay (t + dt), forward Euler with the clip.
    EXPECT_NE(b.find("plast_next_xpre = xpre*exp(-(t + dt - lastupdate)/tau_pre)"), std::string::npos) << b;
    EXPECT_NE(b.find("w = clip(w + eta*(dt/second)*(plast_next_xpre - (2.0 * (w - w0))), 0, w_max)"), std::string::npos) << b;
    const auto n = nestml_models({canonical(r, "test", Target::nestml)}, "header", 20.0, 0.8);
    EXPECT_EQ(n.find("equations:"), std::string::npos) << n; // the traces decay in the loop instead
    EXPECT_EQ(n.find("integrate_odes()"), std::string::npos) << n;
    const auto loop = n.find("while plast_k < plast_n:");
    ASSERT_NE(loop, std::string::npos) << n;
    // In the loop: the traces decay by one step, then the weight's forward-Euler step.
    const auto decay = n.find("x_pre = x_pre * exp(-resolution() / tau_pre)", loop);
    const auto euler = n.find("w = clip(w + eta * (resolution() / (1000.0 ms)) * (x_pre - (2.0 * (w - w0))), 0.0, w_max)", loop);
    EXPECT_NE(decay, std::string::npos) << n;
    EXPECT_NE(euler, std::string::npos) << n;
    EXPECT_LT(decay, euler);
}

TEST(Export, NestmlStatesUseTemporariesAtEventsAndPostStatesInTheLoop)
{
    const Rule r = rule_from(R"TOML([rule.r]
family = "expression"
on_post = "x_pre*(ybar - theta) + e"
[rule.r.traces]
ybar = { side = "post", tau = 1.0 }
[rule.r.state]
theta = { tau = 2.0, follows = "ybar^2/y0", init = 1.0 }
[rule.r.synapse_state]
e = { on_pre = "x_post", on_post = "-e", tau = 0.05 }
[rule.r.params]
y0 = 10.0
)TOML");
    const auto n = nestml_models({canonical(r, "test", Target::nestml)}, "header", 20.0, 0.8);
    EXPECT_NE(n.find("theta real = 1.0 # postsynaptic state"), std::string::npos) << n;
    EXPECT_NE(n.find("tau_s_e_ ms = 50.0 ms"), std::string::npos) << n; // e is a NESTML built-in: renamed
    // Every term of a post spike from the values before it, then the writes.
    const auto h = n.find("onReceive(post_spikes):");
    const auto dw = n.find("plast_dw real = eta * ((x_pre * (ybar - theta)) + e_)", h);
    const auto de = n.find("plast_d_e_ real = (-e_)", h);
    const auto ww = n.find("w = clip(w + plast_dw, 0.0, w_max)", h);
    const auto we = n.find("e_ += plast_d_e_", h);
    ASSERT_TRUE(dw != std::string::npos && de != std::string::npos && ww != std::string::npos && we != std::string::npos) << n;
    EXPECT_LT(dw, ww);
    EXPECT_LT(de, ww);
    EXPECT_LT(ww, we);
    // Post states in the loop, after the traces' one-step decay; the synapse state decays last.
    const auto decay = n.find("ybar = ybar * exp(-resolution() / tau_ybar)");
    const auto post = n.find("plast_new_theta real = theta + (resolution() / tau_s_theta) * (((ybar)**(2.0) / y0) - theta)");
    const auto syn = n.find("e_ = e_ * exp(-resolution() / tau_s_e_)");
    ASSERT_TRUE(decay != std::string::npos && post != std::string::npos && syn != std::string::npos) << n;
    EXPECT_LT(decay, post);
    EXPECT_LT(post, syn);
}

TEST(Export, FittedTaylorRuleFromARunDirectory)
{
    namespace fs = std::filesystem;
    const auto dir = fs::temp_directory_path() / "plast_export_taylor_test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    {
        std::ofstream c(dir / "config.toml");
        c << "seed = 7\n[model]\nkind = \"oja\"\nn_in = 1\nn_out = 1\neta = 0.5\nsteps = 2\n[rule]\nfamily = \"taylor\"\n";
        std::ofstream t(dir / "theta.csv");
        plast::rules::TaylorRule tr(false);
        t << "epoch,loss";
        for (std::size_t k = 0; k < 27; ++k) t << "," << tr.column_name(k);
        t << "\n0,1";
        for (std::size_t k = 0; k < 27; ++k) t << ",0";
        t << "\n12,0.25"; // the last row is the fit: Oja's rule x*y - y^2*w
        for (std::size_t k = 0; k < 27; ++k) t << "," << (k == tr.index(1, 1, 0) ? "1" : k == tr.index(0, 2, 1) ? "-1" : "0");
        t << "\n";
    }
    const auto s = taylor_from_run(dir.string(), Target::brian2);
    EXPECT_EQ(s.seed, 7u);
    EXPECT_EQ(s.eta, 0.5);
    EXPECT_NE(s.provenance.find("seed 7, theta.csv last row (epoch 12, loss 0.25)"), std::string::npos) << s.provenance;
    // Two steps by hand: y = sigmoid(w x), w += eta (x y - y^2 w).
    const std::vector<double> x{1.0, 2.0};
    const auto w = rate_trajectory(s, x, 2, {0.3});
    double wh = 0.3;
    for (double xi : x) {
        const double y = 1.0 / (1.0 + std::exp(-wh * xi));
        wh = wh + 0.5 * (xi * y - y * y * wh);
    }
    ASSERT_EQ(w.size(), 3u);
    EXPECT_DOUBLE_EQ(w[2], wh);
    const auto script = brian2_rate_script(s, "header");
    EXPECT_NE(script.find("\"A_110\": 1.0,  # x*y"), std::string::npos) << script;
    EXPECT_NE(script.find("A_021*y_post**2*w"), std::string::npos) << script;
    try {
        taylor_from_run((dir / "theta.csv").string(), Target::nestml);
        FAIL() << "no error";
    } catch (const plast::Error& e) {
        EXPECT_NE(std::string(e.what()).find("a rate rule"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("which the nestml export cannot express"), std::string::npos) << e.what();
    }
    fs::remove_all(dir);
}

} // namespace
