// The stepping simulation (model::Simulation): the one-call simulate() gives the results it gave
// before the stepping API existed (fingerprints of spikes, series and metrics computed on the code
// before the change), a phase-by-phase run equals the one-call run, advance() splits a phase
// anywhere, snapshot/restore by name, and bad phase or snapshot names are clear errors.
#include "plast/core/error.hpp"
#include "plast/io/config.hpp"
#include "plast/model/model_file.hpp"
#include "plast/model/simulation.hpp"
#include "model_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace {

using plast::Config;
namespace model = plast::model;

using model_test::examples;

using model_test::load;

// FNV-1a over the bytes of every spike, sample, phase log and metric: equal fingerprints mean
// equal results (a collision between two different runs has probability ~2^-64).
struct Fnv {
    std::uint64_t h = 1469598103934665603ull;
    void bytes(const void* p, std::size_t n)
    {
        const auto* c = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) h = (h ^ c[i]) * 1099511628211ull;
    }
    template <class T> void add(const T& v) { bytes(&v, sizeof v); }
    void add(const std::string& s) { bytes(s.data(), s.size()); }
};

std::uint64_t fingerprint(const model::SimulationResult& r)
{
    Fnv f;
    f.add(r.aborted);
    for (const auto& d : r.spikes) {
        f.add(d.name);
        for (double t : d.times) f.add(t);
        for (auto n : d.neurons) f.add(n);
    }
    for (const auto& s : r.series) {
        f.add(s.name);
        for (double t : s.times) f.add(t);
        for (auto c : s.columns) f.add(c);
        for (const auto& row : s.values)
            for (float v : row) f.add(v);
    }
    for (const auto& p : r.phases) {
        f.add(p.name);
        f.add(p.repetition);
        f.add(p.t0);
        f.add(p.t1);
        for (const auto& s : p.stimuli) f.add(s);
    }
    for (const auto& [k, v] : r.metrics) {
        f.add(k);
        f.add(v);
    }
    f.add(r.verdict);
    f.add(r.window_t0);
    f.add(r.window_t1);
    f.add(r.synaptic_events);
    return f.h;
}

const std::vector<std::string> small_two_setpoints = {"phase[0].duration=2.0", "phase[1].duration=4.0",
                                                      "phase[2].duration=2.0", "phase[3].duration=0.5",
                                                      "phase[4].duration=0.5"};
const std::vector<std::string> small_fsbi = {"scale=0.1", "phase[0].duration=2.0", "phase[1].duration=2.0"};

} // namespace

// Fingerprints of simulate() on the code before the stepping API (commit 07ba9b9), same overrides
// and seeds. two_setpoints covers a schedule, snapshot/restore and rate/weight monitors; fsbi the
// spike monitors and metrics.
TEST(SimulationStepping, OneCallResultsAreThoseOfTheCodeBeforeTheSteppingApi)
{
    const auto a = model::simulate(load("two_setpoints.toml", small_two_setpoints), 3);
    const auto b = model::simulate(load("fsbi.toml", small_fsbi), 5);
    ASSERT_FALSE(a.aborted);
    ASSERT_FALSE(b.aborted);
    EXPECT_EQ(a.synaptic_events, 16381026u);
    EXPECT_EQ(b.synaptic_events, 11856077u);
    EXPECT_EQ(fingerprint(a), 12569681694355693631ull);
    EXPECT_EQ(fingerprint(b), 16798184558097965961ull);
    EXPECT_FALSE(b.verdict.empty());
}

TEST(SimulationStepping, PhaseByPhaseAndPiecewiseRunsEqualTheOneCallRun)
{
    const auto m = load("two_setpoints.toml", small_two_setpoints);
    const auto ref = model::simulate(m, 3);
    // By name, in protocol order.
    {
        model::Simulation sim(m, 3);
        EXPECT_EQ(sim.protocol_size(), 5u);
        for (const auto& ph : m.phases) {
            EXPECT_FALSE(sim.complete());
            EXPECT_TRUE(sim.run_phase(ph.name));
        }
        EXPECT_TRUE(sim.complete());
        EXPECT_EQ(fingerprint(sim.result()), fingerprint(ref));
    }
    // Pieces that end inside schedule blocks (0.5 s on, 1.5 s off), inside monitor bins (1 s) and
    // across phase boundaries: 0.73 s, then 1.3 s, ... until the protocol ends.
    {
        model::Simulation sim(m, 3);
        const double pieces[] = {0.73, 1.3, 0.25, 2.9, 0.0001, 1.0};
        std::size_t k = 0;
        double total = 0;
        while (!sim.complete()) {
            const double ran = sim.advance(pieces[k++ % 6]);
            total += ran;
            if (sim.phase_in_progress()) {
                EXPECT_GT(sim.phase_remaining(), 0.0);
            }
        }
        EXPECT_NEAR(total, 9.0, 1e-9);
        EXPECT_NEAR(sim.time(), 9.0, 1e-9);
        EXPECT_EQ(sim.advance(1.0), 0.0); // the protocol is over
        EXPECT_EQ(fingerprint(sim.result()), fingerprint(ref));
    }
    // run_phase() (next entry) after a partial advance finishes the phase in progress.
    {
        model::Simulation sim(m, 3);
        sim.advance(3.1); // inside "train"
        ASSERT_TRUE(sim.phase_in_progress());
        EXPECT_EQ(*sim.phase_in_progress(), 1u);
        EXPECT_NEAR(sim.phase_remaining(), 2.9, 1e-9);
        EXPECT_EQ(sim.protocol_position(), 1u);
        while (!sim.complete()) sim.run_phase();
        EXPECT_EQ(fingerprint(sim.result()), fingerprint(ref));
    }
}

