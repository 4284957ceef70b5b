// The reward task on given instances (`inputs`): directories written from plast's own draws give the drawn
// task back bit for bit; the spike-time convention, the refused keys and bad files are checked.
#include "plast/core/error.hpp"
#include "plast/e2l/reward_task.hpp"
#include "plast/expr/parser.hpp"
#include "plast/io/config.hpp"

#include "../temp_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

using namespace plast;
using namespace plast::e2l;
using plast_test::fresh_dir;
using plast_test::write_text;

namespace {

expr::Tape rule(const std::string& text)
{
    return expr::parse(text, {"R", "E"});
}

RewardTaskParams small()
{
    RewardTaskParams p;
    p.n_experiments = 2;
    p.n_trials = 40;
    p.trial = 200.0;
    p.rate = 20.0; // enough input that the neuron fires in some trials
    return p;
}

RewardTaskParams read(const std::string& toml)
{
    Config c = Config::parse(toml, "test.toml");
    return RewardTaskParams::from_config(c.section("reward"));
}

// A one-experiment instance: input 0 connected with w0, one pattern (label +1) with the given spikes.
std::string one_spike_instance(const std::string& name, double w0, const std::string& spikes)
{
    const std::string d = fresh_dir("plast_reward_inputs_" + name);
    write_text(d + "/synapses.csv", "input,w0_pA\n0," + std::to_string(w0) + "\n");
    write_text(d + "/patterns.csv", "pattern,label\n0,1\n");
    write_text(d + "/spikes.csv", "pattern,input,time_ms\n" + spikes);
    write_text(d + "/trials.csv", "trial,pattern\n0,0\n");
    return d;
}

} // namespace

TEST(E2lRewardInputs, DirectoriesWrittenFromTheDrawsGiveTheDrawnTaskBitForBit)
{
    // The rate is not a default, so the read configuration leaves it out (it is refused with `inputs`).
    const auto p = small();
    const RewardTask drawn(p);
    const std::string d = fresh_dir("plast_reward_inputs_roundtrip");
    std::string dirs;
    for (int k = 0; k < p.n_experiments; ++k) {
        drawn.write_instance(k, d + "/exp" + std::to_string(k));
        dirs += (k ? ", \"" : "\"") + d + "/exp" + std::to_string(k) + "\"";
    }
    const auto q = read("[reward]\ninputs = [" + dirs + "]\nn_trials = 40\ntrial = 200.0\n");
    ASSERT_EQ(q.n_experiments, 2);
    const RewardTask given(q);
    for (int k = 0; k < 2; ++k) {
        RewardTrace a, b;
        const double fa = drawn.run(rule("E*R - E"), k, &a), fb = given.run(rule("E*R - E"), k, &b);
        EXPECT_EQ(fa, fb) << k;
        EXPECT_EQ(a.reward, b.reward) << k;
        EXPECT_EQ(a.mean_abs_w, b.mean_abs_w) << k;
        EXPECT_EQ(a.arrivals0, b.arrivals0) << k;
        EXPECT_EQ(a.E0, b.E0) << k;
        ASSERT_FALSE(a.arrivals0.empty());
    }
}

TEST(E2lRewardInputs, ASpikeAtTimeTReachesTheNeuronOneDelayLaterAndLateSpikesAreDropped)
{
    // h = 0.01 ms, delay 1 ms: a spike leaving the input at 10.00 ms is stamped with the step ending at 10.00 ms
    // (index 999) and is added to the current at step 999 + 100. One at 499.5 ms would arrive after the 500 ms
    // trial and is dropped; spikes of an unconnected input (1) are ignored.
    const std::string d = one_spike_instance("timing", 500.0, "0,0,10.0\n0,1,20.0\n0,0,499.5\n");
    const auto p = read("[reward]\ninputs = [\"" + d + "\"]\nn_trials = 1\nn_inputs = 2\n");
    RewardTrace tr;
    RewardTask(p).run(rule("0"), 0, &tr);
    ASSERT_EQ(tr.arrivals0.size(), 1u);
    EXPECT_EQ(tr.arrivals0[0], (std::pair<int, int>{1099, 0}));
    // The membrane starts rising one step after the current jumps (exponential synaptic current).
    EXPECT_EQ(tr.u0[1099], -70.0);
    EXPECT_GT(tr.u0[1100], -70.0);
}

