// CGP genome, mutation, reorder, (mu + lambda) EA, cache and checkpoint (evolving-rules §9 "CGP engine").
#include "plast/cgp/evolution.hpp"
#include "plast/cgp/genome.hpp"
#include "plast/core/error.hpp"
#include "plast/expr/simplify.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>

using namespace plast;
using namespace plast::cgp;

namespace {

std::shared_ptr<const GenomeSpec> make_spec(int n_in, int cols, std::vector<std::string> prims, int levels_back = -1)
{
    auto s = std::make_shared<GenomeSpec>();
    s->n_inputs = n_in;
    s->n_outputs = 1;
    s->n_columns = cols;
    s->n_rows = 1;
    s->levels_back = levels_back < 0 ? cols : levels_back;
    for (const auto& p : prims)
        s->primitives.push_back(primitive_from_name(p));
    s->finalize();
    return s;
}

const std::vector<std::string> xy{"x", "y"};

// Symbolic regression of x*y + x on a fixed grid: cheap, deterministic objective for EA tests.
double regression_fitness(const std::vector<expr::Tape>& t)
{
    double se = 0;
    for (int i = -3; i <= 3; ++i)
        for (int j = -3; j <= 3; ++j) {
            const double x[2] = {0.5 * i, 0.5 * j};
            const double d = t[0].eval(x) - (x[0] * x[1] + x[0]);
            se += d * d;
        }
    return -se;
}

} // namespace

TEST(CgpGenome, HandBuiltGenomeCompiles)
{
    // Primitives 0:+, 1:*, 2:const 1. Regions: in0, in1, h2, h3, h4, out5; 1 + max_arity = 3 genes each.
    auto spec = make_spec(2, 3, {"+", "*", "1.0"});
    ASSERT_EQ(spec->length(), 6 * 3);
    const Genome g(spec, {-1, -3, -3, -1, -3, -3, //
                          0, 0, 1,                // h2 = x + y
                          1, 2, 0,                // h3 = h2 * x
                          2, 3, 3,                // h4 = 1 (inactive)
                          -2, 3, -3});            // out = h3
    const auto act = g.active_regions();
    EXPECT_EQ(act, (std::vector<bool>{true, true, true, true, false, true}));
    const auto t = g.compile(0, xy);
    EXPECT_EQ(t.infix(), "(x + y) * x");
    EXPECT_EQ(expr::canonical(t), "x*y + x^2");
    // Output reading a constant node; constants are zero-arity primitives.
    const Genome c(spec, {-1, -3, -3, -1, -3, -3, 0, 0, 1, 1, 2, 0, 2, 3, 3, -2, 4, -3});
    EXPECT_EQ(c.compile(0, xy).infix(), "1");
    // Multi-genome individual: one tape per genome.
    auto spec2 = make_spec(2, 1, {"-", "/"});
    EaConfig cfg;
    Evolution ev(cfg, {spec, spec2}, {xy, {"w", "E"}}, regression_fitness);
    Individual ind;
    ind.genomes = {g, Genome(spec2, {-1, -3, -3, -1, -3, -3, 1, 1, 0, -2, 2, -3})};
    EXPECT_EQ(ev.formulas(ind), (std::vector<std::string>{"x*y + x^2", "E/w"}));
}

TEST(CgpGenome, ImpermissibleAllelesRejected)
{
    auto spec = make_spec(2, 3, {"+", "*", "1.0"}, 1);
    // h3 (column 1) may read inputs and column 0 only; reading h2... column 0 is region 2: allowed;
    // h4 (column 2) reading region 2 (column 0) violates levels_back = 1.
    EXPECT_THROW(Genome(spec, {-1, -3, -3, -1, -3, -3, 0, 0, 1, 1, 2, 0, 0, 2, 3, -2, 4, -3}), Error);
    EXPECT_NO_THROW(Genome(spec, {-1, -3, -3, -1, -3, -3, 0, 0, 1, 1, 2, 0, 0, 3, 3, -2, 4, -3}));
}

