#include "plast/search/cgp_evaluation.hpp"

#include "plast/core/error.hpp"
#include "plast/io/csv.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace plast::search {

namespace {
constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

// Jobs carry the generation and the position, so the key names the individual (as a screen's does).
std::uint64_t job_key(int generation, std::int64_t idx)
{
    return (static_cast<std::uint64_t>(generation) << 40) + static_cast<std::uint64_t>(idx);
}

// The fitness an outcome or archived row gives the evolution: a rejected one's upper bound (below the
// worst parent, so discarded as its exact score would be, and the same value fresh or replayed).
double fitness_of(const std::string& status, const std::vector<double>& metrics)
{
    if (status == "rejected") return metrics.size() > 3 ? metrics[3] : nan_v;
    return metrics.empty() ? nan_v : metrics[0];
}
} // namespace

GenomeTask::GenomeTask(const e2l::Task& task, std::vector<std::shared_ptr<const cgp::GenomeSpec>> specs, std::string fingerprint,
                       bool simplify)
    : task_(task), specs_(std::move(specs)), inputs_(task.rule_inputs()), fingerprint_(std::move(fingerprint)), simplify_(simplify)
{
    if (specs_.size() != inputs_.size()) runtime_error("evolve", "one genome per rule slot is required");
}

std::vector<double> GenomeTask::encode(const cgp::Individual& ind, double rejection_bound) const
{
    std::vector<double> a;
    for (const auto& g : ind.genomes)
        for (int x : g.dna()) a.push_back(static_cast<double>(x));
    if (std::isfinite(rejection_bound)) a.push_back(rejection_bound);
    return a;
}

EvalOutcome GenomeTask::evaluate(const std::vector<double>& alleles, std::uint64_t, std::uint64_t) const
{
    std::vector<expr::Tape> tapes;
    std::size_t off = 0;
    for (std::size_t g = 0; g < specs_.size(); ++g) {
        const auto n = static_cast<std::size_t>(specs_[g]->length());
        if (off + n > alleles.size()) runtime_error("evolve", "a job carries too few alleles for the genome layout");
        std::vector<int> dna(n);
        for (std::size_t i = 0; i < n; ++i) dna[i] = static_cast<int>(alleles[off + i]);
        off += n;
        tapes.push_back(cgp::rule_tape(cgp::Genome(specs_[g], std::move(dna)), inputs_[g], simplify_));
    }
    if (alleles.size() > off + 1) runtime_error("evolve", "a job carries too many numbers for the genome layout");
    const double bound = alleles.size() == off + 1 && task_.bounds_partial_fitness()
                             ? alleles[off]
                             : -std::numeric_limits<double>::infinity();
    // As Task::fitness: experiments in order, stopping at the first invalid one, or, with a bound, at the
    // first after which the fitness is sure to be below it (Task::partial_fitness_bound).
    std::vector<double> f;
    for (int k = 0; k < task_.n_experiments(); ++k) {
        f.push_back(task_.experiment(tapes, k));
        if (!(f.back() > -std::numeric_limits<double>::infinity())) break;
        if (bound == -std::numeric_limits<double>::infinity()) continue;
        const double upper = task_.partial_fitness_bound(f);
        if (upper < bound) {
            EvalOutcome o;
            o.status = "rejected";
            o.abort_reason = "below the worst parent (" + io::format_number(bound) + ") after " + std::to_string(f.size()) +
                             " of " + std::to_string(task_.n_experiments()) + " experiments";
            o.metrics = {nan_v, nan_v, nan_v, upper};
            return o;
        }
    }
    const double agg = task_.aggregate(f);
    EvalOutcome o;
    if (!std::isfinite(agg)) {
        o.status = "invalid";
        o.abort_reason = "invalid rule (non-finite fitness)";
        o.metrics.assign(4, nan_v);
        return o;
    }
    double mean = 0, sd = 0, mn = std::numeric_limits<double>::infinity();
    for (double x : f) mean += x, mn = std::min(mn, x);
    mean /= static_cast<double>(f.size());
    for (double x : f) sd += (x - mean) * (x - mean);
    sd = f.size() > 1 ? std::sqrt(sd / static_cast<double>(f.size() - 1)) : 0.0;
    o.metrics = {agg, mean, sd, mn};
    return o;
}

double GenomeTask::loss(const EvalOutcome& o) const { return std::isfinite(o.metrics[0]) ? -o.metrics[0] : 1e12; }

std::vector<std::string> EvolveArchive::metric_names()
{
    return {"fitness", "fitness_mean", "fitness_sd", "fitness_min", "size", "simulated"};
}

