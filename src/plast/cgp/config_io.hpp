#pragma once
// Reading the [cgp] (genome layout, primitives) and [ea] (evolution strategy) sections.
//
// [cgp]  n_columns (12), n_rows (1), levels_back (= n_columns), n_outputs (1; one per genome),
//        primitives (["+", "-", "*", "/", "1.0"])
// [ea]   mu (4), lambda (4), n_breeding (= lambda), tournament_size (1), p_mutation (0.045),
//        max_generations (1000), termination_fitness (inf = never), reorder (false),
//        cache_key ("functional" | "canonical" | "none"), checkpoint_every (10 generations)
#include "plast/cgp/evolution.hpp"

namespace plast {
class Section;
}

namespace plast::cgp {

std::shared_ptr<const GenomeSpec> read_genome_spec(const Section& s, int n_inputs);

struct EaSettings {
    EaConfig ea;
    int checkpoint_every = 10;
};
// `defaults` supplies task-specific defaults (e.g. termination fitness 0 for the error task).
EaSettings read_ea_settings(const Section& s, const EaConfig& defaults);

} // namespace plast::cgp
