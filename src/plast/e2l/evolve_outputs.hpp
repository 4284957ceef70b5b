#pragma once
// The files and run.json summary keys of a `plast evolve` study. history.csv is written while the evolution
// runs (HistoryCsv, with the checkpoint and the archive: evolution_run.hpp); champion.json,
// hall_of_fame.csv, champion_trace.csv and champion_weights.csv (error task) and the summary keys are
// written from its results (evolution_run.hpp, champion_assessment.hpp). See docs/evolution.md for every
// output.
#include "plast/e2l/champion_assessment.hpp"
#include "plast/io/csv.hpp"

#include <string>
#include <vector>

namespace plast::e2l {

// A rule's slots as one string: "dep ; fac".
std::string join_slots(const std::vector<std::string>& formulas);

// history.csv, one row per generation, flushed at once: generation, champion fitness, mean parent
// fitness, cumulative evaluations, cache hits, silent offspring, champion formula. Starts with `earlier`
// (the generations a resumed run restores from its checkpoint).
class HistoryCsv {
  public:
    HistoryCsv(const io::RunDir& dir, const std::vector<cgp::GenerationRecord>& earlier);
    void add(const cgp::GenerationRecord& r);

  private:
    void row(const cgp::GenerationRecord& r);
    io::CsvWriter csv_;
};

// Every file and summary key written from the results of a finished evolution; in fast mode, also the
// note on stderr that F is on the fast task's scale.
void write_outputs(io::RunDir& dir, const EvolveStudy& study, const EvolutionResults& res, const ChampionAssessment& a);

} // namespace plast::e2l
