#include "plast/memory/memory_models.hpp"

#include "plast/core/rng.hpp"
#include "plast/model/build.hpp"
#include "plast/model/fsbi_model.hpp"
#include "plast/model/rule_table.hpp"

namespace plast::memory {

namespace {

constexpr std::uint64_t golden = 0x9e3779b97f4a7c15ull;

std::vector<std::uint32_t> range_indices(std::int64_t a, std::int64_t b)
{
    std::vector<std::uint32_t> v;
    for (std::int64_t i = a; i < b; ++i) v.push_back(static_cast<std::uint32_t>(i));
    return v;
}

// Receptive-field pairs (input, neuron) for n neurons, all centres from one stream
// (seed, "rf_centres", key, run) in neuron order.
std::vector<std::pair<std::uint32_t, std::uint32_t>> rf_pairs(std::size_t n, int grid, double radius, std::uint64_t seed,
                                                              std::uint64_t key, std::uint64_t run)
{
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
    rng::Stream r(seed, "rf_centres", key, run);
    for (std::size_t j = 0; j < n; ++j) {
        const double cx = r.uniform(0, grid), cy = r.uniform(0, grid);
        model::add_receptive_field(cx, cy, grid, radius, static_cast<std::uint32_t>(j), pairs);
    }
    return pairs;
}

model::Population poisson(const std::string& name, std::size_t n, double rate, std::uint64_t key)
{
    model::Population p;
    p.name = name;
    p.kind = model::Population::Kind::poisson;
    p.size = p.size_unscaled = n;
    p.rate = rate;
    p.stream_key = key;
    return p;
}

model::Projection projection(const std::string& name, const std::string& pre, const std::string& post, double w, double delay,
                             bool inhibitory)
{
    model::Projection p;
    p.name = name;
    p.pre = pre;
    p.post = post;
    p.weight.a = w;
    p.delay = delay;
    p.inhibitory = inhibitory;
    p.plastic = false;
    return p;
}

void add_stimulus(model::Model& m, const std::string& name, const std::string& pop, std::vector<std::uint32_t> idx, double rate)
{
    model::Stimulus s;
    s.name = name;
    s.population = pop;
    s.indices = std::move(idx);
    s.rate = rate;
    m.stimuli.push_back(std::move(s));
}

} // namespace

std::uint64_t run_seed(std::uint64_t seed, std::uint64_t run) { return seed ^ (golden * (run + 1)); }

model::Model bnd_model(const BndConfig& c, std::uint64_t seed, std::uint64_t run)
{
    auto fs = c.net;
    fs.n_input = 1; // the fSBI background input is replaced by receptive-field inputs
    fs.w_input = 0;
    fs.input_rate = 0;
    model::Model m = model::fsbi_model(fs);
    m.source = "BND memory network";
    const std::size_t n_in = static_cast<std::size_t>(c.grid) * static_cast<std::size_t>(c.grid);
    m.populations.push_back(poisson("stimulus", n_in, c.background, 100));
    m.populations.push_back(poisson("background_I", n_in, c.background, 101));
    add_stimulus(m, "novel", "stimulus", range_indices(c.novel[0], c.novel[1]), c.extra);
    add_stimulus(m, "familiar", "stimulus", range_indices(c.familiar[0], c.familiar[1]), c.extra);
    const std::size_t ne = m.population("E")->size, ni = m.population("I")->size;
    auto rf = [&](const std::string& name, const std::string& pre, const std::string& post, std::size_t n, std::uint64_t key) {
        auto p = projection(name, pre, post, c.w_rf, fs.delay, false);
        p.connect.kind = model::Connect::Kind::list;
        p.connect.pairs = rf_pairs(n, c.grid, c.rf_radius, seed, key, run);
        p.stream_key = model::rng_key(name);
        m.projections.push_back(std::move(p));
    };
    rf("rf_E", "stimulus", "E", ne, 0);
    rf("rf_I", "background_I", "I", ni, 1);
    return m;
}

model::Model feedforward_model(const FeedForwardConfig& c)
{
    model::Model m;
    m.source = "feed-forward memory network";
    m.dt = c.dt;
    model::Population out;
    out.name = "out";
    out.size = out.size_unscaled = 1;
    out.neuron = c.neuron;
    out.stream_key = model::rng_key("out");
    m.populations.push_back(out);
    m.populations.push_back(poisson("E_inputs", c.n_exc, c.rate, 0));
    m.populations.push_back(poisson("I_inputs", c.n_inh, c.rate, 1));
    const auto pe = static_cast<std::int64_t>(c.pattern_exc), pi = static_cast<std::int64_t>(c.pattern_inh);
    add_stimulus(m, "novel_E", "E_inputs", range_indices(pe, 2 * pe), c.pattern_rate_exc - c.rate);
    add_stimulus(m, "novel_I", "I_inputs", range_indices(pi, 2 * pi), c.pattern_rate_inh - c.rate);
    add_stimulus(m, "familiar_E", "E_inputs", range_indices(0, pe), c.pattern_rate_exc - c.rate);
    add_stimulus(m, "familiar_I", "I_inputs", range_indices(0, pi), c.pattern_rate_inh - c.rate);
    auto e = projection("E_out", "E_inputs", "out", c.w_exc, c.delay, false);
    e.connect.kind = model::Connect::Kind::all_to_all;
    m.projections.push_back(e);
    auto i = projection("IE", "I_inputs", "out", c.w_inh, c.delay, true);
    i.connect.kind = model::Connect::Kind::all_to_all;
    i.w_max = c.w_max;
    i.rule = "rule_IE";
    i.plastic = true;
    m.projections.push_back(i);
    model::Rule r;
    r.name = "rule_IE";
    r.family = model::Rule::Family::six_param;
    r.six = c.rule;
    r.eta = c.eta;
    m.rules[r.name] = r;
    m.guard.enabled = false; // a single neuron's rate is too noisy for the population guard
    return m;
}

} // namespace plast::memory
