#include "plast/cgp/config_io.hpp"

#include "plast/core/error.hpp"
#include "plast/io/config.hpp"

#include <limits>

namespace plast::cgp {

std::shared_ptr<const GenomeSpec> read_genome_spec(const Section& s, int n_inputs)
{
    auto g = std::make_shared<GenomeSpec>();
    g->n_inputs = n_inputs;
    // Lower bound 0 on purpose: a zero size is reported by finalize() with a specific message.
    g->n_columns = static_cast<int>(s.integer("n_columns", 12, 0, 100000));
    g->n_rows = static_cast<int>(s.integer("n_rows", 1, 0, 100000));
    g->levels_back = static_cast<int>(s.integer("levels_back", g->n_columns, 0, 100000));
    g->n_outputs = 1;
    const auto names = s.strings("primitives", {"+", "-", "*", "/", "1.0"});
    for (const auto& n : names) {
        try {
            g->primitives.push_back(primitive_from_name(n));
        } catch (const Error& e) {
            s.fail("primitives", "unknown primitive '" + n + "'", e.allowed());
        }
    }
    try {
        g->finalize(s.where("n_columns"));
    } catch (const Error& e) {
        s.fail(e.key(), e.problem(), e.allowed());
    }
    return g;
}

EaSettings read_ea_settings(const Section& s, const EaConfig& d)
{
    EaSettings r;
    EaConfig& c = r.ea;
    c = d;
    c.mu = static_cast<int>(s.integer("mu", d.mu, 1, 100000));
    c.lambda = static_cast<int>(s.integer("lambda", d.lambda, 1, 100000));
    c.n_breeding = static_cast<int>(s.integer("n_breeding", c.lambda, c.lambda, 1000000));
    c.tournament_size = static_cast<int>(s.integer("tournament_size", d.tournament_size, 1, c.mu));
    c.p_mutation = s.number("p_mutation", d.p_mutation, Range::open_closed(0.0, 1.0));
    c.max_generations = static_cast<int>(s.integer("max_generations", d.max_generations, 0, 100000000));
    c.termination_fitness = s.has("termination_fitness") ? s.number("termination_fitness") : d.termination_fitness;
    c.reorder = s.flag("reorder", d.reorder);
    c.legacy_mutation_0_1_0 = s.flag("legacy_mutation_0_1_0", d.legacy_mutation_0_1_0);
    const std::string key = s.string("cache_key",
                                     d.cache_key == CacheKey::canonical ? "canonical"
                                     : d.cache_key == CacheKey::none    ? "none"
                                                                        : "functional",
                                     {"functional", "canonical", "none"});
    c.early_rejection = s.flag("early_rejection", d.early_rejection);
    c.cache_key = key == "canonical" ? CacheKey::canonical : key == "none" ? CacheKey::none : CacheKey::functional;
    r.checkpoint_every = static_cast<int>(s.integer("checkpoint_every", 10, 1, 100000000));
    return r;
}

} // namespace plast::cgp
