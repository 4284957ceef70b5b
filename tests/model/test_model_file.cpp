// Model files: the shipped fSBI model against the built-in builder, connectivity rules, the
// two-set-point network, and bad input (one clear error before any simulation).
#include "plast/core/error.hpp"
#include "plast/io/config.hpp"
#include "plast/model/build.hpp"
#include "plast/model/model_file.hpp"
#include "plast/model/simulation.hpp"
#include "model_test_support.hpp"
#include "plast/spiking/fsbi_network.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace {

using plast::Config;
namespace model = plast::model;

using model_test::examples;

using model_test::load;

model::Model parse(const std::string& text)
{
    auto cfg = Config::parse(text, "model.toml");
    std::vector<std::string> warnings;
    return model::read_model(cfg.root(), "", warnings);
}

std::string error_of(const std::string& text)
{
    try {
        parse(text);
    } catch (const plast::Error& e) {
        return e.what();
    }
    return "";
}

const std::string base = R"TOML(
[[population]]
name = "in"
size = 100
model = "poisson"
rate = 10.0
[[population]]
name = "E"
size = 50
[[phase]]
duration = 0.1
)TOML";

} // namespace

TEST(ModelFile, FsbiModelGivesTheBuiltInNetworksSpikesAndMetrics)
{
    auto cfg = Config::load_file(examples + "fsbi.toml");
    const auto m = load(cfg, {"scale=0.125", "phase[0].duration=1.0", "phase[1].duration=1.0"});
    const auto r = model::simulate(m, 5);
    plast::spiking::FsbiConfig c;
    c.scale = 0.125;
    c.warmup = 1.0;
    c.score = 1.0;
    c.rules[2] = plast::spiking::SixParamRule::vogels_istdp(10.0);
    const auto ref = plast::spiking::run_fsbi(c, 5, 0);
    ASSERT_FALSE(r.aborted);
    ASSERT_FALSE(ref.aborted);
    // Same spikes: per neuron, the same times.
    ASSERT_EQ(r.spikes.size(), 2u);
    for (int k = 0; k < 2; ++k) {
        const auto& trains = k == 0 ? ref.exc : ref.inh;
        const auto& d = r.spikes[static_cast<std::size_t>(k)];
        ASSERT_EQ(d.last - d.first, trains.size());
        plast::metrics::Trains mine(trains.size());
        for (std::size_t i = 0; i < d.times.size(); ++i) mine[static_cast<std::size_t>(d.neurons[i])].push_back(d.times[i]);
        EXPECT_EQ(mine, trains);
    }
    for (const auto& [key, v] : ref.metrics) {
        ASSERT_TRUE(r.metrics.count(key)) << key;
        if (std::isnan(v)) EXPECT_TRUE(std::isnan(r.metrics.at(key))) << key;
        else EXPECT_NEAR(r.metrics.at(key), v, 1e-9 * std::max(1.0, std::fabs(v))) << key;
    }
}

TEST(ModelFile, CvaifProductModelGivesTheBuiltInNetworksSpikes)
{
    auto cfg = Config::load_file(examples + "fsbi_cvaif_product21.toml");
    const auto m = load(cfg, {"scale=0.125", "phase[0].duration=1.0", "phase[1].duration=1.0"});
    const auto r = model::simulate(m, 2);
    auto legacy = Config::load_file(std::string(PLAST_TEST_SOURCE_DIR) + "/examples/fsbi_cvaif_product21.toml");
    for (const char* s : {"network.scale=0.125", "network.warmup=1.0", "network.score=1.0"}) legacy.apply_override(s);
    const auto c = plast::spiking::FsbiConfig::from_config(legacy.section("network"));
    const auto ref = plast::spiking::run_fsbi(c, 2, 0);
    ASSERT_EQ(r.aborted, ref.aborted);
    ASSERT_EQ(r.spikes.size(), 2u);
    for (int k = 0; k < 2; ++k) {
        const auto& trains = k == 0 ? ref.exc : ref.inh;
        const auto& d = r.spikes[static_cast<std::size_t>(k)];
        plast::metrics::Trains mine(d.last - d.first);
        for (std::size_t i = 0; i < d.times.size(); ++i) mine[static_cast<std::size_t>(d.neurons[i])].push_back(d.times[i]);
        EXPECT_EQ(mine, trains);
    }
    // EI and II are static: the builder reports their constant mean weight, the model file has no
    // weight monitor on them (weif, wiif NaN; the "mlp" filter does not bound them).
    for (const auto& [key, v] : ref.metrics) {
        if (key == "weif" || key == "wiif") continue;
        if (std::isnan(v)) EXPECT_TRUE(std::isnan(r.metrics.at(key))) << key;
        else EXPECT_NEAR(r.metrics.at(key), v, 1e-9 * std::max(1.0, std::fabs(v))) << key;
    }
}

