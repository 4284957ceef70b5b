#include "plast/infer/result_json.hpp"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace plast::infer {

nlohmann::json json_number(double x)
{
    if (std::isfinite(x)) return x;
    return std::isnan(x) ? "nan" : x > 0 ? "inf" : "-inf";
}

double json_number(const nlohmann::json& j)
{
    if (j.is_number()) return j.get<double>();
    const auto s = j.get<std::string>();
    if (s == "nan") return std::nan("");
    if (s == "inf") return HUGE_VAL;
    if (s == "-inf") return -HUGE_VAL;
    throw std::runtime_error("not a number: " + s);
}

nlohmann::json json_numbers(const std::vector<double>& v)
{
    auto a = nlohmann::json::array();
    for (double x : v) a.push_back(json_number(x));
    return a;
}

std::vector<double> json_numbers(const nlohmann::json& j)
{
    std::vector<double> v;
    for (const auto& x : j) v.push_back(json_number(x));
    return v;
}

namespace {

// One list of fields per struct, walked by a writer and by a reader, so the two directions cannot disagree.
struct Writer {
    nlohmann::json& j;
    void operator()(const char* k, const double& v) { j[k] = json_number(v); }
    void operator()(const char* k, const std::vector<double>& v) { j[k] = json_numbers(v); }
    void operator()(const char* k, const std::vector<std::vector<double>>& v)
    {
        auto a = nlohmann::json::array();
        for (const auto& x : v) a.push_back(json_numbers(x));
        j[k] = a;
    }
    template <class T> void operator()(const char* k, const T& v) { j[k] = v; } // integers, bool, strings, int lists
    template <class S> void nested(const char* k, const S& s);
};

struct Reader {
    const nlohmann::json& j;
    void operator()(const char* k, double& v) { v = json_number(j.at(k)); }
    void operator()(const char* k, std::vector<double>& v) { v = json_numbers(j.at(k)); }
    void operator()(const char* k, std::vector<std::vector<double>>& v)
    {
        v.clear();
        for (const auto& x : j.at(k)) v.push_back(json_numbers(x));
    }
    template <class T> void operator()(const char* k, T& v) { v = j.at(k).get<T>(); }
    template <class S> void nested(const char* k, S& s);
};

template <class V, class L> void visit_log(V& f, L& l)
{
    f("epoch", l.epoch);
    f("loss", l.loss);
    f("theta", l.theta);
}

template <class V, class G> void visit_check(V& f, G& g)
{
    f("done", g.done);
    f("step", g.step);
    f("loss", g.loss);
    f("adjoint", g.adjoint);
    f("finite_difference", g.finite_difference);
    f("per_parameter_relative_error", g.per_parameter_relative_error);
    f("max_abs_error", g.max_abs_error);
    f("relative_error", g.relative_error);
}

template <class V, class R> void visit_fit(V& f, R& r)
{
    f("theta", r.theta);
    f.nested("log", r.log);
    f("status", r.status);
    f("note", r.note);
    f("seconds", r.seconds);
    f("gradient_evaluations", r.gradient_evaluations);
    f("skipped_steps", r.skipped_steps);
    f("backtracks", r.backtracks);
    f("final_learning_rate", r.final_learning_rate);
    f("stationarity", r.stationarity);
    f("data_gradient_max", r.data_gradient_max);
    f("data_gradient_max_at_zero", r.data_gradient_max_at_zero);
    f.nested("gradient_check", r.gradient_check);
}

// What the Oja and behaviour results share: the fit, the effective parameters and the R² of weights and activity.
template <class V, class R> void visit_fit_and_r2(V& f, R& r)
{
    f.nested("fit", r.fit);
    f("theta_eff", r.theta_eff);
    f("r2_weights_median", r.r2_weights_median);
    f("r2_weights_mean", r.r2_weights_mean);
    f("r2_activity_median", r.r2_activity_median);
    f("r2_activity_mean", r.r2_activity_mean);
}

template <class V, class S> void visit_sensitivity(V& f, S& s)
{
    f("trajectories", s.trajectories);
    f("eigenvalues", s.eigenvalues);
    f("weakest", s.weakest);
    f("condition", s.condition);
    f("quad_delta", s.quad_delta);
    f("quad_110_only", s.quad_110_only);
    f("quad_021_only", s.quad_021_only);
    f("line_s", s.line_s);
    f("line_loss", s.line_loss);
    f("delta_share_sloppy", s.delta_share_sloppy);
    f("noise_sd01_110", s.noise_sd01_110);
    f("noise_sd01_021", s.noise_sd01_021);
}

template <class V, class R> void visit_oja(V& f, R& r)
{
    f("seed", r.seed);
    f("noise_scale", r.noise_scale);
    f("observed_fraction", r.observed_fraction);
    visit_fit_and_r2(f, r);
    f("max_err_truth_terms", r.max_err_truth_terms);
    f("max_abs_other_terms", r.max_abs_other_terms);
    f("condition_number", r.condition_number);
    f("weakest_direction", r.weakest_direction);
    f("y_mean", r.y_mean);
    f("y_std", r.y_std);
    f("collapsed_fit", r.collapsed_fit);
    f("collapsed_true", r.collapsed_true);
    f("collapsed_max_err", r.collapsed_max_err);
    f("w_true", r.w_true);
    f("w_fit", r.w_fit);
    f("kept_synapses", r.kept_synapses);
    f.nested("sensitivity", r.sensitivity);
}

template <class V, class R> void visit_behaviour(V& f, R& r)
{
    f("seed", r.seed);
    visit_fit_and_r2(f, r);
    f("pdev_median", r.pdev_median);
    f("pdev_mean", r.pdev_mean);
    f("w_true", r.w_true);
    f("w_fit", r.w_fit);
    f("mean_trial_length", r.mean_trial_length);
}

template <class V, class R> void visit_animal(V& f, R& r)
{
    f("name", r.name);
    f.nested("fit", r.fit);
    f("theta_eff", r.theta_eff);
    f("n_trials", r.n_trials);
    f("n_train_trials", r.n_train_trials);
    f("pdev_train", r.pdev_train);
    f("pdev_test", r.pdev_test);
}

template <class V> void visit(V& f, const FitLog& s) { visit_log(f, s); }
template <class V> void visit(V& f, FitLog& s) { visit_log(f, s); }
template <class V> void visit(V& f, const GradientCheck& s) { visit_check(f, s); }
template <class V> void visit(V& f, GradientCheck& s) { visit_check(f, s); }
template <class V> void visit(V& f, const FitResult& s) { visit_fit(f, s); }
template <class V> void visit(V& f, FitResult& s) { visit_fit(f, s); }
template <class V> void visit(V& f, const OjaSensitivity& s) { visit_sensitivity(f, s); }
template <class V> void visit(V& f, OjaSensitivity& s) { visit_sensitivity(f, s); }

template <class S> void Writer::nested(const char* k, const S& s)
{
    nlohmann::json sub = nlohmann::json::object();
    Writer w{sub};
    visit(w, s);
    j[k] = std::move(sub);
}

template <class S> void Reader::nested(const char* k, S& s)
{
    Reader r{j.at(k)};
    visit(r, s);
}

template <class R, class F> nlohmann::json write(const R& r, F visit_fn)
{
    nlohmann::json j = nlohmann::json::object();
    Writer w{j};
    visit_fn(w, r);
    return j;
}

template <class R, class F> void read(const nlohmann::json& j, R& r, F visit_fn, const char* what)
{
    try {
        Reader rd{j};
        visit_fn(rd, r);
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("a fit result (") + what + ") that cannot be read: " + e.what());
    }
}

} // namespace

nlohmann::json to_json(const OjaResult& r)
{
    return write(r, [](Writer& w, const OjaResult& x) { visit_oja(w, x); });
}
nlohmann::json to_json(const BehaviourResult& r)
{
    return write(r, [](Writer& w, const BehaviourResult& x) { visit_behaviour(w, x); });
}
nlohmann::json to_json(const AnimalResult& r)
{
    return write(r, [](Writer& w, const AnimalResult& x) { visit_animal(w, x); });
}
void from_json(const nlohmann::json& j, OjaResult& r)
{
    read(j, r, [](Reader& rd, OjaResult& x) { visit_oja(rd, x); }, "Oja");
}
void from_json(const nlohmann::json& j, BehaviourResult& r)
{
    read(j, r, [](Reader& rd, BehaviourResult& x) { visit_behaviour(rd, x); }, "behaviour");
}
void from_json(const nlohmann::json& j, AnimalResult& r)
{
    read(j, r, [](Reader& rd, AnimalResult& x) { visit_animal(rd, x); }, "animal");
}

} // namespace plast::infer
