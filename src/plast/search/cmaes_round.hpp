#pragma once
// CMA-ES as an alternative search (SpikES, spec §8.3): minimise the task's loss over the prior's unit
// cube (log-scaled parameters in log space, as SpikES optimises taus in log space), with the
// ask/tell CMA-ES of cmaes.hpp. Each generation is one batch: its candidates are simulated in
// parallel and archived in one transaction as rows (round, idx = evaluation number).
// Resume: CMA-ES is replayed from its seed, and every candidate already in the archive is read back
// instead of simulated, so a killed run continues with the same sequence of candidates.
#include "plast/search/archive.hpp"
#include "plast/search/executor.hpp"
#include "plast/search/screen_task.hpp"

#include <nlohmann/json.hpp>

namespace plast::search {

struct CmaesSpec {
    int generations = 30;
    int population = 12;
    double sigma0 = 0.3; // in unit-cube coordinates
};

struct ScreenSpec;

nlohmann::json run_cmaes_round(const ScreenSpec& spec, const CmaesSpec& cs, int round, const ScreenTask& task,
                               Archive& archive, std::uint64_t seed, Executor& executor);

} // namespace plast::search
