// plast infer [CONFIG]: model-based inference of plasticity rules by gradient descent through whole
// trajectories (Mehta et al., NeurIPS 2024). See src/plast/infer/infer_study.hpp and docs/inference.md.
#include "verb.hpp"

#include "plast/infer/infer_study.hpp"
#include "plast/io/config.hpp"
#include "plast/search/fit_archive.hpp"

#include <iostream>

namespace plast::app {

static int run_infer(Context& ctx)
{
    ctx.load_config(infer::default_infer_config, "<embedded infer default>");
    const auto study = infer::InferStudy::from_config(ctx.config, ctx.seed);
    auto& dir = ctx.open_run();
    std::vector<infer::FitTrace> traces;
    study.run(dir, ctx.threads, &traces);
    // Every logged epoch of every fit in the search archive (the layout screen and evolve write).
    if (!traces.empty()) {
        const auto n = search::write_fit_archive(dir.file("archive.sqlite"), traces, study.fit.optimizer,
                                                 "infer " + ctx.config.resolved_json().dump());
        dir.summary()["archive"] = "archive.sqlite";
        dir.summary()["archive_rows"] = n.rows;
        dir.summary()["archive_fits"] = n.fits;
        if (n.left_out) dir.summary()["archive_fits_left_out"] = n.left_out;
    }
    const auto& s = dir.summary();
    if (!ctx.opts.quiet && s.contains("fitted_rule")) {
        std::cerr << "fitted rule: " << s["fitted_rule"].value("formula_leading", s["fitted_rule"].value("formula", ""))
                  << "\n";
        if (s.contains("ground_truth_formula"))
            std::cerr << "ground truth: " << s["ground_truth_formula"].get<std::string>() << "\n";
    }
    return ctx.complete();
}

PLAST_VERB("infer", "fit a plasticity rule to activity or behaviour by gradient descent through whole trajectories",
           true, nullptr, run_infer);

} // namespace plast::app
