#include "plast/model/build.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
#include "plast/model/rule_table.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace plast::model {

namespace {

using Pairs = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

Pairs pairs_of(const Connect& c, std::size_t npre, std::size_t npost, bool same, std::uint64_t seed, std::uint64_t key)
{
    Pairs pairs;
    const bool no_self = same && !c.autapses;
    switch (c.kind) {
    case Connect::Kind::fixed_indegree: {
        const std::uint64_t n = npre - (no_self ? 1 : 0);
        pairs.reserve(c.k * npost);
        std::unordered_set<std::uint64_t> chosen;
        for (std::size_t j = 0; j < npost; ++j) {
            rng::Stream r(seed, "connect_indegree", key, j);
            chosen.clear();
            // Floyd: k distinct values of [0, n) in k draws.
            for (std::uint64_t t = n - c.k; t < n; ++t) {
                const std::uint64_t v = r.below(t + 1);
                chosen.insert(chosen.count(v) ? t : v);
            }
            for (std::uint64_t v : chosen) {
                const std::uint64_t i = no_self && v >= j ? v + 1 : v; // skip j itself
                pairs.emplace_back(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j));
            }
        }
        break;
    }
    case Connect::Kind::all_to_all:
        pairs.reserve(npre * npost);
        for (std::size_t i = 0; i < npre; ++i)
            for (std::size_t j = 0; j < npost; ++j)
                if (!(no_self && i == j)) pairs.emplace_back(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j));
        break;
    case Connect::Kind::one_to_one:
        for (std::size_t i = 0; i < npre; ++i) pairs.emplace_back(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i));
        break;
    case Connect::Kind::receptive_field: {
        const auto g = static_cast<std::int64_t>(std::llround(std::sqrt(static_cast<double>(npre))));
        for (std::size_t j = 0; j < npost; ++j) {
            rng::Stream r(seed, "rf_centre", key, j);
            const double cx = r.uniform(0.0, static_cast<double>(g)), cy = r.uniform(0.0, static_cast<double>(g));
            add_receptive_field(cx, cy, g, c.radius, static_cast<std::uint32_t>(j), pairs);
        }
        break;
    }
    case Connect::Kind::list:
    case Connect::Kind::bernoulli: break;
    }
    return pairs;
}

void draw_weights(spiking::Projection& p, const WeightInit& w, double w_max, std::uint64_t seed, std::uint64_t key)
{
    auto& ws = p.weights();
    const auto& row = p.row_ptr();
    for (std::size_t i = 0; i + 1 < row.size(); ++i) {
        rng::Stream r(seed, "weight", key, i);
        for (std::uint32_t s = row[i]; s < row[i + 1]; ++s) {
            double x = 0;
            switch (w.dist) {
            case WeightInit::Dist::constant: x = w.a; break;
            case WeightInit::Dist::uniform: x = r.uniform(w.a, w.b); break;
            case WeightInit::Dist::normal: x = r.normal(w.a, w.b); break;
            case WeightInit::Dist::lognormal: x = std::exp(r.normal(w.a, w.b)); break;
            }
            ws[s] = static_cast<float>(std::clamp(x, 0.0, w_max));
        }
    }
}

} // namespace

void add_receptive_field(double cx, double cy, std::int64_t g, double radius, std::uint32_t post,
                         std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs)
{
    const double r2 = radius * radius;
    const auto y0 = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(cy - radius)));
    const auto y1 = std::min<std::int64_t>(g - 1, static_cast<std::int64_t>(std::ceil(cy + radius)));
    const auto x0 = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(cx - radius)));
    const auto x1 = std::min<std::int64_t>(g - 1, static_cast<std::int64_t>(std::ceil(cx + radius)));
    for (auto y = y0; y <= y1; ++y)
        for (auto x = x0; x <= x1; ++x) {
            const double dx = static_cast<double>(x) - cx, dy = static_cast<double>(y) - cy;
            if (dx * dx + dy * dy < r2) pairs.emplace_back(static_cast<std::uint32_t>(y * g + x), post);
        }
}

