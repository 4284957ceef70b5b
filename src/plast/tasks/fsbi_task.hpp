#pragma once
// Screening task on the spiking fSBI network (spec §7.1, §8.1): parameters are the 24 rule
// parameters of the co-active quadruplet (EE, EI, IE, II x tau_pre, tau_post, alpha, beta, gamma,
// kappa) plus the nuisance input rate; metrics are the 17 fSBI stability metrics; the filter is the
// plausibility filter (variant configurable). An exploding network is aborted by the rate guard and
// archived with NaN metrics and its abort time. Loss for CMA-ES: the SpikES stability loss on the
// 1 s population-rate estimate, (1/T) sum (r - r_target)^2/(r + 2) dt over the score window, or
// 160 (exp(-t_blow/T_total) + 1) for a blow-up.
#include "plast/tasks/task.hpp"
#include "plast/spiking/fsbi_network.hpp"

#include <memory>

namespace plast {
class Config;
}

namespace plast::tasks {

class FsbiTask : public ScreenTask {
public:
    FsbiTask(spiking::FsbiConfig cfg, std::string filter_variant, double r_target = 10.0)
        : cfg_(std::move(cfg)), variant_(std::move(filter_variant)), r_target_(r_target) {}
    // [screen] filter_variant, target_rate and the [network] section (as `plast simulate` reads it); a
    // configured rule other than the zero 6pPol rule or `static` is refused (the candidates would replace it).
    static std::unique_ptr<FsbiTask> from_config(Config& cfg);
    std::string name() const override { return "fsbi"; }
    std::vector<PriorBox> default_prior() const override { return search::fsbi_prior_boxes(true); }
    std::vector<std::string> metric_names() const override;
    std::vector<FilterGroup> default_filter() const override { return metrics::fsbi_plausibility_filter(variant_); }
    EvalOutcome evaluate(const std::vector<double>& params, std::uint64_t seed, std::uint64_t key) const override;
    double loss(const EvalOutcome& o) const override;
    std::string fingerprint() const override;

private:
    spiking::FsbiConfig cfg_;
    std::string variant_;
    double r_target_;
};

} // namespace plast::tasks