TEST(ModelFile, FixedIndegreeAllToAllOneToOne)
{
    const auto m = parse(base + R"TOML(
[[projection]]
name = "k"
pre = "E"
post = "E"
connect = "fixed_indegree"
k = 7
[[projection]]
name = "all"
pre = "in"
post = "E"
connect = "all_to_all"
[[population]]
name = "F"
size = 50
[[projection]]
name = "one"
pre = "E"
post = "F"
connect = "one_to_one"
)TOML");
    const auto b = model::build(m, 3);
    const auto& k = b.net->projection(b.projections.at("k"));
    std::vector<int> indeg(50, 0);
    for (std::size_t i = 0; i < 50; ++i)
        for (auto s = k.row_ptr()[i]; s < k.row_ptr()[i + 1]; ++s) {
            ++indeg[k.post_index()[s]];
            EXPECT_NE(k.post_index()[s], i) << "no autapses by default";
        }
    for (int d : indeg) EXPECT_EQ(d, 7);
    EXPECT_EQ(b.net->projection(b.projections.at("all")).size(), 5000u);
    const auto& one = b.net->projection(b.projections.at("one"));
    ASSERT_EQ(one.size(), 50u);
    for (std::size_t i = 0; i < 50; ++i) EXPECT_EQ(one.post_index()[one.row_ptr()[i]], i);
}

TEST(ModelFile, ReceptiveFieldsAndWeightDistributions)
{
    const auto m = parse(R"TOML(
[[population]]
name = "grid"
size = 400
model = "poisson"
rate = 10.0
[[population]]
name = "E"
size = 200
[[projection]]
pre = "grid"
post = "E"
connect = "receptive_field"
radius = 3.0
weight = { dist = "uniform", low = 0.1, high = 0.3 }
[[phase]]
duration = 0.1
)TOML");
    const auto b = model::build(m, 3);
    const auto& p = b.net->projection(0);
    // A disc of radius 3 holds pi r^2 = 28.3 grid points (fewer at the borders of a 20 x 20 grid).
    const double per_post = static_cast<double>(p.size()) / 200.0;
    EXPECT_GT(per_post, 18.0);
    EXPECT_LT(per_post, 30.0);
    double mean = 0;
    for (float w : p.weights()) {
        EXPECT_GE(w, 0.1f);
        EXPECT_LT(w, 0.3f);
        mean += w;
    }
    mean /= static_cast<double>(p.size());
    // Uniform(0.1, 0.3): mean 0.2, SD 0.058; n > 3000 synapses -> SE < 0.0011.
    EXPECT_NEAR(mean, 0.2, 0.005);
}

TEST(ModelFile, TwoPopulationsSettleAtTheirInhibitorySetPoints)
{
    auto cfg = Config::load_file(examples + "two_setpoints.toml");
    const auto m = load(cfg, {"phase[0].duration=20.0", "phase[1].duration=10.0", "phase[2].duration=20.0"});
    const auto r = model::simulate(m, 3);
    ASSERT_FALSE(r.aborted) << r.abort_reason;
    auto mean_rate = [&](const std::string& name, double t0, double t1) {
        for (const auto& s : r.series)
            if (s.name == name) {
                double sum = 0;
                int n = 0;
                for (std::size_t i = 0; i < s.times.size(); ++i)
                    if (s.times[i] >= t0 && s.times[i] < t1) sum += s.values[i][0], ++n;
                return sum / n;
            }
        return -1.0;
    };
    // Background phase [30, 50) s. The 6pPol form of Vogels' rule has zero mean-field drift at
    // r_post = target_rate. Spike correlations (an inhibitory spike delays the next E spike) shift
    // the spiking fixed point slightly upward; the rate of 200-400 neurons over 20 s has an SE below
    // 0.1 Hz. Bound: within 10 % of the set point.
    EXPECT_NEAR(mean_rate("rate_E_low", 30, 50), 4.0, 0.4);
    EXPECT_NEAR(mean_rate("rate_E_high", 30, 50), 12.0, 1.2);
    // The probes start from the same snapshot: both respond above background.
    ASSERT_EQ(r.phases.size(), 5u);
    EXPECT_DOUBLE_EQ(r.phases[3].t1, 51.0);
    EXPECT_GT(mean_rate("rate_E_low", 50, 51), 10.0);
    EXPECT_GT(mean_rate("rate_E_low", 51, 52), 10.0);
    // The schedule switched both stimuli on at least once.
    const auto& st = r.phases[1].stimuli;
    EXPECT_TRUE(std::count(st.begin(), st.end(), "A") > 0 && std::count(st.begin(), st.end(), "B") > 0);
}