Built build(const Model& m, std::uint64_t seed)
{
    Built b;
    b.net = std::make_unique<spiking::Network>(m.dt, seed);
    spiking::Network& net = *b.net;
    for (const auto& p : m.populations) {
        if (p.kind == Population::Kind::neuron) {
            const auto g = net.add_group(p.name, p.size, p.neuron);
            if (p.v_init) net.group(g).randomize_v(p.v_init->first, p.v_init->second, seed, p.stream_key);
            if (p.g_exc_init || p.g_inh_init) {
                rng::Stream r(seed, "initial_g", p.stream_key);
                auto& st = net.group(g).state();
                for (std::size_t n = 0; n < st.v.size(); ++n) {
                    if (p.g_exc_init) st.g_ampa[n] = static_cast<float>(std::max(0.0, r.normal(p.g_exc_init->first, p.g_exc_init->second)));
                    if (p.g_inh_init) st.g_gaba[n] = static_cast<float>(std::max(0.0, r.normal(p.g_inh_init->first, p.g_inh_init->second)));
                }
            }
            b.populations[p.name] = {false, g};
        } else {
            const auto in = net.add_input(p.name, p.size, p.kind == Population::Kind::poisson ? p.rate : 0.0, p.stream_key);
            if (p.kind == Population::Kind::spike_file) {
                std::vector<std::pair<std::uint64_t, std::uint32_t>> sched;
                for (const auto& [t, n] : p.spikes) sched.emplace_back(static_cast<std::uint64_t>(std::llround(t / m.dt)), n);
                net.input(in).set_schedule(std::move(sched));
            }
            b.populations[p.name] = {true, in};
        }
    }
    for (const auto& s : m.stimuli) {
        const auto src = b.populations.at(s.population);
        b.stimuli[s.name] = {src.index, net.input(src.index).add_pattern(s.indices, s.rate)};
    }
    for (const auto& pd : m.projections) {
        const auto pre = b.populations.at(pd.pre);
        const auto post = b.populations.at(pd.post);
        const std::size_t npre = m.population(pd.pre)->size, npost = m.population(pd.post)->size;
        const int d = static_cast<int>(std::llround(pd.delay / m.dt));
        spiking::Projection pr(pd.name, npre, npost, pd.inhibitory ? spiking::Receptor::gaba : spiking::Receptor::ampa, d);
        const bool same = pd.pre == pd.post;
        // Plastic weights live in [0, w_max]; a static weight is used as given.
        const float w0 = static_cast<float>(pd.rule != "static" ? std::min(pd.weight.a, pd.w_max) : pd.weight.a);
        if (pd.connect.kind == Connect::Kind::bernoulli)
            pr.connect_random(pd.connect.p, same && !pd.connect.autapses, w0, seed, pd.stream_key);
        else if (pd.connect.kind == Connect::Kind::list)
            pr.connect_pairs(pd.connect.pairs, w0);
        else
            pr.connect_pairs(pairs_of(pd.connect, npre, npost, same, seed, pd.stream_key), w0);
        if (pd.weight.dist != WeightInit::Dist::constant) draw_weights(pr, pd.weight, pd.w_max, seed, pd.stream_key);
        if (!pd.connect.pair_weights.empty()) {
            // Explicit weights follow the file's rows; storage is sorted by (pre, post).
            std::vector<std::pair<std::pair<std::uint32_t, std::uint32_t>, float>> rows;
            for (std::size_t k = 0; k < pd.connect.pairs.size(); ++k) rows.push_back({pd.connect.pairs[k], pd.connect.pair_weights[k]});
            std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& c) { return a.first < c.first; });
            for (std::size_t k = 0; k < rows.size(); ++k)
                pr.weights()[k] = std::clamp(rows[k].second, 0.f, static_cast<float>(pd.w_max));
        }
        if (pd.rule != "static") {
            Rule r = m.rules.at(pd.rule);
            // The MLP and product21 rules read the reference's C_inh sign whatever the CVAIF update of
            // their target (product21: unless c_inh = "stored").
            const auto* post_pop = m.population(pd.post);
            const bool ref_sign = post_pop->neuron.cvaif_update == spiking::IfParams::CvaifUpdate::reference;
            if (r.mlp_t4 && ref_sign) r.mlp_t4->scaling.c_inh_sign = 1.0;
            if (r.product21) r.product21->set_post_c_inh_sign(ref_sign);
            install_rule(r, pr, pd.w_max, m.dt);
        }
        pr.set_plastic(pd.plastic);
        b.projections[pd.name] = net.add_projection(std::move(pr), pre, post.index);
    }
    spiking::RateGuard g;
    g.enabled = m.guard.enabled;
    if (m.guard.enabled) {
        g.group = b.populations.at(m.guard.population).index;
        g.tau = m.guard.tau;
        g.r_min = m.guard.min;
        g.r_max = m.guard.max;
        g.rate = 0.5 * (m.guard.min + m.guard.max);
        double d = m.guard.delay;
        if (d < 0) {
            d = 0;
            for (const auto& p : m.projections)
                if (p.pre == m.guard.population) {
                    d = p.delay;
                    break;
                }
        }
        g.delay = static_cast<int>(std::llround(d / m.dt));
        g.start = m.guard.start_measured ? spiking::RateGuard::Start::measured : spiking::RateGuard::Start::midpoint;
    }
    net.set_rate_guard(g);
    return b;
}

} // namespace plast::model
