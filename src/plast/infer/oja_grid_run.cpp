// model.kind = oja: the fits of the noise x observed-fraction x seed grid (see study_runs.hpp).
#include "plast/infer/fit_live_outputs.hpp"
#include "plast/infer/result_json.hpp"
#include "plast/infer/study_runs.hpp"
#include "plast/io/csv.hpp"
#include "plast/io/run_dir.hpp"

namespace plast::infer {

namespace {

struct Plan {
    std::shared_ptr<rules::DifferentiableRule> student, teacher;
    std::vector<double> theta_star;
    std::vector<OjaGridPoint> points;
};

std::shared_ptr<const Plan> make_plan(const InferStudy& study)
{
    auto p = std::make_shared<Plan>();
    p->student = study.student();
    p->teacher = study.teacher();
    p->theta_star = study.theta_star();
    for (double nz : study.grid_noise)
        for (double fr : study.grid_fraction)
            for (int s = 0; s < study.seeds; ++s)
                p->points.push_back({nz, fr, s});
    return p;
}

FitJobs make_jobs(const InferStudy& study, std::shared_ptr<const Plan> p, const std::string& run_path, int threads,
                  LogCallback first_fit)
{
    FitOptions fo = study.fit;
    fo.threads = p->points.size() > 1 ? 1 : threads;
    const std::size_t n = p->points.size();
    return FitJobs(
        n,
        [&study, p, run_path, fo, first_fit](std::size_t i) {
            OjaSettings s = study.oja;
            s.noise_scale = p->points[i].noise;
            s.observed_fraction = p->points[i].frac;
            const std::uint64_t sd = study.seed + static_cast<std::uint64_t>(p->points[i].seed_index);
            return to_json(run_oja(s, *p->teacher, p->theta_star, *p->student, study.theta0(*p->student, sd),
                                   fit_options_for(study, run_path, fo, i), sd, i == 0 ? first_fit : LogCallback{}));
        },
        study.checkpoint_key);
}

} // namespace

FitJobs oja_grid_jobs(const InferStudy& study, const std::string& run_path, int threads)
{
    return make_jobs(study, make_plan(study), run_path, threads, {});
}

OjaGridResults run_oja_grid(const InferStudy& study, const io::RunDir& dir, search::Executor& executor, int threads)
{
    const auto plan = make_plan(study);
    OjaGridResults out;
    out.student = plan->student;
    out.points = plan->points;
    LiveThetaCsv theta_csv(dir, *plan->student);
    const auto jobs = make_jobs(study, plan, dir.path(), threads, theta_csv.callback());
    for (const auto& j : run_fit_jobs(jobs, executor, study.seed, "infer oja", dir.path()))
        from_json(j, out.fits.emplace_back());
    const auto& pts = out.points;
    const auto& res = out.fits;
    for (std::size_t i = 0; i < res.size(); ++i)
        out.labels.push_back("noise=" + io::format_number(pts[i].noise) + " observed_fraction=" +
                             io::format_number(pts[i].frac) + " seed=" + std::to_string(res[i].seed));
    return out;
}

} // namespace plast::infer
