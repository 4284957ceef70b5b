// The correlation task on given inputs (`inputs`, task_w_init, task_V0, task_V0_test): files written from
// plast's own draws give the drawn task back bit for bit; the per-task keys and bad files are checked.
#include "plast/core/error.hpp"
#include "plast/e2l/correlation_task.hpp"
#include "plast/expr/parser.hpp"
#include "plast/io/config.hpp"

#include "../temp_files.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

using namespace plast;
using namespace plast::e2l;
using plast_test::fresh_dir;
using plast_test::write_text;

namespace {

// LR1 (w*E - w - E ; E - w): depends on every spike's timing and on the weights.
double snr(const CorrelationTask& t, int k, CorrelationTrace* tr = nullptr)
{
    return t.run(expr::parse("w*E - w - E", {"w", "E"}), expr::parse("E - w", {"w", "E"}), k, tr);
}

CorrelationTaskParams small()
{
    CorrelationTaskParams p;
    p.n_tasks = 2;
    p.train = 6000.0;
    p.test = 3000.0;
    p.w_init = 0.4;
    p.with_replacement = true; // duplicates: events of multiplicity 2 must survive the round trip
    return p;
}

CorrelationTaskParams read(const std::string& toml)
{
    Config c = Config::parse(toml, "test.toml");
    return CorrelationTaskParams::from_config(c.section("correlation"));
}

} // namespace

TEST(E2lCorrelationInputs, FilesWrittenFromTheDrawsGiveTheDrawnTaskBitForBit)
{
    const auto p = small();
    const CorrelationTask drawn(p);
    const std::string d = fresh_dir("plast_corr_inputs_roundtrip");
    std::string files;
    for (int k = 0; k < p.n_tasks; ++k) {
        drawn.write_inputs(k, d + "/task" + std::to_string(k) + ".csv");
        files += (k ? ", \"" : "\"") + d + "/task" + std::to_string(k) + ".csv\"";
    }
    // The drawn task's initial potentials: reproduce them by fixing V0 per task in both.
    auto q = read("[correlation]\ninputs = [" + files +
                  "]\ntrain = 6000.0\ntest = 3000.0\nw_init = 0.4\n"
                  "task_V0 = [3.0, -2.0]\n");
    ASSERT_EQ(q.n_tasks, 2);
    auto pd = p;
    pd.task_V0 = {3.0, -2.0};
    const CorrelationTask a(pd), b(q);
    for (int k = 0; k < 2; ++k) {
        CorrelationTrace ta, tb;
        const double sa = snr(a, k, &ta), sb = snr(b, k, &tb);
        ASSERT_TRUE(std::isfinite(sa) && sa > 1.0) << sa;
        EXPECT_EQ(sa, sb) << k;
        EXPECT_GT(ta.n_multi_events, 0) << k;
        EXPECT_EQ(ta.n_multi_events, tb.n_multi_events) << k;
        EXPECT_EQ(ta.n_spikes, tb.n_spikes) << k;
        EXPECT_EQ(ta.w_final, tb.w_final) << k;
        EXPECT_EQ(ta.pattern_neuron, tb.pattern_neuron) << k;
    }
}

TEST(E2lCorrelationInputs, PerTaskStartValuesAreUsedWhereTheySay)
{
    auto p = small();
    p.n_tasks = 1;
    p.task_V0 = {0.0};
    CorrelationTrace base, w_changed, test_v;
    snr(CorrelationTask(p), 0, &base);
    auto pw = p;
    pw.task_w_init = {0.3};
    snr(CorrelationTask(pw), 0, &w_changed);
    EXPECT_NE(base.w_final, w_changed.w_final); // the training starts from another weight
    // Another test potential changes the test only: same weights, different free membrane trace,
    // which has decayed to the same values after a few membrane time constants (tau_m = 18 ms).
    auto pv = p;
    pv.task_V0_test = {15.0};
    snr(CorrelationTask(pv), 0, &test_v);
    EXPECT_EQ(base.w_final, test_v.w_final);
    EXPECT_NE(base.v_test.front(), test_v.v_test.front());
    EXPECT_NEAR(base.v_test.back(), test_v.v_test.back(), 1e-9);
}

