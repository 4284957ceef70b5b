#pragma once
// `plast evolve CONFIG`: a CGP evolution of plasticity rules on one E2L task (evolving-rules §5-6).
//
// Top-level keys: seed, task ("error" | "reward" | "correlation"), fast (false; caps the task to a
// quick variant and the run to 100 generations, for demos).
// Sections: [<task>] task parameters, [cgp] genome layout and primitives, [ea] strategy settings
// (see cgp/config_io.hpp), resume = "path" (a checkpoint.json or a run directory holding one).
// Outputs in the run directory: archive.sqlite (every new individual of every generation, in the
// search archive's layout: see search/cgp_evaluation.hpp), history.csv (one row per generation: champion
// fitness, mean parent fitness, cumulative evaluations, cache hits, silent offspring, champion
// formula), checkpoint.json (every checkpoint_every generations and at the end; atomic; the archive is
// written first), champion.json, and the summary.
// Evaluations run through search::Executor: threads, or MPI ranks under mpirun (rank 0 evolves, the
// others serve genome_task); the archive is the same for any thread or rank count.
// The study's code: the configuration readers (evolve_study_config.cpp), the generation loop with the
// archive replay and the checkpoints (evolution_run.hpp), the champion's assessment after it
// (champion_assessment.hpp), and the writers of the files and summary keys (evolve_outputs.hpp).
#include "plast/cgp/config_io.hpp"
#include "plast/search/cgp_evaluation.hpp"
#include "plast/e2l/task.hpp"

#include <memory>
#include <string>

namespace plast {
class Config;
namespace io {
class RunDir;
}
} // namespace plast

namespace plast::e2l {

extern const char* const default_evolve_config;

struct EvolveStudy {
    std::string task_name;
    bool fast = false;
    std::unique_ptr<Task> task;
    // fast = true: the same task without the fast-mode caps; the champion is re-evaluated on it
    // before it is reported, so its F is on the scale of the documented full-task references.
    std::unique_ptr<Task> full_task;
    std::vector<std::shared_ptr<const cgp::GenomeSpec>> specs;
    cgp::EaSettings settings;
    std::string resume; // checkpoint file, empty = fresh start
    // What the executor evaluates (the alleles of an individual's genomes -> the task's fitness).
    std::unique_ptr<search::GenomeTask> genome_task;
    // The configuration that defines the rows (all resolved keys but the stopping and checkpoint ones).
    std::string fingerprint;

    // resume_override (from --resume) wins over [ea] resume.
    static EvolveStudy from_config(Config& cfg, std::uint64_t seed, int threads, const std::string& resume_override);
    // New archive, or (resume) the run's existing one after checking its fingerprint and layout.
    search::Archive open_archive(const std::string& path, bool resume) const;
    // Evolves, writing rows to the archive: rows already there (generations after the checkpoint, or
    // all of them when there is no checkpoint) are read back instead of simulated. Then assesses the
    // champion and writes the outputs.
    void run(io::RunDir& dir, search::Archive& archive, search::Executor& executor) const;
    // The same on this process's threads, with a new archive.sqlite in dir.
    void run(io::RunDir& dir) const;
};

} // namespace plast::e2l