TEST(ModelFile, BadInputNamesFileLineKeyAndAllowedValues)
{
    auto has = [](const std::string& msg, std::initializer_list<const char*> parts) {
        for (const char* p : parts)
            if (msg.find(p) == std::string::npos) return ::testing::AssertionFailure() << "'" << p << "' not in: " << msg;
        return ::testing::AssertionSuccess();
    };
    EXPECT_TRUE(has(error_of(base + "[[projection]]\npre = \"X\"\npost = \"E\"\np = 0.1\n"),
                    {"model.toml:", "projection[0].pre", "in, E"}));
    EXPECT_TRUE(has(error_of(base + "[[projection]]\npre = \"E\"\npost = \"in\"\np = 0.1\n"), {"projection[0].post", "source population"}));
    EXPECT_TRUE(has(error_of(base + "[[projection]]\npre = \"in\"\npost = \"E\"\np = 1.5\n"), {"projection[0].p", "[0, 1]"}));
    EXPECT_TRUE(has(error_of(base + "[[projection]]\npre = \"in\"\npost = \"E\"\np = 0.1\nrule = \"stdp\"\n"), {"projection[0].rule", "static"}));
    EXPECT_TRUE(has(error_of(base + "[[phase]]\nduration = 1.0\nrestore = \"s\"\n"), {"phase[1].restore", "no earlier phase"}));
    EXPECT_TRUE(has(error_of(base + "[rule.r]\nfamily = \"expression\"\non_post = \"V*x_pre\"\n[[projection]]\npre = \"in\"\npost = \"E\"\np = 0.1\nrule = \"r\"\n"),
                    {"projection[0].rule", "cvaif"}));
    EXPECT_TRUE(has(error_of(base + "[[projection]]\npre = \"in\"\npost = \"E\"\nconnect = \"fixed_indegree\"\nk = 101\n"), {"projection[0].k", "[0, 100]"}));
    EXPECT_TRUE(has(error_of(base + "[[monitor]]\nkind = \"spikes\"\npopulation = \"E\"\nneurons = [0, 60]\n"), {"monitor[0].neurons"}));
    EXPECT_TRUE(has(error_of(base + "[[population]]\nname = \"E\"\nsize = 3\n"), {"population[2].name", "twice"}));
    EXPECT_TRUE(has(error_of("[[phase]]\nduration = 1.0\n"), {"population"}));
    EXPECT_TRUE(has(error_of(base + "[[stimulus]]\nname = \"s\"\npopulation = \"in\"\nneurons = [90, 120]\nrate = 5.0\n"), {"stimulus[0].neurons"}));
    EXPECT_TRUE(has(error_of(base + "[metrics]\nexc = \"E\"\ninh = \"E\"\n"), {"metrics.exc", "spikes monitor"}));
}

TEST(ModelFile, QuadrupletTasksRefuseToReplaceAConfiguredRule)
{
    auto cfg = Config::parse("[network.rule_IE]\npreset = \"expression\"\non_pre = \"x_post - 0.4\"\non_post = \"x_pre\"\n", "screen.toml");
    const auto net = plast::spiking::FsbiConfig::from_config(cfg.section("network"));
    try {
        net.require_six_param_rules(cfg.section("network"), "the fsbi screen");
        FAIL() << "the expression rule must not be replaced silently";
    } catch (const plast::Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("screen.toml:2"), std::string::npos) << m;
        EXPECT_NE(m.find("network.rule_IE.preset"), std::string::npos) << m;
    }
    // Another 6-parameter rule would be replaced just the same; a frozen connection or the zero rule that a
    // saved config.toml writes would not.
    for (const char* text : {"[network.rule_IE]\npreset = \"vogels_istdp\"\n", "[network.rule_EE]\ntheta = [0.02, 0.02, 0, 0, 1, 0]\n"}) {
        auto bad = Config::parse(text, "screen.toml");
        EXPECT_THROW(plast::spiking::FsbiConfig::from_config(bad.section("network")).require_six_param_rules(bad.section("network"), "x"),
                     plast::Error)
            << text;
    }
    for (const char* text : {"[network.rule_IE]\npreset = \"static\"\n", "[network.rule_EI]\nplastic = false\n",
                             "[network.rule_II]\nplastic = true\npreset = \"6ppol\"\ntheta = [0.02, 0.02, 0, 0, 0, 0]\n"}) {
        auto ok = Config::parse(text, "screen.toml");
        EXPECT_NO_THROW(plast::spiking::FsbiConfig::from_config(ok.section("network")).require_six_param_rules(ok.section("network"), "x"))
            << text;
    }
}

