#include "headline.hpp"

#include "plast/io/csv.hpp"

#include <cmath>

namespace plast::app {

namespace {

using json = nlohmann::json;

std::string num(const json& v, int sig = 3, const std::string& unit = "")
{
    if (!v.is_number()) return "n/a";
    const double x = v.get<double>();
    // Counts stay whole numbers ("8351 of 11163", not "8.35e+03 of 1.12e+04").
    const std::string s = x == std::floor(x) && std::fabs(x) < 1e12 ? std::to_string(static_cast<long long>(x)) : io::format_number(x, sig);
    return s + (unit.empty() ? "" : " " + unit);
}

// part / whole as a percentage (a fraction: whole = 1).
std::string pct(double part, double whole)
{
    return io::format_number(whole > 0 ? 100.0 * part / whole : 0.0, 3) + " %";
}

std::vector<std::string> screen(const json& s)
{
    std::vector<std::string> out;
    const double n = s.value("candidates", 0.0), p = s.value("plausible", 0.0);
    const auto& rounds = s.value("rounds", json::array());
    out.push_back(num(p) + " of " + num(n) + " candidates plausible (" + pct(p, n) + ") on the " + s.value("task", std::string("?")) +
                  " task, " + std::to_string(rounds.size()) + " round(s)");
    std::string per;
    for (const auto& r : rounds)
        per += (per.empty() ? "" : "; ") + std::string("round ") + num(r.value("round", json())) + " " + r.value("proposal", std::string()) + " " +
               num(r.value("plausible", json())) + "/" + num(r.value("candidates", json())) + " (" +
               pct(r.value("plausible", 0.0), r.value("candidates", 0.0)) + ")";
    if (!per.empty()) out.push_back("per round: " + per);
    return out;
}

std::vector<std::string> infer(const json& s)
{
    std::vector<std::string> out;
    if (s.contains("fitted_rule") && s["fitted_rule"].is_object()) {
        const auto& f = s["fitted_rule"];
        const std::string formula = f.value("formula_leading", f.value("formula", std::string()));
        if (!formula.empty()) out.push_back("fitted rule (" + f.value("family", std::string("?")) + "): " + formula);
    }
    if (s.contains("ground_truth_formula") && s["ground_truth_formula"].is_string())
        out.push_back("ground truth: " + s["ground_truth_formula"].get<std::string>());
    std::string fit;
    if (s.contains("r2_activity_heldout")) fit += "held-out R² of activity " + num(s["r2_activity_heldout"], 4);
    if (s.contains("r2_weights_heldout")) fit += (fit.empty() ? "" : ", ") + std::string("of weights ") + num(s["r2_weights_heldout"], 4);
    if (s.contains("percent_deviance_heldout"))
        fit += (fit.empty() ? "" : ", ") + std::string("held-out deviance explained ") + num(s["percent_deviance_heldout"], 3, "%");
    if (!fit.empty()) out.push_back(fit);
    return out;
}

std::vector<std::string> evolve(const json& s)
{
    std::vector<std::string> out;
    if (!s.contains("champion")) return out;
    std::string line = "champion " + s.value("champion", std::string()) + " on the " + s.value("task", std::string("?")) + " task: F = " +
                       num(s.value("champion_fitness", json()), 4);
    if (s.value("fast_mode", false)) line += " (fast mode), full task F = " + num(s.value("champion_fitness_full_task", json()), 4);
    if (s.contains("champion_sd")) line += " (SD over experiments " + num(s["champion_sd"], 3) + ")";
    out.push_back(line);
    if (s.contains("champion_rms_error_mV"))
        out.push_back("RMS error per sample " + num(s["champion_rms_error_mV"], 3, "mV") + ", distance to the teacher's weights " +
                      num(s.value("champion_weight_distance_pA", json()), 3, "pA"));
    out.push_back(num(s.value("generations", json())) + " generations, " + num(s.value("evaluations", json())) + " evaluations in " +
                  num(s.value("evolution_wall_s", json()), 3, "s"));
    return out;
}

std::vector<std::string> memory(const json& s)
{
    std::vector<std::string> out;
    if (!s.contains("headline")) return out;
    // Stability-only knock-outs: their stable fractions in one line.
    std::string ko;
    for (const auto& r : s["headline"].value("stability_by_condition", json::array()))
        if (r.value("mode", std::string()) == "stability")
            ko += (ko.empty() ? "" : ", ") + r.value("condition", std::string()) + " " + num(r.value("stable", json())) + "/" +
                  num(r.value("rules", json()));
    if (!ko.empty())
        out.push_back("stable per knock-out (stability only, " + num(s.value("knockout_runs", json())) + " run(s) per rule): " + ko);
    if (!s["headline"].contains("conditions")) return out;
    for (const auto& [cond, c] : s["headline"]["conditions"].items()) {
        const double stable = c.value("rules_stable", 0.0);
        const auto& any = c.value("any_time", json::object());
        out.push_back(cond + ": " + num(stable) + " of " + num(s.value("rules", json())) + " rule(s) stable; at some test time " +
                      pct(any.value("novelty", 0.0), 1.0) + " novelty-preferring, " +
                      pct(any.value("familiarity", 0.0), 1.0) + " familiarity-preferring (p < 0.05, " +
                      num(s.value("runs", json())) + " runs per rule)");
    }
    return out;
}

std::vector<std::string> toy(const json& s)
{
    std::vector<std::string> out;
    if (s.contains("explicit_rule")) {
        const auto& e = s["explicit_rule"];
        out.push_back("explicit rule: RI = " + num(e.value("RI", json())) + " (" + e.value("label", std::string("?")) + ")");
    }
    if (s.contains("explicit_sweep")) {
        const auto& w = s["explicit_sweep"];
        out.push_back("sweep: " + num(w.value("stable", json())) + " of " + num(w.value("points", json())) + " rules stable; best RI " +
                      num(w.value("best_RI", json()), 4) + " at η = " + num(w.value("best_eta", json())));
    }
    return out;
}

std::vector<std::string> demo(const json& s)
{
    const auto& steps = s.value("steps", json::array());
    std::size_t ok = 0;
    double wall = 0;
    for (const auto& st : steps) {
        ok += st.value("status", std::string()) == "completed";
        wall += st.value("wall_seconds", 0.0);
    }
    return {std::to_string(ok) + " of " + std::to_string(steps.size()) + " steps completed in " + io::format_number(wall, 3) +
            " s; each step's headline is in its section below"};
}

} // namespace

std::vector<std::string> default_headline(const std::string& verb, const json& s)
{
    if (!s.is_object()) return {};
    if (verb == "screen") return screen(s);
    if (verb == "infer") return infer(s);
    if (verb == "evolve") return evolve(s);
    if (verb == "memory") return memory(s);
    if (verb == "toy") return toy(s);
    if (verb == "demo") return demo(s);
    return {};
}

} // namespace plast::app
