#include "plast/model/fsbi_model.hpp"

#include "plast/core/connection_types.hpp"

#include <algorithm>

namespace plast::model {

Model fsbi_model(const spiking::FsbiConfig& c)
{
    Model m;
    m.source = "fSBI network";
    m.dt = c.dt;
    auto pop = [&](const std::string& name, std::size_t n, Population::Kind kind, std::uint64_t key) {
        Population p;
        p.name = name;
        p.kind = kind;
        p.size = p.size_unscaled = n;
        p.neuron = c.neuron;
        p.rate = c.input_rate;
        p.stream_key = key;
        m.populations.push_back(p);
    };
    pop("E", c.exc(), Population::Kind::neuron, rng_key("E"));
    pop("I", c.inh(), Population::Kind::neuron, rng_key("I"));
    pop("input", c.inputs(), Population::Kind::poisson, 0);
    const double prec = std::min(1.0, c.p_rec / c.scale), pin = std::min(1.0, c.p_input / c.scale);
    auto proj = [&](const std::string& name, const std::string& pre, const std::string& post, double p, double w, bool inh,
                    std::uint64_t key) {
        Projection pr;
        pr.name = name;
        pr.pre = pre;
        pr.post = post;
        pr.connect.p = p;
        pr.weight.a = w;
        pr.delay = c.delay;
        pr.inhibitory = inh;
        pr.w_max = c.w_max;
        pr.stream_key = key;
        pr.plastic = false;
        m.projections.push_back(pr);
    };
    proj("input_E", "input", "E", pin, c.w_input, false, 10);
    proj("input_I", "input", "I", pin, c.w_input, false, 11);
    const std::array<const char*, 4> pre{"E", "E", "I", "I"}, post{"E", "I", "E", "I"};
    const std::array<double, 4> w0{c.w_ee, c.w_ei, c.w_ie, c.w_ii};
    for (std::size_t k = 0; k < 4; ++k) {
        const std::string name = connection_types[k];
        proj(name, pre[k], post[k], prec, w0[k], k >= 2, 20 + k);
        Rule r;
        r.name = "rule_" + name;
        r.eta = c.eta;
        if (c.product21[k]) {
            r.family = Rule::Family::product21;
            r.product21 = *c.product21[k];
        } else if (c.expressions[k]) {
            r.family = Rule::Family::expression;
            r.on_pre = c.expressions[k]->on_pre;
            r.on_post = c.expressions[k]->on_post;
            r.tau_pre = c.rules[k].tau_pre;
            r.tau_post = c.rules[k].tau_post;
        } else {
            r.family = Rule::Family::six_param; // also the "static" preset: a zero rule, switched off
            r.six = c.rules[k];
        }
        m.rules[r.name] = r;
        m.projections.back().rule = r.name;
        m.projections.back().plastic = c.plastic[k];
    }
    m.guard.enabled = true;
    m.guard.population = "E";
    m.guard.min = c.guard_min;
    m.guard.max = c.guard_max;
    m.guard.delay = c.delay; // Auryn's RateChecker counts the delayed (arriving) spikes of the group
    m.guard.start_measured = c.guard_start == spiking::RateGuard::Start::measured;
    return m;
}

} // namespace plast::model
