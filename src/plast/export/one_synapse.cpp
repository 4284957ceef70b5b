#include "plast/export/one_synapse.hpp"

#include "plast/core/error.hpp"
#include "plast/model/rule_table.hpp"
#include "plast/spiking/projection.hpp"

#include <algorithm>
#include <numeric>

namespace plast::exporter {

namespace {

// Spikes grouped by step: for each step the neurons spiking in it.
std::vector<std::vector<std::uint32_t>> by_step(const SpikeSteps& s, std::size_t n, long steps, const char* what)
{
    std::vector<std::vector<std::uint32_t>> out(static_cast<std::size_t>(steps));
    for (std::size_t k = 0; k < s.step.size(); ++k) {
        if (s.neuron[k] >= n) usage_error(what, "neuron " + std::to_string(s.neuron[k]) + " out of range", "0 .. " + std::to_string(n - 1));
        if (s.step[k] < 0 || s.step[k] >= steps)
            usage_error(what, "step " + std::to_string(s.step[k]) + " out of range", "0 .. " + std::to_string(steps - 1));
        auto& v = out[static_cast<std::size_t>(s.step[k])];
        if (std::find(v.begin(), v.end(), s.neuron[k]) == v.end()) v.push_back(s.neuron[k]);
    }
    for (auto& v : out) std::sort(v.begin(), v.end());
    return out;
}

} // namespace

std::vector<float> weight_trajectories(const model::Rule& rule, std::size_t n, const SpikeSteps& pre, const SpikeSteps& post,
                                       long steps, double w0, double w_max, double dt)
{
    if (n == 0 || steps <= 0) usage_error("--steps", "nothing to simulate", "at least one synapse and one step");
    spiking::Projection p("trajectory", n, n, spiking::Receptor::ampa, 1);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs(n);
    for (std::uint32_t k = 0; k < n; ++k) pairs[k] = {k, k};
    p.connect_pairs(pairs, static_cast<float>(w0));
    if (model::reads_post_neuron(rule)) usage_error("rule '" + rule.name + "'", "reads the postsynaptic neuron (V, V_trace, C_exc, C_inh): a lone synapse has none", "a rule over traces, w and parameters");
    model::install_rule(rule, p, w_max, dt);
    p.set_plastic(true);
    const auto a = by_step(pre, n, steps, "--pre"), b = by_step(post, n, steps, "--post");
    std::vector<float> g(n, 0.f), out;
    out.reserve(static_cast<std::size_t>(steps) * n);
    for (long s = 0; s < steps; ++s) {
        const auto& ap = a[static_cast<std::size_t>(s)];
        const auto& bp = b[static_cast<std::size_t>(s)];
        p.forward(ap, g.data());
        p.backward(bp);
        p.update_traces(ap, bp);
        const auto& w = p.weights();
        out.insert(out.end(), w.begin(), w.end());
    }
    return out;
}

} // namespace plast::exporter
