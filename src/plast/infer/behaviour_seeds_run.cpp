// model.kind = behaviour, data.source = simulated: the fits over ground truths x seeds (see study_runs.hpp).
#include "plast/infer/fit_live_outputs.hpp"
#include "plast/infer/result_json.hpp"
#include "plast/infer/study_runs.hpp"
#include "plast/io/run_dir.hpp"
#include "plast/rules/rule_string.hpp"

namespace plast::infer {

namespace {

struct Plan {
    std::shared_ptr<rules::DifferentiableRule> student, teacher;
    std::vector<std::vector<double>> truths; // theta of each ground truth (the teacher's for an expression)
    std::size_t seeds = 1, fits = 0;
};

std::shared_ptr<const Plan> make_plan(const InferStudy& study)
{
    auto p = std::make_shared<Plan>();
    p->student = study.student();
    p->teacher = study.teacher();
    const auto ts = study.theta_star();
    for (const auto& g : study.ground_truths) // an expression ground truth is the teacher itself (no parameters)
        p->truths.push_back(study.rule.expr_teacher ? ts : rules::parse_rule_string(g, true));
    p->seeds = static_cast<std::size_t>(study.seeds);
    p->fits = study.ground_truths.size() * p->seeds;
    return p;
}

FitJobs make_jobs(const InferStudy& study, std::shared_ptr<const Plan> p, const std::string& run_path, int threads,
                  LogCallback first_fit)
{
    FitOptions fo = study.fit;
    fo.threads = p->fits > 1 ? 1 : threads;
    return FitJobs(
        p->fits,
        [&study, p, run_path, fo, first_fit](std::size_t i) {
            const std::uint64_t sd = study.seed + i % p->seeds;
            return to_json(run_behaviour_sim(study.beh, *p->teacher, p->truths[i / p->seeds], *p->student,
                                             study.theta0(*p->student, sd), fit_options_for(study, run_path, fo, i),
                                             sd, i == 0 ? first_fit : LogCallback{}));
        },
        study.checkpoint_key);
}

} // namespace

FitJobs behaviour_seed_jobs(const InferStudy& study, const std::string& run_path, int threads)
{
    return make_jobs(study, make_plan(study), run_path, threads, {});
}

BehaviourSeedResults run_behaviour_seeds(const InferStudy& study, const io::RunDir& dir, search::Executor& executor,
                                         int threads)
{
    const auto plan = make_plan(study);
    BehaviourSeedResults out;
    out.student = plan->student;
    out.truths = plan->truths;
    out.seeds = plan->seeds;
    LiveThetaCsv theta_csv(dir, *plan->student);
    const auto jobs = make_jobs(study, plan, dir.path(), threads, theta_csv.callback());
    for (const auto& j : run_fit_jobs(jobs, executor, study.seed, "infer behaviour", dir.path()))
        from_json(j, out.fits.emplace_back());
    for (std::size_t i = 0; i < out.fits.size(); ++i)
        out.labels.push_back("ground_truth=" + study.ground_truths[i / plan->seeds] +
                             " seed=" + std::to_string(out.fits[i].seed));
    return out;
}

} // namespace plast::infer
