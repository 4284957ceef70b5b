#pragma once
// The generation loop of a `plast evolve` study (evolve_study.hpp), returning the champion and the counters.
// It writes only what must exist while it lasts: the archive's rows (flushed before every checkpoint),
// checkpoint.json (every checkpoint_every generations and at the end) and history.csv (one row per
// generation, flushed at once). On resume, the archive's rows of the generations after the checkpoint are
// replayed instead of simulated (search::EvolveArchive).
#include "plast/e2l/evolve_study.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace plast::e2l {

// A finished evolution: its champion and what the summary and hall_of_fame.csv report.
struct EvolutionResults {
    cgp::Individual champion;
    std::vector<expr::Tape> tapes;     // the champion's phenotype, one per rule slot
    std::vector<std::string> formulas; // readable, one per rule slot
    int generation = 0;                // the last one
    long long evaluations = 0, cache_hits = 0, silent = 0;
    // The 20 best distinct rules and the complexity front (cgp::Evolution::hall_of_fame).
    std::vector<cgp::Evolution::FameEntry> hall_of_fame, complexity_front;
    std::int64_t archive_rows = 0;
    long long archive_rows_replayed = 0;
    int mpi_ranks = 1;
};

// Evolves from scratch or from study.resume until max_generations or the termination fitness.
EvolutionResults run_evolution(const EvolveStudy& study, io::RunDir& dir, search::Archive& archive,
                               search::Executor& executor);

} // namespace plast::e2l
