#pragma once
// The familiarity task ("Memory by accident", Confavreux et al.): a candidate is the 6-parameter rule(s) of
// the memory network's plastic connections; it runs `memory.runs` times (new seed and wiring each) through
// the familiarity protocol of `plast memory` in the control condition, and is scored by the memory study's
// own statistics. So screening rounds and CMA-ES search for rules that are stable and carry familiarity
// memory directly, on the recurrent E/I network, the feed-forward network or a model file.
//
// Parameters: recurrent, the 24 quadruplet parameters EE|EI|IE|II_{tau_pre, tau_post, alpha, beta, gamma,
// kappa} (the fsbi screen's names and boxes, without the input rate: the protocol's background rate drives
// the network); feed-forward, IE_{...} (the inhibitory rule); model file, NAME_{...} per name of model.rules.
// Metrics: stable (1/0, the memory study's stability criterion over every run), runs_completed,
// baseline_rate (E rate in the 1 s before the last test, mean over completed runs), lifetime (s, last test
// time with p < 0.05), novelty / familiarity (1 when some test time is significant with that preference),
// then per test time t: dr_mem_<t>s (mean dr_mem over runs) and p_<t>s (the t-test of r_nov against r_fam).
// Default filter: stable = 1 (verdict "plausible" = stable). Loss (CMA-ES): -|dr_mem| at the first test for
// a stable rule (the larger the novelty or familiarity response, the better), 10 for an unstable one.
#include "plast/memory/memory_study.hpp"
#include "plast/tasks/task.hpp"

#include <memory>

namespace plast::tasks {

class FamiliarityTask : public ScreenTask {
  public:
    FamiliarityTask(memory::MemoryStudy study, std::string fingerprint);
    // From [memory] (network, runs, recheck), [protocol] and the network's sections, as `plast memory` reads them.
    static std::unique_ptr<FamiliarityTask> from_config(Config& cfg);

    std::string name() const override { return "familiarity"; }
    std::vector<PriorBox> default_prior() const override;
    std::vector<std::string> metric_names() const override;
    std::vector<FilterGroup> default_filter() const override;
    EvalOutcome evaluate(const std::vector<double>& params, std::uint64_t seed, std::uint64_t key) const override;
    double loss(const EvalOutcome& o) const override;
    std::string fingerprint() const override { return fingerprint_; }

  private:
    memory::MemoryStudy study_;
    std::string fingerprint_;
};

} // namespace plast::tasks
