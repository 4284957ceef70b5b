#pragma once
// Where candidate simulations run. LocalExecutor: threads on this machine (parallel_for).
// MpiExecutor (when plast is built with MPI and started under mpirun): rank 0 owns the archive and
// sends each batch of candidates to every rank; rank r simulates the items k with k % size == r
// (each with its own threads) and rank 0 gathers the outcomes in item order. Outcomes depend only on
// (params, seed, key), so 1 thread, N threads and N ranks produce the same rows.
#include "plast/search/screen_task.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace plast::search {

struct Job {
    std::vector<double> params;
    std::uint64_t key = 0;
};

class Executor {
public:
    virtual ~Executor() = default;
    // Evaluates every job (on_done is called on rank 0 for progress, possibly from several threads).
    virtual std::vector<EvalOutcome> run(const ScreenTask& task, const std::vector<Job>& jobs, std::uint64_t seed,
                                         const std::function<void()>& on_done) = 0;
    virtual int ranks() const { return 1; }
};

class LocalExecutor : public Executor {
public:
    explicit LocalExecutor(int threads) : threads_(threads) {}
    std::vector<EvalOutcome> run(const ScreenTask& task, const std::vector<Job>& jobs, std::uint64_t seed,
                                 const std::function<void()>& on_done) override;

private:
    int threads_;
};

// MPI support (no-ops when plast is built without MPI).
namespace mpi {
bool available();          // built with MPI
bool launched();           // started under mpirun/srun (environment says so)
void init(int* argc, char*** argv);
void finalize();
int rank();
int size();
// Executor for rank 0; other ranks call serve() until rank 0's executor is destroyed.
std::unique_ptr<Executor> make_root_executor(int threads);
void serve(const ScreenTask& task, std::uint64_t seed, int threads);
// Rank 0's s on every rank (nothing without MPI or with one rank): what workers need before they can build
// their task (plast infer: the run directory). A worker waiting here receives "stop" when rank 0's executor
// is destroyed first (rank 0 ended, or failed, before sharing).
void broadcast(std::string& s);
} // namespace mpi

// Evaluate one job, turning runtime errors of the task into an "error" outcome (a result, not a crash).
EvalOutcome evaluate_guarded(const ScreenTask& task, const Job& job, std::uint64_t seed);

} // namespace plast::search
