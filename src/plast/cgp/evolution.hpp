#pragma once
// (mu + lambda) evolution strategy over CGP individuals (evolving-rules §5.4-5.6; paper Algorithm 1,
// hal-cgp MuPlusLambda).
//
// One generation:
//  0. optional genome reorder of every parent (phenotype unchanged);
//  1. n_breeding tournaments of tournament_size distinct random parents, the best of each enters
//     the breeding pool; the lambda best of the pool are cloned and mutated (no crossover);
//  2. an offspring whose mutations all fall in regions inactive in its parent ("silent") keeps
//     the parent's fitness and is not evaluated; the others are looked up in the cache and the
//     misses are evaluated in parallel (duplicates within a generation once);
//  3. offspring first, then parents, are stably sorted by fitness (NaN counts as -inf) and the
//     first mu kept: a tie lets the offspring replace the parent (neutral drift).
// Stops at max_generations or when the champion reaches termination_fitness.
//
// Randomness comes from plast::rng::Stream keyed by (seed, purpose, generation, individual,
// genome), so a run is identical for any thread count and a resumed run continues exactly as
// an uninterrupted one would.
#include "plast/cgp/genome.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace plast::cgp {

struct Individual {
    std::vector<Genome> genomes;
    double fitness = -std::numeric_limits<double>::infinity();
    long long id = 0;      // birth order
    long long parent = -1; // id of the parent it was cloned from
};

enum class CacheKey { functional, canonical, none };

struct EaConfig {
    int mu = 4, lambda = 4, n_breeding = 4, tournament_size = 1;
    double p_mutation = 0.045;
    int max_generations = 1000;
    double termination_fitness = std::numeric_limits<double>::infinity();
    bool reorder = false;
    bool legacy_mutation_0_1_0 = false; // Genome::mutate_legacy_0_1_0 instead of per-gene mutation
    CacheKey cache_key = CacheKey::functional;
    // Early rejection (for a fitness that the experiments run so far bound from above, e.g. a minimum over
    // experiments): an offspring's evaluation may stop once it is sure to score below the worst parent,
    // which it could then never replace. The selection, the champions and the history are those of a run
    // without it; see rejection_bound().
    bool early_rejection = false;
    // Phenotype = the simplified expression (expr::simplified), as hal-cgp's to_sympy(simplify=True) gives
    // the E2L reference to simulate; false: the expression as the graph writes it.
    bool simplify = false;
    int threads = 1;
    std::uint64_t seed = 0;
};

// The mutation operator a configuration selects, as recorded in checkpoints ("per-gene" or
// "hal-cgp-0.1.0-output-draws").
std::string mutation_operator_name(const EaConfig& cfg);

// One genome's rule as evaluated: its compiled expression, simplified with EaConfig::simplify. The
// evolution and the executor's jobs (search::GenomeTask) both build rules this way.
expr::Tape rule_tape(const Genome& g, const std::vector<std::string>& input_names, bool simplify);

// The objective: one expression tape per genome (the rule) -> fitness; must be thread-safe and
// deterministic. Non-finite results count as -inf.
using Objective = std::function<double(const std::vector<expr::Tape>&)>;

// How a new individual of a generation got its fitness: simulated now, taken from the cache (a rule
// seen before, or a duplicate within the generation), or kept from its parent (silent mutation).
enum class Origin { simulated, cached, silent };
struct Newcomer {
    const Individual* individual;
    int index; // position in its generation: initial parent i, or offspring k
    Origin origin;
};
// Evaluates the distinct cache misses of one generation; returns one fitness per individual, in
// order (non-finite counts as -inf). Default: the objective on cfg.threads threads. `plast evolve`
// routes the misses through search::Executor (threads or MPI ranks) and its archive.
using BatchEvaluator = std::function<std::vector<double>(int generation, const std::vector<const Individual*>& misses,
                                                         const std::vector<int>& index)>;
// Called once per generation (0 = the initial parents, before they are sorted) with every new
// individual in index order, after their fitness is known.
using GenerationObserver = std::function<void(int generation, const std::vector<Newcomer>&)>;

struct GenerationRecord {
    int generation = 0;
    double champion_fitness = 0, mean_parent_fitness = 0;
    long long n_evaluations = 0, n_cache_hits = 0, n_silent = 0;
    std::vector<std::string> champion_formula;
};

