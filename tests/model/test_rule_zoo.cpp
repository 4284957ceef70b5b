// Rule zoo of model files: each family on one synapse under pairing protocols, against closed forms
// computed here independently (exact exponential decay between events), and expression rules
// against the built-in families they rewrite.
#include "plast/core/error.hpp"
#include "plast/io/config.hpp"
#include "plast/model/rule_probe.hpp"
#include "plast/model/rule_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

using plast::Config;
using plast::model::Rule;

Rule rule_from(const std::string& toml)
{
    auto cfg = Config::parse(toml, "rule.toml");
    return plast::model::read_rule(cfg.root().sub("rule").sub("r"), "r");
}

constexpr double dt = 1e-4;

// One synapse, pre arrival at steps `pre`, post spikes at steps `post`; returns w after `steps`.
double drive(const Rule& r, const std::vector<long>& pre, const std::vector<long>& post, long steps, double w0 = 1.0)
{
    return plast::model::drive_synapse(r, pre, post, steps, w0, dt);
}

// Pairing protocol: n pairs at frequency f, post at pre + delta (delta in steps, may be negative).
void pairing(double f, long delta, int n, std::vector<long>& pre, std::vector<long>& post, long& steps)
{
    pre.clear();
    post.clear();
    const long period = std::lround(1.0 / f / dt), start = 1000;
    for (int k = 0; k < n; ++k) {
        pre.push_back(start + k * period + std::max(0L, -delta));
        post.push_back(start + k * period + std::max(0L, delta));
    }
    steps = start + n * period + 2000;
}

struct TripletParams {
    double a2p = 5e-10, a3p = 6.2e-3, a2m = 7e-3, a3m = 2.3e-4, tp = 0.0168, tm = 0.0337, tx = 0.101, ty = 0.125;
};

// Closed form of the minimal all-to-all triplet rule (Pfister & Gerstner 2006): traces jump by 1 and
// decay exactly; a pre event reads o1 and r2 before its own increment, a post event r1 and o2.
// The engine's traces decay after the step of the spike, so a trace read k steps after a spike is
// exp(-k dt/tau): the same as continuous time at the step grid.
double triplet_closed(const TripletParams& q, const std::vector<long>& pre, const std::vector<long>& post, double w0)
{
    struct Ev {
        long s;
        bool is_pre;
    };
    std::vector<Ev> ev;
    for (long s : pre) ev.push_back({s, true});
    for (long s : post) ev.push_back({s, false});
    std::stable_sort(ev.begin(), ev.end(), [](const Ev& x, const Ev& y) { return x.s < y.s; });
    double r1 = 0, r2 = 0, o1 = 0, o2 = 0, w = w0;
    long last = 0;
    for (std::size_t i = 0; i < ev.size();) {
        const long s = ev[i].s;
        const double t = static_cast<double>(s - last) * dt;
        r1 *= std::exp(-t / q.tp), r2 *= std::exp(-t / q.tx), o1 *= std::exp(-t / q.tm), o2 *= std::exp(-t / q.ty);
        bool p = false, o = false;
        for (; i < ev.size() && ev[i].s == s; ++i) (ev[i].is_pre ? p : o) = true;
        // Same order as the engine: pre term, then post term, both before this step's increments.
        if (p) w = std::max(0.0, w - o1 * (q.a2m + q.a3m * r2));
        if (o) w = std::max(0.0, w + r1 * (q.a2p + q.a3p * o2));
        if (p) r1 += 1, r2 += 1;
        if (o) o1 += 1, o2 += 1;
        last = s;
    }
    return w;
}

} // namespace

TEST(RuleZoo, TripletMatchesClosedFormOnPairingProtocols)
{
    const Rule r = rule_from("[rule.r]\nfamily = \"triplet_stdp\"\n");
    const TripletParams q;
    for (double f : {0.1, 10.0, 20.0, 40.0, 50.0})
        for (long delta : {100L, -100L}) {
            std::vector<long> pre, post;
            long steps = 0;
            pairing(f, delta, 60, pre, post, steps);
            const double w = drive(r, pre, post, steps);
            const double ref = triplet_closed(q, pre, post, 1.0);
            // Single-precision weights and traces: relative error ~1e-6 per update, 120 updates.
            EXPECT_NEAR(w, ref, 2e-5) << "f = " << f << " Hz, delta = " << delta * dt * 1e3 << " ms";
        }
}

