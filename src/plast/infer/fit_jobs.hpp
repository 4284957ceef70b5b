#pragma once
// The fits of an infer study as a search task, so that they run through search::Executor like the candidates
// of every other search method: on threads, or shared among Open MPI ranks (rank r runs the fits k with
// k mod size = r; rank 0 owns the run directory and writes every output). A job is a fit's index (its key);
// its outcome has the fit's last logged loss as its one metric and the whole result as JSON
// (result_json.hpp) in its payload, read back bit for bit on rank 0: 1 thread, N threads and N ranks write
// the same files. Fit i is the same computation on every rank (its inputs come from the configuration, the
// seed and, for generated animals, the run directory), and writes its own checkpoint file.
#include "plast/search/screen_task.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace plast::search {
class Executor;
}

namespace plast::infer {

class FitJobs : public search::ScreenTask {
  public:
    // Runs fit i and returns its result as JSON (to_json of result_json.hpp). Thread-safe.
    using Run = std::function<nlohmann::json(std::size_t i)>;
    FitJobs(std::size_t n, Run run, std::string fingerprint);

    std::size_t size() const { return n_; }
    std::string name() const override { return "infer fits"; }
    std::vector<search::PriorBox> default_prior() const override;
    std::vector<std::string> metric_names() const override { return {"loss"}; }
    std::vector<search::FilterGroup> default_filter() const override { return {}; }
    // The fit of index `key` (params and seed are not used: a fit's seed is part of its definition). A
    // plast::Error of the fit becomes an "error" outcome whose payload describes it (rethrown on rank 0).
    search::EvalOutcome evaluate(const std::vector<double>& params, std::uint64_t seed, std::uint64_t key) const override;
    double loss(const search::EvalOutcome& o) const override;
    std::string fingerprint() const override { return fingerprint_; }

  private:
    std::size_t n_;
    Run run_;
    std::string fingerprint_;
};

// Every fit through the executor, with a progress line; the results in fit order. First the run directory's
// path goes to the MPI worker ranks (they wait for it in InferStudy::serve). The first fit's error, if any,
// is rethrown as the error the fit raised.
std::vector<nlohmann::json> run_fit_jobs(const FitJobs& jobs, search::Executor& executor, std::uint64_t seed,
                                         const std::string& progress_label, const std::string& run_path);

} // namespace plast::infer
