#include "plast/memory/model_network.hpp"

#include "plast/core/error.hpp"
#include "plast/io/config.hpp"
#include "plast/memory/memory_networks.hpp"
#include "plast/model/build.hpp"
#include "plast/model/model_file.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace plast::memory {

ModelNetworkConfig ModelNetworkConfig::from_config(const Section& s, const std::string& base)
{
    ModelNetworkConfig c;
    const std::string file = s.file("file");
    const std::filesystem::path fp(file);
    const std::string path = fp.is_absolute() || base.empty() ? file : (std::filesystem::path(base) / fp).string();
    Config mf;
    try {
        mf = Config::load_file(path);
    } catch (const Error& e) {
        s.fail("file", e.problem(), "a model file (TOML)");
    }
    for (const auto& o : s.strings("set", {})) {
        try {
            mf.apply_override(o);
        } catch (const Error& e) {
            s.fail("set", e.what(), "overrides of the model file, e.g. \"scale=0.25\"");
        }
    }
    std::vector<std::string> warnings;
    c.model = model::read_model(mf.root(), std::filesystem::path(path).parent_path().string(), warnings);
    mf.root().integer("seed", 1, 0, INT64_MAX); // the study's seed is used; the file's is ignored
    mf.check_unused();
    std::vector<std::string> neurons, stimuli, projections;
    for (const auto& p : c.model.populations)
        if (p.kind == model::Population::Kind::neuron) neurons.push_back(p.name);
    for (const auto& st : c.model.stimuli) stimuli.push_back(st.name);
    for (const auto& p : c.model.projections) projections.push_back(p.name);
    c.readout = s.string("readout", neurons);
    c.inhibitory = s.string("inhibitory", "");
    if (!c.inhibitory.empty() && std::find(neurons.begin(), neurons.end(), c.inhibitory) == neurons.end())
        s.fail("inhibitory", "no neuron population '" + c.inhibitory + "' in " + path, "a neuron population of the model, or \"\"");
    c.novel = s.strings("novel", {}, stimuli);
    c.familiar = s.strings("familiar", {}, stimuli);
    if (c.novel.empty() || c.familiar.empty()) s.fail(c.novel.empty() ? "novel" : "familiar", "a pattern needs at least one stimulus", "stimulus names of the model");
    c.rules = s.strings("rules", {}, projections);
    if (c.rules.empty()) s.fail("rules", "no projection for the tested rules", "projection names of the model");
    for (const auto& pn : c.rules) {
        const auto* p = c.model.projection(pn);
        if (p->rule == "static") s.fail("rules", "projection '" + pn + "' is static in " + path, "projections with a six_param, pair_stdp or vogels_istdp rule");
        const auto fam = c.model.rules.at(p->rule).family;
        if (fam != model::Rule::Family::six_param && fam != model::Rule::Family::pair_stdp && fam != model::Rule::Family::vogels_istdp)
            s.fail("rules", "projection '" + pn + "' has a rule of another family; the study's 6-parameter rules would replace it without notice",
                   "projections with a six_param, pair_stdp or vogels_istdp rule");
    }
    // Warnings only once the configuration is accepted, so that bad input is the one error line.
    for (const auto& w : warnings) std::cerr << "plast memory: warning: " << w << "\n";
    return c;
}

std::unique_ptr<ProbeableNetwork> make_model_network(const ModelNetworkConfig& c, const std::vector<double>& theta,
                                                     const std::string& cond, std::uint64_t seed, std::uint64_t run)
{
    if (theta.size() != 6 * c.rules.size()) runtime_error("memory model network", "a rule needs 6 parameters per listed projection");
    model::Model m = c.model;
    for (std::size_t k = 0; k < c.rules.size(); ++k) {
        auto& p = *std::find_if(m.projections.begin(), m.projections.end(), [&](const auto& x) { return x.name == c.rules[k]; });
        model::Rule r = m.rules.at(p.rule);
        r.name = "study_" + p.name;
        r.family = model::Rule::Family::six_param;
        r.six = spiking::SixParamRule::from_array({theta[6 * k], theta[6 * k + 1], theta[6 * k + 2], theta[6 * k + 3], theta[6 * k + 4], theta[6 * k + 5]});
        if (cond.rfind("eta=", 0) == 0) r.eta = std::stod(cond.substr(4));
        bool on = cond != "static";
        if (cond.rfind("only_", 0) == 0) on = cond.substr(5) == p.name;
        if (cond.rfind("no_", 0) == 0) on = cond.substr(3) != p.name;
        p.plastic = on;
        p.rule = r.name;
        m.rules[r.name] = r;
    }
    if (cond == "static")
        for (auto& p : m.projections) p.plastic = false;
    auto b = model::build(m, seed ^ (0x9e3779b97f4a7c15ull * (run + 1)));
    PatternTable table(2);
    for (int k = 0; k < 2; ++k)
        for (const auto& sn : k == 0 ? c.novel : c.familiar) table[static_cast<std::size_t>(k)].push_back(b.stimuli.at(sn));
    const std::size_t exc = b.populations.at(c.readout).index;
    const std::size_t inh = c.inhibitory.empty() ? static_cast<std::size_t>(-1) : b.populations.at(c.inhibitory).index;
    return make_engine_network(std::move(b.net), exc, inh, std::move(table));
}

} // namespace plast::memory
