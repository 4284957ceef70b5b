// plast toy [CONFIG]: rate toy models of "Memory by accident" (A-B-A task, RI, tau, sweeps).
#include "verb.hpp"

#include "plast/toy/toy_study.hpp"

namespace plast::app {

static int run_toy(Context& ctx)
{
    ctx.load_config(toy::default_toy_config, "<embedded toy default>");
    const auto study = toy::ToyStudy::from_config(ctx.config, ctx.seed);
    auto& dir = ctx.open_run();
    study.run(dir, ctx.threads);
    return ctx.complete();
}

PLAST_VERB("toy", "rate toy models: A-B-A memory (RI) and stability of linear rules", true, nullptr, run_toy);

} // namespace plast::app