TEST(RuleZoo, TripletReproducesTheSjostromFrequencyDependence)
{
    // Post-before-pre (delta = -10 ms) depresses at low pairing frequency and potentiates at high
    // frequency; pre-before-post potentiates at every frequency (Sjostrom et al. 2001, fitted by
    // Pfister & Gerstner 2006, visual cortex all-to-all parameters).
    const Rule r = rule_from("[rule.r]\nfamily = \"triplet_stdp\"\n");
    auto dw = [&](double f, long delta) {
        std::vector<long> pre, post;
        long steps = 0;
        pairing(f, delta, 60, pre, post, steps);
        return drive(r, pre, post, steps) - 1.0;
    };
    EXPECT_LT(dw(0.1, -100), 0.0);
    EXPECT_LT(dw(10.0, -100), 0.0);
    EXPECT_GT(dw(40.0, -100), 0.0);
    EXPECT_GT(dw(50.0, -100), 0.0);
    for (double f : {10.0, 20.0, 40.0, 50.0}) EXPECT_GT(dw(f, 100), 0.0) << f;
    // At 0.1 Hz the pair term A2+ = 5e-10 is all that remains: no measurable change (as in the data).
    EXPECT_NEAR(dw(0.1, 100), 0.0, 1e-6);
    EXPECT_GT(dw(50.0, 100), dw(10.0, 100)); // potentiation grows with frequency (triplet term)
}

TEST(RuleZoo, TripletWrittenAsExpressionEqualsTheFamily)
{
    const Rule fam = rule_from("[rule.r]\nfamily = \"triplet_stdp\"\ntau_x = 0.09\n");
    const Rule ex = rule_from(R"TOML([rule.r]
family = "expression"
tau_pre = 0.0168
tau_post = 0.0337
on_pre = "-x_post*(A2m + A3m*r2)"
on_post = "x_pre*(A2p + A3p*o2)"
[rule.r.traces]
r2 = { side = "pre", tau = 0.09 }
o2 = { side = "post", tau = 0.125 }
[rule.r.params]
A2p = 5e-10
A3p = 6.2e-3
A2m = 7e-3
A3m = 2.3e-4
)TOML");
    for (double f : {1.0, 20.0, 50.0}) {
        std::vector<long> pre, post;
        long steps = 0;
        pairing(f, -100, 40, pre, post, steps);
        EXPECT_EQ(drive(fam, pre, post, steps), drive(ex, pre, post, steps)) << f;
    }
}

TEST(RuleZoo, PairStdpWindow)
{
    const Rule r = rule_from("[rule.r]\nfamily = \"pair_stdp\"\na_plus = 0.01\na_minus = 0.012\n");
    for (long d : {10L, 100L, 300L}) {
        // One pair: pre then post d steps later: dw = a_plus exp(-d dt/tau_plus); post first: -a_minus exp(-d dt/tau_minus).
        EXPECT_NEAR(drive(r, {1000}, {1000 + d}, 3000) - 1.0, 0.01 * std::exp(-d * dt / 0.0168), 1e-7);
        EXPECT_NEAR(drive(r, {1000 + d}, {1000}, 3000) - 1.0, -0.012 * std::exp(-d * dt / 0.0337), 1e-7);
    }
}

TEST(RuleZoo, SixParamExpressionEqualsTheFusedKernel)
{
    const Rule six = rule_from("[rule.r]\nfamily = \"six_param\"\ntheta = [0.02, 0.03, -0.4, 0.1, 1.0, -0.5]\neta = 0.01\n");
    const Rule ex = rule_from(R"TOML([rule.r]
family = "expression"
eta = 0.01
tau_pre = 0.02
tau_post = 0.03
on_pre = "-0.4 - 0.5*x_post"
on_post = "0.1 + x_pre"
)TOML");
    std::vector<long> pre, post;
    for (long s = 500; s < 20000; s += 137) pre.push_back(s);
    for (long s = 700; s < 20000; s += 211) post.push_back(s);
    // The fused 6pPol kernel updates in single precision, the expression path in double: ~240 updates
    // of a weight near 5 differ by at most a few float ulps (6e-7) each.
    EXPECT_NEAR(drive(six, pre, post, 21000, 5.0), drive(ex, pre, post, 21000, 5.0), 240 * 6e-7);
}

TEST(RuleZoo, VogelsSetPointIsTheTargetRate)
{
    // Mean field of the 6pPol form: zero drift at r_post = r0 for any presynaptic rate.
    const Rule r = rule_from("[rule.r]\nfamily = \"vogels_istdp\"\ntarget_rate = 7.0\n");
    EXPECT_NEAR(r.six.set_point(20.0), 7.0, 1e-12);
    EXPECT_NEAR(r.six.mean_field(13.0, 7.0), 0.0, 1e-12);
}

