// MPI executor: compiled with real MPI calls when PLAST_WITH_MPI is defined, otherwise stubs that
// report MPI as unavailable.
#include "plast/search/executor.hpp"

#include "plast/core/error.hpp"
#include "plast/core/parallel.hpp"

#include <cstdlib>

#ifdef PLAST_WITH_MPI
#include <mpi.h>
#include <nlohmann/json.hpp>
#endif

namespace plast::search::mpi {

bool launched()
{
    return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE") || std::getenv("PMIX_RANK");
}

#ifndef PLAST_WITH_MPI

bool available() { return false; }
void init(int*, char***) {}
void finalize() {}
int rank() { return 0; }
int size() { return 1; }
std::unique_ptr<Executor> make_root_executor(int threads) { return std::make_unique<LocalExecutor>(threads); }
void serve(const ScreenTask&, std::uint64_t, int) {}
void broadcast(std::string&) {}

#else

static bool g_init = false;

bool available() { return true; }

void init(int* argc, char*** argv)
{
    if (!launched() || g_init) return;
    MPI_Init(argc, argv);
    g_init = true;
}

void finalize()
{
    if (g_init) MPI_Finalize();
    g_init = false;
}

int rank()
{
    int r = 0;
    if (g_init) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int size()
{
    int s = 1;
    if (g_init) MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

namespace {

// Messages are JSON text: simple, and small next to a simulation.
void bcast_string(std::string& s)
{
    long n = static_cast<long>(s.size());
    MPI_Bcast(&n, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    s.resize(static_cast<std::size_t>(n));
    MPI_Bcast(s.data(), static_cast<int>(n), MPI_CHAR, 0, MPI_COMM_WORLD);
}

std::vector<std::string> gather_strings(const std::string& mine)
{
    const int sz = size();
    int n = static_cast<int>(mine.size());
    std::vector<int> lens(static_cast<std::size_t>(sz));
    MPI_Gather(&n, 1, MPI_INT, lens.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::vector<int> displs(static_cast<std::size_t>(sz), 0);
    int total = 0;
    for (int i = 0; i < sz; ++i) displs[static_cast<std::size_t>(i)] = total, total += lens[static_cast<std::size_t>(i)];
    std::string all(static_cast<std::size_t>(total), '\0');
    MPI_Gatherv(mine.data(), n, MPI_CHAR, all.data(), lens.data(), displs.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
    std::vector<std::string> out;
    if (rank() == 0)
        for (int i = 0; i < sz; ++i) out.push_back(all.substr(static_cast<std::size_t>(displs[static_cast<std::size_t>(i)]), static_cast<std::size_t>(lens[static_cast<std::size_t>(i)])));
    return out;
}

nlohmann::json outcome_json(const EvalOutcome& o)
{
    nlohmann::json m = nlohmann::json::array();
    for (double v : o.metrics) m.push_back(std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr));
    return {{"m", m}, {"s", o.status}, {"r", o.abort_reason}, {"t", o.abort_time}, {"w", o.wall_seconds}, {"x", o.payload}};
}

EvalOutcome outcome_from(const nlohmann::json& j)
{
    EvalOutcome o;
    for (const auto& v : j["m"]) o.metrics.push_back(v.is_null() ? std::nan("") : v.get<double>());
    o.status = j["s"];
    o.abort_reason = j["r"];
    o.abort_time = j["t"];
    o.wall_seconds = j["w"];
    o.payload = j.value("x", std::string());
    return o;
}

// Evaluate this rank's share of a batch; returns {index: outcome} as JSON.
std::string evaluate_share(const ScreenTask& task, const nlohmann::json& batch, std::uint64_t seed, int threads,
                           const std::function<void()>& on_done)
{
    const int r = rank(), sz = size();
    std::vector<std::size_t> mine;
    for (std::size_t k = 0; k < batch.size(); ++k)
        if (static_cast<int>(k % static_cast<std::size_t>(sz)) == r) mine.push_back(k);
    std::vector<EvalOutcome> out(mine.size());
    parallel_for(mine.size(), threads, [&](std::size_t i) {
        Job job{batch[mine[i]]["p"].get<std::vector<double>>(), batch[mine[i]]["k"].get<std::uint64_t>()};
        out[i] = evaluate_guarded(task, job, seed);
        if (on_done) on_done();
    });
    nlohmann::json res = nlohmann::json::array();
    for (std::size_t i = 0; i < mine.size(); ++i) res.push_back({{"i", mine[i]}, {"o", outcome_json(out[i])}});
    return res.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class MpiExecutor : public Executor {
public:
    explicit MpiExecutor(int threads) : threads_(threads) {}
    ~MpiExecutor() override
    {
        std::string stop = "stop";
        bcast_string(stop);
    }
    int ranks() const override { return size(); }
    std::vector<EvalOutcome> run(const ScreenTask& task, const std::vector<Job>& jobs, std::uint64_t seed,
                                 const std::function<void()>& on_done) override
    {
        nlohmann::json batch = nlohmann::json::array();
        for (const auto& j : jobs) batch.push_back({{"p", j.params}, {"k", j.key}});
        std::string msg = batch.dump();
        bcast_string(msg);
        const auto parts = gather_strings(evaluate_share(task, batch, seed, threads_, on_done));
        std::vector<EvalOutcome> out(jobs.size());
        for (std::size_t r = 1; r < parts.size(); ++r)
            for (const auto& e : nlohmann::json::parse(parts[r])) {
                out[e["i"].get<std::size_t>()] = outcome_from(e["o"]);
                if (on_done) on_done();
            }
        for (const auto& e : nlohmann::json::parse(parts[0])) out[e["i"].get<std::size_t>()] = outcome_from(e["o"]);
        return out;
    }

private:
    int threads_;
};

} // namespace

std::unique_ptr<Executor> make_root_executor(int threads)
{
    if (size() > 1) return std::make_unique<MpiExecutor>(threads);
    return std::make_unique<LocalExecutor>(threads);
}

void serve(const ScreenTask& task, std::uint64_t seed, int threads)
{
    while (true) {
        std::string msg;
        bcast_string(msg);
        if (msg == "stop") return;
        const auto batch = nlohmann::json::parse(msg);
        gather_strings(evaluate_share(task, batch, seed, threads, nullptr));
    }
}

void broadcast(std::string& s)
{
    if (size() > 1) bcast_string(s);
}

#endif

} // namespace plast::search::mpi
