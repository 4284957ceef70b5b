#pragma once
// Cartesian genetic programming genome (evolving-rules §5.1-5.3, §5.5; hal-cgp >= 0.1.1 semantics).
//
// Flat integer DNA divided into regions, one per node: n_inputs input regions, n_columns x n_rows
// hidden regions (column-major), n_outputs output regions. Each region is one function gene
// followed by max_arity address genes. Special alleles: -1 input node, -2 output node, -3
// non-coding. A hidden node in column c may read any input and any hidden node in columns
// max(0, c - levels_back) .. c - 1; an output may read any input or hidden node. Address genes
// beyond a node's arity are present but inactive. Active regions are those reachable backwards
// from the outputs; only they are compiled (into a postfix expression tape, one per output).
#include "plast/core/rng.hpp"
#include "plast/expr/tape.hpp"

#include <memory>
#include <string>
#include <vector>

namespace plast::cgp {

// A primitive: an operator of arity 1-2 or a constant (arity 0).
struct Primitive {
    std::string name; // as configured: "+", "-", "*", "/", "pow", "1.0", ...
    expr::Op op;
    int arity;
    double value = 0.0; // for constants
};

// Accepts "+", "add", "Add"; "-", "sub"; "*", "mul"; "/", "div"; "^", "pow"; a number or
// "Const(1.0)" for a constant. Unknown names: usage error listing the allowed ones.
Primitive primitive_from_name(const std::string& name);

struct GenomeSpec {
    int n_inputs = 1, n_outputs = 1, n_columns = 1, n_rows = 1, levels_back = 1;
    std::vector<Primitive> primitives;

    // Validates sizes (all >= 1, levels_back in [1, n_columns], at least one primitive) and builds the
    // permissible-allele tables. Throws plast::Error (config kind) naming `where`.
    void finalize(const std::string& where = "cgp");

    int max_arity = 0;
    int n_hidden() const { return n_columns * n_rows; }
    int n_regions() const { return n_inputs + n_hidden() + n_outputs; }
    int region_size() const { return 1 + max_arity; }
    int length() const { return n_regions() * region_size(); }
    int column_of(int region) const { return (region - n_inputs) / n_rows; }
    bool is_hidden(int region) const { return region >= n_inputs && region < n_inputs + n_hidden(); }
    bool is_output(int region) const { return region >= n_inputs + n_hidden(); }
    // Permissible alleles of gene g (a single allele means the gene never mutates).
    std::vector<std::vector<int>> alleles;
    // Permissible source regions of a hidden node in column c / of an output.
    std::vector<int> sources_for_column(int c) const;
    std::vector<int> sources_for_output() const;
    // A string identifying the layout and primitives (checkpoints refuse a different one).
    std::string signature() const;
};

class Genome {
  public:
    Genome() = default;
    Genome(std::shared_ptr<const GenomeSpec> spec, std::vector<int> dna); // validates the alleles
    static Genome random(std::shared_ptr<const GenomeSpec> spec, rng::Stream& r);

    const GenomeSpec& spec() const { return *spec_; }
    const std::shared_ptr<const GenomeSpec>& spec_ptr() const { return spec_; }
    const std::vector<int>& dna() const { return dna_; }

    // active[r] for every region r (inputs and outputs included when reachable / always).
    std::vector<bool> active_regions() const;
    // The expression of output k over the given input names (size n_inputs).
    expr::Tape compile(int output, const std::vector<std::string>& input_names) const;

    struct MutationReport {
        int n_mutated = 0;       // genes whose allele changed
        bool only_silent = true; // all changed genes lie in regions inactive in the parent
    };
    // Per gene, with probability p, the gene takes a different permissible allele (drawn uniformly
    // among the others); genes with one permissible allele never change.
    MutationReport mutate(double p, rng::Stream& r);

    // [legacy] hal-cgp 0.1.0 mutation (hal-cgp issue #156): genes are drawn uniformly until n = int(p * length)
    // draws of an output's address gene have happened; each drawn gene (hidden or output) is re-sampled
    // uniformly from its permissible alleles and may keep its value, and the output draw counts whether or
    // not the address changed (0.1.0's Genome.mutate). Every hidden gene drawn meanwhile is re-sampled, so
    // the effective mutation strength is much larger than p.
    MutationReport mutate_legacy_0_1_0(double p, rng::Stream& r);

    // Goldman & Punch reorder: a random topological order of the hidden nodes, phenotype unchanged.
    // Needs n_rows = 1 and levels_back = n_columns.
    void reorder(rng::Stream& r);

    bool operator==(const Genome& o) const { return dna_ == o.dna_; }

  private:
    std::shared_ptr<const GenomeSpec> spec_;
    std::vector<int> dna_;
};

} // namespace plast::cgp
