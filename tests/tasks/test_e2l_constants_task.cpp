// Screening / CMA-ES over the constants of a rule on an E2L task: a candidate's fitness is the task's
// fitness of the rule with its constants bound; configuration mistakes are errors before any run.
#include "plast/core/error.hpp"
#include "plast/e2l/task.hpp"
#include "plast/io/config.hpp"
#include "plast/tasks/e2l_constants_task.hpp"

#include <gtest/gtest.h>

namespace {

const char* const base = R"TOML(
[e2l]
task = "error"
rule = "c1*(v - u)*sbar + c2"
[[e2l.free]]
name = "c1"
lo = -5.0
hi = 5.0
[[e2l.free]]
name = "c2"
lo = -1.0
hi = 1.0
[error]
n_experiments = 2
duration = 500.0
)TOML";

} // namespace

TEST(E2lConstantsTask, CandidateFitnessIsTheTasksFitnessOfTheBoundRule)
{
    auto cfg = plast::Config::parse(base, "screen.toml");
    const auto t = plast::tasks::E2lConstantsTask::from_config(cfg);
    const auto o = t->evaluate({2.0, 0.0}, 1, 0);
    auto cfg2 = plast::Config::parse(base, "screen.toml");
    const auto task = plast::e2l::make_task(cfg2, "error");
    const double ref = task->fitness(plast::e2l::parse_rules(*task, "2*(v - u)*sbar"));
    ASSERT_EQ(o.metrics.size(), 4u);
    EXPECT_DOUBLE_EQ(o.metrics[0], ref);
    EXPECT_DOUBLE_EQ(t->loss(o), -ref);
    EXPECT_EQ(t->default_prior().size(), 2u);
}

TEST(E2lConstantsTask, ConfigurationErrorsBeforeAnyRun)
{
    auto with = [](const std::string& from, const std::string& to) {
        std::string s = base;
        s.replace(s.find(from), from.size(), to);
        auto cfg = plast::Config::parse(s, "screen.toml");
        return plast::tasks::E2lConstantsTask::from_config(cfg);
    };
    EXPECT_THROW(with("c1*(v - u)*sbar + c2", "c1*(v - q)*sbar + c2"), plast::Error); // unknown variable
    EXPECT_THROW(with("c1*(v - u)*sbar + c2", "c1*(v - u)*sbar"), plast::Error);      // c2 is free but unused
    EXPECT_THROW(with("c1*(v - u)*sbar + c2", "c1*v; c2*u"), plast::Error);           // two slots on a one-slot task
    EXPECT_THROW(with("lo = -5.0\nhi = 5.0", "lo = 5.0\nhi = -5.0"), plast::Error);    // empty box
}
