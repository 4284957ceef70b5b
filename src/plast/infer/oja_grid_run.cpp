// model.kind = oja: the fits of the noise x observed-fraction x seed grid (see study_runs.hpp).
#include "plast/core/parallel.hpp"
#include "plast/core/progress.hpp"
#include "plast/infer/fit_live_outputs.hpp"
#include "plast/infer/study_runs.hpp"
#include "plast/io/csv.hpp"
#include "plast/io/run_dir.hpp"

namespace plast::infer {

OjaGridResults run_oja_grid(const InferStudy& study, const io::RunDir& dir, int threads)
{
    OjaGridResults out;
    out.student = study.student();
    const auto& stu = out.student;
    const auto tea = study.teacher();
    const auto ts = study.theta_star();
    auto& pts = out.points;
    for (double nz : study.grid_noise)
        for (double fr : study.grid_fraction)
            for (int s = 0; s < study.seeds; ++s)
                pts.push_back({nz, fr, s});
    auto& res = out.fits;
    res.resize(pts.size());
    Progress prog("infer oja", pts.size(), "fits");
    FitOptions fo = study.fit;
    fo.threads = pts.size() > 1 ? 1 : threads;
    LiveThetaCsv theta_csv(dir, *stu);
    const LogCallback first_fit = theta_csv.callback();
    parallel_for(pts.size(), threads, [&](std::size_t i) {
        OjaSettings s = study.oja;
        s.noise_scale = pts[i].noise;
        s.observed_fraction = pts[i].frac;
        const std::uint64_t sd = study.seed + static_cast<std::uint64_t>(pts[i].seed_index);
        res[i] = run_oja(s, *tea, ts, *stu, study.theta0(*stu, sd), fit_options_for(study, dir, fo, i), sd,
                         i == 0 ? first_fit : LogCallback{});
        prog.advance();
    });
    prog.done();
    for (std::size_t i = 0; i < res.size(); ++i)
        out.labels.push_back("noise=" + io::format_number(pts[i].noise) + " observed_fraction=" +
                             io::format_number(pts[i].frac) + " seed=" + std::to_string(res[i].seed));
    return out;
}

} // namespace plast::infer