TEST(SimulationStepping, MetricsOnlyOnceTheProtocolIsComplete)
{
    const auto m = load("fsbi.toml", small_fsbi);
    model::Simulation sim(m, 5);
    sim.run_phase("warmup");
    auto partial = sim.result();
    EXPECT_TRUE(partial.metrics.empty());
    EXPECT_EQ(partial.verdict, "");
    ASSERT_EQ(partial.phases.size(), 1u);
    EXPECT_DOUBLE_EQ(partial.phases[0].t1, 2.0);
    sim.run_all();
    EXPECT_EQ(fingerprint(sim.result()), fingerprint(model::simulate(m, 5)));
}

TEST(SimulationStepping, SnapshotsRestoreTheNetworkStateAndNotTheClock)
{
    // Probe A twice from the same snapshot with plasticity off: the weight samples right after each
    // restore are the snapshot's, bit for bit; the clock keeps running (the second probe is later).
    auto m = load("two_setpoints.toml", small_two_setpoints);
    model::Simulation sim(m, 3);
    sim.run_phase("settle");
    sim.run_phase("train");
    sim.run_phase("background"); // takes "trained" at t = 8
    EXPECT_EQ(sim.snapshots(), std::vector<std::string>{"trained"});
    sim.run_phase("probe_A");
    sim.run_phase("probe_A"); // restores "trained" again
    sim.run_phase("probe_B");
    EXPECT_NEAR(sim.time(), 9.5, 1e-9);
    const auto r = sim.result();
    ASSERT_EQ(r.phases.size(), 6u);
    EXPECT_EQ(r.phases[3].name, "probe_A");
    EXPECT_EQ(r.phases[4].repetition, 1u);
    EXPECT_DOUBLE_EQ(r.phases[4].t0, 8.5);
    // Weight samples every 1 s: t = 8 (end of background, = snapshot) and t = 9 (0.5 s into the second
    // probe, plasticity off: still the snapshot's weights).
    for (const auto& s : r.series) {
        if (s.kind != "weights") continue;
        ASSERT_GE(s.times.size(), 10u);
        EXPECT_DOUBLE_EQ(s.times[8], 8.0);
        EXPECT_DOUBLE_EQ(s.times[9], 9.0);
        EXPECT_EQ(s.values[8], s.values[9]) << s.name;
    }
    // Plastic training between two probes changes the weights; the second probe's restore brings the
    // snapshot's back: samples at t = 8 (snapshot), 12 (training) and 13 (end of the probe 12.5-13).
    // The probes switch plasticity off and a phase without `plastic` keeps the setting, so "train"
    // is made plastic explicitly here.
    auto sets = small_two_setpoints;
    sets.push_back("phase[1].plastic=true");
    model::Simulation again(load("two_setpoints.toml", sets), 3);
    for (const char* p : {"settle", "train", "background", "probe_A", "train", "probe_A"}) again.run_phase(p);
    const auto q = again.result();
    int compared = 0;
    for (const auto& s : q.series) {
        if (s.kind != "weights") continue;
        ASSERT_GE(s.times.size(), 14u);
        EXPECT_DOUBLE_EQ(s.times[13], 13.0);
        EXPECT_NE(s.values[12], s.values[8]) << s.name;
        EXPECT_EQ(s.values[13], s.values[8]) << s.name;
        ++compared;
    }
    EXPECT_EQ(compared, 2);
}

TEST(SimulationStepping, BadPhaseAndSnapshotNamesAreClearErrors)
{
    auto m = load("two_setpoints.toml", small_two_setpoints);
    model::Simulation sim(m, 3);
    auto message = [](auto&& f) {
        try {
            f();
        } catch (const plast::Error& e) {
            EXPECT_EQ(e.exit_code(), 2);
            return std::string(e.what());
        }
        return std::string();
    };
    const auto a = message([&] { sim.run_phase("probe_C"); });
    EXPECT_NE(a.find("no phase named 'probe_C'"), std::string::npos) << a;
    EXPECT_NE(a.find("settle, train, background, probe_A, probe_B"), std::string::npos) << a;
    const auto b = message([&] { sim.restore("nothing"); });
    EXPECT_NE(b.find("no snapshot named 'nothing'"), std::string::npos) << b;
    const auto c = message([&] { sim.run_phase("probe_A"); }); // "trained" not taken yet
    EXPECT_NE(c.find("restores snapshot 'trained'"), std::string::npos) << c;
    EXPECT_EQ(sim.time(), 0.0);
    const auto d = message([&] { sim.run_phase(std::size_t{7}); });
    EXPECT_NE(d.find("out of range"), std::string::npos) << d;
    sim.advance(0.5);
    const auto e = message([&] { sim.run_phase("train"); }); // "settle" is in progress
    EXPECT_NE(e.find("'settle' is in progress"), std::string::npos) << e;
    const auto f = message([&] { sim.advance(-1.0); });
    EXPECT_NE(f.find("seconds"), std::string::npos) << f;
    sim.run_all();
    const auto g = message([&] { sim.run_phase(); });
    EXPECT_NE(g.find("protocol is complete"), std::string::npos) << g;
}