TEST(RuleZoo, ExpressionErrorsNameKeyAndVariables)
{
    try {
        rule_from("[rule.r]\nfamily = \"expression\"\non_pre = \"x_pre*theta_m\"\n");
        FAIL() << "an undeclared variable must be refused";
    } catch (const plast::Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("rule.toml"), std::string::npos) << m;
        EXPECT_NE(m.find("rule.r.on_pre"), std::string::npos) << m;
        EXPECT_NE(m.find("theta_m"), std::string::npos) << m;
        EXPECT_NE(m.find("x_post"), std::string::npos) << m; // the allowed variables are listed
    }
    EXPECT_THROW(rule_from("[rule.r]\nfamily = \"expression\"\n[rule.r.traces]\nw = { side = \"pre\", tau = 0.1 }\n"), plast::Error);
    EXPECT_THROW(rule_from("[rule.r]\nfamily = \"nonsense\"\n"), plast::Error);
    EXPECT_THROW(rule_from("[rule.r]\nfamily = \"vogels_istdp\"\n"), plast::Error); // target_rate is required
}

TEST(RuleZoo, BcmSlidingThresholdWrittenAsAnExpressionRule)
{
    // BCM (Bienenstock, Cooper & Munro 1982) in spike form: every postsynaptic spike changes w by
    // x_pre (ybar - theta), ybar the postsynaptic rate estimate (a trace with tau_y = 1 s: Hz) and theta
    // a sliding threshold that follows ybar^2 / y0 with tau_theta = 2 s. Once theta has adapted, the drift per
    // presynaptic rate is ~ y (y - y^2/y0): potentiation below y0, depression above.
    const Rule r = rule_from(R"TOML([rule.r]
family = "expression"
eta = 1e-4
tau_pre = 0.02
tau_post = 0.02
on_post = "x_pre*(ybar - theta)"
[rule.r.traces]
ybar = { side = "post", tau = 1.0 }
[rule.r.state]
theta = { tau = 2.0, follows = "ybar^2/y0", init = 0.0 }
[rule.r.params]
y0 = 10.0
)TOML");
    auto run = [&](double post_rate, double& theta, double& dw_late) {
        plast::spiking::Projection p("bcm", 1, 1, plast::spiking::Receptor::ampa, 1);
        p.connect_pairs({{0u, 0u}}, 5.0f);
        plast::model::install_rule(r, p, 1e9, dt);
        p.set_plastic(true);
        float g = 0;
        const std::vector<std::uint32_t> one{0}, none;
        const long steps = 200000, pre_every = 1000, post_every = std::lround(1.0 / post_rate / dt);
        double w15 = 0;
        for (long s = 0; s < steps; ++s) {
            const bool a = s % pre_every == 0, b = s % post_every == 37;
            p.forward(a ? one : none, &g);
            p.backward(b ? one : none);
            p.update_traces(a ? one : none, b ? one : none);
            if (s == 150000) w15 = p.weights()[0];
        }
        theta = p.post_state_variable()[0];
        dw_late = p.weights()[0] - w15;
    };
    double th_low = 0, dw_low = 0, th_high = 0, dw_high = 0;
    run(5.0, th_low, dw_low);
    run(20.0, th_high, dw_high);
    // theta tracks y^2/y0 (2.5 and 40 for y = 5, 20 Hz); a regular train's rate estimate fluctuates
    // over the inter-spike interval, which adds its variance: within 25 %.
    EXPECT_NEAR(th_low, 2.5, 0.25 * 2.5);
    EXPECT_NEAR(th_high, 40.0, 0.25 * 40.0);
    EXPECT_GT(dw_low, 0.0);
    EXPECT_LT(dw_high, 0.0);
    // The state is a declared variable: a typo in its target is an error naming the key.
    EXPECT_THROW(rule_from("[rule.r]\nfamily = \"expression\"\n[rule.r.state]\ntheta = { tau = 1.0, follows = \"zbar^2\" }\n"), plast::Error);
}

