#pragma once
// Evolving a rule of any model file for network stability (`plast evolve`, task = "stability"):
// CGP writes the on_pre / on_post expressions of one expression rule of the model (over x_pre, x_post
// and w), the model runs its own protocol, and the fitness rewards a stable, plausible network at a
// target rate:
//   F = -(r - r_target)^2 / (r + 2)  -  penalty x (number of failed plausibility bounds)
// with r the E rate of the model's [metrics] (Hz); an aborted run (rate guard, NaN) scores
// -160 (exp(-t_abort/T) + 1) - penalty x (all bounds), worse the earlier it fails. Experiments are
// seeds (the same wiring and noise for every rule: common random numbers).
// penalty_mode = "graded" charges a failed bound by how far it is missed instead of a flat penalty:
//   penalty x (0.5 + 0.5 min(1, d)),  d = distance outside [lo, hi] / (hi - lo)  (width 1 for a one-sided bound),
// so a failed bound still costs at least penalty / 2 (a plausible rule beats an implausible one at the same
// rate) but a smaller miss costs less, which gives the EA a direction out of "rate on target, one bound
// missed"; a NaN metric costs the full penalty. "count" (default) is the flat penalty per failed bound.
//
//   [stability]
//   file = "models/fsbi_ie_expression.toml"  # relative to the configuration's folder, else the working directory
//   rule = "ie"                              # an expression rule of the model
//   set = ["scale=0.125", "phase[0].duration=20.0"]
//   target_rate = 10.0
//   penalty = 1.0
//   penalty_mode = "count"                   # or "graded"
//   n_experiments = 1
//   seed = 1
#include "plast/e2l/task.hpp"

#include <string>
#include <vector>

namespace plast {
class Section;
}

namespace plast::e2l {

class ModelStabilityTask : public Task {
public:
    static std::unique_ptr<ModelStabilityTask> from_config(const Section& s, const std::string& config_dir);
    std::string name() const override { return "stability"; }
    std::vector<std::vector<std::string>> rule_inputs() const override { return {{"x_pre", "x_post", "w"}, {"x_pre", "x_post", "w"}}; }
    std::vector<std::string> rule_slots() const override { return {"on_pre", "on_post"}; }
    int n_experiments() const override { return n_; }
    double experiment(const std::vector<expr::Tape>& rules, int k) const override;
    double experiment_max() const override { return 0.0; } // both losses and the penalty are >= 0
    // The model's metrics and verdict for one rule (used by experiment() and reports).
    struct Outcome {
        double fitness, rate;
        bool aborted;
        std::string verdict;
        int failed;
    };
    Outcome run(const std::vector<expr::Tape>& rules, int k) const;

private:
    std::string path_, text_, rule_;
    std::vector<std::string> sets_;
    double target_ = 10, penalty_ = 1, duration_ = 0;
    bool graded_ = false;
    int n_ = 1;
    std::uint64_t seed_ = 1;
};

} // namespace plast::e2l