TEST(CgpGenome, MutationRateWithinBinomialBoundsAndAlwaysChanges)
{
    auto spec = make_spec(3, 12, {"+", "-", "*", "/", "1.0"});
    rng::Stream init(3, "test_init");
    const Genome parent = Genome::random(spec, init);
    std::size_t mutable_genes = 0;
    for (const auto& al : spec->alleles)
        mutable_genes += al.size() > 1;
    const double p = 0.045;
    const int trials = 4000;
    long long changed = 0, reported = 0;
    for (int t = 0; t < trials; ++t) {
        Genome child = parent;
        rng::Stream r(7, "test_mutate", static_cast<std::uint64_t>(t));
        reported += child.mutate(p, r).n_mutated;
        const Genome checked(spec, child.dna()); // throws on an impermissible allele
        for (std::size_t g = 0; g < parent.dna().size(); ++g) {
            if (spec->alleles[g].size() < 2) {
                EXPECT_EQ(child.dna()[g], parent.dna()[g]);
            }
            changed += child.dna()[g] != parent.dna()[g];
        }
    }
    // Every selected gene changes: changed count == reported count. The count is Binomial(n, p)
    // with n = trials * mutable_genes; accept +-4 standard deviations.
    EXPECT_EQ(changed, reported);
    const double n = static_cast<double>(trials) * static_cast<double>(mutable_genes);
    EXPECT_NEAR(static_cast<double>(changed), n * p, 4.0 * std::sqrt(n * p * (1 - p)));
}

TEST(CgpGenome, ReorderKeepsPhenotypeAndValidity)
{
    auto spec = make_spec(3, 12, {"+", "-", "*", "/", "1.0"});
    const std::vector<std::string> names{"a", "b", "c"};
    for (std::uint64_t s = 0; s < 50; ++s) {
        rng::Stream r(11, "test_reorder", s);
        Genome g = Genome::random(spec, r);
        const auto before = g.compile(0, names);
        bool moved = false;
        for (int k = 0; k < 5; ++k) {
            const auto old = g.dna();
            g.reorder(r);
            moved = moved || old != g.dna();
            EXPECT_NO_THROW(Genome(spec, g.dna()));
        }
        const auto after = g.compile(0, names);
        for (int i = 0; i < 10; ++i) {
            const double x[3] = {r.uniform(-3, 3), r.uniform(-3, 3), r.uniform(-3, 3)};
            const double a = before.eval(x), b = after.eval(x);
            if (std::isnan(a)) {
                EXPECT_TRUE(std::isnan(b));
            } else {
                EXPECT_EQ(a, b); // same tree, same operations: bit-identical
            }
        }
        if (s == 0) {
            EXPECT_TRUE(moved);
        }
    }
}

TEST(CgpGenome, BadInputIsAClearError)
{
    EXPECT_THROW(primitive_from_name("sin"), Error);
    try {
        make_spec(2, 0, {"+"});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), Error::Kind::config);
        EXPECT_NE(std::string(e.what()).find("n_columns"), std::string::npos);
    }
    EXPECT_THROW(make_spec(0, 3, {"+"}), Error);
    EXPECT_THROW(make_spec(2, 3, {}), Error);
    EXPECT_THROW(make_spec(2, 3, {"+"}, 4), Error);
    EXPECT_EQ(primitive_from_name("Const(0.5)").value, 0.5);
}

TEST(CgpEvolution, SilentMutationsAreNotEvaluated)
{
    // The objective returns a new value on every call, so an inherited fitness is recognisable.
    std::atomic<int> calls{0};
    auto spec = make_spec(2, 8, {"+", "*", "1.0"});
    EaConfig cfg;
    cfg.mu = 1;
    cfg.lambda = 1;
    cfg.n_breeding = 1;
    cfg.p_mutation = 0.05;
    cfg.cache_key = CacheKey::none;
    cfg.seed = 5;
    Evolution ev(cfg, {spec}, {xy}, [&](const std::vector<expr::Tape>&) { return static_cast<double>(++calls); });
    ev.initialize();
    long long silent_seen = 0;
    for (int g = 0; g < 200; ++g) {
        const auto parent = ev.champion();
        const long long before_silent = ev.n_silent();
        const int before_calls = calls;
        ev.step();
        if (ev.n_silent() > before_silent) {
            ++silent_seen;
            EXPECT_EQ(calls, before_calls);                   // no evaluation
            EXPECT_EQ(ev.champion().fitness, parent.fitness); // inherited fitness
            EXPECT_NE(ev.champion().id, parent.id);           // ... and it replaced its parent (tie)
            // The active graph really is unchanged.
            EXPECT_EQ(ev.champion().genomes[0].compile(0, xy).infix(), parent.genomes[0].compile(0, xy).infix());
        } else {
            EXPECT_EQ(calls, before_calls + 1);
        }
    }
    EXPECT_GT(silent_seen, 10);
    EXPECT_EQ(calls, 1 + 200 - silent_seen);
}

