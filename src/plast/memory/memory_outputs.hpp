#pragma once
// The outputs of a memory study (memory_study.hpp), written from its settings and the results of its
// runs: memory_runs.csv (every test of every run), memory_tests.csv and memory_summary.csv (the t-tests
// over runs per rule and condition, stability, lifetime), prate_mean.npy (mean population-rate traces),
// memory_recheck.csv (the stability re-check per run), memory_headline.csv and memory_stability.csv (the
// headline over rules), and the study's keys in the run.json summary.
#include "plast/memory/memory_study.hpp"

#include <string>
#include <vector>

namespace plast::io {
class RunDir;
}

namespace plast::memory {

// memory_runs.csv at `path`: the rows of every run in slot order; with `finished`, only the runs marked
// there (the runs completed before an interrupt). Returns the number of runs written.
long write_runs_csv(const std::string& path, const MemoryStudy& study, const StudyResults& res,
                    const std::vector<char>* finished = nullptr);

// Every output file and the summary keys of a completed study.
void write_outputs(io::RunDir& dir, const MemoryStudy& study, const StudyResults& res);

} // namespace plast::memory