EvolveArchive::EvolveArchive(Archive& archive, const GenomeTask& task, Executor& executor,
                             const cgp::Evolution& ev, std::uint64_t seed, int first_generation)
    : archive_(archive), task_(task), executor_(executor), ev_(ev), seed_(seed), last_flush_(std::chrono::steady_clock::now())
{
    for (auto& r : archive_.select("round >= " + std::to_string(first_generation)))
        existing_.emplace(std::make_pair(r.round, r.idx), std::move(r));
}

std::string EvolveArchive::rule_text(const cgp::Individual& ind, std::size_t* size) const
{
    std::string s;
    if (size) *size = 0;
    for (const auto& t : ev_.phenotype(ind)) {
        s += (s.empty() ? "" : " ; ") + t.infix();
        if (size) *size += t.size();
    }
    return s;
}

std::vector<double> EvolveArchive::evaluate(int generation, const std::vector<const cgp::Individual*>& misses,
                                            const std::vector<int>& index)
{
    std::vector<double> fit(misses.size(), nan_v);
    const double bound = ev_.rejection_bound();
    std::vector<Job> jobs;
    std::vector<std::size_t> fresh;
    for (std::size_t k = 0; k < misses.size(); ++k) {
        auto it = existing_.find({generation, index[k]});
        if (it == existing_.end()) {
            fresh.push_back(k);
            jobs.push_back({task_.encode(*misses[k], bound), job_key(generation, index[k])});
            continue;
        }
        const std::string rule = rule_text(*misses[k], nullptr);
        if (it->second.rule != rule)
            runtime_error(archive_.path(), "resumed evolution diverged from the archive at generation " + std::to_string(generation) +
                                               ", individual " + std::to_string(index[k]) + ": archived '" + it->second.rule +
                                               "', regenerated '" + rule + "'");
        fit[k] = fitness_of(it->second.status, it->second.metrics); // NULL (invalid) reads as NaN -> -inf
        ++replayed_;
    }
    const auto outs = executor_.run(task_, jobs, seed_, nullptr);
    for (std::size_t j = 0; j < fresh.size(); ++j) {
        fit[fresh[j]] = fitness_of(outs[j].status, outs[j].metrics);
        simulated_[index[fresh[j]]] = outs[j];
    }
    return fit;
}

void EvolveArchive::observe(int generation, const std::vector<cgp::Newcomer>& newcomers)
{
    for (const auto& nc : newcomers) {
        const auto key = std::make_pair(generation, static_cast<std::int64_t>(nc.index));
        if (auto it = existing_.find(key); it != existing_.end()) { // archived before a resume
            const std::string rule = rule_text(*nc.individual, nullptr);
            if (it->second.rule != rule)
                runtime_error(archive_.path(), "resumed evolution diverged from the archive at generation " +
                                                   std::to_string(generation) + ", individual " + std::to_string(nc.index) +
                                                   ": archived '" + it->second.rule + "', regenerated '" + rule + "'");
            existing_.erase(it);
            continue;
        }
        CandidateRow r;
        r.round = generation;
        r.idx = nc.index;
        r.seed = seed_;
        r.source = "cgp";
        std::size_t size = 0;
        r.rule = rule_text(*nc.individual, &size);
        const double f = nc.individual->fitness;
        auto sim = simulated_.find(nc.index);
        if (nc.origin == cgp::Origin::simulated && sim != simulated_.end()) {
            const auto& o = sim->second;
            r.status = o.status;
            r.abort_reason = o.abort_reason;
            r.wall_seconds = o.wall_seconds;
            r.metrics = o.metrics;
            r.metrics.push_back(static_cast<double>(size));
            r.metrics.push_back(1.0);
        } else if (std::isfinite(f) && f < ev_.rejection_bound()) { // cached: the score may be a bound
            r.status = "rejected";
            r.abort_reason = "below the worst parent (" + io::format_number(ev_.rejection_bound()) + "), from the cache";
            r.metrics = {nan_v, nan_v, nan_v, f, static_cast<double>(size), 0.0};
        } else {
            r.status = std::isfinite(f) ? "completed" : "invalid";
            if (!std::isfinite(f)) r.abort_reason = "invalid rule (non-finite fitness)";
            r.metrics = {std::isfinite(f) ? f : nan_v, nan_v, nan_v, nan_v, static_cast<double>(size), 0.0};
        }
        buffer_.push_back(std::move(r));
    }
    simulated_.clear();
    // Fast tasks run thousands of generations a second: one transaction per generation would cost more
    // than the simulations, so rows are written in batches (a kill loses at most the unwritten ones).
    const auto now = std::chrono::steady_clock::now();
    if (buffer_.size() >= 4096 || std::chrono::duration<double>(now - last_flush_).count() >= 2.0) flush();
}

void EvolveArchive::flush()
{
    archive_.insert(buffer_);
    written_ += static_cast<long long>(buffer_.size());
    buffer_.clear();
    last_flush_ = std::chrono::steady_clock::now();
}

} // namespace plast::search