TEST(CgpEvolution, NeutralDriftOffspringReplacesTiedParent)
{
    auto spec = make_spec(2, 5, {"+", "*"});
    EaConfig cfg;
    cfg.mu = 4;
    cfg.cache_key = CacheKey::none;
    Evolution ev(cfg, {spec}, {xy}, [](const std::vector<expr::Tape>&) { return 0.0; });
    ev.initialize();
    ev.step();
    // All fitnesses tie; offspring (ids 4..7) come first and fill all mu places.
    for (const auto& p : ev.parents())
        EXPECT_GE(p.id, 4);
}

TEST(CgpEvolution, InvalidRulesAreMinusInfinityAndNeverWinATie)
{
    auto spec = make_spec(2, 5, {"+", "*", "/"});
    EaConfig cfg;
    cfg.mu = 2;
    cfg.lambda = 2;
    cfg.n_breeding = 2;
    cfg.cache_key = CacheKey::none;
    cfg.seed = 2;
    // Individuals whose expression contains a division are "invalid" (NaN), others score 1.
    Evolution ev(cfg, {spec}, {xy}, [](const std::vector<expr::Tape>& t) {
        for (const auto& n : t[0].nodes())
            if (n.op == expr::Op::div) return std::nan("");
        return 1.0;
    });
    ev.initialize();
    for (int g = 0; g < 30; ++g) {
        ev.step();
        for (const auto& p : ev.parents())
            EXPECT_FALSE(std::isnan(p.fitness));
        if (ev.champion().fitness == 1.0) {
            for (std::size_t i = 1; i < ev.parents().size(); ++i)
                EXPECT_TRUE(ev.parents()[i].fitness == 1.0 || ev.parents()[i].fitness == -INFINITY);
        }
    }
    EXPECT_EQ(ev.champion().fitness, 1.0);
}

TEST(CgpEvolution, CacheReturnsStoredFitnessForEquivalentExpressions)
{
    auto spec = make_spec(2, 3, {"+", "*", "-"});
    // x*y + x  versus  x + y*x  (different graphs, same function).
    const Genome a(spec, {-1, -3, -3, -1, -3, -3, 1, 0, 1, 0, 2, 0, 2, 0, 0, -2, 3, -3});
    const Genome b(spec, {-1, -3, -3, -1, -3, -3, 1, 1, 0, 0, 0, 2, 2, 0, 0, -2, 3, -3});
    ASSERT_NE(a.compile(0, xy).infix(), b.compile(0, xy).infix());
    for (CacheKey key : {CacheKey::functional, CacheKey::canonical}) {
        std::atomic<int> calls{0};
        EaConfig cfg;
        cfg.cache_key = key;
        Evolution ev(cfg, {spec}, {xy}, [&](const std::vector<expr::Tape>&) { return 10.0 + ++calls; });
        Individual ia, ib;
        ia.genomes = {a};
        ib.genomes = {b};
        EXPECT_EQ(ev.cache_key(ia), ev.cache_key(ib));
        std::vector<Individual*> first{&ia}, second{&ib};
        ev.evaluate(first);
        ev.evaluate(second);
        EXPECT_EQ(calls, 1);
        EXPECT_EQ(ib.fitness, 11.0);
        EXPECT_EQ(ev.n_cache_hits(), 1);
    }
}

