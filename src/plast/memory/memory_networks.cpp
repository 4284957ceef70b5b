#include "plast/memory/memory_networks.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
#include "plast/io/config.hpp"
#include "plast/memory/memory_models.hpp"
#include "plast/model/build.hpp"

#include <algorithm>
#include <cmath>

namespace plast::memory {

using namespace spiking;

namespace {

// ProbeableNetwork over a spiking::Network whose group `exc` is read out and whose input groups
// `stim` carry the patterns.
class EngineNetwork : public ProbeableNetwork {
public:
    EngineNetwork(std::unique_ptr<Network> net, std::size_t exc, std::vector<std::size_t> stim,
                  std::size_t inh = static_cast<std::size_t>(-1), std::size_t record_exc = 0, std::size_t record_inh = 0,
                  double w_max = 20)
        : net_(std::move(net)), exc_(exc), inh_(inh), stim_(std::move(stim)), record_exc_(record_exc),
          record_inh_(record_inh), w_max_(w_max)
    {
        for (std::size_t p = 0; p < net_->n_projections(); ++p) configured_.push_back(net_->projection(p).plastic());
    }
    // Patterns from a table (model files): pattern k switches on the listed (group, index) pairs.
    EngineNetwork(std::unique_ptr<Network> net, std::size_t exc, std::size_t inh, PatternTable table)
        : EngineNetwork(std::move(net), exc, {}, inh)
    {
        table_ = std::move(table);
        for (const auto& pat : table_)
            for (const auto& [g, i] : pat)
                if (std::find(stim_.begin(), stim_.end(), g) == stim_.end()) stim_.push_back(g);
    }
    void set_pattern(int pattern) override
    {
        if (table_.empty()) {
            for (auto s : stim_) net_->input(s).set_pattern(pattern);
            return;
        }
        for (auto s : stim_) net_->input(s).set_pattern(-1);
        if (pattern >= 0 && static_cast<std::size_t>(pattern) < table_.size())
            for (const auto& [g, i] : table_[static_cast<std::size_t>(pattern)]) net_->input(g).set_pattern(i);
    }
    void set_plasticity(bool on) override
    {
        for (std::size_t p = 0; p < net_->n_projections(); ++p) net_->projection(p).set_plastic(on && configured_[p]);
    }
    bool advance(double seconds) override { return net_->run(seconds); }
    void start_recording(double bin) override
    {
        bin_ = bin;
        net_->reset_counts();
    }
    std::vector<double> spike_counts() const override { return net_->spike_counts(exc_); }
    std::vector<double> population_rate() const override
    {
        const auto& pc = net_->population_counts(exc_);
        const std::size_t per = static_cast<std::size_t>(std::llround(bin_ / net_->dt()));
        const double n = static_cast<double>(net_->group(exc_).size());
        std::vector<double> r;
        for (std::size_t k = 0; k + per <= pc.size(); k += per) {
            double s = 0;
            for (std::size_t j = k; j < k + per; ++j) s += pc[j];
            r.push_back(s / (n * bin_));
        }
        return r;
    }
    double inhibitory_rate() const override
    {
        if (inh_ == static_cast<std::size_t>(-1)) return std::nan("");
        const auto& pc = net_->population_counts(inh_);
        double s = 0;
        for (auto c : pc) s += c;
        const double t = static_cast<double>(pc.size()) * net_->dt();
        return t > 0 ? s / (static_cast<double>(net_->group(inh_).size()) * t) : std::nan("");
    }
    void save_state() override { snap_ = net_->save(); }
    void restore_state() override
    {
        if (snap_) net_->restore(*snap_);
    }
    double time() const override { return net_->time(); }
    std::string abort_reason() const override { return net_->abort_reason(); }
    void start_stability_recording() override
    {
        if (record_exc_ == 0 || inh_ == static_cast<std::size_t>(-1)) return;
        net_->record_spikes(exc_, record_exc_);
        net_->record_spikes(inh_, record_inh_);
        net_->record_weights(100, 0.1); // as the fSBI protocol: 100 synapses per plastic projection every 0.1 s
        net_->clear_recordings();
        net_->set_recording(true);
    }
    std::map<std::string, double> stability_metrics(double t0, double t1) override
    {
        if (record_exc_ == 0 || inh_ == static_cast<std::size_t>(-1)) return {};
        net_->set_recording(false);
        std::vector<metrics::WeightTrace> w;
        std::map<std::string, double> fixed;
        for (std::size_t p = 0; p < net_->n_projections(); ++p) {
            const auto& pr = net_->projection(p);
            if (!pr.has_rule()) continue;
            const std::string key = pr.name() == "EE" ? "weef" : pr.name() == "EI" ? "weif" : pr.name() == "IE" ? "wief" : "wiif";
            if (configured_[p]) w.push_back({pr.name(), w_max_, net_->weight_samples(p).values});
            else fixed[key] = pr.mean_weight(); // static (knocked-out) projection: its constant mean weight
        }
        auto m = metrics::fsbi_metrics(trains_of(*net_, exc_), trains_of(*net_, inh_), w, t0, t1);
        for (const auto& [k, v] : fixed) m[k] = v;
        net_->clear_recordings();
        net_->record_spikes(exc_, 0);
        net_->record_spikes(inh_, 0);
        return m;
    }
    std::vector<std::pair<std::string, double>> mean_weights() const override
    {
        std::vector<std::pair<std::string, double>> w;
        for (std::size_t p = 0; p < net_->n_projections(); ++p)
            if (net_->projection(p).has_rule()) w.emplace_back(net_->projection(p).name(), net_->projection(p).mean_weight());
        return w;
    }

private:
    std::unique_ptr<Network> net_;
    std::size_t exc_, inh_;
    std::vector<std::size_t> stim_;
    PatternTable table_;
    std::vector<bool> configured_;
    std::shared_ptr<const Network::Snapshot> snap_;
    double bin_ = 0.1;
    std::size_t record_exc_ = 0, record_inh_ = 0; // re-check recordings (0: no re-check)
    double w_max_ = 20;
};

} // namespace

std::unique_ptr<ProbeableNetwork> make_engine_network(std::unique_ptr<Network> net, std::size_t exc, std::size_t inh, PatternTable patterns)
{
    return std::make_unique<EngineNetwork>(std::move(net), exc, inh, std::move(patterns));
}

BndConfig BndConfig::from_config(const Section& network, const Section& inputs)
{
    BndConfig c;
    c.net = FsbiConfig::from_config(network);
    c.grid = static_cast<int>(inputs.integer("grid", 100, 2, 1000));
    c.rf_radius = inputs.number("rf_radius", 8.0, Range::positive());
    c.w_rf = inputs.number("w_rf", 0.075, Range::nonneg());
    c.background = inputs.number("background_rate", 10.0, Range::nonneg());
    c.extra = inputs.number("pattern_extra_rate", 50.0, Range::nonneg());
    const std::int64_t n = static_cast<std::int64_t>(c.grid) * c.grid;
    const auto nov = inputs.numbers("novel", {2000, 2500}, Range::closed(0, static_cast<double>(n)), 2, 2);
    const auto fam = inputs.numbers("familiar", {7500, 8000}, Range::closed(0, static_cast<double>(n)), 2, 2);
    c.novel = {static_cast<std::int64_t>(nov[0]), static_cast<std::int64_t>(nov[1])};
    c.familiar = {static_cast<std::int64_t>(fam[0]), static_cast<std::int64_t>(fam[1])};
    if (c.novel[0] >= c.novel[1]) inputs.fail("novel", "empty pattern", "[first, last) with first < last");
    if (c.familiar[0] >= c.familiar[1]) inputs.fail("familiar", "empty pattern", "[first, last) with first < last");
    if (c.novel[1] - c.novel[0] != c.familiar[1] - c.familiar[0])
        inputs.fail("familiar", "novel and familiar patterns differ in size", "patterns of the same size (so a static network cannot tell them apart)");
    return c;
}

FeedForwardConfig FeedForwardConfig::from_config(const Section& s)
{
    FeedForwardConfig c;
    c.n_exc = static_cast<std::size_t>(s.integer("n_exc", 800, 1, 1000000));
    c.n_inh = static_cast<std::size_t>(s.integer("n_inh", 200, 1, 1000000));
    c.rate = s.number("rate", 10.0, Range::nonneg());
    c.w_exc = s.number("w_exc", 0.1, Range::nonneg());
    c.w_inh = s.number("w_inh", 1.0, Range::nonneg());
    c.w_max = s.number("w_max", 20.0, Range::nonneg());
    c.eta = s.number("eta", 0.01, Range::nonneg());
    c.pattern_exc = static_cast<std::size_t>(s.integer("pattern_exc", 100, 1, 1000000));
    c.pattern_inh = static_cast<std::size_t>(s.integer("pattern_inh", 25, 1, 1000000));
    if (2 * c.pattern_exc > c.n_exc) s.fail("pattern_exc", "two disjoint patterns do not fit", "<= n_exc / 2");
    if (2 * c.pattern_inh > c.n_inh) s.fail("pattern_inh", "two disjoint patterns do not fit", "<= n_inh / 2");
    c.pattern_rate_exc = s.number("pattern_rate_exc", 100.0, Range::nonneg());
    c.pattern_rate_inh = s.number("pattern_rate_inh", 50.0, Range::nonneg());
    c.rule = SixParamRule::from_config(s.sub("rule"));
    c.neuron = IfParams::from_config(s.sub("neuron"));
    return c;
}

std::unique_ptr<ProbeableNetwork> make_bnd_network(const BndConfig& c, std::uint64_t seed, std::uint64_t run)
{
    // The historical seeds: the recurrent part as build_fsbi(c.net, run_seed, run) built it.
    auto built = model::build(bnd_model(c, seed, run), run_seed(seed, run) ^ (run * 0x9e3779b97f4a7c15ull));
    Network& net = *built.net;
    const std::size_t exc = built.populations.at("E").index, inh = built.populations.at("I").index;
    net.set_recording(false);
    net.record_spikes(exc, 0); // recordings only for the stability re-check window
    net.record_spikes(inh, 0);
    const auto scaled = [&](std::size_t n) { return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(static_cast<double>(n) * c.net.scale))); };
    return std::make_unique<EngineNetwork>(std::move(built.net), exc, std::vector<std::size_t>{built.populations.at("stimulus").index}, inh,
                                           scaled(c.net.record_exc), scaled(c.net.record_inh), c.net.w_max);
}

std::unique_ptr<ProbeableNetwork> make_feedforward_network(const FeedForwardConfig& c, std::uint64_t seed, std::uint64_t run)
{
    auto built = model::build(feedforward_model(c), run_seed(seed, run));
    const std::size_t out = built.populations.at("out").index;
    return std::make_unique<EngineNetwork>(std::move(built.net), out,
                                           std::vector<std::size_t>{built.populations.at("E_inputs").index, built.populations.at("I_inputs").index});
}

} // namespace plast::memory