#include "plast/memory/memory_networks.hpp"
#include "plast/memory/model_network.hpp"

TEST(ModelFile, FeedForwardModelDrivesTheMemoryProtocolAsTheBuiltInNetwork)
{
    auto cfg = Config::parse("file = \"feedforward_istdp.toml\"\nreadout = \"out\"\nnovel = [\"novel_E\", \"novel_I\"]\n"
                             "familiar = [\"familiar_E\", \"familiar_I\"]\nrules = [\"IE\"]\n",
                             "memory.toml");
    const auto mc = plast::memory::ModelNetworkConfig::from_config(cfg.root(), examples);
    const std::vector<double> theta{0.02, 0.02, -0.12, 0.0, 1.0, 1.0};
    for (const std::string cond : {"control", "static"}) {
        auto a = plast::memory::make_model_network(mc, theta, cond, 9, 1);
        plast::memory::FeedForwardConfig fc;
        fc.rule = plast::spiking::SixParamRule::from_array({0.02, 0.02, -0.12, 0.0, 1.0, 1.0});
        if (cond == "static") fc.eta = 0;
        auto b = plast::memory::make_feedforward_network(fc, 9, 1);
        for (auto* n : {a.get(), b.get()}) {
            n->set_plasticity(true);
            ASSERT_TRUE(n->advance(20.0)); // iSTDP first lowers the initial (silencing) inhibition
            n->start_recording(0.1);
            n->set_pattern(1);
            ASSERT_TRUE(n->advance(3.0));
            n->save_state();
            n->set_pattern(0);
            ASSERT_TRUE(n->advance(2.0));
            n->restore_state();
            ASSERT_TRUE(n->advance(1.0));
        }
        EXPECT_EQ(a->spike_counts(), b->spike_counts()) << cond;
        EXPECT_EQ(a->population_rate(), b->population_rate()) << cond;
        ASSERT_EQ(a->mean_weights().size(), 1u);
        EXPECT_DOUBLE_EQ(a->mean_weights()[0].second, b->mean_weights()[0].second) << cond;
        double total = 0;
        for (double c : a->spike_counts()) total += c;
        if (cond == "control") {
            EXPECT_GT(total, 0.0) << "the patterns drive the output neuron"; // static: inhibition stays silencing
        }
    }
    auto bad = Config::parse("file = \"feedforward_istdp.toml\"\nreadout = \"out\"\nnovel = [\"novel_E\"]\nfamiliar = [\"familiar_E\"]\nrules = [\"E_out\"]\n", "memory.toml");
    EXPECT_THROW(plast::memory::ModelNetworkConfig::from_config(bad.root(), examples), plast::Error);
}

#include "plast/e2l/model_stability_task.hpp"
#include "plast/expr/parser.hpp"

TEST(ModelFile, StabilityTaskScoresExpressionRulesOfAModelFile)
{
    auto cfg = Config::parse("file = \"fsbi_ie_expression.toml\"\nrule = \"ie\"\nset = [\"scale=0.125\", \"phase[0].duration=5.0\", \"phase[1].duration=5.0\"]\n"
                             "target_rate = 3.0\n",
                             "evolve.toml");
    const auto t = plast::e2l::ModelStabilityTask::from_config(cfg.root(), examples);
    const std::vector<std::string> in{"x_pre", "x_post", "w"};
    auto score = [&](const std::string& pre, const std::string& post) {
        return t->run({plast::expr::parse(pre, in), plast::expr::parse(post, in)}, 0);
    };
    // Vogels' iSTDP with a 3 Hz set point (alpha = -2 r0 tau = -0.12) against pure potentiation of
    // inhibition, which drives the E rate towards 0 (F -> -(0 - 3)^2/2 - failed bounds).
    const auto vogels = score("x_post - 0.12", "x_pre");
    const auto silencing = score("x_post", "x_pre");
    EXPECT_FALSE(vogels.aborted);
    EXPECT_NEAR(vogels.rate, 3.0, 1.5);
    EXPECT_GT(vogels.fitness, silencing.fitness);
    EXPECT_LT(silencing.fitness, vogels.fitness - 1.0);
    // A rule the model's parser cannot take (a non-finite constant) is invalid, not a crash.
    const auto broken = score("x_post - 1/(w - w)", "x_pre");
    EXPECT_FALSE(std::isnan(broken.fitness));
    auto bad = Config::parse("file = \"fsbi_ie_expression.toml\"\nrule = \"zero\"\n", "evolve.toml");
    EXPECT_THROW(plast::e2l::ModelStabilityTask::from_config(bad.root(), examples), plast::Error);
}