TEST(CgpEvolution, FunctionalCacheKeySeesTermsSwampedAtLargeInputs)
{
    // x^10 and x^10 + (x - y) agree to 18 digits at |x| ~ 100 (found in a correlation run: the cache
    // gave E^10 the fitness of E + E^10 - w). Samples near |x| ~ 1 tell them apart.
    auto spec = make_spec(2, 4, {"+", "-", "pow", "10.0"});
    const std::vector<int> base{-1, -3, -3, -1, -3, -3, 3, 0, 0, 2, 0, 2, 1, 0, 1, 0, 3, 4};
    std::vector<int> da = base, db = base;
    da.insert(da.end(), {-2, 3, -3}); // x^10
    db.insert(db.end(), {-2, 5, -3}); // x^10 + (x - y)
    EaConfig cfg;
    Evolution ev(cfg, {spec}, {xy}, [](const std::vector<expr::Tape>&) { return 0.0; });
    Individual ia, ib;
    ia.genomes = {Genome(spec, da)};
    ib.genomes = {Genome(spec, db)};
    EXPECT_NE(ev.cache_key(ia), ev.cache_key(ib));
}

TEST(CgpEvolution, SameTrajectoryForAnyThreadCountAndAfterResume)
{
    auto spec = make_spec(2, 8, {"+", "-", "*", "/", "1.0"});
    auto run = [&](int threads, int gens) {
        EaConfig cfg;
        cfg.threads = threads;
        cfg.seed = 9;
        cfg.reorder = true;
        auto ev = std::make_unique<Evolution>(cfg, std::vector<std::shared_ptr<const GenomeSpec>>{spec},
                                              std::vector<std::vector<std::string>>{xy}, regression_fitness);
        ev->initialize();
        for (int g = 0; g < gens; ++g)
            ev->step();
        return ev;
    };
    const auto serial = run(1, 60);
    const auto threaded = run(3, 60);
    ASSERT_EQ(serial->parents().size(), threaded->parents().size());
    for (std::size_t i = 0; i < serial->parents().size(); ++i) {
        EXPECT_EQ(serial->parents()[i].genomes[0].dna(), threaded->parents()[i].genomes[0].dna());
        EXPECT_EQ(serial->parents()[i].fitness, threaded->parents()[i].fitness);
    }
    // Interrupted at generation 25, checkpointed through JSON text, resumed.
    const auto half = run(1, 25);
    const std::string text = half->checkpoint().dump();
    EaConfig cfg;
    cfg.seed = 9;
    cfg.reorder = true;
    Evolution resumed(cfg, {spec}, {xy}, regression_fitness);
    resumed.restore(nlohmann::json::parse(text), "test");
    while (resumed.generation() < 60)
        resumed.step();
    for (std::size_t i = 0; i < serial->parents().size(); ++i) {
        EXPECT_EQ(serial->parents()[i].genomes[0].dna(), resumed.parents()[i].genomes[0].dna());
        EXPECT_EQ(serial->parents()[i].fitness, resumed.parents()[i].fitness);
    }
    EXPECT_EQ(serial->n_evaluations(), resumed.n_evaluations());
    EXPECT_EQ(serial->history().size(), resumed.history().size());
    // A checkpoint from another seed is refused.
    EaConfig other = cfg;
    other.seed = 10;
    Evolution wrong(other, {spec}, {xy}, regression_fitness);
    EXPECT_THROW(wrong.restore(nlohmann::json::parse(text), "test"), Error);
}

TEST(CgpEvolution, RestoreReEvaluatesASimulatedRuleNotTheCachedChampion)
{
    auto spec = make_spec(2, 8, {"+", "-", "*", "/", "1.0"});
    EaConfig cfg;
    cfg.seed = 4;
    Evolution ev(cfg, {spec}, {xy}, regression_fitness);
    ev.initialize();
    for (int g = 0; g < 10; ++g)
        ev.step();
    const nlohmann::json ck = ev.checkpoint();
    ASSERT_TRUE(ck.contains("probe"));
    // The champion's stored score may be another rule's (a functional-cache hit of a rule equal on the
    // sample inputs but not where the task evaluates it): the probe, not the champion, is checked.
    nlohmann::json cached = ck;
    cached["parents"][0]["fitness"] = 123.0;
    Evolution a(cfg, {spec}, {xy}, regression_fitness);
    EXPECT_NO_THROW(a.restore(cached, "test"));
    // A changed task changes the probe's score: refused, naming the rule.
    Evolution changed(cfg, {spec}, {xy}, [](const std::vector<expr::Tape>& t) { return regression_fitness(t) - 1.0; });
    try {
        changed.restore(ck, "test");
        FAIL() << "a checkpoint of another task must be refused";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("probe rule"), std::string::npos) << e.what();
    }
    // Older checkpoints have no probe: the champion is re-evaluated and a difference only reported.
    nlohmann::json old = cached;
    old.erase("probe");
    Evolution b(cfg, {spec}, {xy}, regression_fitness);
    EXPECT_NO_THROW(b.restore(old, "test"));
}

