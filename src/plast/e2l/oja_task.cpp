#include "plast/e2l/oja_task.hpp"

#include "plast/core/error.hpp"
#include "plast/expr/parser.hpp"
#include "plast/expr/rate_rule.hpp"
#include "plast/io/config.hpp"

#include <cmath>
#include <limits>

namespace plast::e2l {

std::unique_ptr<OjaTask> OjaTask::from_config(const Section& s)
{
    infer::OjaSettings o;
    o.net.n_in = static_cast<int>(s.integer("n_in", 4, 1, 100000));
    o.net.n_out = static_cast<int>(s.integer("n_out", 4, 1, 100000));
    o.net.eta = s.number("eta", 1.0, Range::positive());
    o.steps = static_cast<int>(s.integer("steps", 20, 1, 1000000));
    o.input_std = s.number("input_std", 1.0, Range::positive());
    o.w0_std = s.number("w0_std", 0.0, Range::nonneg());
    if (o.w0_std == 0.0) o.w0_std = -1.0; // 1 / (n_in + n_out)
    o.noise_scale = s.number("noise_scale", 0.0, Range::nonneg());
    o.observed_fraction = s.number("observed_fraction", 1.0, Range::open_closed(0, 1));
    o.mse_factor = s.number("mse_factor", 0.5, Range::positive());
    const int n = static_cast<int>(s.integer("n_experiments", 3, 1, 100000));
    const std::string truth = s.string("ground_truth", "x*y - y^2*w");
    const auto seed = static_cast<std::uint64_t>(s.integer("seed", 1, 0, INT64_MAX));
    try {
        (void)expr::parse(truth, expr::ExprRateRule::input_names(false));
    } catch (const Error& e) {
        s.fail("ground_truth", e.problem(), "an expression over x, y, w (numbers only)");
    }
    return std::make_unique<OjaTask>(o, truth, n, seed);
}

OjaTask::OjaTask(const infer::OjaSettings& settings, const std::string& ground_truth, int n_experiments,
                 std::uint64_t seed)
    : settings_(settings), truth_(ground_truth)
{
    const expr::ExprRateRule teacher(expr::parse(truth_, expr::ExprRateRule::input_names(false)));
    const std::vector<double> none;
    const auto observed = infer::observed_neurons(settings_.net.n_out, settings_.observed_fraction, seed);
    for (int k = 0; k < n_experiments; ++k)
        data_.push_back(
            infer::make_oja_trajectory(settings_, teacher, none, seed, 0, static_cast<std::uint64_t>(k), observed));
}

double OjaTask::experiment(const std::vector<expr::Tape>& rules, int k) const
{
    constexpr double invalid = -std::numeric_limits<double>::infinity();
    // A rule is a complete expression over (x, y, w) without free parameters (genomes compile to that).
    if (rules.size() != 1 || !rules[0].complete() || rules[0].n_params() || k < 0 || k >= n_experiments())
        return invalid;
    const expr::ExprRateRule rule(rules[0]);
    rate::OjaRecord rec;
    const double loss = rate::activity_loss(settings_.net, rule, nullptr, data_[static_cast<std::size_t>(k)],
                                            settings_.mse_factor, nullptr, rec);
    if (!rec.finite || !std::isfinite(loss)) return invalid;
    return -loss;
}

} // namespace plast::e2l
