// Behavioural data files: round trips and clear errors naming the file and the field.
#include "plast/core/error.hpp"
#include "plast/infer/fly_data.hpp"
#include "plast/rules/rule_string.hpp"
#include "plast/rules/taylor_rule.hpp"

#include <gtest/gtest.h>
#include <matio.h>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace plast;

namespace {

std::string tmp(const std::string& name)
{
    const auto dir = std::filesystem::temp_directory_path() / ("plast_fly_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return (dir / name).string();
}

void write_mat(const std::string& path, std::vector<double> X, std::size_t xr, std::size_t xc, std::vector<double> Y,
               std::vector<double> R)
{
    mat_t* m = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
    auto put = [&](const char* n, std::vector<double>& v, std::size_t r, std::size_t c) {
        std::size_t dims[2] = {r, c};
        matvar_t* var = Mat_VarCreate(n, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, v.data(), 0);
        Mat_VarWrite(m, var, MAT_COMPRESSION_NONE);
        Mat_VarFree(var);
    };
    put("X", X, xr, xc);
    put("Y", Y, Y.size(), 1);
    put("R", R, R.size(), 1);
    Mat_Close(m);
}

// Expects a plast::Error whose message names the file and the field.
void expect_error(const std::string& path, const std::string& field, const std::string& fragment)
{
    try {
        infer::read_animal(path);
        FAIL() << "no error for " << path;
    } catch (const Error& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find(std::filesystem::path(path).filename().string()), std::string::npos) << msg;
        EXPECT_EQ(e.key(), field) << msg;
        EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
    }
}

rate::ChoiceRecord generated()
{
    rules::TaylorRule rule(true);
    const auto th = rules::parse_rule_string("XR-0.05W", true);
    rate::TwoOdorTask task;
    task.trials_per_block = 10;
    return infer::choices_from_generated(
        rate::generate_behaviour(task, rate::BehaviourNetwork::make(2, 10), rule, th.data(), 0.01, 2, 0, 0));
}

} // namespace

TEST(FlyData, MatAndCsvRoundTrip)
{
    const auto c = generated();
    ASSERT_EQ(c.reward.size(), 30u);
    for (const char* ext : {".mat", ".csv"}) {
        const auto p = tmp(std::string("Fly1") + ext);
        if (std::string(ext) == ".mat")
            infer::write_animal_mat(p, c);
        else
            infer::write_animal_csv(p, c);
        const auto a = infer::read_animal(p);
        EXPECT_EQ(a.name, "Fly1");
        EXPECT_EQ(a.choices.odor, c.odor);
        EXPECT_EQ(a.choices.accept, c.accept);
        EXPECT_EQ(a.choices.reward, c.reward);
        EXPECT_EQ(a.dropped_events, 0);
    }
}

TEST(FlyData, TrialStructureFromChoices)
{
    // events: A reject, B accept (R=1), A accept (R=0), B reject (unfinished trial, dropped)
    const auto p = tmp("small.mat");
    write_mat(p, {1, 0, 1, 0, 0, 1, 0, 1}, 4, 2, {0, 1, 1, 0}, {1, 0});
    const auto a = infer::read_animal(p);
    EXPECT_EQ(a.dropped_events, 1);
    const auto tr = rate::trajectory_from_choices(a.choices, 2, 0.75, 0.0, 10, 1, 0);
    ASSERT_EQ(tr.n_trials, 2);
    EXPECT_EQ(tr.len, (std::vector<int>{2, 1}));
    EXPECT_EQ(tr.max_len, 2);
    EXPECT_EQ(tr.decision[0], 0.0);
    EXPECT_EQ(tr.decision[1], 1.0);
    EXPECT_TRUE(std::isnan(tr.decision[3]));
    EXPECT_EQ(tr.expected_reward, (std::vector<double>{0.0, 0.1})); // excludes the current trial, zero history
}

TEST(FlyData, BadInputNamesFileAndField)
{
    std::string p = tmp("shape.mat");
    write_mat(p, {1, 0, 0, 1, 0, 1}, 2, 3, {1, 1}, {1, 0});
    expect_error(p, "X", "n_events x 2");
    p = tmp("ylen.mat");
    write_mat(p, {1, 0, 0, 1}, 2, 2, {1, 1, 0}, {1, 0});
    expect_error(p, "Y", "n_events");
    p = tmp("rcount.mat");
    write_mat(p, {1, 0, 0, 1}, 2, 2, {1, 1}, {1});
    expect_error(p, "R", "sum(Y)");
    p = tmp("nan.mat");
    write_mat(p, {1, 0, 0, 1}, 2, 2, {1, 1}, {1, std::nan("")});
    expect_error(p, "R", "NaN");
    p = tmp("onehot.mat");
    write_mat(p, {1, 1, 0, 1}, 2, 2, {1, 1}, {1, 0});
    expect_error(p, "X", "one-hot");
    p = tmp("missing.csv");
    {
        std::ofstream o(p);
        o << "odor_a,odor_b,accept,reward\n1,0,1,\n";
    }
    expect_error(p, "reward", "missing");
    p = tmp("nan.csv");
    {
        std::ofstream o(p);
        o << "odor_a,odor_b,accept,reward\n1,0,1,nan\n";
    }
    expect_error(p, "reward", "nan");
    expect_error(tmp("absent.mat"), "file", "does not exist");
}
