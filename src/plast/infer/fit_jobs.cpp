#include "plast/infer/fit_jobs.hpp"

#include "plast/core/error.hpp"
#include "plast/core/progress.hpp"
#include "plast/search/executor.hpp"

#include <cmath>
#include <limits>
#include <utility>

namespace plast::infer {

FitJobs::FitJobs(std::size_t n, Run run, std::string fingerprint)
    : n_(n), run_(std::move(run)), fingerprint_(std::move(fingerprint))
{
}

std::vector<search::PriorBox> FitJobs::default_prior() const
{
    return {{"fit", 0.0, static_cast<double>(n_), false}};
}

search::EvalOutcome FitJobs::evaluate(const std::vector<double>&, std::uint64_t, std::uint64_t key) const
{
    search::EvalOutcome o;
    nlohmann::json j;
    try {
        j = run_(static_cast<std::size_t>(key));
    } catch (const Error& e) {
        o.status = "error";
        o.abort_reason = e.what();
        o.metrics = {std::nan("")};
        o.payload = nlohmann::json{{"error",
                                    {{"kind", static_cast<int>(e.kind())},
                                     {"where", e.where()},
                                     {"key", e.key()},
                                     {"problem", e.problem()},
                                     {"allowed", e.allowed()}}}}
                        .dump();
        return o;
    }
    double last = std::nan("");
    const auto& losses = j.at("fit").at("log").at("loss"); // read only: operator[] would add missing keys
    if (!losses.empty() && losses.back().is_number()) last = losses.back().get<double>();
    o.metrics = {last};
    o.payload = j.dump();
    return o;
}

double FitJobs::loss(const search::EvalOutcome& o) const
{
    return !o.metrics.empty() && std::isfinite(o.metrics[0]) ? o.metrics[0] : std::numeric_limits<double>::max();
}

std::vector<nlohmann::json> run_fit_jobs(const FitJobs& jobs, search::Executor& executor, std::uint64_t seed,
                                         const std::string& progress_label, const std::string& run_path)
{
    std::string shared = run_path;
    search::mpi::broadcast(shared);
    std::vector<search::Job> list;
    for (std::size_t i = 0; i < jobs.size(); ++i)
        list.push_back({{static_cast<double>(i)}, static_cast<std::uint64_t>(i)});
    Progress prog(progress_label, jobs.size(), "fits");
    const auto outcomes = executor.run(jobs, list, seed, [&] { prog.advance(); });
    prog.done();
    std::vector<nlohmann::json> out;
    for (const auto& o : outcomes) {
        auto j = nlohmann::json::parse(o.payload);
        if (o.status == "error") {
            const auto& e = j.at("error");
            throw Error(static_cast<Error::Kind>(e.at("kind").get<int>()), e.at("where").get<std::string>(),
                        e.at("key").get<std::string>(), e.at("problem").get<std::string>(),
                        e.at("allowed").get<std::string>());
        }
        out.push_back(std::move(j));
    }
    return out;
}

} // namespace plast::infer
