#pragma once
// The "evolving to learn" (E2L) task interface (evolving-rules §2-4): a task scores candidate
// plasticity rules (one expression per rule slot) by the learning they produce in a small spiking
// network. Every task is deterministic for given parameters (its instances are frozen by its
// seed), so a rule's fitness is reproducible and cacheable. Invalid rules (a non-finite rule
// output or state) score -inf; they never throw.
#include "plast/expr/tape.hpp"

#include <memory>
#include <string>
#include <vector>

namespace plast {
class Config;
}

namespace plast::e2l {

class Task {
  public:
    virtual ~Task() = default;
    virtual std::string name() const = 0;
    // One list of input names per rule slot (one genome each): e.g. {{"v", "u", "sbar"}}.
    virtual std::vector<std::vector<std::string>> rule_inputs() const = 0;
    // Slot labels, e.g. {"rule"} or {"dep", "fac"}.
    virtual std::vector<std::string> rule_slots() const = 0;
    virtual int n_experiments() const = 0;
    // Fitness of one experiment (task instance) k.
    virtual double experiment(const std::vector<expr::Tape>& rules, int k) const = 0;
    // Aggregate over experiments: mean (reward, error) or min (correlation).
    virtual bool aggregate_min() const { return false; }
    // An upper bound of every experiment's fitness (error: -sqrt(sum (u - v)^2) <= 0); +inf when none.
    virtual double experiment_max() const;
    // Serial fitness over all experiments; stops early at the first -inf.
    double fitness(const std::vector<expr::Tape>& rules) const;
    double aggregate(const std::vector<double>& per_experiment) const;
    // Whether the experiments run so far bound the fitness from above: a minimum, or a mean of
    // experiments with a finite experiment_max (early rejection, cgp::EaConfig::early_rejection).
    bool bounds_partial_fitness() const;
    // That bound for the first f.size() experiments (finite values): their minimum, or their mean with
    // experiment_max() for the experiments not run. With all experiments run it equals aggregate(f).
    double partial_fitness_bound(const std::vector<double>& f) const;
};

// Spread of per-experiment fitness values: the minimum is what the correlation task aggregates,
// the mean and SD (population SD, as the paper's figures) what the paper reports over tasks.
struct Spread {
    double mean = 0, sd = 0, median = 0, min = 0, max = 0;
    int n = 0;
};
Spread spread(const std::vector<double>& x);

// Names accepted for task = "...".
const std::vector<std::string>& task_names();
// Reads the section [name] of the configuration (all keys optional; defaults = the coded task).
// fast = true caps the workload for demos (see docs/evolution.md): error <= 3 experiments x 2 s;
// reward <= 3 experiments x 100 trials; correlation <= 2 tasks x 20 s training.
std::unique_ptr<Task> make_task(Config& cfg, const std::string& name, bool fast = false);

// Known rules to compare an evolution with (reports draw them as reference lines): "no learning" (0 in
// every slot) and, where the task has one, the published rule it was built for (error: the delta rule
// (v - u) sbar; reward: (R - 1) E). Rules whose variables the task does not have are left out.
std::vector<std::pair<std::string, std::string>> reference_rules(const Task& task);

// Parse a rule string for a task: slots separated by ';' (correlation: "dep ; fac").
std::vector<expr::Tape> parse_rules(const Task& task, const std::string& text);

} // namespace plast::e2l
