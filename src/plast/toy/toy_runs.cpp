#include "plast/toy/toy_runs.hpp"

#include "plast/core/parallel.hpp"
#include "plast/core/progress.hpp"

namespace plast::toy {

AbaResult run_explicit_rule(const ToyStudy& study)
{
    AbaSetup rs = study.setup;
    rs.record_every = study.record_every;
    return run_aba(*study.explicit_rule, rs);
}

AbaResult run_implicit_rule(const ToyStudy& study)
{
    return run_aba(ImplicitRule(*study.implicit_metric), study.setup);
}

ExplicitSweepResults run_explicit_sweep(const ToyStudy& study, int threads)
{
    ExplicitSweepResults out{study.theta0.values(), study.theta1.values(), study.etas, {}};
    const std::size_t n0 = out.theta0.size(), n1 = out.theta1.size(), n = out.etas.size() * n0 * n1;
    out.runs.resize(n);
    Progress prog("toy explicit sweep", n, "rules");
    parallel_for(n, threads, [&](std::size_t k) {
        const std::size_t ie = k / (n0 * n1), i0 = (k / n1) % n0, i1 = k % n1;
        AbaSetup ps = study.setup;
        ps.eta = out.etas[ie];
        out.runs[k] = run_aba(ExplicitRule::reduced_rule(out.theta0[i0], out.theta1[i1]), ps);
        prog.advance();
    });
    return out;
}

ImplicitSweepResults run_implicit_sweep(const ToyStudy& study, int threads)
{
    ImplicitSweepResults out{study.a.values(), study.b.values(), {}};
    const std::size_t nb = out.b.size(), n = out.a.size() * nb;
    out.runs.resize(n);
    parallel_for(n, threads, [&](std::size_t k) {
        out.runs[k] = run_aba(ImplicitRule::from_abc(out.a[k / nb], out.b[k % nb], study.c), study.setup);
    });
    return out;
}

std::vector<LinearAbaResult> run_linear_rnns(const ToyStudy& study)
{
    std::vector<LinearAbaResult> out;
    for (const auto& net : study.linear_rnns)
        out.push_back(run_linear_aba(net, study.linear_task));
    return out;
}

} // namespace plast::toy
