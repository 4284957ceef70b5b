#include "plast/memory/study_headline.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>

namespace plast::memory {

double cross_validated_r2(const std::vector<std::vector<double>>& x, const std::vector<double>& y, int folds, double ridge)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::size_t n = y.size();
    if (n == 0 || x.size() != n || folds < 2) return nan;
    const std::size_t p = x[0].size();
    double mean = 0;
    for (double v : y) mean += v;
    mean /= static_cast<double>(n);
    double ss_tot = 0, ss_res = 0;
    for (double v : y) ss_tot += (v - mean) * (v - mean);
    if (!(ss_tot > 0)) return nan;
    for (int f = 0; f < folds; ++f) {
        std::vector<std::size_t> train, test;
        for (std::size_t i = 0; i < n; ++i) (static_cast<int>(i % static_cast<std::size_t>(folds)) == f ? test : train).push_back(i);
        if (test.empty()) continue;
        if (train.size() < 3 || (ridge <= 0 && train.size() < p + 2)) return nan;
        // Standardise the features on the training rows; the intercept is the training mean of y.
        Eigen::VectorXd mu = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p)), sd = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(p));
        const auto nt = static_cast<double>(train.size());
        for (std::size_t c = 0; c < p; ++c) {
            double m = 0, q = 0;
            for (auto i : train) m += x[i][c];
            m /= nt;
            for (auto i : train) q += (x[i][c] - m) * (x[i][c] - m);
            mu(static_cast<Eigen::Index>(c)) = m;
            sd(static_cast<Eigen::Index>(c)) = q > 0 ? std::sqrt(q / nt) : 1.0;
        }
        double ym = 0;
        for (auto i : train) ym += y[i];
        ym /= nt;
        Eigen::MatrixXd a(static_cast<Eigen::Index>(train.size()), static_cast<Eigen::Index>(p));
        Eigen::VectorXd b(static_cast<Eigen::Index>(train.size()));
        for (std::size_t r = 0; r < train.size(); ++r) {
            for (std::size_t c = 0; c < p; ++c)
                a(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) =
                    (x[train[r]][c] - mu(static_cast<Eigen::Index>(c))) / sd(static_cast<Eigen::Index>(c));
            b(static_cast<Eigen::Index>(r)) = y[train[r]] - ym;
        }
        Eigen::MatrixXd g = a.transpose() * a;
        g.diagonal().array() += ridge;
        const Eigen::VectorXd coef = g.ldlt().solve(a.transpose() * b);
        for (auto i : test) {
            double pred = ym;
            for (std::size_t c = 0; c < p; ++c)
                pred += coef(static_cast<Eigen::Index>(c)) * (x[i][c] - mu(static_cast<Eigen::Index>(c))) / sd(static_cast<Eigen::Index>(c));
            ss_res += (y[i] - pred) * (y[i] - pred);
        }
    }
    return 1.0 - ss_res / ss_tot;
}

nlohmann::json study_headline(const std::vector<RuleOutcome>& outcomes, const std::vector<double>& times,
                              const std::vector<std::string>& conditions)
{
    nlohmann::json h = nlohmann::json::object();
    h["test_times"] = times;
    // Knock-out / condition table: stable fraction over tested rules.
    nlohmann::json stab = nlohmann::json::array();
    for (const auto& c : conditions) {
        long tested = 0, stable = 0, runs = 0, rc = 0, rc_ok = 0;
        bool stab_only = false;
        for (const auto& o : outcomes)
            if (o.condition == c) {
                tested += 1;
                stable += o.stable;
                runs = std::max<long>(runs, o.runs);
                rc += o.recheck_runs;
                rc_ok += o.recheck_plausible;
                stab_only = stab_only || o.stability_only;
            }
        stab.push_back({{"condition", c}, {"mode", stab_only ? "stability" : "memory"}, {"runs_per_rule", runs}, {"rules", tested},
                        {"stable", stable}, {"stable_fraction", tested ? static_cast<double>(stable) / static_cast<double>(tested) : 0.0},
                        {"recheck_runs", rc}, {"recheck_plausible_runs", rc_ok}});
    }
    h["stability_by_condition"] = stab;

    for (const auto& c : conditions) {
        bool stab_only = false;
        for (const auto& o : outcomes) stab_only = stab_only || (o.condition == c && o.stability_only);
        if (stab_only) continue;
        std::vector<const RuleOutcome*> sel;
        for (const auto& o : outcomes)
            if (o.condition == c && o.tested && o.stable) sel.push_back(&o);
        nlohmann::json cj = {{"rules_stable", sel.size()}};
        const double n = static_cast<double>(sel.size());
        auto frac = [&](auto pred) {
            long k = 0;
            for (auto* o : sel) k += pred(*o) ? 1 : 0;
            return n > 0 ? static_cast<double>(k) / n : 0.0;
        };
        nlohmann::json per_time = nlohmann::json::array();
        for (std::size_t t = 0; t < times.size(); ++t) {
            per_time.push_back({{"test_time", times[t]},
                                {"novelty", frac([&](const RuleOutcome& o) { return t < o.novelty.size() && o.novelty[t]; })},
                                {"familiarity", frac([&](const RuleOutcome& o) { return t < o.familiarity.size() && o.familiarity[t]; })},
                                {"on_transient", frac([&](const RuleOutcome& o) { return t < o.on_transient.size() && o.on_transient[t]; })}});
        }
        cj["per_test_time"] = per_time;
        auto any = [](const std::vector<bool>& v) {
            for (bool b : v)
                if (b) return true;
            return false;
        };
        cj["any_time"] = {{"novelty", frac([&](const RuleOutcome& o) { return any(o.novelty); })},
                          {"familiarity", frac([&](const RuleOutcome& o) { return any(o.familiarity); })},
                          {"on_transient", frac([&](const RuleOutcome& o) { return any(o.on_transient); })}};
        // Lifetime histogram over the test times (0 = never significant).
        nlohmann::json hist = nlohmann::json::array();
        hist.push_back({{"lifetime", 0.0}, {"rules", 0}});
        for (double t : times) hist.push_back({{"lifetime", t}, {"rules", 0}});
        for (auto* o : sel) {
            std::size_t b = 0;
            for (std::size_t t = 0; t < times.size(); ++t)
                if (o->lifetime == times[t]) b = t + 1;
            hist[b]["rules"] = hist[b]["rules"].get<long>() + 1;
        }
        cj["lifetime_histogram"] = hist;
        // Regression from the 24 parameters.
        std::vector<std::vector<double>> x;
        std::vector<double> re, ri, lt;
        for (auto* o : sel) {
            if (!(std::isfinite(o->rate_e) && std::isfinite(o->rate_i))) continue;
            x.push_back(o->theta);
            re.push_back(o->rate_e);
            ri.push_back(o->rate_i);
            lt.push_back(std::log10(1.0 + o->lifetime));
        }
        auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
        cj["regression_cv_r2"] = {{"rules", x.size()},
                                  {"rate_e", num(cross_validated_r2(x, re))},
                                  {"rate_i", num(cross_validated_r2(x, ri))},
                                  {"log_lifetime", num(cross_validated_r2(x, lt))}};
        h["conditions"][c] = cj;
    }
    return h;
}

} // namespace plast::memory
