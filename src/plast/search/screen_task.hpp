#pragma once
// What a screen sees of a task: parameters in, metrics out (a pagmo-style problem).
// Implementations: the tasks of plast/tasks/ (task.hpp lists them; registry.hpp builds one by name).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "plast/metrics/filter.hpp"
#include "plast/search/prior.hpp"

namespace plast {
class Config;
}

namespace plast::search {

struct EvalOutcome {
    std::vector<double> metrics;  // NaN where undefined (e.g. after an abort)
    std::string status = "completed"; // "completed" or "aborted"
    std::string abort_reason;
    double abort_time = -1.0;
    double wall_seconds = 0.0; // filled by the executor
    // A task's whole result when metrics are not enough (a gradient fit's parameters, log and trajectories,
    // as JSON text: infer/fit_jobs.hpp); carried between MPI ranks like the metrics. Empty for screens.
    std::string payload;
};

// A named group of metric bounds ("stable activity": 1 <= rate <= 50, ...). NaN never passes.
using metrics::Constraint;
using metrics::FilterGroup;

class ScreenTask {
public:
    virtual ~ScreenTask() = default;
    virtual std::string name() const = 0;
    virtual std::vector<PriorBox> default_prior() const = 0;
    virtual std::vector<std::string> metric_names() const = 0;
    virtual std::vector<FilterGroup> default_filter() const = 0;
    // Must be thread-safe and deterministic in (params, seed, key): the key identifies the candidate.
    virtual EvalOutcome evaluate(const std::vector<double>& params, std::uint64_t seed, std::uint64_t key) const = 0;
    // Loss minimised by CMA-ES (lower is better); must be finite for aborted candidates too.
    virtual double loss(const EvalOutcome& o) const = 0;
    // Configuration text that defines the task (for the archive fingerprint).
    virtual std::string fingerprint() const = 0;
};

} // namespace plast::search
