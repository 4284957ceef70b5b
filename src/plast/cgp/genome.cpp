#include "plast/cgp/genome.hpp"

#include "plast/core/error.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <functional>

namespace plast::cgp {

namespace {
constexpr int input_allele = -1, output_allele = -2, noncoding = -3;

std::string lower(std::string s)
{
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
} // namespace

Primitive primitive_from_name(const std::string& name)
{
    const std::string n = lower(name);
    if (n == "+" || n == "add") return {name, expr::Op::add, 2};
    if (n == "-" || n == "sub") return {name, expr::Op::sub, 2};
    if (n == "*" || n == "mul") return {name, expr::Op::mul, 2};
    if (n == "/" || n == "div") return {name, expr::Op::div, 2};
    if (n == "^" || n == "pow") return {name, expr::Op::pow, 2};
    std::string body = n;
    if (body.rfind("const(", 0) == 0 && body.back() == ')') body = body.substr(6, body.size() - 7);
    if (!body.empty()) {
        char* end = nullptr;
        const double v = std::strtod(body.c_str(), &end);
        if (end && *end == '\0' && std::isfinite(v)) return {name, expr::Op::constant, 0, v};
    }
    usage_error("primitive '" + name + "'", "unknown primitive",
                "+ (add), - (sub), * (mul), / (div), ^ (pow), a number or Const(number)");
}

void GenomeSpec::finalize(const std::string& where)
{
    auto bad = [&](const std::string& key, const std::string& what, const std::string& allowed) {
        config_error(where, key, what, allowed);
    };
    if (n_inputs < 1) bad("n_inputs", "genome needs at least one input", ">= 1");
    if (n_outputs < 1) bad("n_outputs", "genome needs at least one output", ">= 1");
    if (n_columns < 1) bad("n_columns", "genome size is zero (n_columns = " + std::to_string(n_columns) + ")", ">= 1");
    if (n_rows < 1) bad("n_rows", "genome size is zero (n_rows = " + std::to_string(n_rows) + ")", ">= 1");
    if (levels_back < 1 || levels_back > n_columns)
        bad("levels_back", "is " + std::to_string(levels_back), "1 .. n_columns (" + std::to_string(n_columns) + ")");
    if (primitives.empty()) bad("primitives", "no primitives", "a non-empty list such as [\"+\", \"*\", \"1.0\"]");
    max_arity = 1; // outputs need one address gene even with constants only
    for (const auto& p : primitives)
        max_arity = std::max(max_arity, p.arity);
    alleles.assign(static_cast<std::size_t>(length()), {});
    std::vector<int> funcs(primitives.size());
    for (std::size_t i = 0; i < funcs.size(); ++i)
        funcs[i] = static_cast<int>(i);
    for (int r = 0; r < n_regions(); ++r) {
        const auto base = static_cast<std::size_t>(r * region_size());
        if (r < n_inputs) {
            alleles[base] = {input_allele};
            for (int a = 1; a <= max_arity; ++a)
                alleles[base + a] = {noncoding};
        } else if (is_hidden(r)) {
            alleles[base] = funcs;
            const auto src = sources_for_column(column_of(r));
            for (int a = 1; a <= max_arity; ++a)
                alleles[base + a] = src;
        } else {
            alleles[base] = {output_allele};
            alleles[base + 1] = sources_for_output();
            for (int a = 2; a <= max_arity; ++a)
                alleles[base + a] = {noncoding};
        }
    }
}

std::vector<int> GenomeSpec::sources_for_column(int c) const
{
    std::vector<int> s;
    for (int i = 0; i < n_inputs; ++i)
        s.push_back(i);
    for (int cc = std::max(0, c - levels_back); cc < c; ++cc)
        for (int row = 0; row < n_rows; ++row)
            s.push_back(n_inputs + cc * n_rows + row);
    return s;
}

std::vector<int> GenomeSpec::sources_for_output() const
{
    std::vector<int> s;
    for (int i = 0; i < n_inputs + n_hidden(); ++i)
        s.push_back(i);
    return s;
}

std::string GenomeSpec::signature() const
{
    std::string s = std::to_string(n_inputs) + "/" + std::to_string(n_outputs) + "/" + std::to_string(n_columns) + "x" +
                    std::to_string(n_rows) + "/L" + std::to_string(levels_back) + "/";
    for (const auto& p : primitives)
        s += p.name + ",";
    return s;
}

Genome::Genome(std::shared_ptr<const GenomeSpec> spec, std::vector<int> dna)
    : spec_(std::move(spec)), dna_(std::move(dna))
{
    if (dna_.size() != static_cast<std::size_t>(spec_->length()))
        runtime_error("cgp::Genome", "DNA length " + std::to_string(dna_.size()) +
                                         " does not match the genome layout (" + std::to_string(spec_->length()) + ")");
    for (std::size_t g = 0; g < dna_.size(); ++g) {
        const auto& al = spec_->alleles[g];
        if (std::find(al.begin(), al.end(), dna_[g]) == al.end())
            runtime_error("cgp::Genome",
                          "gene " + std::to_string(g) + " has impermissible allele " + std::to_string(dna_[g]));
    }
}

Genome Genome::random(std::shared_ptr<const GenomeSpec> spec, rng::Stream& r)
{
    std::vector<int> dna(static_cast<std::size_t>(spec->length()));
    for (std::size_t g = 0; g < dna.size(); ++g) {
        const auto& al = spec->alleles[g];
        dna[g] = al[al.size() == 1 ? 0 : r.below(al.size())];
    }
    return Genome(std::move(spec), std::move(dna));
}

std::vector<bool> Genome::active_regions() const
{
    const GenomeSpec& s = *spec_;
    std::vector<bool> act(static_cast<std::size_t>(s.n_regions()), false);
    std::vector<int> todo;
    for (int o = 0; o < s.n_outputs; ++o) {
        const int r = s.n_inputs + s.n_hidden() + o;
        act[static_cast<std::size_t>(r)] = true;
        todo.push_back(dna_[static_cast<std::size_t>(r * s.region_size() + 1)]);
    }
    while (!todo.empty()) {
        const int r = todo.back();
        todo.pop_back();
        if (act[static_cast<std::size_t>(r)]) continue;
        act[static_cast<std::size_t>(r)] = true;
        if (!s.is_hidden(r)) continue;
        const auto base = static_cast<std::size_t>(r * s.region_size());
        const int ar = s.primitives[static_cast<std::size_t>(dna_[base])].arity;
        for (int a = 1; a <= ar; ++a)
            todo.push_back(dna_[base + static_cast<std::size_t>(a)]);
    }
    return act;
}

expr::Tape Genome::compile(int output, const std::vector<std::string>& input_names) const
{
    const GenomeSpec& s = *spec_;
    if (static_cast<int>(input_names.size()) != s.n_inputs)
        runtime_error("cgp::Genome::compile", "expected " + std::to_string(s.n_inputs) + " input names");
    expr::Tape t(input_names);
    // Depth-first postfix emission; shared sub-graphs are emitted once per use (a tree).
    std::function<void(int)> emit = [&](int r) {
        if (r < s.n_inputs) return t.push_input(static_cast<std::size_t>(r));
        const auto base = static_cast<std::size_t>(r * s.region_size());
        const Primitive& p = s.primitives[static_cast<std::size_t>(dna_[base])];
        if (p.arity == 0) return t.push_constant(p.value);
        for (int a = 1; a <= p.arity; ++a)
            emit(dna_[base + static_cast<std::size_t>(a)]);
        t.push_op(p.op);
    };
    const int out_region = s.n_inputs + s.n_hidden() + output;
    emit(dna_[static_cast<std::size_t>(out_region * s.region_size() + 1)]);
    return t;
}

Genome::MutationReport Genome::mutate(double p, rng::Stream& r)
{
    const GenomeSpec& s = *spec_;
    const auto act = active_regions();
    MutationReport rep;
    for (std::size_t g = 0; g < dna_.size(); ++g) {
        if (!r.bernoulli(p)) continue;
        const auto& al = s.alleles[g];
        if (al.size() < 2) continue;
        // Uniform among the permissible alleles other than the current one.
        const auto cur = static_cast<std::size_t>(std::find(al.begin(), al.end(), dna_[g]) - al.begin());
        auto k = static_cast<std::size_t>(r.below(al.size() - 1));
        if (k >= cur) ++k;
        dna_[g] = al[k];
        ++rep.n_mutated;
        if (act[g / static_cast<std::size_t>(s.region_size())]) rep.only_silent = false;
    }
    return rep;
}

Genome::MutationReport Genome::mutate_legacy_0_1_0(double p, rng::Stream& r)
{
    const GenomeSpec& s = *spec_;
    const auto act = active_regions();
    const auto rs = static_cast<std::size_t>(s.region_size());
    const int n_target = static_cast<int>(p * static_cast<double>(dna_.size()));
    MutationReport rep;
    int successes = 0;
    while (successes < n_target) {
        const auto g = static_cast<std::size_t>(r.below(dna_.size()));
        const auto& al = s.alleles[g];
        if (al.size() < 2) continue;
        const int region = static_cast<int>(g / rs);
        const int old = dna_[g];
        dna_[g] = al[r.below(al.size())];
        if (dna_[g] != old) {
            ++rep.n_mutated;
            if (act[static_cast<std::size_t>(region)]) rep.only_silent = false;
        }
        // hal-cgp 0.1.0 counts every draw of an output's address gene as a success, also when the re-sample
        // returns the same address (probability 1 / number of permissible addresses): the output keeps its
        // node that often, so an offspring can keep one genome's rule while another genome changes.
        if (s.is_output(region)) ++successes;
    }
    return rep;
}

void Genome::reorder(rng::Stream& r)
{
    const GenomeSpec& s = *spec_;
    if (s.n_rows != 1 || s.levels_back != s.n_columns)
        runtime_error("cgp::Genome::reorder", "genome reorder needs n_rows = 1 and levels_back = n_columns");
    const int nh = s.n_hidden(), ni = s.n_inputs, rs = s.region_size();
    auto gene = [&](int region, int k) -> int& { return dna_[static_cast<std::size_t>(region * rs + k)]; };
    // Hidden dependencies of each hidden node (address genes within its arity).
    std::vector<std::vector<int>> deps(static_cast<std::size_t>(nh));
    for (int h = 0; h < nh; ++h) {
        const int ar = s.primitives[static_cast<std::size_t>(gene(ni + h, 0))].arity;
        for (int a = 1; a <= ar; ++a)
            if (gene(ni + h, a) >= ni) deps[static_cast<std::size_t>(h)].push_back(gene(ni + h, a) - ni);
    }
    std::vector<int> new_of_old(static_cast<std::size_t>(nh), -1), order;
    std::vector<bool> placed(static_cast<std::size_t>(nh), false);
    while (static_cast<int>(order.size()) < nh) {
        std::vector<int> ready;
        for (int h = 0; h < nh; ++h) {
            if (placed[static_cast<std::size_t>(h)]) continue;
            bool ok = true;
            for (int d : deps[static_cast<std::size_t>(h)])
                ok = ok && placed[static_cast<std::size_t>(d)];
            if (ok) ready.push_back(h);
        }
        const int pick = ready[r.below(ready.size())];
        placed[static_cast<std::size_t>(pick)] = true;
        new_of_old[static_cast<std::size_t>(pick)] = static_cast<int>(order.size());
        order.push_back(pick);
    }
    auto map_region = [&](int reg) { return reg < ni ? reg : ni + new_of_old[static_cast<std::size_t>(reg - ni)]; };
    std::vector<int> old = dna_;
    auto old_gene = [&](int region, int k) { return old[static_cast<std::size_t>(region * rs + k)]; };
    for (int pos = 0; pos < nh; ++pos) {
        const int from = ni + order[static_cast<std::size_t>(pos)], to = ni + pos;
        gene(to, 0) = old_gene(from, 0);
        const int ar = s.primitives[static_cast<std::size_t>(old_gene(from, 0))].arity;
        const auto& allowed = s.alleles[static_cast<std::size_t>(to * rs + 1)];
        for (int a = 1; a <= s.max_arity; ++a) {
            const int src = map_region(old_gene(from, a));
            if (a <= ar || std::find(allowed.begin(), allowed.end(), src) != allowed.end())
                gene(to, a) = src;
            else
                gene(to, a) = allowed[r.below(allowed.size())]; // inactive gene made invalid: redraw
        }
    }
    for (int o = 0; o < s.n_outputs; ++o) {
        const int reg = ni + nh + o;
        gene(reg, 1) = map_region(old_gene(reg, 1));
    }
}

} // namespace plast::cgp
