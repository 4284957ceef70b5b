#include "plast/search/cmaes_round.hpp"

#include "plast/core/error.hpp"
#include "plast/core/progress.hpp"
#include "plast/core/rng.hpp"
#include "plast/search/screen.hpp"

#include "plast/search/cmaes.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

namespace plast::search {

namespace {

// State of one CMA-ES round.
struct Shared {
    const ScreenSpec* spec;
    const ScreenTask* task;
    Archive* archive;
    std::uint64_t seed;
    Executor* executor;
    int round;
    std::int64_t next_idx = 0;
    std::map<std::int64_t, CandidateRow> existing; // rows from before a resume
    double best = std::numeric_limits<double>::infinity();
    std::vector<double> best_params;
    Progress* progress = nullptr;
};

// Simulate (or read back from the archive) one generation; returns the losses.
std::vector<double> evaluate_generation(Shared& s, const std::vector<Eigen::VectorXd>& points)
{
    const std::size_t n = points.size();
    std::vector<CandidateRow> rows(n);
    std::vector<Job> jobs;
    std::vector<std::size_t> fresh;
    for (std::size_t k = 0; k < n; ++k) {
        const std::int64_t idx = s.next_idx + static_cast<std::int64_t>(k);
        const std::vector<double> u(points[k].data(), points[k].data() + points[k].size());
        const auto params = s.spec->prior.from_unit(u);
        auto it = s.existing.find(idx);
        if (it != s.existing.end()) {
            if (it->second.params != params)
                runtime_error(s.archive->path(),
                              "resumed CMA-ES diverged from the archived candidates at idx " + std::to_string(idx));
            rows[k] = it->second;
            if (s.progress) s.progress->advance();
        } else {
            fresh.push_back(k);
            jobs.push_back({params, (static_cast<std::uint64_t>(s.round) << 40) + static_cast<std::uint64_t>(idx)});
        }
    }
    const auto outs = s.executor->run(*s.task, jobs, s.seed, [&] {
        if (s.progress) s.progress->advance();
    });
    std::vector<CandidateRow> to_write;
    for (std::size_t j = 0; j < fresh.size(); ++j) {
        const std::size_t k = fresh[j];
        rows[k] = make_row(*s.spec, *s.task, s.round, s.next_idx + static_cast<std::int64_t>(k), s.seed, "cmaes",
                           jobs[j].params, outs[j]);
        to_write.push_back(rows[k]);
    }
    s.archive->insert(to_write);
    std::vector<double> losses(n);
    for (std::size_t k = 0; k < n; ++k) {
        EvalOutcome o;
        o.metrics = rows[k].metrics;
        o.status = rows[k].status;
        o.abort_time = rows[k].abort_time;
        losses[k] = s.task->loss(o);
        if (losses[k] < s.best) s.best = losses[k], s.best_params = rows[k].params;
    }
    s.next_idx += static_cast<std::int64_t>(n);
    return losses;
}

} // namespace

nlohmann::json run_cmaes_round(const ScreenSpec& spec, const CmaesSpec& cs, int round, const ScreenTask& task,
                               Archive& archive, std::uint64_t seed, Executor& executor)
{
    auto shared = std::make_shared<Shared>();
    shared->spec = &spec;
    shared->task = &task;
    shared->archive = &archive;
    shared->seed = seed;
    shared->executor = &executor;
    shared->round = round;
    for (auto& r : archive.select("round = " + std::to_string(round))) shared->existing.emplace(r.idx, std::move(r));
    const auto total = static_cast<std::size_t>(cs.population) * static_cast<std::size_t>(cs.generations + 1);
    Progress progress("screen round " + std::to_string(round) + " (cmaes)", total, "candidates");
    shared->progress = &progress;

    // Initial mean: a prior draw in unit-cube coordinates, keyed by the round.
    rng::Stream init(seed, "cmaes_init", static_cast<std::uint64_t>(round));
    Eigen::VectorXd m(static_cast<Eigen::Index>(spec.prior.dim()));
    for (Eigen::Index i = 0; i < m.size(); ++i) m(i) = init.uniform(0.25, 0.75);
    Cmaes es(m, cs.sigma0, cs.population, seed ^ (0xc3a5c85c97cb3127ull * static_cast<std::uint64_t>(round + 1)));
    std::vector<double> best_per_gen;
    for (int g = 0; g <= cs.generations; ++g) {
        const auto pts = es.ask();
        const auto f = evaluate_generation(*shared, pts);
        es.tell(f);
        best_per_gen.push_back(shared->best);
    }
    progress.done();
    return {{"evaluations", shared->next_idx}, {"best_loss", shared->best}, {"best_params", shared->best_params},
            {"best_loss_per_generation", best_per_gen}, {"final_sigma", es.sigma()}};
}

} // namespace plast::search
