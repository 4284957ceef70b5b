#pragma once
// Screening task on the rate toy model: parameters (theta0, theta1, log10_eta) of the reduced
// explicit rule on the A-B-A task (plast/toy). Metrics: lambda_max (largest eigenvalue over all
// allowed inputs, per unit eta), RI, tau (steps to converge in both phases), and converged (0/1).
// A run whose Euler integration diverges is "aborted" with NaN metrics, as an exploding spiking
// network is. Cheap (~1 ms per candidate), so the whole screening loop (rounds, restriction
// classifier, conditional density, archive, resume) can be exercised in seconds.
#include "plast/tasks/task.hpp"
#include "plast/toy/aba_task.hpp"

#include <memory>

namespace plast {
class Config;
}

namespace plast::tasks {

class ToyAbaTask : public ScreenTask {
public:
    explicit ToyAbaTask(toy::AbaSetup setup) : setup_(std::move(setup)) {}
    // The A-B-A setting from [task] (the keys of `plast toy`); a rule or learning rate configured as for
    // `plast toy` is refused (the candidates would replace it). resuming: a run begun before that check may
    // hold the unused task.eta in its config.toml.
    static std::unique_ptr<ToyAbaTask> from_config(Config& cfg, std::uint64_t seed, bool resuming);
    std::string name() const override { return "toy_aba"; }
    std::vector<PriorBox> default_prior() const override;
    std::vector<std::string> metric_names() const override { return {"lambda_max", "RI", "tau", "converged"}; }
    std::vector<FilterGroup> default_filter() const override;
    EvalOutcome evaluate(const std::vector<double>& params, std::uint64_t seed, std::uint64_t key) const override;
    // -RI for stable converged rules; 1 + lambda_max for unstable ones; 10 for diverged runs.
    double loss(const EvalOutcome& o) const override;
    std::string fingerprint() const override;

private:
    toy::AbaSetup setup_;
};

} // namespace plast::tasks
