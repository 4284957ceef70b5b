// `plast infer` end to end on a tiny configuration, and config errors that name the file and key.
#include "../cli_test_support.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

using plast_test::run_cli;

std::string write_cfg(const std::string& name, const std::string& body)
{
    return plast_test::write_file("plast_infer_cli", name, body);
}

} // namespace

TEST(InferCli, TinyBehaviourRunWritesOutputs)
{
    const auto cfg = write_cfg("tiny.toml", R"(seed = 3
[model]
kind = "behaviour"
[task]
trials_per_block = 10
[data]
num_train = 2
num_eval = 2
[rule]
ground_truth = "XR-0.05W"
terms = ["X1R1", "W1", "X0Y0W0R0"]
[fit]
epochs = 3
)");
    const auto out_dir = std::filesystem::path(cfg).parent_path() / "run_tiny";
    std::filesystem::remove_all(out_dir);
    const auto r = run_cli("infer " + cfg + " --out " + out_dir.string() + " --no-report -q");
    ASSERT_EQ(r.rc, 0) << r.text;
    for (const char* f : {"theta.csv", "seeds.csv", "weights_true.npy", "weights_fit.npy", "run.json"})
        EXPECT_TRUE(std::filesystem::exists(out_dir / f)) << f;
    std::ifstream in(out_dir / "run.json");
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["status"], "completed");
    EXPECT_EQ(j["summary"]["fitted_rule"]["n_trainable"], 3);
    EXPECT_TRUE(j["summary"].contains("percent_deviance_heldout"));
    std::ifstream th(out_dir / "theta.csv");
    std::string header;
    std::getline(th, header);
    EXPECT_EQ(header.substr(0, 24), "epoch,loss,A_0000,A_0001");
}

TEST(InferCli, BadRuleTermsAreConfigErrors)
{
    auto expect_err = [](const std::string& body, const std::string& frag) {
        const auto cfg = write_cfg("bad.toml", body);
        const auto r = run_cli("infer " + cfg + " --no-report -q --out " + cfg + ".run");
        EXPECT_EQ(r.rc, 2) << r.text;
        EXPECT_NE(r.text.find("bad.toml"), std::string::npos) << r.text;
        EXPECT_NE(r.text.find(frag), std::string::npos) << r.text;
    };
    expect_err("[rule]\nground_truth = \"X3R\"\n", "rule.ground_truth");
    expect_err("[rule]\nground_truth = \"XQ\"\n", "unknown symbol");
    expect_err("[rule]\nterms = [\"X1R1\", \"XRW3\"]\n", "above 2");
    expect_err("[model]\nkind = \"oja\"\n[rule]\nground_truth = \"XR\"\n", "no reward variable");
    expect_err("[data]\nsource = \"files\"\nfiles = [\"missing_fly.mat\"]\n", "missing_fly.mat");
    expect_err("[fit]\nepoch = 3\n", "fit.epoch");
    // L1 has a kink at 0; L-BFGS needs a smooth objective (it used to end in "nlopt failure").
    expect_err("[model]\nkind = \"oja\"\n[fit]\noptimizer = \"lbfgs\"\nregularization = \"l1\"\n",
               "fit.regularization");
    expect_err("[fit]\nl1_method = \"owlqn\"\n", "fit.l1_method");
}
