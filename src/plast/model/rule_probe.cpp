#include "plast/model/rule_probe.hpp"

#include "plast/core/error.hpp"
#include "plast/model/rule_table.hpp"
#include "plast/spiking/if_neuron.hpp"
#include "plast/spiking/projection.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace plast::model {

double drive_synapse(const Rule& r, const std::vector<long>& pre, const std::vector<long>& post, long steps, double w0,
                     double dt, double w_max, const NeuronValues* neuron)
{
    if (!(dt > 0) || !std::isfinite(dt)) usage_error("dt", "must be positive and finite: " + std::to_string(dt), "(0, inf)");
    if (steps < 0) usage_error("steps", "must not be negative: " + std::to_string(steps), "[0, inf)");
    if (!std::isfinite(w0)) usage_error("w0", "must be finite", "a finite number");
    if (!std::is_sorted(pre.begin(), pre.end()) || !std::is_sorted(post.begin(), post.end()))
        usage_error("spikes", "spike steps must be in ascending order", "ascending steps");
    spiking::Projection p("probe", 1, 1, spiking::Receptor::ampa, 1);
    p.connect_pairs({{0u, 0u}}, static_cast<float>(w0));
    install_rule(r, p, w_max, dt);
    p.set_plastic(true);
    spiking::IfState post_state;
    if (neuron) {
        post_state.resize(1, static_cast<float>(neuron->v), true);
        post_state.v_trace[0] = static_cast<float>(neuron->v_trace);
        post_state.c_exc[0] = static_cast<float>(neuron->c_exc);
        post_state.c_inh[0] = static_cast<float>(neuron->c_inh);
        p.set_post_state(&post_state);
    }
    float g = 0;
    const std::vector<std::uint32_t> one{0}, none;
    std::size_t a = 0, b = 0;
    for (long s = 0; s < steps; ++s) {
        bool ap = false, bp = false;
        while (a < pre.size() && pre[a] == s) ap = true, ++a; // one event per step and side
        while (b < post.size() && post[b] == s) bp = true, ++b;
        p.forward(ap ? one : none, &g);
        p.backward(bp ? one : none);
        p.update_traces(ap ? one : none, bp ? one : none);
    }
    return p.weights()[0];
}

} // namespace plast::model