namespace {

// Drives a 2-pre, 1-post projection with arrivals / post spikes at the given steps; returns it.
plast::spiking::Projection drive2(const Rule& r, const std::vector<std::vector<long>>& pre, const std::vector<long>& post, long steps,
                                  double w0 = 1.0)
{
    plast::spiking::Projection p("test", 2, 1, plast::spiking::Receptor::ampa, 1);
    p.connect_pairs({{0u, 0u}, {1u, 0u}}, static_cast<float>(w0));
    plast::model::install_rule(r, p, 1e9, dt);
    p.set_plastic(true);
    float g = 0;
    const std::vector<std::uint32_t> one{0};
    for (long s = 0; s < steps; ++s) {
        std::vector<std::uint32_t> a;
        for (std::uint32_t i = 0; i < pre.size(); ++i)
            if (std::find(pre[i].begin(), pre[i].end(), s) != pre[i].end()) a.push_back(i);
        const bool b = std::find(post.begin(), post.end(), s) != post.end();
        p.forward(a, &g);
        p.backward(b ? one : std::vector<std::uint32_t>{});
        p.update_traces(a, b ? one : std::vector<std::uint32_t>{});
    }
    return p;
}

// Trace with time constant tau read at step `at` (before that step's increment) after spikes at `spikes`.
double trace_at(const std::vector<long>& spikes, long at, double tau)
{
    double x = 0;
    for (long s : spikes)
        if (s < at) x += std::exp(-static_cast<double>(at - s) * dt / tau);
    return x;
}

} // namespace

TEST(RuleZoo, ThreeDeclaredTracesPerSideMatchTheirClosedForm)
{
    // Three extra traces per side with their own taus; each event term is a weighted sum of the
    // other side's traces, so the final weight is a sum of exponentials over the spike pairs.
    const Rule r = rule_from(R"TOML([rule.r]
family = "expression"
eta = 1e-3
on_pre = "a1*q1 + a2*q2 + a3*q3"
on_post = "b1*p1 + b2*p2 + b3*p3"
[rule.r.traces]
p1 = { side = "pre", tau = 0.005 }
p2 = { side = "pre", tau = 0.03 }
p3 = { side = "pre", tau = 0.2 }
q1 = { side = "post", tau = 0.01 }
q2 = { side = "post", tau = 0.05 }
q3 = { side = "post", tau = 0.5 }
[rule.r.params]
a1 = -1.0
a2 = -0.5
a3 = 0.25
b1 = 2.0
b2 = 1.0
b3 = -0.3
)TOML");
    ASSERT_EQ(r.traces.size(), 6u);
    const std::vector<long> pre{100, 400, 1200, 1250, 3000}, post{150, 420, 1000, 1260, 2900, 3100};
    const double w = drive(r, pre, post, 5000, 5.0);
    double expect = 5.0;
    for (long s : pre) expect += 1e-3 * (-1.0 * trace_at(post, s, 0.01) - 0.5 * trace_at(post, s, 0.05) + 0.25 * trace_at(post, s, 0.5));
    for (long s : post) expect += 1e-3 * (2.0 * trace_at(pre, s, 0.005) + 1.0 * trace_at(pre, s, 0.03) - 0.3 * trace_at(pre, s, 0.2));
    // Single-precision weight and traces: relative rounding ~1e-7 per operation over 11 events.
    EXPECT_NEAR(w, expect, 1e-5);
    EXPECT_GT(std::abs(w - 5.0), 1e-3); // the events did change the weight
    // A trace name used twice is refused.
    EXPECT_THROW(rule_from("[rule.r]\nfamily = \"expression\"\n[rule.r.traces]\np1 = { side = \"pre\", tau = 0.1 }\n"
                           "[rule.r.state]\np1 = { tau = 1.0, follows = \"x_post\" }\n"),
                 plast::Error);
}

TEST(RuleZoo, SynapseStateEligibilityTraceAgainstHandComputation)
{
    // An eligibility trace e per synapse: an arrival adds x_post, a postsynaptic spike adds x_pre; it
    // decays with tau_e between events. The weight grows by e on every postsynaptic spike (reading e
    // before that spike's own jump, as every term of an event reads the values before the event).
    const Rule r = rule_from(R"TOML([rule.r]
family = "expression"
tau_pre = 0.02
tau_post = 0.02
on_post = "e"
[rule.r.synapse_state]
e = { on_pre = "x_post", on_post = "x_pre", tau = 0.05 }
)TOML");
    const double tp = 0.02, te = 0.05;
    auto dec = [&](long k, double tau) { return std::exp(-static_cast<double>(k) * dt / tau); };
    // Synapse 0: pre at 10; synapse 1: pre at 50; post at 30 and 80; read at step 100.
    auto p = drive2(r, {{10}, {50}}, {30, 80}, 100);
    // Synapse 0: arrival at 10 sees x_post = 0; post at 30: w += 0, e = x_pre(30); post at 80: w += e(80).
    const double e0_30 = dec(20, tp);
    const double w0 = 1.0 + e0_30 * dec(50, te);
    const double e0_100 = (e0_30 * dec(50, te) + dec(70, tp)) * dec(20, te);
    // Synapse 1: post at 30 before its arrival: nothing; arrival at 50: e = x_post(50); post at 80.
    const double e1_50 = dec(20, tp);
    const double w1 = 1.0 + e1_50 * dec(30, te);
    const double e1_100 = (e1_50 * dec(30, te) + dec(30, tp)) * dec(20, te);
    const auto e = p.synapse_state_variable(0);
    EXPECT_NEAR(p.weights()[0], w0, 1e-6);
    EXPECT_NEAR(p.weights()[1], w1, 1e-6);
    EXPECT_NEAR(e[0], e0_100, 1e-6);
    EXPECT_NEAR(e[1], e1_100, 1e-6);
    EXPECT_GT(std::abs(e[0] - e[1]), 0.1); // the two synapses keep their own values
    // A snapshot carries the synapse state: restore and continue gives the same values.
    const auto st = p.state();
    plast::spiking::Projection q = p;
    q.set_state(st);
    EXPECT_EQ(q.synapse_state_variable(0), e);
    // A typo in a synapse state's expression names the key.
    try {
        rule_from("[rule.r]\nfamily = \"expression\"\n[rule.r.synapse_state]\ne = { on_pre = \"x_psot\" }\n");
        FAIL() << "an unknown variable must be refused";
    } catch (const plast::Error& err) {
        EXPECT_NE(std::string(err.what()).find("rule.r.synapse_state.e.on_pre"), std::string::npos) << err.what();
    }
}

