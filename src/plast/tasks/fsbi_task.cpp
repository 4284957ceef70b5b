#include "plast/tasks/fsbi_task.hpp"

#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"

#include <cmath>

namespace plast::tasks {

std::unique_ptr<FsbiTask> FsbiTask::from_config(Config& cfg)
{
    const auto sc = cfg.section("screen");
    const auto variant = sc.string("filter_variant", "paper", metrics::fsbi_filter_variants());
    const double target = sc.number("target_rate", 10.0, Range::positive());
    auto net = spiking::FsbiConfig::from_config(cfg.section("network"));
    net.require_six_param_rules(cfg.section("network"), "the fsbi screen");
    return std::make_unique<FsbiTask>(net, variant, target);
}

std::vector<std::string> FsbiTask::metric_names() const
{
    auto n = metrics::fsbi_metric_names();
    n.push_back("stability_loss");
    return n;
}

EvalOutcome FsbiTask::evaluate(const std::vector<double>& params, std::uint64_t seed, std::uint64_t key) const
{
    spiking::FsbiConfig c = cfg_;
    c.set_quadruplet(params);
    c.weights_whole_run = false; // a screen keeps only the metrics, which use the score window
    // Every candidate sees the same connectivity and input noise (common random numbers): the key
    // is not mixed into the network seed.
    (void)key;
    const auto r = spiking::run_fsbi(c, seed, 0);
    EvalOutcome out;
    for (const auto& m : metrics::fsbi_metric_names()) out.metrics.push_back(r.metrics.at(m));
    const double total = c.warmup + c.score;
    double loss = 0;
    if (r.aborted) {
        out.status = "aborted";
        out.abort_reason = r.abort_reason;
        out.abort_time = r.abort_time;
        loss = metrics::blowup_loss(r.abort_time, total);
    } else {
        const std::size_t first = static_cast<std::size_t>(std::lround(c.warmup / 0.1));
        double acc = 0;
        std::size_t n = 0;
        for (std::size_t k = first; k < r.guard_rate.size(); ++k, ++n)
            acc += (r.guard_rate[k] - r_target_) * (r.guard_rate[k] - r_target_) / (r.guard_rate[k] + 2.0);
        loss = n ? acc / static_cast<double>(n) : 0.0;
    }
    out.metrics.push_back(loss);
    return out;
}

double FsbiTask::loss(const EvalOutcome& o) const { return o.metrics.back(); }

std::string FsbiTask::fingerprint() const
{
    using io::format_number;
    return "fsbi scale=" + format_number(cfg_.scale) + " N=" + std::to_string(cfg_.n_exc) + "/" + std::to_string(cfg_.n_inh) +
           "/" + std::to_string(cfg_.n_input) + " p=" + format_number(cfg_.p_rec) + "/" + format_number(cfg_.p_input) +
           " eta=" + format_number(cfg_.eta) + " T=" + format_number(cfg_.warmup) + "+" + format_number(cfg_.score) +
           " guard=" + format_number(cfg_.guard_min) + "," + format_number(cfg_.guard_max) + " filter=" + variant_ +
           " target=" + format_number(r_target_) +
           // Non-default engine options change results; the defaults add nothing, so older archives still resume.
           (cfg_.guard_start == spiking::RateGuard::Start::measured ? " guard_start=measured" : "") +
           (cfg_.neuron.nmda_update == spiking::IfParams::NmdaUpdate::euler ? " nmda=euler" : "");
}

} // namespace plast::tasks
