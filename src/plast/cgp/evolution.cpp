#include "plast/cgp/evolution.hpp"

#include "plast/core/error.hpp"
#include "plast/core/parallel.hpp"
#include "plast/expr/simplify.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>

namespace plast::cgp {

namespace {
constexpr double neg_inf = -std::numeric_limits<double>::infinity();

double sane(double f)
{
    return std::isnan(f) ? neg_inf : f;
}

nlohmann::json fit_json(double f)
{
    return std::isfinite(f) ? nlohmann::json(f) : nlohmann::json(f > 0 ? "inf" : "-inf");
}
double fit_from(const nlohmann::json& j)
{
    if (j.is_string()) return j.get<std::string>() == "inf" ? -neg_inf : neg_inf;
    return j.get<double>();
}
// The rule as simulated (not simplified), slots joined by " ; ".
std::string literal(const std::vector<expr::Tape>& tapes)
{
    std::string r;
    for (const auto& t : tapes)
        r += (r.empty() ? "" : " ; ") + t.infix();
    return r;
}
} // namespace

Evolution::Evolution(EaConfig cfg, std::vector<std::shared_ptr<const GenomeSpec>> specs,
                     std::vector<std::vector<std::string>> input_names, Objective objective)
    : cfg_(cfg), specs_(std::move(specs)), names_(std::move(input_names)), objective_(std::move(objective))
{
    if (specs_.empty() || specs_.size() != names_.size())
        runtime_error("cgp::Evolution", "one input-name list per genome is required");
    if (cfg_.mu < 1 || cfg_.lambda < 1) config_error("ea", "mu/lambda", "must be >= 1", ">= 1");
    if (cfg_.n_breeding < cfg_.lambda) config_error("ea", "n_breeding", "must be >= lambda", ">= lambda");
    if (cfg_.tournament_size < 1 || cfg_.tournament_size > cfg_.mu)
        config_error("ea", "tournament_size", "must be in 1 .. mu", "1 .. " + std::to_string(cfg_.mu));
    if (cfg_.reorder)
        for (const auto& s : specs_)
            if (s->n_rows != 1 || s->levels_back != s->n_columns)
                config_error("ea", "reorder", "genome reorder needs n_rows = 1 and levels_back = n_columns", "false");
}

expr::Tape rule_tape(const Genome& g, const std::vector<std::string>& input_names, bool simplify)
{
    expr::Tape t = g.compile(0, input_names);
    return simplify ? expr::simplified(t) : t;
}

std::vector<expr::Tape> Evolution::phenotype(const Individual& ind) const
{
    std::vector<expr::Tape> t;
    for (std::size_t g = 0; g < ind.genomes.size(); ++g)
        t.push_back(rule_tape(ind.genomes[g], names_[g], cfg_.simplify));
    return t;
}

std::vector<std::string> Evolution::formulas(const Individual& ind) const
{
    std::vector<std::string> f;
    for (const auto& t : phenotype(ind))
        f.push_back(expr::canonical(t));
    return f;
}

std::string Evolution::cache_key(const Individual& ind) const
{
    std::string key;
    const auto tapes = phenotype(ind);
    if (cfg_.cache_key == CacheKey::canonical) {
        for (const auto& t : tapes)
            key += expr::canonical(t) + ";";
        return key;
    }
    // Functional equivalence (hal-cgp 0.3.0): outputs on a fixed batch of 10 random inputs in
    // [-100, 100], rounded to 10 significant digits, plus 10 in [-1, 1]: at |x| ~ 100 a high power
    // swamps lower-order terms (x^10 and x^10 + x - y agree to 18 digits there).
    for (const auto& t : tapes) {
        rng::Stream r(0x5eed, "cgp_cache_samples", t.n_inputs());
        std::vector<double> x(t.n_inputs());
        for (int s = 0; s < 20; ++s) {
            const double range = s < 10 ? 100.0 : 1.0;
            for (auto& xi : x)
                xi = r.uniform(-range, range);
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.10g,", t.eval(x.data()));
            key += buf;
        }
        key += ";";
    }
    return key;
}

double Evolution::evaluate_one(const Individual& ind) const
{
    return sane(objective_(phenotype(ind)));
}

void Evolution::evaluate(std::vector<Individual*>& todo)
{
    std::vector<int> index(todo.size());
    std::iota(index.begin(), index.end(), 0);
    std::vector<Origin> origin;
    evaluate(todo, index, origin);
}

double Evolution::rejection_bound() const
{
    if (!cfg_.early_rejection || generation_ == 0 || parents_.empty()) return -std::numeric_limits<double>::infinity();
    return parents_.back().fitness; // parents are sorted best first
}

void Evolution::evaluate(std::vector<Individual*>& todo, const std::vector<int>& index, std::vector<Origin>& origin)
{
    // Cache look-up (serial), then evaluate the distinct misses in parallel.
    const double bound = rejection_bound();
    origin.assign(todo.size(), Origin::simulated);
    std::vector<std::string> keys(todo.size());
    std::map<std::string, std::size_t> first_miss;
    std::vector<std::size_t> misses;
    for (std::size_t i = 0; i < todo.size(); ++i) {
        if (cfg_.cache_key != CacheKey::none) {
            keys[i] = cache_key(*todo[i]);
            if (auto it = cache_.find(keys[i]); it != cache_.end()) {
                todo[i]->fitness = it->second;
                origin[i] = Origin::cached;
                ++n_cache_hits_;
                continue;
            }
            if (first_miss.count(keys[i])) { // duplicate of a miss in this batch
                origin[i] = Origin::cached;
                continue;
            }
            first_miss[keys[i]] = i;
        }
        misses.push_back(i);
    }
    std::vector<double> fit(misses.size());
    if (batch_ && !misses.empty()) {
        std::vector<const Individual*> m;
        std::vector<int> mi;
        for (std::size_t k : misses) m.push_back(todo[k]), mi.push_back(index[k]);
        fit = batch_(generation_, m, mi);
        if (fit.size() != misses.size()) runtime_error("cgp::Evolution", "the batch evaluator returned the wrong number of fitness values");
        for (auto& f : fit) f = sane(f);
    } else {
        parallel_for(misses.size(), cfg_.threads, [&](std::size_t k) { fit[k] = evaluate_one(*todo[misses[k]]); });
    }
    n_evaluations_ += static_cast<long long>(misses.size());
    for (std::size_t k = 0; k < misses.size(); ++k) {
        todo[misses[k]]->fitness = fit[k];
        if (!probe_ && std::isfinite(fit[k]) && !(fit[k] < bound)) probe_ = *todo[misses[k]]; // exact score
        if (cfg_.cache_key != CacheKey::none) cache_[keys[misses[k]]] = fit[k];
        if (!std::isfinite(fit[k])) continue; // invalid rules are not famous
        if (fit[k] < bound) continue;         // rejected early: the score may be partial
        FameEntry e;
        e.formulas = formulas(*todo[misses[k]]);
        std::string key;
        for (const auto& f : e.formulas)
            key += f + ";";
        for (const auto& t : phenotype(*todo[misses[k]]))
            e.size += t.size();
        e.fitness = fit[k];
        e.generation = generation_;
        auto it = fame_.find(key);
        if (it == fame_.end()) fame_.emplace(key, std::move(e));
        else if (fit[k] > it->second.fitness) it->second.fitness = fit[k];
    }
    // Duplicates of a miss in this batch take the fitness just computed (counted as cache hits).
    if (cfg_.cache_key != CacheKey::none)
        for (std::size_t i = 0; i < todo.size(); ++i)
            if (auto it = first_miss.find(keys[i]); it != first_miss.end() && it->second != i) {
                todo[i]->fitness = cache_.at(keys[i]);
                ++n_cache_hits_;
            }
}

void Evolution::initialize()
{
    parents_.clear();
    for (int i = 0; i < cfg_.mu; ++i) {
        Individual ind;
        for (std::size_t g = 0; g < specs_.size(); ++g) {
            rng::Stream r(cfg_.seed, "cgp_init", static_cast<std::uint64_t>(i), g);
            ind.genomes.push_back(Genome::random(specs_[g], r));
        }
        ind.id = next_id_++;
        parents_.push_back(std::move(ind));
    }
    generation_ = 0;
    std::vector<Individual*> todo;
    std::vector<int> index;
    for (auto& p : parents_)
        todo.push_back(&p), index.push_back(static_cast<int>(index.size()));
    std::vector<Origin> origin;
    evaluate(todo, index, origin);
    if (observer_) {
        std::vector<Newcomer> nc;
        for (std::size_t i = 0; i < todo.size(); ++i) nc.push_back({todo[i], index[i], origin[i]});
        observer_(0, nc);
    }
    std::stable_sort(parents_.begin(), parents_.end(),
                     [](const Individual& a, const Individual& b) { return a.fitness > b.fitness; });
    generation_ = 0;
    history_.push_back(record());
}

GenerationRecord Evolution::step()
{
    const int gen = ++generation_;
    const auto g64 = static_cast<std::uint64_t>(gen);
    if (cfg_.reorder)
        for (std::size_t i = 0; i < parents_.size(); ++i)
            for (std::size_t g = 0; g < parents_[i].genomes.size(); ++g) {
                rng::Stream r(cfg_.seed, "cgp_reorder", g64, i, g);
                parents_[i].genomes[g].reorder(r);
            }
    // Breeding pool by tournaments.
    rng::Stream sel(cfg_.seed, "cgp_select", g64);
    std::vector<std::size_t> pool;
    for (int t = 0; t < cfg_.n_breeding; ++t) {
        std::vector<std::size_t> idx(parents_.size());
        std::iota(idx.begin(), idx.end(), 0);
        std::size_t best = SIZE_MAX;
        for (int k = 0; k < cfg_.tournament_size; ++k) {
            const auto j = static_cast<std::size_t>(k) + sel.below(idx.size() - static_cast<std::size_t>(k));
            std::swap(idx[static_cast<std::size_t>(k)], idx[j]);
            const std::size_t c = idx[static_cast<std::size_t>(k)];
            if (best == SIZE_MAX || parents_[c].fitness > parents_[best].fitness) best = c;
        }
        pool.push_back(best);
    }
    std::stable_sort(pool.begin(), pool.end(),
                     [&](std::size_t a, std::size_t b) { return parents_[a].fitness > parents_[b].fitness; });
    pool.resize(static_cast<std::size_t>(cfg_.lambda));

    std::vector<Individual> offspring;
    std::vector<Individual*> todo;
    std::vector<bool> silent_flags;
    offspring.reserve(pool.size());
    for (std::size_t k = 0; k < pool.size(); ++k) {
        Individual child = parents_[pool[k]];
        child.parent = child.id;
        child.id = next_id_++;
        bool silent = true;
        for (std::size_t g = 0; g < child.genomes.size(); ++g) {
            rng::Stream r(cfg_.seed, "cgp_mutate", g64, k, g);
            const auto rep = cfg_.legacy_mutation_0_1_0 ? child.genomes[g].mutate_legacy_0_1_0(cfg_.p_mutation, r)
                                                        : child.genomes[g].mutate(cfg_.p_mutation, r);
            silent = rep.only_silent && silent;
        }
        offspring.push_back(std::move(child));
        silent_flags.push_back(silent);
        if (silent) ++n_silent_; // keeps the parent's fitness, no evaluation
    }
    std::vector<int> index;
    for (std::size_t k = 0; k < offspring.size(); ++k)
        if (!silent_flags[k]) todo.push_back(&offspring[k]), index.push_back(static_cast<int>(k));
    std::vector<Origin> origin;
    evaluate(todo, index, origin);
    if (observer_) {
        std::vector<Newcomer> nc;
        for (std::size_t k = 0, j = 0; k < offspring.size(); ++k) {
            if (silent_flags[k]) nc.push_back({&offspring[k], static_cast<int>(k), Origin::silent});
            else nc.push_back({&offspring[k], static_cast<int>(k), origin[j++]});
        }
        observer_(gen, nc);
    }
    // Offspring first, then parents; stable sort keeps offspring ahead on ties.
    std::vector<Individual> all = std::move(offspring);
    for (auto& p : parents_)
        all.push_back(std::move(p));
    std::stable_sort(all.begin(), all.end(),
                     [](const Individual& a, const Individual& b) { return a.fitness > b.fitness; });
    all.resize(static_cast<std::size_t>(cfg_.mu));
    parents_ = std::move(all);
    history_.push_back(record());
    return history_.back();
}

bool Evolution::finished() const
{
    return generation_ >= cfg_.max_generations || (!parents_.empty() && champion().fitness >= cfg_.termination_fitness);
}

GenerationRecord Evolution::record() const
{
    GenerationRecord r;
    r.generation = generation_;
    r.champion_fitness = champion().fitness;
    double s = 0;
    for (const auto& p : parents_)
        s += p.fitness;
    r.mean_parent_fitness = s / static_cast<double>(parents_.size());
    r.n_evaluations = n_evaluations_;
    r.n_cache_hits = n_cache_hits_;
    r.n_silent = n_silent_;
    r.champion_formula = formulas(champion());
    return r;
}

std::vector<Evolution::FameEntry> Evolution::hall_of_fame(std::size_t n) const
{
    std::vector<FameEntry> all;
    for (const auto& [k, e] : fame_)
        all.push_back(e);
    // Best first; ties: smaller, then by formula (deterministic order).
    std::sort(all.begin(), all.end(), [](const FameEntry& a, const FameEntry& b) {
        if (a.fitness != b.fitness) return a.fitness > b.fitness;
        if (a.size != b.size) return a.size < b.size;
        return a.formulas < b.formulas;
    });
    if (all.size() > n) all.resize(n);
    return all;
}

std::vector<Evolution::FameEntry> Evolution::complexity_front() const
{
    std::map<std::size_t, FameEntry> best; // size -> best of that size
    for (const auto& [k, e] : fame_) {
        auto it = best.find(e.size);
        if (it == best.end() || e.fitness > it->second.fitness ||
            (e.fitness == it->second.fitness && e.formulas < it->second.formulas))
            best[e.size] = e;
    }
    std::vector<FameEntry> front;
    for (const auto& [size, e] : best)
        if (front.empty() || e.fitness > front.back().fitness) front.push_back(e);
    return front;
}

std::string mutation_operator_name(const EaConfig& cfg)
{
    // "output-draws": hal-cgp 0.1.0's loop, every output draw counts (Genome::mutate_legacy_0_1_0).
    return cfg.legacy_mutation_0_1_0 ? "hal-cgp-0.1.0-output-draws" : "per-gene";
}

nlohmann::json Evolution::checkpoint() const
{
    nlohmann::json j;
    j["format"] = "plast-cgp-checkpoint-1";
    j["generation"] = generation_;
    j["seed"] = cfg_.seed;
    j["early_rejection"] = cfg_.early_rejection; // the cache may hold rejection bounds
    j["mutation"] = mutation_operator_name(cfg_);
    std::vector<std::string> sig;
    for (const auto& s : specs_)
        sig.push_back(s->signature());
    j["genome_layout"] = sig;
    j["next_id"] = next_id_;
    j["n_evaluations"] = n_evaluations_;
    j["n_cache_hits"] = n_cache_hits_;
    j["n_silent"] = n_silent_;
    for (const auto& p : parents_) {
        nlohmann::json pj;
        for (const auto& g : p.genomes)
            pj["genomes"].push_back(g.dna());
        pj["fitness"] = fit_json(p.fitness);
        pj["id"] = p.id;
        pj["parent"] = p.parent;
        j["parents"].push_back(pj);
    }
    if (probe_) {
        nlohmann::json pj;
        for (const auto& g : probe_->genomes)
            pj["genomes"].push_back(g.dna());
        pj["fitness"] = fit_json(probe_->fitness);
        j["probe"] = pj;
    }
    j["cache"] = nlohmann::json::array();
    for (const auto& [k, f] : cache_)
        j["cache"].push_back({k, fit_json(f)});
    j["hall_of_fame"] = nlohmann::json::array();
    for (const auto& [k, e] : fame_)
        j["hall_of_fame"].push_back({e.formulas, fit_json(e.fitness), e.size, e.generation});
    j["history"] = nlohmann::json::array();
    for (const auto& h : history_)
        j["history"].push_back({h.generation, fit_json(h.champion_fitness), fit_json(h.mean_parent_fitness),
                                h.n_evaluations, h.n_cache_hits, h.n_silent, h.champion_formula});
    return j;
}

void Evolution::restore(const nlohmann::json& j, const std::string& where)
{
    try {
        if (j.at("format") != "plast-cgp-checkpoint-1") runtime_error(where, "not a plast CGP checkpoint");
        std::vector<std::string> sig;
        for (const auto& s : specs_)
            sig.push_back(s->signature());
        if (j.at("genome_layout").get<std::vector<std::string>>() != sig)
            config_error(where, "genome_layout",
                         "checkpoint was written for a different genome layout or primitive set",
                         sig.empty() ? "" : sig[0]);
        if (j.at("seed").get<std::uint64_t>() != cfg_.seed)
            config_error(where, "seed",
                         "checkpoint was written with seed " + std::to_string(j.at("seed").get<std::uint64_t>()),
                         std::to_string(cfg_.seed));
        // A cached rejection bound is not a score: without early rejection its rule's rows would read as
        // completed with an exact fitness.
        if (j.value("early_rejection", false) && !cfg_.early_rejection)
            config_error(where, "early_rejection",
                         "the checkpoint was written with early rejection (its cache holds upper bounds, not scores)",
                         "true: a run that used early rejection continues with it");
        // Checkpoints before the operator had a name used the per-gene mutation or the first reading of hal-cgp
        // 0.1.0's (only output changes counted), which no longer exists: the continuation is another evolution.
        const std::string op = j.value("mutation", cfg_.legacy_mutation_0_1_0 ? "hal-cgp-0.1.0-changes" : "per-gene");
        if (op != mutation_operator_name(cfg_))
            std::cerr << where << ": warning: the checkpoint's generations used the mutation operator '" << op
                      << "', the continuation uses '" << mutation_operator_name(cfg_)
                      << "': the resumed run is not the one an uninterrupted run gives\n";
        generation_ = j.at("generation").get<int>();
        next_id_ = j.at("next_id").get<long long>();
        n_evaluations_ = j.at("n_evaluations").get<long long>();
        n_cache_hits_ = j.at("n_cache_hits").get<long long>();
        n_silent_ = j.at("n_silent").get<long long>();
        parents_.clear();
        for (const auto& pj : j.at("parents")) {
            Individual ind;
            const auto& gs = pj.at("genomes");
            if (gs.size() != specs_.size()) runtime_error(where, "wrong number of genomes per individual");
            for (std::size_t g = 0; g < gs.size(); ++g)
                ind.genomes.emplace_back(specs_[g], gs[g].get<std::vector<int>>());
            ind.fitness = fit_from(pj.at("fitness"));
            ind.id = pj.at("id").get<long long>();
            ind.parent = pj.at("parent").get<long long>();
            parents_.push_back(std::move(ind));
        }
        if (static_cast<int>(parents_.size()) != cfg_.mu)
            config_error(where, "parents", "checkpoint holds " + std::to_string(parents_.size()) + " parents", "mu");
        probe_.reset();
        if (j.contains("probe")) { // absent in older checkpoints
            Individual ind;
            const auto& gs = j.at("probe").at("genomes");
            if (gs.size() != specs_.size()) runtime_error(where, "wrong number of genomes in the probe rule");
            for (std::size_t g = 0; g < gs.size(); ++g)
                ind.genomes.emplace_back(specs_[g], gs[g].get<std::vector<int>>());
            ind.fitness = fit_from(j.at("probe").at("fitness"));
            probe_ = std::move(ind);
        }
        cache_.clear();
        for (const auto& e : j.at("cache"))
            cache_[e.at(0).get<std::string>()] = fit_from(e.at(1));
        fame_.clear();
        for (const auto& e : j.value("hall_of_fame", nlohmann::json::array())) { // absent in older checkpoints
            FameEntry f;
            f.formulas = e.at(0).get<std::vector<std::string>>();
            f.fitness = fit_from(e.at(1));
            f.size = e.at(2).get<std::size_t>();
            f.generation = e.at(3).get<int>();
            std::string key;
            for (const auto& x : f.formulas)
                key += x + ";";
            fame_[key] = f;
        }
        history_.clear();
        for (const auto& h : j.at("history")) {
            GenerationRecord r;
            r.generation = h.at(0).get<int>();
            r.champion_fitness = fit_from(h.at(1));
            r.mean_parent_fitness = fit_from(h.at(2));
            r.n_evaluations = h.at(3).get<long long>();
            r.n_cache_hits = h.at(4).get<long long>();
            r.n_silent = h.at(5).get<long long>();
            r.champion_formula = h.at(6).get<std::vector<std::string>>();
            history_.push_back(r);
        }
    } catch (const nlohmann::json::exception& e) {
        runtime_error(where, std::string("malformed checkpoint: ") + e.what());
    }
    // Validate the cache against the objective: re-evaluate one rule it was simulated for (spec §5.6).
    auto same = [](double f, double s) {
        return f == s || (std::isinf(f) && std::isinf(s)) || std::fabs(f - s) <= 1e-9 * std::max(1.0, std::fabs(s));
    };
    if (probe_) {
        const double f = evaluate_one(*probe_);
        if (!same(f, probe_->fitness))
            runtime_error(where, "checkpoint does not match the task: its probe rule " + literal(phenotype(*probe_)) +
                                     " re-evaluates to " + std::to_string(f) + ", stored " +
                                     std::to_string(probe_->fitness) + " (different task settings or plast version?)");
    } else if (!parents_.empty()) {
        // Older checkpoints hold no probe: the champion, whose score may be another rule's from the
        // functional cache (see probe_), so a difference is reported, not refused.
        const double f = evaluate_one(champion());
        const double s = champion().fitness;
        if (!same(f, s))
            std::cerr << where << ": warning: the champion " << literal(phenotype(champion())) << " re-evaluates to " << f
                      << ", stored " << s
                      << " (its score may come from the cache under an equal rule; or the task settings changed)\n";
    }
}

void write_json_atomic(const std::string& path, const nlohmann::json& j)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp);
        if (!out) runtime_error(tmp, "cannot write");
        out << j.dump() << "\n";
        if (!out) runtime_error(tmp, "write failed");
    }
    std::filesystem::rename(tmp, path);
}

nlohmann::json read_json(const std::string& path)
{
    std::ifstream in(path);
    if (!in) usage_error(path, "cannot open checkpoint file");
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        runtime_error(path, std::string("malformed JSON: ") + e.what());
    }
}

} // namespace plast::cgp