TEST(E2lRewardInputs, BadFilesAndKeysNameTheFileTheLineAndTheKey)
{
    const std::string ok = one_spike_instance("ok", 100.0, "0,0,10.0\n");
    auto msg = [&](const std::string& toml) {
        try {
            RewardTask t(read(toml));
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    auto with = [&](const std::string& dir, const std::string& extra = "n_trials = 1\n") {
        return "[reward]\ninputs = [\"" + dir + "\"]\n" + extra;
    };
    EXPECT_EQ(msg(with(ok)), "no error");
    // Keys that shape drawn instances only.
    for (const std::string key : {"rate = 3.0", "p_connect = 0.5", "sigma_w = 10.0", "n_patterns = 4"})
        EXPECT_NE(msg(with(ok, "n_trials = 1\n" + key + "\n")).find("drawn instances only"), std::string::npos) << key;
    EXPECT_NE(msg(with(ok, "n_trials = 1\nn_experiments = 3\n")).find("n_experiments"), std::string::npos);
    // More trials than the file has.
    const std::string few = msg(with(ok, "n_trials = 2\n"));
    EXPECT_NE(few.find("trials.csv"), std::string::npos) << few;
    EXPECT_NE(few.find("n_trials"), std::string::npos) << few;
    // Bad rows: file, line and column.
    const std::string bad_in = one_spike_instance("bad_input", 100.0, "0,0,10.0\n0,50,3.0\n");
    const std::string m1 = msg(with(bad_in));
    EXPECT_NE(m1.find("spikes.csv:3"), std::string::npos) << m1;
    EXPECT_NE(m1.find("input"), std::string::npos) << m1;
    EXPECT_NE(m1.find("[0, 49]"), std::string::npos) << m1;
    const std::string bad_t = one_spike_instance("bad_time", 100.0, "0,0,-1.0\n");
    EXPECT_NE(msg(with(bad_t)).find("time_ms"), std::string::npos);
    const std::string bad_pat = one_spike_instance("bad_pattern", 100.0, "1,0,3.0\n");
    EXPECT_NE(msg(with(bad_pat)).find("pattern"), std::string::npos);
    const std::string bad_label = one_spike_instance("bad_label", 100.0, "0,0,3.0\n");
    write_text(bad_label + "/patterns.csv", "pattern,label\n0,0.5\n");
    EXPECT_NE(msg(with(bad_label)).find("patterns.csv:2"), std::string::npos);
    const std::string twice = one_spike_instance("twice", 100.0, "0,0,3.0\n");
    write_text(twice + "/synapses.csv", "input,w0_pA\n0,1.0\n0,2.0\n");
    EXPECT_NE(msg(with(twice)).find("connected twice"), std::string::npos);
    const std::string order = one_spike_instance("order", 100.0, "0,0,3.0\n");
    write_text(order + "/trials.csv", "trial,pattern\n1,0\n");
    EXPECT_NE(msg(with(order)).find("trials.csv:2"), std::string::npos);
    const std::string missing = one_spike_instance("missing", 100.0, "0,0,3.0\n");
    std::filesystem::remove(missing + "/trials.csv");
    EXPECT_NE(msg(with(missing)).find("trials.csv"), std::string::npos);
    const std::string nan_w = one_spike_instance("nan_w", 100.0, "0,0,3.0\n");
    write_text(nan_w + "/synapses.csv", "input,w0_pA\n0,nan\n");
    EXPECT_NE(msg(with(nan_w)).find("w0_pA"), std::string::npos);
}
