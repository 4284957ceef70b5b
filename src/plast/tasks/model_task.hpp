#pragma once
// Screening any model file (`[screen] task = "model"`): the free parameters are keys of the model
// file, each with its prior box; every candidate is the model with those keys set, simulated by its
// own protocol and scored by its [metrics] (the fSBI stability metrics and plausibility filter, with
// the model's bounds). Any numeric key can be free: a rule's parameters (e.g. the constants of an
// expression rule, `rule.ie.params.c`), weights, probabilities, input rates.
//
//   [model]
//   file = "examples/models/fsbi.toml"  # relative to this configuration's folder, else to the working directory
//   set = ["scale=0.125"]               # fixed overrides of the model file
//   target_rate = 10.0                  # E rate the CMA-ES loss aims at (Hz)
//   [[model.free]]
//   key = "rule.ie.params.c"            # a numeric key of the model file
//   lo = 0.0
//   hi = 1.0
//   log = false
//
// Metrics: the fSBI metrics of the model's [metrics] plus `stability_loss` = (rate - target)^2 /
// (rate + 2) (Hz), or 160 (exp(-t_abort/T) + 1) for an aborted run (as the fSBI task). Every candidate
// sees the same connectivity and noise (common random numbers).
#include "plast/tasks/task.hpp"

#include <string>
#include <vector>

namespace plast {
class Section;
}

namespace plast::tasks {

class ModelTask : public ScreenTask {
public:
    static std::unique_ptr<ModelTask> from_config(const Section& model, const std::string& config_dir);
    std::string name() const override { return "model"; }
    std::vector<PriorBox> default_prior() const override { return free_; }
    std::vector<std::string> metric_names() const override;
    std::vector<FilterGroup> default_filter() const override { return filter_; }
    EvalOutcome evaluate(const std::vector<double>& params, std::uint64_t seed, std::uint64_t key) const override;
    double loss(const EvalOutcome& o) const override { return o.metrics.back(); }
    std::string fingerprint() const override;

private:
    std::string path_, text_;
    std::vector<std::string> sets_;
    std::vector<PriorBox> free_;      // names: the keys with every character but [A-Za-z0-9_] as '_' (archive columns)
    std::vector<std::string> keys_;   // the model-file keys
    std::vector<FilterGroup> filter_;
    double target_ = 10.0, duration_ = 0;
};

} // namespace plast::tasks