class Evolution {
  public:
    Evolution(EaConfig cfg, std::vector<std::shared_ptr<const GenomeSpec>> specs,
              std::vector<std::vector<std::string>> input_names, Objective objective);

    // Random initial parents (generation 0), evaluated.
    void initialize();
    // One generation; returns its record.
    GenerationRecord step();
    bool finished() const;
    int generation() const { return generation_; }

    const std::vector<Individual>& parents() const { return parents_; }
    const Individual& champion() const { return parents_.front(); }
    std::vector<expr::Tape> phenotype(const Individual& ind) const;
    // Readable formula per genome (canonical form, or the infix form when that is shorter).
    std::vector<std::string> formulas(const Individual& ind) const;
    std::string cache_key(const Individual& ind) const;

    long long n_evaluations() const { return n_evaluations_; }
    long long n_cache_hits() const { return n_cache_hits_; }
    long long n_silent() const { return n_silent_; }
    const std::vector<GenerationRecord>& history() const { return history_; }
    // Hall of fame: every distinct rule evaluated so far (readable formulas, one per genome) with its
    // fitness, its size (nodes of its expression tapes) and the generation it first appeared. Kept in
    // checkpoints, so a resumed run keeps it. With early_rejection, only the rules that scored at least
    // the rejection bound of their generation (the others' scores may be partial).
    struct FameEntry {
        std::vector<std::string> formulas;
        double fitness = 0;
        std::size_t size = 0;
        int generation = 0;
    };
    // The best `n` distinct rules by fitness, and the complexity front: for each size, the best rule of
    // that size when it beats every smaller one (what PySR calls the hall of fame).
    std::vector<FameEntry> hall_of_fame(std::size_t n) const;
    std::vector<FameEntry> complexity_front() const;
    const EaConfig& config() const { return cfg_; }
    // With early_rejection, during a generation's evaluation: the worst parent's fitness. An offspring
    // scoring strictly below it is discarded by the selection (mu parents are better), and the worst
    // parent's fitness never decreases (mu + lambda), so the offspring, or the same rule met later,
    // would be discarded whatever its exact score: an evaluator may stop early and return any value
    // below the bound. -inf otherwise (no early rejection, or the initial parents).
    double rejection_bound() const;

    // Set the fitness of each individual: cache hit, or an evaluation (misses in parallel).
    void evaluate(std::vector<Individual*>& todo);
    void set_batch_evaluator(BatchEvaluator b) { batch_ = std::move(b); }
    void set_observer(GenerationObserver o) { observer_ = std::move(o); }

    // Complete state (parents, cache, counters, history) as JSON; restore() checks the genome layout.
    nlohmann::json checkpoint() const;
    void restore(const nlohmann::json& j, const std::string& where);

  private:
    double evaluate_one(const Individual& ind) const;
    // evaluate() with the individuals' positions in their generation; sets each one's origin.
    void evaluate(std::vector<Individual*>& todo, const std::vector<int>& index, std::vector<Origin>& origin);
    GenerationRecord record() const;

    EaConfig cfg_;
    std::vector<std::shared_ptr<const GenomeSpec>> specs_;
    std::vector<std::vector<std::string>> names_;
    Objective objective_;
    BatchEvaluator batch_;
    GenerationObserver observer_;
    std::vector<Individual> parents_;
    std::map<std::string, double> cache_;
    // A rule simulated in this run and its fitness, re-evaluated when a checkpoint is restored: the
    // champion's fitness may come from the cache under another rule's key (functional keys equate rules
    // that agree on the sample inputs, e.g. E*w/E and w, which can differ where E = 0).
    std::optional<Individual> probe_;
    std::map<std::string, FameEntry> fame_; // key: the formulas joined with ";"
    std::vector<GenerationRecord> history_;
    int generation_ = 0;
    long long next_id_ = 0, n_evaluations_ = 0, n_cache_hits_ = 0, n_silent_ = 0;
};

// Write JSON to path atomically (temporary file + rename).
void write_json_atomic(const std::string& path, const nlohmann::json& j);
nlohmann::json read_json(const std::string& path);

} // namespace plast::cgp
