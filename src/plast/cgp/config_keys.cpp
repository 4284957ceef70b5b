// Meaning and unit of every configuration key this area reads (see plast/io/key_doc.hpp): the
// genome layout [cgp] and the evolution strategy [ea] (config_io.cpp).
#include "plast/io/key_doc_tables.hpp"

namespace plast::cgp {

static const io::KeyDoc rows[] = {
    {"cgp.n_columns", "", "columns of the CGP grid (internal nodes per row)"},
    {"cgp.n_rows", "", "rows of the CGP grid"},
    {"cgp.levels_back", "", "how many columns back a node may take its inputs from"},
    {"cgp.primitives", "", "node operators and constants available to the genome"},
    {"cgp.simplify", "", "simulate the simplified expression (as hal-cgp's to_sympy(simplify=True)); false: as the graph writes it"},
    {"ea.mu", "", "parents per generation"},
    {"ea.lambda", "", "offspring per generation"},
    {"ea.n_breeding", "", "tournament winners in the breeding pool (the best lambda breed)"},
    {"ea.tournament_size", "", "parents per selection tournament"},
    {"ea.p_mutation", "", "probability that a gene mutates"},
    {"ea.max_generations", "", "generations to run"},
    {"ea.termination_fitness", "", "stop when the champion's fitness reaches this"},
    {"ea.reorder", "", "reorder each parent's genome before breeding (phenotype unchanged)"},
    {"ea.legacy_mutation_0_1_0", "", "mutation operator of hal-cgp 0.1.0, as the published runs"},
    {"ea.cache_key", "", "fitness cache: by outputs on fixed inputs, by canonical formula, or none"},
    {"ea.early_rejection", "", "stop an offspring's evaluation once it must score below the worst parent (correlation, error, stability tasks; same selection)"},
    {"ea.checkpoint_every", "", "generations between checkpoints"},
    {"ea.resume", "", "checkpoint.json or run directory to continue from (empty: a new run)"},
};

std::span<const io::KeyDoc> config_keys() { return rows; }

} // namespace plast::cgp