TEST(ModelFile, StabilityTaskGradedPenaltyChargesFailedBoundsByHowFarTheyAreMissed)
{
    // The same simulations under both penalty modes: equal rate terms; a failed bound costs 1 (count) or
    // between 0.5 and 1 (graded), so F_graded - F_count lies in [0, failed / 2].
    const std::string base = "file = \"fsbi_ie_expression.toml\"\nrule = \"ie\"\nset = [\"scale=0.125\", \"phase[0].duration=5.0\", \"phase[1].duration=5.0\"]\n"
                             "target_rate = 3.0\n";
    auto count = Config::parse(base, "evolve.toml");
    auto graded = Config::parse(base + "penalty_mode = \"graded\"\n", "evolve.toml");
    const auto tc = plast::e2l::ModelStabilityTask::from_config(count.root(), examples);
    const auto tg = plast::e2l::ModelStabilityTask::from_config(graded.root(), examples);
    const std::vector<std::string> in{"x_pre", "x_post", "w"};
    int with_failures = 0;
    for (const auto& [pre, post] : std::vector<std::pair<std::string, std::string>>{{"x_post - 0.12", "x_pre"}, {"x_post", "x_pre"}, {"x_post - 0.5", "x_pre"}}) {
        const std::vector<plast::expr::Tape> rule{plast::expr::parse(pre, in), plast::expr::parse(post, in)};
        const auto a = tc->run(rule, 0), b = tg->run(rule, 0);
        ASSERT_EQ(a.failed, b.failed) << pre;
        if (a.aborted) continue;
        EXPECT_GE(b.fitness, a.fitness) << pre;
        EXPECT_LE(b.fitness - a.fitness, 0.5 * a.failed + 1e-12) << pre;
        if (a.failed == 0) {
            EXPECT_EQ(a.fitness, b.fitness) << pre;
        }
        with_failures += a.failed > 0;
    }
    EXPECT_GT(with_failures, 0); // the comparison covered a rule with failed bounds
    auto bad = Config::parse(base + "penalty_mode = \"soft\"\n", "evolve.toml");
    EXPECT_THROW(plast::e2l::ModelStabilityTask::from_config(bad.root(), examples), plast::Error);
}

TEST(ModelFile, CvaifMlpModelRunsAndItsRulesChangeTheWeights)
{
    // The shipped MLP example (fSBI Fig. 4 rule family) on a small network for 0.4 s: the rules read
    // the reference hidden weights and change the E->E and I->E weights; E->I stays static.
    auto cfg = Config::load_file(examples + "fsbi_cvaif_mlp.toml");
    const auto m = load(cfg, {"scale=0.125", "phase[0].duration=0.2", "phase[1].duration=0.2"});
    ASSERT_EQ(m.rules.at("ie_mlp").family, model::Rule::Family::mlp_t4);
    const auto r = model::simulate(m, 3);
    ASSERT_FALSE(r.aborted) << r.abort_reason;
    int changed = 0;
    for (const auto& s : r.series) {
        if (s.kind != "weights") continue;
        ASSERT_GE(s.values.size(), 2u);
        double d = 0;
        for (std::size_t c = 0; c < s.values.front().size(); ++c) d += std::fabs(s.values.back()[c] - s.values.front()[c]);
        EXPECT_GT(d, 0.0) << s.target;
        changed += d > 0;
    }
    EXPECT_EQ(changed, 2);
    // The rule reads V_trace, C_exc and C_inh: onto an IF population it is refused before any run.
    const std::string mlp = "[rule.m]\nfamily = \"mlp_t4\"\nhidden_weights = \"" + std::string(PLAST_TEST_SOURCE_DIR) +
                            "/examples/data/mlp_t4_hidden_weights.csv\"\nw_pre = [0, 0, 0, 0, 0]\nw_post = [0, 0, 0, 0, 0]\n";
    const auto e = error_of(base + mlp + "[[projection]]\npre = \"in\"\npost = \"E\"\np = 0.1\nrule = \"m\"\n");
    EXPECT_NE(e.find("cvaif"), std::string::npos) << e;
    const auto missing = error_of(base + "[rule.m]\nfamily = \"mlp_t4\"\nhidden_weights = \"nope.csv\"\nw_pre = [0, 0, 0, 0, 0]\nw_post = [0, 0, 0, 0, 0]\n");
    EXPECT_NE(missing.find("rule.m.hidden_weights"), std::string::npos) << missing;
}