TEST(CgpEvolution, CheckpointRecordsTheMutationOperatorAndAResumeUnderAnotherOneIsReported)
{
    auto spec = make_spec(2, 5, {"+", "-", "*", "/", "1.0"});
    EaConfig cfg;
    cfg.seed = 4;
    cfg.legacy_mutation_0_1_0 = true;
    Evolution ev(cfg, {spec}, {xy}, regression_fitness);
    ev.initialize();
    for (int g = 0; g < 5; ++g)
        ev.step();
    const nlohmann::json ck = ev.checkpoint();
    EXPECT_EQ(ck.at("mutation"), "hal-cgp-0.1.0-output-draws");
    auto resume_stderr = [&](const nlohmann::json& j, const EaConfig& c) {
        Evolution r(c, {spec}, {xy}, regression_fitness);
        testing::internal::CaptureStderr();
        r.restore(j, "ck.json");
        return testing::internal::GetCapturedStderr();
    };
    EXPECT_EQ(resume_stderr(ck, cfg).find("mutation operator"), std::string::npos);
    // A checkpoint without the record, resumed with the 0.1.0 operator, was written by the first reading of it.
    nlohmann::json old = ck;
    old.erase("mutation");
    const auto err = resume_stderr(old, cfg);
    EXPECT_NE(err.find("ck.json: warning: the checkpoint's generations used the mutation operator 'hal-cgp-0.1.0-changes'"),
              std::string::npos) << err;
    EaConfig per_gene = cfg;
    per_gene.legacy_mutation_0_1_0 = false;
    EXPECT_EQ(resume_stderr(old, per_gene).find("mutation operator"), std::string::npos); // per-gene never changed
    EXPECT_NE(resume_stderr(ck, per_gene).find("continuation uses 'per-gene'"), std::string::npos);
}

TEST(CgpEvolution, RegressionFindsTarget)
{
    // Sanity of the whole loop: x*y + x is found exactly by a small (1 + 4) run.
    auto spec = make_spec(2, 8, {"+", "-", "*", "/", "1.0"});
    EaConfig cfg;
    cfg.mu = 1;
    cfg.lambda = 4;
    cfg.n_breeding = 4;
    cfg.p_mutation = 0.1;
    cfg.max_generations = 3000;
    cfg.termination_fitness = -1e-12;
    cfg.seed = 1;
    Evolution ev(cfg, {spec}, {xy}, regression_fitness);
    ev.initialize();
    while (!ev.finished())
        ev.step();
    EXPECT_GE(ev.champion().fitness, -1e-12) << ev.formulas(ev.champion())[0];
}

