#include "plast/tasks/toy_aba_task.hpp"

#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"
#include "plast/toy/toy_study.hpp"

#include <cmath>
#include <limits>

namespace plast::tasks {

std::unique_ptr<ToyAbaTask> ToyAbaTask::from_config(Config& cfg, std::uint64_t seed, bool resuming)
{
    // The screen searches the reduced explicit rule: theta0, theta1 and log10(eta) come from [prior].
    const Section root = cfg.root();
    for (const char* k : {"explicit", "implicit", "explicit_sweep", "implicit_sweep", "rnn2", "rnn2_sweep", "linear_rnn"})
        if (root.has(k))
            root.fail(k, "the toy_aba screen searches the reduced explicit rule (theta0, theta1, log10_eta from [prior]); this rule would not be used",
                      "no [" + std::string(k) + "] table in a screen (set the search box in [prior.theta0], [prior.theta1], [prior.log10_eta])");
    if (resuming) (void)cfg.section("task").number("eta", 0.01, Range::positive());
    else if (cfg.section("task").has("eta"))
        cfg.section("task").fail("eta", "the toy_aba screen draws the learning rate from [prior.log10_eta]; this eta would be replaced without notice",
                                 "no task.eta in a screen ([prior.log10_eta] lo, hi: log10 of eta)");
    const auto study = toy::ToyStudy::from_config(cfg, seed, false);
    return std::make_unique<ToyAbaTask>(study.setup);
}

std::vector<PriorBox> ToyAbaTask::default_prior() const
{
    return {{"theta0", -2.0, 2.0, false}, {"theta1", -2.0, 2.0, false}, {"log10_eta", -3.0, -1.0, false}};
}

std::vector<FilterGroup> ToyAbaTask::default_filter() const
{
    return {{"stable", {{"lambda_max", -1e300, 0.0}, {"converged", 1.0, 1.0}}}, {"memory", {{"RI", 0.3, 1.0}}}};
}

EvalOutcome ToyAbaTask::evaluate(const std::vector<double>& p, std::uint64_t, std::uint64_t) const
{
    toy::AbaSetup s = setup_;
    s.eta = std::pow(10.0, p[2]);
    const auto rule = toy::ExplicitRule::reduced_rule(p[0], p[1]);
    const double n = static_cast<double>(s.dim());
    const double lambda_max = std::max(p[0] + p[1], std::sqrt(n) * p[0] + p[1]);
    const auto r = toy::run_aba(rule, s);
    EvalOutcome out;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (r.status == "diverged") {
        out.status = "aborted";
        out.abort_reason = "weights diverged";
        out.abort_time = r.tau_b < 0 ? 0.0 : r.tau_b;
        out.metrics = {lambda_max, nan, nan, nan};
        return out;
    }
    const bool conv = r.status == "converged";
    out.metrics = {lambda_max, conv ? r.ri : nan, conv ? r.tau_a + r.tau_b : nan, conv ? 1.0 : 0.0};
    return out;
}

double ToyAbaTask::loss(const EvalOutcome& o) const
{
    if (o.status != "completed") return 10.0;
    const double lambda_max = o.metrics[0], ri = o.metrics[1];
    if (!(lambda_max < 0.0)) return 1.0 + lambda_max;
    if (!std::isfinite(ri)) return 1.0; // not converged
    return -ri;
}

std::string ToyAbaTask::fingerprint() const
{
    std::string f = "toy_aba";
    for (const auto* v : {&setup_.x_bg, &setup_.x_stim, &setup_.w0})
        for (double x : *v) f += " " + io::format_number(x);
    f += " " + io::format_number(setup_.y_target) + " " + std::to_string(setup_.epochs) + " " + io::format_number(setup_.rho);
    return f;
}

} // namespace plast::tasks
