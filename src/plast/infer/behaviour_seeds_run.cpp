// model.kind = behaviour, data.source = simulated: the fits over ground truths x seeds (see study_runs.hpp).
#include "plast/core/parallel.hpp"
#include "plast/core/progress.hpp"
#include "plast/infer/fit_live_outputs.hpp"
#include "plast/infer/study_runs.hpp"
#include "plast/io/run_dir.hpp"
#include "plast/rules/rule_string.hpp"

namespace plast::infer {

BehaviourSeedResults run_behaviour_seeds(const InferStudy& study, const io::RunDir& dir, int threads)
{
    BehaviourSeedResults out;
    out.student = study.student();
    const auto& stu = out.student;
    const auto tea = study.teacher();
    const auto ts = study.theta_star();
    const std::size_t ng = study.ground_truths.size(), nsd = static_cast<std::size_t>(study.seeds);
    out.seeds = nsd;
    auto& res = out.fits;
    res.resize(ng * nsd);
    auto& truths = out.truths;
    for (const auto& g : study.ground_truths) // an expression ground truth is the teacher itself (no parameters)
        truths.push_back(study.rule.expr_teacher ? ts : rules::parse_rule_string(g, true));
    Progress prog("infer behaviour", res.size(), "fits");
    FitOptions fo = study.fit;
    fo.threads = res.size() > 1 ? 1 : threads;
    LiveThetaCsv theta_csv(dir, *stu);
    const LogCallback first_fit = theta_csv.callback();
    parallel_for(res.size(), threads, [&](std::size_t i) {
        const std::uint64_t sd = study.seed + i % nsd;
        res[i] = run_behaviour_sim(study.beh, *tea, truths[i / nsd], *stu, study.theta0(*stu, sd),
                                   fit_options_for(study, dir, fo, i), sd, i == 0 ? first_fit : LogCallback{});
        prog.advance();
    });
    prog.done();
    for (std::size_t i = 0; i < res.size(); ++i)
        out.labels.push_back("ground_truth=" + study.ground_truths[i / nsd] + " seed=" + std::to_string(res[i].seed));
    return out;
}

} // namespace plast::infer