TEST(CgpGenome, LegacyMutationCountsOutputDrawsAsHalCgp010)
{
    // hal-cgp 0.1.0 (the correlation genome: 2 inputs, 5 columns, 8 primitives, p = 0.05): int(0.05 * 24) = 1
    // output draw ends the mutation, whether or not the re-sampled address differs. Two consequences with
    // values from theory, not from the implementation:
    //  - the output keeps its address with probability 1/7 (7 permissible addresses: 2 inputs, 5 nodes);
    //  - a hidden gene is drawn before the output gene with probability 1/2 (a race between two genes drawn
    //    alike), and then ends on another value with probability (n - 1)/n, n its number of alleles, so the
    //    expected number of changed hidden genes is sum_j (n_j - 1) / (2 n_j).
    // Counting only output *changes* as successes (the earlier reading) gives 0 and 7/13 instead of 1/2.
    auto spec = make_spec(2, 5, {"+", "-", "*", "/", "pow", "0.1", "1.0", "10.0"});
    ASSERT_EQ(spec->length(), 24);
    const auto out_gene = static_cast<std::size_t>(7 * spec->region_size() + 1);
    double expected_hidden = 0;
    for (std::size_t g = static_cast<std::size_t>(2 * spec->region_size()); g < out_gene - 1; ++g) {
        const double n = static_cast<double>(spec->alleles[g].size());
        expected_hidden += (n - 1) / (2 * n);
    }
    EXPECT_NEAR(expected_hidden, 0.5 * (5 * 7.0 / 8 + 2 * (1.0 / 2 + 2.0 / 3 + 3.0 / 4 + 4.0 / 5 + 5.0 / 6)), 1e-12);
    rng::Stream init(4, "test_init");
    const Genome parent = Genome::random(spec, init);
    const int n = 6000;
    int same_output = 0;
    double sum = 0, sum2 = 0;
    for (int t = 0; t < n; ++t) {
        Genome child = parent;
        rng::Stream r(5, "test_legacy", static_cast<std::uint64_t>(t));
        const auto rep = child.mutate_legacy_0_1_0(0.05, r);
        same_output += child.dna()[out_gene] == parent.dna()[out_gene];
        int hidden = 0;
        for (std::size_t g = 0; g < out_gene - 1; ++g)
            hidden += child.dna()[g] != parent.dna()[g];
        // A gene drawn twice may change twice (or change and return): n_mutated counts changes, not genes.
        EXPECT_GE(rep.n_mutated, hidden + (child.dna()[out_gene] != parent.dna()[out_gene] ? 1 : 0));
        sum += hidden, sum2 += static_cast<double>(hidden) * hidden;
        EXPECT_NO_THROW(Genome(spec, child.dna()));
    }
    // Binomial(n, 1/7): 5 standard deviations.
    const double q = 1.0 / 7, sd = std::sqrt(n * q * (1 - q));
    EXPECT_NEAR(same_output, n * q, 5 * sd);
    // Mean over n independent mutations: 5 standard errors of the sample.
    const double mean = sum / n, se = std::sqrt((sum2 / n - mean * mean) / n);
    EXPECT_NEAR(mean, expected_hidden, 5 * se) << "se " << se;
    EXPECT_GT(std::abs(mean - expected_hidden * 14.0 / 13.0), 5 * se); // the change-counting reading is excluded
}

TEST(CgpGenome, LegacyMutationDrawsUntilIntPTimesLengthOutputDraws)
{
    // int(0.045 * 48) = 2 output draws per call (the error genome's size): many hidden re-samples, far above p * length.
    auto spec = make_spec(3, 12, {"+", "-", "*", "/", "1.0"});
    ASSERT_EQ(spec->length(), 48);
    rng::Stream init(4, "test_init");
    const Genome parent = Genome::random(spec, init);
    double hidden_changes = 0;
    for (int t = 0; t < 200; ++t) {
        Genome child = parent;
        rng::Stream r(5, "test_legacy", static_cast<std::uint64_t>(t));
        child.mutate_legacy_0_1_0(0.045, r);
        for (std::size_t g = 0; g < static_cast<std::size_t>(15 * spec->region_size()); ++g)
            hidden_changes += child.dna()[g] != parent.dna()[g];
        EXPECT_NO_THROW(Genome(spec, child.dna()));
    }
    // Each hidden gene is drawn before the second output draw with probability 3/4; most of the 36 hidden genes change.
    EXPECT_GT(hidden_changes / 200.0, 10.0);
}

