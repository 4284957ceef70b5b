#include "plast/infer/infer_study.hpp"

#include "plast/infer/infer_outputs.hpp"
#include "plast/infer/study_runs.hpp"
#include "plast/rules/mlp_rule.hpp"
#include "plast/rules/rule_string.hpp"
#include "plast/rules/taylor_rule.hpp"
#include "plast/search/executor.hpp"

namespace plast::infer {

const char* const default_infer_config =
    R"(# plast infer: reward-rule recovery on simulated two-odor behaviour (reference defaults, reduced epochs)
seed = 1

[model]
kind = "behaviour"
layer_sizes = [2, 10, 1]

[data]
source = "simulated"
num_train = 20
num_eval = 5

[rule]
family = "taylor"
ground_truth = "X1Y0W0R1"

[fit]
optimizer = "adam"
learning_rate = 1e-3
epochs = 250
)";

std::shared_ptr<rules::DifferentiableRule> InferStudy::student(const std::vector<std::string>& drop) const
{
    const bool rw = kind == "behaviour";
    if (rule.family == "mlp") return std::make_shared<rules::MlpRule>(rw, rule.mlp_hidden);
    if (rule.family == "expression") return std::make_shared<expr::ExprRateRule>(*rule.expr_student);
    std::vector<double> mask =
        rule.terms.empty() ? std::vector<double>(rw ? 81 : 27, 1.0) : rules::mask_from_terms(rule.terms, rw);
    if (!drop.empty()) {
        const auto dm = rules::mask_from_terms(drop, rw);
        for (std::size_t k = 0; k < mask.size(); ++k)
            if (dm[k] != 0.0) mask[k] = 0.0;
    }
    return std::make_shared<rules::TaylorRule>(rw, mask, rule.legacy_index_order);
}

std::shared_ptr<rules::DifferentiableRule> InferStudy::teacher() const
{
    if (rule.expr_teacher) return std::make_shared<expr::ExprRateRule>(*rule.expr_teacher);
    return std::make_shared<rules::TaylorRule>(kind == "behaviour");
}

std::vector<double> InferStudy::theta_star() const
{
    if (rule.ground_truth.empty() || rule.expr_teacher) return {}; // an expression teacher has no parameters
    return rules::parse_rule_string(rule.ground_truth, kind == "behaviour");
}

std::vector<double> InferStudy::theta0(const rules::DifferentiableRule& s, std::uint64_t sd) const
{
    if (rule.family == "expression") return rule.expr_start;
    if (rule.family == "mlp") {
        const auto& m = static_cast<const rules::MlpRule&>(s);
        if (rule.init == "zeros") return std::vector<double>(m.n_params(), 0.0);
        return m.init_theta(sd, rule.init_scale, rule.mlp_legacy_shared_key);
    }
    std::vector<double> th(s.n_params(), 0.0);
    if (rule.init == "random") th = draw_weights(th.size(), rule.init_scale, sd, "theta_init");
    return th;
}

void InferStudy::run(io::RunDir& dir, search::Executor& executor, int threads, std::vector<FitTrace>* traces) const
{
    write_study_header(dir, *this);
    if (kind == "oja") {
        const auto res = run_oja_grid(*this, dir, executor, threads);
        append_traces(traces, res);
        write_oja_grid(dir, *this, res);
        return;
    }
    if (source == "simulated") {
        const auto res = run_behaviour_seeds(*this, dir, executor, threads);
        append_traces(traces, res);
        write_behaviour_seeds(dir, *this, res);
        return;
    }
    // recorded (or generated) animals
    std::vector<AnimalData> animals;
    if (source == "generate") {
        animals = generate_animal_data(*this, dir);
        write_generated_animals(dir, *this);
        if (generate_only) return;
    } else {
        animals = read_animal_files(*this);
    }
    const auto res = run_animals(*this, animals, dir, executor, threads);
    append_traces(traces, res);
    write_animals(dir, *this, res);
}

void InferStudy::serve(int threads) const
{
    std::string run_path;
    search::mpi::broadcast(run_path);
    if (run_path == "stop") return; // rank 0 ended before its fits (an error, --print-config, generate_only)
    if (kind == "oja") return search::mpi::serve(oja_grid_jobs(*this, run_path, threads), seed, threads);
    if (source == "simulated") return search::mpi::serve(behaviour_seed_jobs(*this, run_path, threads), seed, threads);
    const auto animals = source == "generate" ? read_generated_animals(*this, run_path) : read_animal_files(*this);
    search::mpi::serve(animal_jobs(*this, animals, run_path, threads), seed, threads);
}

} // namespace plast::infer
