#pragma once
// The recurrent E/I network of fSBI / Mem1kRules (spec §2) with the background input of variant A
// (§3.1) and the fSBI protocol (§7.1): `warmup` s unrecorded, then `score` s recorded and scored.
//
// | item | default |
// |---|---|
// | N_E, N_I | 4096, 1024 (IF neurons, §1.1) |
// | EE, EI, IE, II | Bernoulli p = 0.1, no self-connections; w = 0.1, 0.1, 1, 1 |
// | input | 5000 Poisson at input_rate (10 Hz) to E and I, p = 0.05, w = 0.075, static |
// | delays | 0.8 ms everywhere |
// | plasticity | 6pPol on EE, EI, IE, II, eta = 0.01, w in [0, 20] |
// | recording | 1000 E, 500 I; 100 weights per plastic projection every 0.1 s |
// | guard | E population rate (tau = 1 s) must stay in (0, 100) Hz; reads the E spikes 0.8 ms late and starts at 50 Hz, as Auryn's RateChecker (guard_start = "measured": see RateGuard) |
// | weight samples | every 0.1 s over warm-up + score (weight_recording = "run"); metrics use the scored window only |
// `scale` < 1 shrinks every population by that factor and divides the connection probabilities by
// it (capped at 1), so in-degrees and hence the mean input of a neuron stay those of the full network
// (a choice of plast for tests and demos; the published runs use scale = 1).
#include "plast/metrics/stability_metrics.hpp"
#include "plast/spiking/network.hpp"
#include "plast/spiking/product_rule_21.hpp"

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>

namespace plast {
class Section;
}

namespace plast::spiking {

struct FsbiConfig {
    double scale = 1.0;
    std::size_t n_exc = 4096, n_inh = 1024, n_input = 5000;
    double p_rec = 0.1, p_input = 0.05;
    double w_ee = 0.1, w_ei = 0.1, w_ie = 1.0, w_ii = 1.0, w_input = 0.075, w_max = 20.0;
    double eta = 0.01, delay = 0.8e-3, input_rate = 10.0, dt = 1e-4;
    double warmup = 60.0, score = 10.0;
    std::size_t record_exc = 1000, record_inh = 500, weight_samples = 100;
    double weight_interval = 0.1;
    double guard_min = 0.0, guard_max = 100.0;
    RateGuard::Start guard_start = RateGuard::Start::midpoint;
    bool weights_whole_run = true; // weight_recording = "run" (true) or "score"
    IfParams neuron;
    std::array<SixParamRule, 4> rules{};   // EE, EI, IE, II
    // Optional expression rules (preset = "expression"): on_pre / on_post over x_pre, x_post, w;
    // their taus are rules[k].tau_pre / tau_post. Parsed at configuration time, no recompilation.
    struct ExpressionRule {
        std::string on_pre, on_post;
    };
    std::array<std::optional<ExpressionRule>, 4> expressions{};
    // Optional 21-parameter product rules (preset = "product21", product_rule_21.hpp); need neuron model cvaif.
    std::array<std::optional<Product21Config>, 4> product21{};
    std::array<bool, 4> plastic{true, true, true, true};
    std::array<std::string, 4> preset{"6ppol", "6ppol", "6ppol", "6ppol"}; // as configured in [network.rule_XY]

    static FsbiConfig from_config(const Section& s); // [network] keys; validated before any simulation
    // Rules and input rate from a 24(+1) parameter quadruplet (EE, EI, IE, II x 6 [, input_rate]).
    void set_quadruplet(const std::vector<double>& theta);
    // Tasks that set 6pPol quadruplets (screens, memory studies) call this while reading [network]:
    // a configured expression or product21 rule would be replaced silently, so it is refused, naming
    // the key (`who` says which task sets the quadruplet).
    void require_six_param_rules(const Section& network, const std::string& who) const;
    std::size_t exc() const;
    std::size_t inh() const;
    std::size_t inputs() const;
};

struct FsbiRun {
    std::unique_ptr<Network> net;
    std::size_t exc = 0, inh = 1, input = 0;
    std::array<std::size_t, 4> proj{}; // EE, EI, IE, II projection indices
};

FsbiRun build_fsbi(const FsbiConfig& c, std::uint64_t seed, std::uint64_t key);

struct FsbiResult {
    bool aborted = false;
    std::string abort_reason;
    double abort_time = -1;
    std::map<std::string, double> metrics;  // NaN when aborted
    metrics::Trains exc, inh;               // recorded spike trains (score window): neurons [0, exc.size()) of E, [0, inh.size()) of I
    std::vector<metrics::WeightTrace> weights; // samples at weight_times (whole run or score window, see weight_recording)
    std::vector<double> weight_times;          // s
    double rate_exc_all = 0, rate_inh_all = 0; // mean rate of all E / all I neurons in the score window (Hz)
    std::array<double, 4> mean_weight_all{};   // EE, EI, IE, II: mean over every synapse at the end of the run
    std::vector<double> guard_rate;         // E population rate estimate every 0.1 s over the whole run
    double wall_seconds = 0, simulated_seconds = 0;
    std::uint64_t synaptic_events = 0;
};

// Build and run the fSBI protocol; progress(t) is called every simulated second.
FsbiResult run_fsbi(const FsbiConfig& c, std::uint64_t seed, std::uint64_t key,
                    const std::function<void(double)>& progress = nullptr);

// Spike record of a group -> per-neuron spike times.
metrics::Trains trains_of(const Network& net, std::size_t group);

} // namespace plast::spiking
