#pragma once
// Screening / CMA-ES over the constants of a rule on an E2L task (`[screen] task = "e2l"`): the rule is
// an expression with named constants, e.g. "c1*(v - u)*sbar + c2" on the error task; the free constants
// have prior boxes; every candidate binds them and is scored by the task's fitness (its own [error] /
// [reward] / [correlation] section). Metrics: fitness (the task's aggregate), mean, sd and min over
// experiments. Loss (CMA-ES): -fitness (1e12 for an invalid rule, -inf fitness).
//
//   [e2l]
//   task = "error"
//   rule = "c1*(v - u)*sbar + c2"     # slots separated by ';' (correlation: "dep ; fac")
//   [[e2l.free]]
//   name = "c1"
//   lo = -5.0
//   hi = 5.0
// Default filter: "learns" = finite fitness (override with [filter]).
#include "plast/e2l/task.hpp"
#include "plast/tasks/task.hpp"

#include <memory>
#include <string>
#include <vector>

namespace plast::tasks {

class E2lConstantsTask : public ScreenTask {
public:
    static std::unique_ptr<E2lConstantsTask> from_config(Config& cfg);
    std::string name() const override { return "e2l_" + task_->name(); }
    std::vector<PriorBox> default_prior() const override { return free_; }
    std::vector<std::string> metric_names() const override { return {"fitness", "fitness_mean", "fitness_sd", "fitness_min"}; }
    std::vector<FilterGroup> default_filter() const override;
    EvalOutcome evaluate(const std::vector<double>& params, std::uint64_t seed, std::uint64_t key) const override;
    double loss(const EvalOutcome& o) const override;
    std::string fingerprint() const override;

private:
    std::unique_ptr<e2l::Task> task_;
    std::string task_name_, rule_;
    std::vector<expr::Tape> tapes_; // with parameters (the free constants)
    std::vector<PriorBox> free_;
};

} // namespace plast::tasks