TEST(E2lCorrelationInputs, SpikesAfterTheTrainingAreNotUsedAndRepeatedRowsAreOneEventOfMultiplicityTwo)
{
    const std::string d = fresh_dir("plast_corr_inputs_rows");
    write_text(d + "/a.csv", "time_ms,input\n10.0,0\n10.04,0\n500.0,1\n");
    write_text(d + "/b.csv", "input,time_ms\n0,10.0\n0,10.0\n1,500.0\n1,999999.0\n1,1e300\n");
    auto p = read("[correlation]\ninputs = [\"" + d + "/a.csv\", \"" + d +
                  "/b.csv\"]\nn_inputs = 2\n"
                  "train = 1000.0\ntest = 1000.0\nw_init = 0.5\nV0_sd = 0.0\n");
    CorrelationTrace ta, tb;
    const CorrelationTask t(p);
    snr(t, 0, &ta);
    snr(t, 1, &tb);
    // 10.04 ms rounds onto the step of 10.0 ms: in both files input 0 has one event of multiplicity 2.
    EXPECT_EQ(ta.n_spikes, (std::vector<int>{2, 1}));
    EXPECT_EQ(ta.n_multi_events, 1);
    EXPECT_EQ(tb.n_spikes, ta.n_spikes);
    EXPECT_EQ(tb.w_final, ta.w_final);
}

TEST(E2lCorrelationInputs, BadFilesAndKeysNameTheFileTheLineAndTheKey)
{
    const std::string d = fresh_dir("plast_corr_inputs_bad");
    write_text(d + "/bad_input.csv", "input,time_ms\n0,1.0\n1000,2.0\n");
    write_text(d + "/bad_time.csv", "input,time_ms\n0,-1.0\n");
    write_text(d + "/no_column.csv", "neuron,time_ms\n0,1.0\n");
    auto msg = [&](const std::string& toml) {
        try {
            CorrelationTask t(read(toml));
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    const std::string in = "[correlation]\ninputs = [\"" + d;
    auto m = msg(in + "/bad_input.csv\"]\n");
    EXPECT_NE(m.find("bad_input.csv:3"), std::string::npos) << m;
    EXPECT_NE(m.find("input"), std::string::npos) << m;
    EXPECT_NE(m.find("[0, 999]"), std::string::npos) << m;
    m = msg(in + "/bad_time.csv\"]\n");
    EXPECT_NE(m.find("bad_time.csv:2"), std::string::npos) << m;
    EXPECT_NE(m.find("time_ms"), std::string::npos) << m;
    m = msg(in + "/no_column.csv\"]\n");
    EXPECT_NE(m.find("no_column.csv"), std::string::npos) << m;
    EXPECT_NE(m.find("input"), std::string::npos) << m;
    m = msg(in + "/missing.csv\"]\n");
    EXPECT_NE(m.find("missing.csv"), std::string::npos) << m;
    // Keys that would be silently ignored or inconsistent are refused.
    const std::string two = in + "/bad_time.csv\", \"" + d + "/bad_time.csv\"]\n";
    m = msg(two + "n_tasks = 3\n");
    EXPECT_NE(m.find("n_tasks"), std::string::npos) << m;
    m = msg(two + "rate = 5.0\n");
    EXPECT_NE(m.find("rate"), std::string::npos) << m;
    m = msg(two + "frozen_noise = \"poisson\"\n");
    EXPECT_NE(m.find("frozen_noise"), std::string::npos) << m;
    m = msg("[correlation]\nn_tasks = 2\ntask_V0 = [1.0]\n");
    EXPECT_NE(m.find("task_V0"), std::string::npos) << m;
    EXPECT_NE(m.find("2 numbers"), std::string::npos) << m;
    m = msg("[correlation]\nn_tasks = 1\ntask_w_init = [1.5]\n");
    EXPECT_NE(m.find("task_w_init"), std::string::npos) << m;
    m = msg("[correlation]\nn_tasks = 1\ntask_w_init = [0.5]\nw_init = 0.5\n");
    EXPECT_NE(m.find("w_init"), std::string::npos) << m;
}