TEST(CgpEvolution, HallOfFameAndComplexityFront)
{
    auto spec = make_spec(2, 8, {"+", "-", "*", "/", "1.0"});
    auto make = [&] {
        EaConfig cfg;
        cfg.seed = 4;
        return std::make_unique<Evolution>(cfg, std::vector<std::shared_ptr<const GenomeSpec>>{spec},
                                           std::vector<std::vector<std::string>>{xy}, regression_fitness);
    };
    auto ev = make();
    ev->initialize();
    for (int g = 0; g < 40; ++g)
        ev->step();
    const auto best = ev->hall_of_fame(10);
    ASSERT_GE(best.size(), 2u);
    // Best first, distinct formulas, and the top entry is the champion (elitist selection keeps the best evaluated rule).
    for (std::size_t i = 1; i < best.size(); ++i) {
        EXPECT_GE(best[i - 1].fitness, best[i].fitness);
        EXPECT_NE(best[i - 1].formulas, best[i].formulas);
    }
    EXPECT_EQ(best[0].fitness, ev->champion().fitness);
    // Each entry's fitness is the objective's value of its formula's rule: re-evaluate the top one's size
    // and fitness through the champion when they coincide.
    if (best[0].formulas == ev->formulas(ev->champion())) {
        std::size_t size = 0;
        for (const auto& t : ev->phenotype(ev->champion()))
            size += t.size();
        EXPECT_EQ(best[0].size, size);
    }
    // The front grows strictly in size and in fitness.
    const auto front = ev->complexity_front();
    ASSERT_FALSE(front.empty());
    for (std::size_t i = 1; i < front.size(); ++i) {
        EXPECT_GT(front[i].size, front[i - 1].size);
        EXPECT_GT(front[i].fitness, front[i - 1].fitness);
    }
    EXPECT_EQ(front.back().fitness, best[0].fitness);
    // A checkpoint keeps the hall of fame.
    auto resumed = make();
    resumed->restore(ev->checkpoint(), "test");
    const auto again = resumed->hall_of_fame(10);
    ASSERT_EQ(again.size(), best.size());
    for (std::size_t i = 0; i < best.size(); ++i) {
        EXPECT_EQ(again[i].formulas, best[i].formulas);
        EXPECT_EQ(again[i].fitness, best[i].fitness);
    }
}

TEST(CgpEvolution, BatchEvaluatorAndObserverSeeEveryNewIndividual)
{
    // The hooks `plast evolve` uses for its executor and archive: a batch evaluator gives the same run as
    // the built-in parallel evaluation, and the observer sees mu parents, then lambda offspring per
    // generation, with how each got its fitness (simulated = the evaluator's calls).
    auto spec = make_spec(2, 8, {"+", "-", "*", "1.0"});
    EaConfig cfg;
    cfg.seed = 5;
    cfg.max_generations = 40;
    cfg.threads = 2;
    Evolution plain(cfg, {spec}, {xy}, regression_fitness);
    plain.initialize();
    while (!plain.finished()) plain.step();

    Evolution hooked(cfg, {spec}, {xy}, regression_fitness);
    long long batch_calls = 0, simulated = 0, cached = 0, silent = 0, rows = 0;
    std::vector<int> last_gen_index;
    hooked.set_batch_evaluator([&](int, const std::vector<const Individual*>& m, const std::vector<int>& idx) {
        EXPECT_EQ(m.size(), idx.size());
        std::vector<double> f;
        for (const auto* ind : m) f.push_back(regression_fitness(hooked.phenotype(*ind)));
        batch_calls += static_cast<long long>(m.size());
        return f;
    });
    int expected_gen = 0;
    hooked.set_observer([&](int g, const std::vector<Newcomer>& nc) {
        EXPECT_EQ(g, expected_gen++);
        EXPECT_EQ(nc.size(), 4u); // mu = lambda = 4
        for (std::size_t k = 0; k < nc.size(); ++k) {
            EXPECT_EQ(nc[k].index, static_cast<int>(k));
            simulated += nc[k].origin == Origin::simulated;
            cached += nc[k].origin == Origin::cached;
            silent += nc[k].origin == Origin::silent;
        }
        rows += static_cast<long long>(nc.size());
    });
    hooked.initialize();
    while (!hooked.finished()) hooked.step();
    EXPECT_EQ(hooked.history().size(), plain.history().size());
    EXPECT_EQ(hooked.champion().fitness, plain.champion().fitness);
    EXPECT_EQ(hooked.formulas(hooked.champion()), plain.formulas(plain.champion()));
    EXPECT_EQ(rows, 4 + 4 * 40);
    EXPECT_EQ(simulated, batch_calls);
    EXPECT_EQ(simulated, hooked.n_evaluations());
    EXPECT_EQ(cached, hooked.n_cache_hits());
    EXPECT_EQ(silent, hooked.n_silent());
    EXPECT_GT(cached + silent, 0);
}
