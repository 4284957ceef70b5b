// The Brian2 script of a whole model file (brian2.hpp).
#include "plast/export/brian2.hpp"

#include "plast/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace plast::exporter {

namespace {

[[noreturn]] void script_cannot(const std::string& what, const std::string& feature)
{
    throw Error(Error::Kind::usage, "export", what,
                "uses " + feature + ", which the brian2 script export cannot express yet",
                "if / tif / cvaif / poisson / spike_file populations, bernoulli / fixed_indegree / all_to_all / one_to_one / "
                "receptive_field / list projections, "
                "stimuli; phases with duration, repeat, rates, stimuli, schedule, plastic, record, snapshot, restore; spikes / rate / weights / state monitors");
}

std::string n(double x)
{
    return number_text(x);
}

std::string py_list(const std::vector<std::string>& v)
{
    std::string o = "[";
    for (std::size_t k = 0; k < v.size(); ++k) o += (k ? ", " : "") + std::string("\"") + v[k] + "\"";
    return o + "]";
}

} // namespace

std::string brian2_model_script(const model::Model& m, const std::vector<ExportRule>& rules, const std::string& file,
                                const std::string& header)
{
    using P = model::Population;
    // Check first: everything the script cannot write yet is an error naming it.
    for (const auto& p : m.populations) {
        if (p.kind == P::Kind::neuron && p.neuron.nmda_update != spiking::IfParams::NmdaUpdate::auryn)
            script_cannot("population '" + p.name + "'", "nmda_update = \"euler\"");
    }

    std::ostringstream o;
    o << "#!/usr/bin/env python3\n"
      << brian2_rule_module(rules, header)
      << "\n\n"
      << "# ======== the model " << file << " ========\n"
      << "# Run: python3 THIS.py [--seed S] [--out spikes.npz] [--target numpy|cython]\n"
      << "# Neurons (docs/model.md): conductance-based IF with dimensionless conductances (leak units), per step:\n"
      << "#   1. currents from the state at the start of the step; 2. g_nmda <- (1 - m)(g_nmda + m g_ampa),\n"
      << "#   m = 1 - exp(-dt/tau_nmda); 3. g_ampa, g_gaba decay exactly; 4. V by forward Euler; 5. V clipped to\n"
      << "#   [e_inh, 0]; 6. theta decays exactly, then the threshold test V > v_th_base + theta, reset V = v_reset,\n"
      << "#   theta = v_th_spike (tif: theta stays 0, V held at v_reset while refractory). Spikes arriving in a\n"
      << "#   step act from the next step on (the synapses run after the neuron update, as in plast).\n"
      << "# Poisson inputs fire with probability rate*dt per step. Random streams differ from plast's: the same\n"
      << "# model, not the same spikes; compare statistics over seeds.\n"
      << "import argparse\n"
      << "import numpy as np\n"
      << "from brian2 import (NeuronGroup, SpikeGeneratorGroup, Synapses, SpikeMonitor, StateMonitor, Network, defaultclock, prefs, seed,\n"
      << "                    second, ms, Hz)\n\n"
      << "ap = argparse.ArgumentParser()\n"
      << "ap.add_argument(\"--seed\", type=int, default=1)\n"
      << "ap.add_argument(\"--out\", default=\"brian2_run.npz\")\n"
      << "ap.add_argument(\"--target\", default=\"numpy\", choices=[\"numpy\", \"cython\"])\n"
      << "args = ap.parse_args()\n"
      << "prefs.codegen.target = args.target\n"
      << "seed(args.seed)\n"
      << "rng = np.random.default_rng(args.seed)\n"
      << "defaultclock.dt = " << n(m.dt) << " * second\n\n"
      << "IF_MODEL = \"\"\"\n"
      << "v : 1\ng_ampa : 1\ng_nmda : 1\ng_gaba : 1\ntheta : 1\nrefractory_left : 1\n"
      << "tau_m : second (constant)\nv_rest : 1 (constant)\nv_reset : 1 (constant)\ne_exc : 1 (constant)\n"
      << "e_inh : 1 (constant)\nv_th_base : 1 (constant)\nv_th_spike : 1 (constant)\ntau_thr : second (constant)\n"
      << "tau_ampa : second (constant)\ntau_gaba : second (constant)\ntau_nmda : second (constant)\n"
      << "a_ampa : 1 (constant)\nrefractory_steps : 1 (constant)\n\"\"\"\n"
      << "# One step of the neuron update, in plast's order (statements run top to bottom).\n"
      << "IF_STEP = \"\"\"\n"
      << "ge = a_ampa*g_ampa + (1 - a_ampa)*g_nmda\n"
      << "current = (v_rest - v) + ge*(e_exc - v) + g_gaba*(e_inh - v)\n"
      << "g_nmda = exp(-dt/tau_nmda)*(g_nmda + (1 - exp(-dt/tau_nmda))*g_ampa)\n"
      << "g_ampa = g_ampa*exp(-dt/tau_ampa)\n"
      << "g_gaba = g_gaba*exp(-dt/tau_gaba)\n"
      << "v = clip(v + dt/tau_m*current, e_inh, 0)\n"
      << "v = v*int(refractory_left <= 0) + v_reset*int(refractory_left > 0)\n"
      << "refractory_left = refractory_left - 1\n"
      << "theta = theta*exp(-dt/tau_thr)\n"
      << "\"\"\"\n\n"
      << "def if_group(n, name, has_nmda, has_theta, **p):\n"
      << "    \"\"\"IF (has_nmda, has_theta) or TIF neurons; p: the neuron parameters (mV, s).\"\"\"\n"
      << "    g = NeuronGroup(n, IF_MODEL, threshold=\"v > v_th_base + theta\",\n"
      << "                    reset=\"v = v_reset\\ntheta = \" + (\"v_th_spike\" if has_theta else \"0\") + \"\\nrefractory_left = refractory_steps\",\n"
      << "                    name=name)\n"
      << "    g.run_regularly(IF_STEP.replace(\"ge = a_ampa*g_ampa + (1 - a_ampa)*g_nmda\", \"ge = g_ampa\") if not has_nmda else IF_STEP,\n"
      << "                    when=\"groups\", name=name + \"_step\")\n"
      << "    for k, val in p.items():\n"
      << "        setattr(g, k, val * second if k.startswith(\"tau\") else val)\n"
      << "    g.v = p[\"v_rest\"]\n"
      << "    return g\n\n"
      << "# CVAIF neurons (model = cvaif): the IF neuron plus an adaptation conductance and three low-pass traces\n"
      << "# read by rules (v_trace, c_exc, c_inh, mV), in plast's order: currents from the start-of-step state, g_nmda,\n"
      << "# exact decays, forward Euler V, clip, theta decay, threshold test and reset (V, theta, g_adapt) inside\n"
      << "# the step, then the traces by forward Euler from this step's V (after the reset) and current terms.\n"
      << "# The spike is flagged in `spiked` and emitted by Brian2's threshold (no reset statement).\n"
      << "CVAIF_MODEL = IF_MODEL + \"\"\"\n"
      << "g_adapt : 1\nv_trace : 1\nc_exc : 1\nc_inh : 1\nspiked : 1\ntau_adapt : second (constant)\n"
      << "adapt_increment : 1 (constant)\ntau_vtrace : second (constant)\ntau_cexc : second (constant)\ntau_cinh : second (constant)\n\"\"\"\n"
      << "CVAIF_STEP = \"\"\"\n"
      << "ge = a_ampa*g_ampa + (1 - a_ampa)*g_nmda\n"
      << "i_exc = ge*(e_exc - v)\n"
      << "i_inh = (g_gaba + g_adapt)*(e_inh - v)\n"
      << "current = (v_rest - v) + i_exc + i_inh\n"
      << "g_nmda = exp(-dt/tau_nmda)*(g_nmda + (1 - exp(-dt/tau_nmda))*g_ampa)\n"
      << "g_ampa = g_ampa*exp(-dt/tau_ampa)\n"
      << "g_gaba = g_gaba*exp(-dt/tau_gaba)\n"
      << "g_adapt = g_adapt*exp(-dt/tau_adapt)\n"
      << "v = clip(v + dt/tau_m*current, e_inh, 0)\n"
      << "theta = theta*exp(-dt/tau_thr)\n"
      << "spiked = int(v > v_th_base + theta)\n"
      << "v = v*int(spiked < 0.5) + v_reset*int(spiked > 0.5)\n"
      << "theta = theta*int(spiked < 0.5) + v_th_spike*int(spiked > 0.5)\n"
      << "g_adapt = g_adapt + adapt_increment*spiked\n"
      << "v_trace = v_trace + dt/tau_vtrace*(v - v_trace)\n"
      << "c_exc = c_exc + dt/tau_cexc*(i_exc - c_exc)\n"
      << "c_inh = c_inh + dt/tau_cinh*(i_inh - c_inh)\n"
      << "\"\"\"\n\n"
      << "# cvaif_update = \"reference\" (the fSBI code's CVAIFGroup order): decays first, g_nmda from the decayed g_ampa\n"
      << "# with the factor dt/tau_nmda, currents from the decayed conductances and the start-of-step V, c_inh's input\n"
      << "# (g_gaba + g_adapt)(v - e_inh) POSITIVE, the traces (v_trace from the start-of-step V), then theta, V, clip,\n"
      << "# threshold test, reset and adaptation.\n"
      << "CVAIF_REF_STEP = \"\"\"\n"
      << "g_ampa = g_ampa*exp(-dt/tau_ampa)\n"
      << "g_gaba = g_gaba*exp(-dt/tau_gaba)\n"
      << "g_adapt = g_adapt*exp(-dt/tau_adapt)\n"
      << "g_nmda = (1 - dt/tau_nmda)*(g_nmda + dt/tau_nmda*g_ampa)\n"
      << "i_exc = (a_ampa*g_ampa + (1 - a_ampa)*g_nmda)*(e_exc - v)\n"
      << "i_inh = (g_gaba + g_adapt)*(v - e_inh)\n"
      << "c_exc = c_exc + dt/tau_cexc*(i_exc - c_exc)\n"
      << "c_inh = c_inh + dt/tau_cinh*(i_inh - c_inh)\n"
      << "v_trace = v_trace + dt/tau_vtrace*(v - v_trace)\n"
      << "theta = theta*exp(-dt/tau_thr)\n"
      << "v = clip(v + dt/tau_m*((v_rest - v) + i_exc - i_inh), e_inh, 0)\n"
      << "spiked = int(v > v_th_base + theta)\n"
      << "v = v*int(spiked < 0.5) + v_reset*int(spiked > 0.5)\n"
      << "theta = theta*int(spiked < 0.5) + v_th_spike*int(spiked > 0.5)\n"
      << "g_adapt = g_adapt + adapt_increment*spiked\n"
      << "\"\"\"\n\n"
      << "def cvaif_group(n, name, reference=False, **p):\n"
      << "    g = NeuronGroup(n, CVAIF_MODEL, threshold=\"spiked > 0.5\", name=name)\n"
      << "    g.run_regularly(CVAIF_REF_STEP if reference else CVAIF_STEP, when=\"groups\", name=name + \"_step\")\n"
      << "    for k, val in p.items():\n"
      << "        setattr(g, k, val * second if k.startswith(\"tau\") else val)\n"
      << "    g.v = p[\"v_rest\"]\n"
      << "    g.v_trace = p[\"v_rest\"]  # as plast: V_trace starts at V_rest (also when v_init draws V)\n"
      << "    return g\n\n"
      << "def spike_file_group(n, neurons, steps, name):\n"
      << "    \"\"\"The spikes of a spike file, at the steps plast puts them (round(time/dt)).\"\"\"\n"
      << "    return SpikeGeneratorGroup(n, np.asarray(neurons, dtype=int), np.asarray(steps, dtype=float) * defaultclock.dt, name=name)\n\n"
      << "def poisson_group(n, rate, name):\n"
      << "    g = NeuronGroup(n, \"rate : Hz\", threshold=\"rand() < rate*dt\", name=name)\n"
      << "    g.rate = rate * Hz\n"
      << "    return g\n\n"
      << "def receptive_fields(n_pre, n_post, radius):\n"
      << "    \"\"\"plast's geometry (own draws): the presynaptic population is a g x g grid (index y*g + x); each\n"
      << "    postsynaptic neuron draws a centre uniformly in [0, g)^2 and connects to every grid point closer than radius.\"\"\"\n"
      << "    g = int(round(np.sqrt(n_pre)))\n"
      << "    pre, post = [], []\n"
      << "    for j in range(n_post):\n"
      << "        cx, cy = rng.uniform(0, g, 2)\n"
      << "        ys = np.arange(max(0, int(np.floor(cy - radius))), min(g - 1, int(np.ceil(cy + radius))) + 1)\n"
      << "        xs = np.arange(max(0, int(np.floor(cx - radius))), min(g - 1, int(np.ceil(cx + radius))) + 1)\n"
      << "        X, Y = np.meshgrid(xs, ys)\n"
      << "        inside = (X - cx) ** 2 + (Y - cy) ** 2 < radius ** 2\n"
      << "        pre.append((Y * g + X)[inside])\n"
      << "        post.append(np.full(int(inside.sum()), j))\n"
      << "    return np.concatenate(pre).astype(int), np.concatenate(post).astype(int)\n\n"
      << "def draw_weights(dist, a, b, size, w_max):\n"
      << "    w = {\"constant\": lambda: np.full(size, a), \"uniform\": lambda: rng.uniform(a, b, size),\n"
      << "         \"normal\": lambda: rng.normal(a, b, size), \"lognormal\": lambda: rng.lognormal(a, b, size)}[dist]()\n"
      << "    return np.clip(w, 0, w_max)\n\n"
      << "groups, synapses, monitors, rate_bins = {}, {}, {}, {}\n";
    for (const auto& p : m.populations) {
        o << "\n# population '" << p.name << "' (" << p.where << ")\n";
        if (p.kind == P::Kind::poisson) {
            o << "groups[\"" << p.name << "\"] = poisson_group(" << p.size << ", " << n(p.rate) << ", \"" << p.name << "\")\n";
            continue;
        }
        if (p.kind == P::Kind::spike_file) {
            // Steps as plast schedules them (round(time/dt)); one spike per neuron and step.
            std::vector<std::pair<long long, std::uint32_t>> ev;
            for (const auto& [t, k] : p.spikes) ev.emplace_back(std::llround(t / m.dt), k);
            std::sort(ev.begin(), ev.end());
            ev.erase(std::unique(ev.begin(), ev.end()), ev.end());
            std::string neurons, steps;
            for (std::size_t k = 0; k < ev.size(); ++k) {
                if (k) neurons += ", ", steps += ", ";
                neurons += std::to_string(ev[k].second);
                steps += std::to_string(ev[k].first);
            }
            o << "groups[\"" << p.name << "\"] = spike_file_group(" << p.size << ", [" << neurons << "],\n    [" << steps << "], \"" << p.name << "\")\n";
            continue;
        }
        const auto& q = p.neuron;
        const bool tif = q.model == spiking::IfParams::Model::tif;
        const bool cvaif = q.model == spiking::IfParams::Model::cvaif;
        const double r = q.ampa_nmda_ratio;
        if (cvaif)
            o << "groups[\"" << p.name << "\"] = cvaif_group(" << p.size << ", \"" << p.name << "\", reference="
              << (q.cvaif_update == spiking::IfParams::CvaifUpdate::reference ? "True" : "False") << ",\n"
              << "    tau_adapt=" << n(q.tau_adapt) << ", adapt_increment=" << n(q.adapt_increment) << ", tau_vtrace=" << n(q.tau_vtrace)
              << ", tau_cexc=" << n(q.tau_cexc) << ", tau_cinh=" << n(q.tau_cinh) << ",\n";
        else
            o << "groups[\"" << p.name << "\"] = if_group(" << p.size << ", \"" << p.name << "\", has_nmda=" << (tif ? "False" : "True")
              << ", has_theta=" << (tif ? "False" : "True") << ",\n";
        o
          << "    tau_m=" << n(q.tau_m) << ", v_rest=" << n(q.v_rest) << ", v_reset=" << n(q.v_reset) << ", e_exc=" << n(q.e_exc)
          << ", e_inh=" << n(q.e_inh) << ", v_th_base=" << n(q.v_th_base) << ", v_th_spike=" << n(q.v_th_spike) << ",\n"
          << "    tau_thr=" << n(q.tau_thr) << ", tau_ampa=" << n(q.tau_ampa) << ", tau_gaba=" << n(q.tau_gaba) << ", tau_nmda=" << n(q.tau_nmda)
          << ", a_ampa=" << n(r / (r + 1)) << ", refractory_steps=" << static_cast<long>(std::llround(q.refractory / m.dt)) << ")\n";
        if (p.v_init) o << "groups[\"" << p.name << "\"].v = rng.uniform(" << n(p.v_init->first) << ", " << n(p.v_init->second) << ", " << p.size << ")\n";
        if (p.g_exc_init)
            o << "groups[\"" << p.name << "\"].g_ampa = np.clip(rng.normal(" << n(p.g_exc_init->first) << ", " << n(p.g_exc_init->second) << ", " << p.size << "), 0, None)\n";
        if (p.g_inh_init)
            o << "groups[\"" << p.name << "\"].g_gaba = np.clip(rng.normal(" << n(p.g_inh_init->first) << ", " << n(p.g_inh_init->second) << ", " << p.size << "), 0, None)\n";
    }
    static const char* dists[] = {"constant", "uniform", "normal", "lognormal"};
    for (const auto& pr : m.projections) {
        using C = model::Connect::Kind;
        const std::string transmit = pr.inhibitory ? "g_gaba_post += w" : "g_ampa_post += w";
        o << "\n# projection '" << pr.name << "' " << pr.pre << " -> " << pr.post << " (" << pr.where << "), rule " << pr.rule << "\n";
        std::string rule_id;
        for (const auto& r : rules)
            if (r.rule.name == pr.rule) rule_id = r.name;
        if (pr.rule == "static" || rule_id.empty())
            o << "S = Synapses(groups[\"" << pr.pre << "\"], groups[\"" << pr.post << "\"], \"w : 1\", on_pre=\"" << transmit
              << "\", delay=" << n(pr.delay) << " * second, name=\"" << pr.name << "\")\n";
        else
            o << "S = make_synapses(RULES[\"" << rule_id << "\"], groups[\"" << pr.pre << "\"], groups[\"" << pr.post << "\"], w_max="
              << n(pr.w_max) << ", transmit=\"" << transmit << "\", delay=" << n(pr.delay) << " * second, name=\"" << pr.name << "\")\n";
        // product21 and mlp_t4 read the reference's (positive) C_inh: a reference-update target stores it so already.
        if (const auto* post = m.population(pr.post);
            !rule_id.empty() && post && post->neuron.cvaif_update == spiking::IfParams::CvaifUpdate::reference) {
            const auto& rr = m.rules.at(pr.rule);
            if (rr.product21)
                o << "S.namespace[\"s_ci\"] = " << n(rr.product21->scaling.c) << "  # the target stores the reference's C_inh sign\n";
            if (rr.mlp_t4)
                o << "S.namespace[\"s_c_inh\"] = " << n(rr.mlp_t4->scaling.c_inh) << "  # the target stores the reference's C_inh sign\n";
        }
        const bool same = pr.pre == pr.post && !pr.connect.autapses;
        switch (pr.connect.kind) {
        case C::bernoulli: o << "S.connect(" << (same ? "condition=\"i != j\", " : "") << "p=" << n(pr.connect.p) << ")\n"; break;
        case C::all_to_all: o << "S.connect(" << (same ? "condition=\"i != j\"" : "") << ")\n"; break;
        case C::one_to_one: o << "S.connect(j=\"i\")\n"; break;
        case C::fixed_indegree: {
            const auto* pre = m.population(pr.pre);
            const auto* post = m.population(pr.post);
            o << "# fixed in-degree: " << pr.connect.k << " distinct presynaptic partners per postsynaptic neuron\n"
              << "pre_idx = np.concatenate([rng.choice(np.setdiff1d(np.arange(" << pre->size << "), [j] if " << (same ? "True" : "False")
              << " else []), " << pr.connect.k << ", replace=False) for j in range(" << post->size << ")])\n"
              << "S.connect(i=pre_idx, j=np.repeat(np.arange(" << post->size << "), " << pr.connect.k << "))\n";
            break;
        }
        case C::receptive_field: {
            const auto* pre = m.population(pr.pre);
            const auto* post = m.population(pr.post);
            o << "pre_idx, post_idx = receptive_fields(" << pre->size << ", " << post->size << ", " << n(pr.connect.radius) << ")\n"
              << "S.connect(i=pre_idx, j=post_idx)\n";
            break;
        }
        case C::list: {
            std::string a, b, w;
            for (std::size_t k = 0; k < pr.connect.pairs.size(); ++k) {
                if (k) a += ", ", b += ", ", w += ", ";
                a += std::to_string(pr.connect.pairs[k].first);
                b += std::to_string(pr.connect.pairs[k].second);
                if (!pr.connect.pair_weights.empty()) w += n(pr.connect.pair_weights[k]);
            }
            o << "# connection list (" << pr.connect.pairs.size() << " pairs, in the file's order)\n"
              << "S.connect(i=np.array([" << a << "], dtype=int), j=np.array([" << b << "], dtype=int))\n";
            if (!pr.connect.pair_weights.empty()) {
                o << "S.w = np.clip(np.array([" << w << "]), 0, " << n(pr.w_max) << ")  # the list's weights\n"
                  << "synapses[\"" << pr.name << "\"] = S\n";
                if (!(pr.rule == "static" || rule_id.empty())) o << "init_states(RULES[\"" << rule_id << "\"], S)\n";
                if (!(pr.rule == "static" || rule_id.empty()) && !pr.plastic) o << "S.namespace[\"eta\"] = 0.0  # plastic = false\n";
                continue;
            }
            break;
        }
        }
        o << "S.w = draw_weights(\"" << dists[static_cast<int>(pr.weight.dist)] << "\", " << n(pr.weight.a) << ", " << n(pr.weight.b)
          << ", len(S), " << n(pr.w_max) << ")\n"
          << "synapses[\"" << pr.name << "\"] = S\n";
        if (!(pr.rule == "static" || rule_id.empty())) o << "init_states(RULES[\"" << rule_id << "\"], S)\n";
        if (!(pr.rule == "static" || rule_id.empty()) && !pr.plastic) o << "S.namespace[\"eta\"] = 0.0  # plastic = false\n";
    }
    o << "\n# monitors\n";
    for (const auto& mo : m.monitors) {
        using K = model::Monitor::Kind;
        if (mo.kind == K::rate)
            o << "monitors[\"" << mo.name << "\"] = SpikeMonitor(groups[\"" << mo.target << "\"][" << mo.first << ":" << mo.last << "], name=\"" << mo.name << "\")\n"
              << "rate_bins[\"" << mo.name << "\"] = (" << n(mo.interval) << ", " << (mo.last - mo.first) << ")  # bin (s), neurons\n";
        else if (mo.kind == K::spikes)
            o << "monitors[\"" << mo.name << "\"] = SpikeMonitor(groups[\"" << mo.target << "\"][" << mo.first << ":" << mo.last << "], name=\"" << mo.name << "\")\n";
        else if (mo.kind == K::weights)
            o << "monitors[\"" << mo.name << "\"] = StateMonitor(synapses[\"" << mo.target << "\"], \"w\", record=np.unique(np.linspace(0, len(synapses[\""
              << mo.target << "\"]) - 1, " << mo.samples << ").astype(int)), dt=" << n(mo.interval) << " * second, name=\"" << mo.name << "\")\n";
        else if (mo.kind == K::state)
            o << "monitors[\"" << mo.name << "\"] = StateMonitor(groups[\"" << mo.target << "\"], \"" << mo.variable << "\", record=np.arange(" << mo.first
              << ", " << mo.last << "), dt=" << n(mo.interval) << " * second, name=\"" << mo.name << "\")\n";
    }
    o << "\nnet = Network(*groups.values(), *synapses.values(), *monitors.values())\n"
      << "# Plasticity switches: eta is read from the namespace at the start of every run() (0: frozen weights;\n"
      << "# unlike plast, the traces keep running while frozen).\n"
      << "plastic_eta = {name: rule[\"namespace\"][\"eta\"] for name, rule in RULES_BY_PROJECTION.items()}\n"
      << "\n# Stimuli: name -> (poisson population, neurons, Hz added to their base rate while on)\n"
      << "STIMULI = {";
    for (std::size_t k = 0; k < m.stimuli.size(); ++k) {
        const auto& st = m.stimuli[k];
        const auto& ix = st.indices;
        bool range = !ix.empty();
        for (std::size_t q = 1; q < ix.size() && range; ++q) range = ix[q] == ix[q - 1] + 1;
        std::string idx = "np.array([], dtype=int)";
        if (range) idx = "np.arange(" + std::to_string(ix.front()) + ", " + std::to_string(ix.back() + 1) + ")";
        else if (!ix.empty()) {
            idx = "np.array([";
            for (std::size_t q = 0; q < ix.size(); ++q) {
                if (q) idx += ", ";
                idx += std::to_string(ix[q]);
            }
            idx += "])";
        }
        o << (k ? ",\n           " : "") << "\"" << st.name << "\": (\"" << st.population << "\", " << idx << ", " << n(st.rate) << ")";
    }
    o << "}\n"
      << "base_rate = {";
    {
        bool first = true;
        for (const auto& p : m.populations)
            if (p.kind == P::Kind::poisson) {
                o << (first ? "" : ", ") << "\"" << p.name << "\": " << n(p.rate);
                first = false;
            }
    }
    o << "}\n\n"
      << "def set_inputs(active):\n"
      << "    \"\"\"Base rates everywhere, plus each active stimulus on its neurons.\"\"\"\n"
      << "    for pop, r in base_rate.items():\n"
      << "        groups[pop].rate = r * Hz\n"
      << "    for s in active:\n"
      << "        pop, idx, r = STIMULI[s]\n"
      << "        groups[pop].rate[idx] = (base_rate[pop] + r) * Hz\n\n"
      << "# Snapshots: the state variables of every group and synapse set (weights, traces, rule states, neuron\n"
      << "# state), not the clock and not the monitors (as plast). Event-driven traces are stored with the time of\n"
      << "# their last update, which is shifted by the time since the snapshot so they resume from the stored\n"
      << "# values. Spikes in flight in the axonal delay lines are not stored (plast stores them).\n"
      << "state_objects = list(groups.values()) + list(synapses.values())\n"
      << "snapshots = {}\n\n"
      << "def save_state():\n"
      << "    return float(net.t / second), [o.get_states(read_only_variables=False) for o in state_objects]\n\n"
      << "def restore_state(snap):\n"
      << "    t_snap, states = snap\n"
      << "    shift = float(net.t / second) - t_snap\n"
      << "    for o, st in zip(state_objects, states):\n"
      << "        o.set_states(st)\n"
      << "        if \"lastupdate\" in st:\n"
      << "            o.lastupdate = st[\"lastupdate\"] + shift * second\n\n"
      << "def run_for(duration):\n"
      << "    net.run(duration * second, report=\"text\", report_period=60 * second)\n\n"
      << "# the protocol: phases in file order, each `repeat` times (one entry per repetition in `phases`)\n"
      << "PHASES = [\n";
    for (const auto& ph : m.phases) {
        std::vector<std::string> stim(ph.stimuli.begin(), ph.stimuli.end());
        o << "    dict(name=\"" << ph.name << "\", duration=" << n(ph.duration) << ", repeat=" << ph.repeat << ", stimuli=" << py_list(stim)
          << ", rates={";
        bool first = true;
        for (const auto& [pop, rate] : ph.rates) {
            o << (first ? "" : ", ") << "\"" << pop << "\": " << n(rate);
            first = false;
        }
        o << "},\n         plastic=";
        if (ph.plastic) o << py_list(std::vector<std::string>(ph.plastic->begin(), ph.plastic->end()));
        else o << "None";
        o << ", record=" << (ph.record ? "True" : "False") << ", snapshot=\"" << ph.snapshot << "\", restore=\"" << ph.restore << "\", schedule=";
        if (ph.schedule) {
            std::vector<std::string> ss(ph.schedule->stimuli.begin(), ph.schedule->stimuli.end());
            o << "(" << py_list(ss) << ", " << n(ph.schedule->on) << ", " << n(ph.schedule->off) << ")";
        } else o << "None";
        o << "),  # " << ph.where << "\n";
    }
    o << "]\n"
      << "phases = []\n"
      << "t_phase = 0.0\n"
      << "for ph in PHASES:\n"
      << "    for rep in range(ph[\"repeat\"]):\n"
      << "        t_start = float(net.t / second)\n"
      << "        if ph[\"restore\"]:\n"
      << "            restore_state(snapshots[ph[\"restore\"]])\n"
      << "        base_rate.update(ph[\"rates\"])\n"
      << "        set_inputs(ph[\"stimuli\"] if ph[\"schedule\"] is None else [])\n"
      << "        if ph[\"plastic\"] is not None:  # plasticity on for the listed projections, off elsewhere\n"
      << "            for name in plastic_eta:\n"
      << "                synapses[name].namespace[\"eta\"] = plastic_eta[name] if name in ph[\"plastic\"] else 0.0\n"
      << "        if ph[\"schedule\"] is None:\n"
      << "            run_for(ph[\"duration\"])\n"
      << "        else:  # one stimulus at a time, drawn at random (the script's own draws), on s on, off s off\n"
      << "            names, on, off = ph[\"schedule\"]\n"
      << "            end = t_start + ph[\"duration\"]\n"
      << "            while float(net.t / second) < end - 1e-9:\n"
      << "                set_inputs([names[rng.integers(len(names))]])\n"
      << "                run_for(min(on, end - float(net.t / second)))\n"
      << "                set_inputs([])\n"
      << "                if off > 0 and float(net.t / second) < end - 1e-9:\n"
      << "                    run_for(min(off, end - float(net.t / second)))\n"
      << "        t_phase = float(net.t / second)\n"
      << "        phases.append((ph[\"name\"], t_start, t_phase, ph[\"record\"]))\n"
      << "        if ph[\"snapshot\"]:\n"
      << "            snapshots[ph[\"snapshot\"]] = save_state()\n";
    o << "\n# outputs: spike times (s) and indices per spike monitor, weight and state samples, the phases\n"
      << "out = {\"phases\": np.array([(a, b) for _, a, b, _ in phases]), \"phase_recorded\": np.array([r for *_, r in phases]),\n"
      << "       \"phase_names\": np.array([p for p, *_ in phases])}\n"
      << "for name, mon in monitors.items():\n"
      << "    if name in rate_bins:  # mean rate (Hz) of the neurons per bin, recorded phases only (as plast)\n"
      << "        width, count = rate_bins[name]\n"
      << "        starts = np.concatenate([np.arange(a, b - 1e-9, width) for _, a, b, rec in phases if rec])\n"
      << "        times = np.asarray(mon.t / second)\n"
      << "        out[name] = np.array([[np.sum((times >= s) & (times < s + width)) / count / width] for s in starts])\n"
      << "        out[name + \"_times\"] = starts\n"
      << "    elif isinstance(mon, SpikeMonitor):\n"
      << "        out[name + \"_times\"] = np.asarray(mon.t / second)\n"
      << "        out[name + \"_neurons\"] = np.asarray(mon.i)\n"
      << "    else:\n"
      << "        # samples every interval from t = 0, plus the state at the end of the run (as plast records)\n"
      << "        var = mon.record_variables[0]\n"
      << "        final = np.asarray(getattr(mon.source, var)[:])[np.asarray(mon.record)]\n"
      << "        out[name] = np.vstack([np.asarray(getattr(mon, var)).T, final[None, :]])\n"
      << "        out[name + \"_times\"] = np.append(np.asarray(mon.t / second), t_phase)\n"
      << "np.savez(args.out, **out)\n"
      << "print(\"wrote\", args.out)\n";
    // RULES_BY_PROJECTION: the rule dict of each plastic projection (to switch plasticity back on).
    std::string text = o.str();
    std::ostringstream rb;
    rb << "RULES_BY_PROJECTION = {";
    bool first = true;
    for (const auto& pr : m.projections)
        for (const auto& r : rules)
            if (r.rule.name == pr.rule) {
                rb << (first ? "" : ", ") << "\"" << pr.name << "\": RULES[\"" << r.name << "\"]";
                first = false;
            }
    rb << "}\n";
    const std::string anchor = "\nnet = Network(";
    text.insert(text.find(anchor) + 1, rb.str());
    return text;
}

} // namespace plast::exporter