TEST(RuleZoo, SeveralPostStatesUpdateTogether)
{
    // Two post states: a follows the constant c, b follows 2a; both updated from the values before
    // the step (forward Euler, simultaneous), so after n steps with r = dt/tau:
    //   a_n = c (1 - (1 - ra)^n),  b_{n+1} = b_n + rb (2 a_n - b_n).
    const Rule r = rule_from(R"TOML([rule.r]
family = "expression"
[rule.r.state]
a = { tau = 0.01, follows = "c" }
b = { tau = 0.03, follows = "2*a", init = 1.0 }
[rule.r.params]
c = 3.0
)TOML");
    ASSERT_EQ(r.states.size(), 2u);
    plast::spiking::Projection q("test", 1, 1, plast::spiking::Receptor::ampa, 1);
    q.connect_pairs({{0u, 0u}}, 1.0f);
    plast::model::install_rule(r, q, 1e9, dt);
    q.set_plastic(true);
    const std::vector<std::uint32_t> none;
    double a = 0, b = 1;
    const double ra = dt / 0.01, rb = dt / 0.03;
    for (int n = 0; n < 500; ++n) {
        q.update_traces(none, none);
        const double a2 = a + ra * (3.0 - a);
        b = b + rb * (2 * a - b);
        a = a2;
    }
    EXPECT_NEAR(a, 3.0 * (1 - std::pow(1 - ra, 500)), 1e-12);
    EXPECT_NEAR(q.post_state_variable(0)[0], a, 1e-5);
    EXPECT_NEAR(q.post_state_variable(1)[0], b, 1e-5);
    EXPECT_GT(std::abs(b - 1.0), 0.5);
}

TEST(RuleZoo, ContinuousWeightTermIsForwardEulerEveryStep)
{
    // continuous = "c - k*w": without events, w_{n+1} = w_n + eta dt (c - k w_n), so
    // w_n = c/k + (w_0 - c/k)(1 - eta dt k)^n; events still add their terms on top.
    const Rule r = rule_from(R"TOML([rule.r]
family = "expression"
eta = 2.0
continuous = "c - k*w"
[rule.r.params]
c = 3.0
k = 5.0
)TOML");
    const long n = 3000;
    const double w = drive(r, {}, {}, n, 4.0);
    const double a = 1 - 2.0 * dt * 5.0, fix = 3.0 / 5.0;
    const double expect = fix + (4.0 - fix) * std::pow(a, static_cast<double>(n));
    // Single-precision weight: ~6e-8 relative rounding per step, 3000 steps with contraction a.
    EXPECT_NEAR(w, expect, 2e-5);
    EXPECT_GT(std::abs(w - 4.0), 1.0);
    // With an arrival adding 0.5 at step 1000, the deviation decays from then on with the same factor.
    const Rule r2 = rule_from("[rule.r]\nfamily = \"expression\"\neta = 2.0\ncontinuous = \"c - k*w\"\non_pre = \"0.25\"\n"
                              "[rule.r.params]\nc = 3.0\nk = 5.0\n");
    const double w2 = drive(r2, {1000}, {}, n, 4.0);
    EXPECT_NEAR(w2 - w, 2.0 * 0.25 * std::pow(a, static_cast<double>(n - 1000)), 2e-5);
    EXPECT_THROW(rule_from("[rule.r]\nfamily = \"expression\"\ncontinuous = \"q*w\"\n"), plast::Error);
}
