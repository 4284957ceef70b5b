#pragma once
// `plast evolve` as a search like the others: its evaluations go through Executor (threads, or
// MPI ranks) and every new individual becomes a row of the search archive (search/archive.hpp).
//
// GenomeTask: the executor's view of a CGP individual: the alleles of its genomes (as numbers) in,
// the E2L task's fitness metrics out. Deterministic in the alleles, so any rank can evaluate any job.
// A job may carry one more number after the alleles, the rejection bound (cgp::Evolution::
// rejection_bound): for a task whose experiments run so far bound its fitness (e2l::Task::
// partial_fitness_bound: a minimum, or a mean of experiments with a known maximum), the experiments stop
// once that upper bound is below it, and the outcome is "rejected" with the upper bound in fitness_min.
//
// EvolveArchive rows: round = generation (0 = the initial parents), idx = position in the generation
// (parent i, or offspring k), source "cgp", rule = the expression of each genome joined by " ; "
// (parseable by e2l::parse_rules), no parameter columns, metrics fitness, fitness_mean, fitness_sd,
// fitness_min (over the task's experiments; NaN unless simulated in this row), size (expression nodes)
// and simulated (1: simulated for this row; 0: fitness from the cache or, after a silent mutation,
// from the parent). status "completed", "invalid" (non-finite fitness: fitness is NULL), "rejected" (with
// ea.early_rejection, an offspring below its generation's worst parent: fitness, fitness_mean and
// fitness_sd are NULL, fitness_min is an upper bound of its fitness: the bound from the experiments run
// before it stopped, or the cached score) or "error".
// Resume: an individual whose (generation, idx) row exists is not simulated again; its fitness is
// read back after checking that the regenerated rule is the archived one, so a resumed evolution
// continues as an uninterrupted one and writes the same rows.
#include "plast/cgp/evolution.hpp"
#include "plast/e2l/task.hpp"
#include "plast/search/archive.hpp"
#include "plast/search/executor.hpp"
#include "plast/search/screen_task.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace plast::search {

class GenomeTask : public ScreenTask {
public:
    // simplify: the phenotype is the simplified expression (cgp::EaConfig::simplify).
    GenomeTask(const e2l::Task& task, std::vector<std::shared_ptr<const cgp::GenomeSpec>> specs, std::string fingerprint,
               bool simplify = false);
    // The alleles, then the rejection bound when it is finite.
    std::vector<double> encode(const cgp::Individual& ind, double rejection_bound) const;
    std::string name() const override { return "cgp_" + task_.name(); }
    std::vector<PriorBox> default_prior() const override { return {}; }
    std::vector<std::string> metric_names() const override { return {"fitness", "fitness_mean", "fitness_sd", "fitness_min"}; }
    std::vector<FilterGroup> default_filter() const override { return {}; }
    EvalOutcome evaluate(const std::vector<double>& alleles, std::uint64_t seed, std::uint64_t key) const override;
    double loss(const EvalOutcome& o) const override;
    std::string fingerprint() const override { return fingerprint_; }

private:
    const e2l::Task& task_;
    std::vector<std::shared_ptr<const cgp::GenomeSpec>> specs_;
    std::vector<std::vector<std::string>> inputs_;
    std::string fingerprint_;
    bool simplify_ = false;
};

class EvolveArchive {
public:
    static std::vector<std::string> metric_names();
    // Rows of generations >= first_generation already in the archive are replayed, not simulated.
    EvolveArchive(Archive& archive, const GenomeTask& task, Executor& executor, const cgp::Evolution& ev,
                  std::uint64_t seed, int first_generation);
    // The Evolution's hooks (cgp::BatchEvaluator, cgp::GenerationObserver).
    std::vector<double> evaluate(int generation, const std::vector<const cgp::Individual*>& misses, const std::vector<int>& index);
    void observe(int generation, const std::vector<cgp::Newcomer>& newcomers);
    // Writes the buffered rows (one transaction; called before every checkpoint and at the end).
    void flush();
    long long replayed() const { return replayed_; }
    long long written() const { return written_; }

private:
    std::string rule_text(const cgp::Individual& ind, std::size_t* size) const;

    Archive& archive_;
    const GenomeTask& task_;
    Executor& executor_;
    const cgp::Evolution& ev_;
    std::uint64_t seed_;
    std::map<std::pair<int, std::int64_t>, CandidateRow> existing_;
    std::map<std::int64_t, EvalOutcome> simulated_; // this generation's fresh outcomes, by idx
    std::vector<CandidateRow> buffer_;
    std::chrono::steady_clock::time_point last_flush_;
    long long replayed_ = 0, written_ = 0;
};

} // namespace plast::search
