// plast memory [CONFIG]: familiarity memory tests of rules (given, or selected from a screen archive).
#include "verb.hpp"

#include "plast/memory/memory_study.hpp"

namespace plast::app {

static int run_memory(Context& ctx)
{
    ctx.load_config(memory::default_memory_config, "<embedded memory default>");
    const auto study = memory::MemoryStudy::from_config(ctx.config);
    auto& dir = ctx.open_run();
    study.run(dir, ctx.seed, ctx.threads);
    return ctx.complete();
}

PLAST_VERB("memory", "familiarity memory tests (BND protocol, knock-outs, feed-forward iSTDP) over independent runs", true,
           nullptr, run_memory);

} // namespace plast::app
