#include "plast/spiking/network.hpp"

#include "plast/core/interrupt.hpp"

#include "plast/core/error.hpp"

#include <algorithm>
#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif
#include <cmath>

namespace plast::spiking {

Network::Network(double dt, std::uint64_t seed) : dt_(dt), seed_(seed) {}

std::size_t Network::add_group(const std::string& name, std::size_t n, const IfParams& p)
{
    groups_.emplace_back(name, n, p, dt_);
    record_n_.push_back(0);
    records_.emplace_back();
    counts_.emplace_back(n, 0.0);
    pop_counts_.emplace_back();
    ring_groups_.emplace_back(static_cast<std::size_t>(max_delay_ + 1));
    return groups_.size() - 1;
}

std::size_t Network::add_input(const std::string& name, std::size_t n, double rate_hz, std::uint64_t key)
{
    inputs_.emplace_back(name, n, rate_hz, dt_, seed_, key);
    ring_inputs_.emplace_back(static_cast<std::size_t>(max_delay_ + 1));
    return inputs_.size() - 1;
}

std::size_t Network::add_projection(Projection proj, Source pre, std::size_t post_group)
{
    if (proj.delay() < 1) runtime_error(proj.name(), "delay must be at least one step");
    if (proj.needs_post_neuron() &&
        (post_group >= groups_.size() || groups_[post_group].params().model != IfParams::Model::cvaif))
        runtime_error(proj.name(), "the rule reads V, V_trace, C_exc or C_inh of the postsynaptic neuron, but group '" +
                                       (post_group < groups_.size() ? groups_[post_group].name() : std::string("?")) + "' is not a CVAIF group (model = \"cvaif\")");
    if (proj.delay() > max_delay_) {
        max_delay_ = proj.delay();
        for (auto& r : ring_groups_) r.assign(static_cast<std::size_t>(max_delay_ + 1), {});
        for (auto& r : ring_inputs_) r.assign(static_cast<std::size_t>(max_delay_ + 1), {});
    }
    projections_.push_back(std::move(proj));
    links_.push_back({pre, post_group});
    wsamples_.emplace_back();
    return projections_.size() - 1;
}

void Network::record_spikes(std::size_t group, std::size_t n_record)
{
    record_n_[group] = std::min(n_record, groups_[group].size());
}

void Network::record_weights(std::size_t samples, double interval)
{
    weight_every_ = static_cast<std::uint64_t>(std::llround(interval / dt_));
    for (std::size_t p = 0; p < projections_.size(); ++p) {
        auto& ws = wsamples_[p];
        ws = WeightSamples{};
        const std::size_t n = projections_[p].size();
        if (!projections_[p].has_rule() || n == 0) continue;
        const std::size_t k = std::min(samples, n);
        for (std::size_t i = 0; i < k; ++i) ws.synapses.push_back(static_cast<std::uint32_t>(i * n / k));
    }
}

void Network::clear_recordings()
{
    for (auto& r : records_) r = SpikeRecord{};
    for (auto& w : wsamples_) {
        w.times.clear();
        w.values.clear();
    }
}

void Network::reset_counts()
{
    for (auto& c : counts_) std::fill(c.begin(), c.end(), 0.0);
    for (auto& p : pop_counts_) p.clear();
}

namespace {
// Flush subnormal floats to zero while a network runs: decaying conductances and traces of silent
// neurons otherwise fall into the subnormal range, where every multiply costs ~100 cycles. The
// values involved are < 1e-38 and physically zero; NaN/Inf checks are unaffected.
struct FlushDenormals {
#if defined(__SSE__) || defined(__x86_64__)
    unsigned old = _mm_getcsr();
    FlushDenormals() { _mm_setcsr(old | 0x8040u); }
    ~FlushDenormals() { _mm_setcsr(old); }
#endif
};
} // namespace

bool Network::run(double seconds)
{
    const FlushDenormals ftz;
    // Advance to an exact target time so that many short intervals do not accumulate rounding.
    target_ += seconds;
    const auto end = static_cast<std::uint64_t>(std::max(0LL, std::llround(target_ / dt_)));
    while (step_ < end && !aborted_) {
        step();
        if ((step_ & 1023u) == 0 && step_ < end && interrupt_signal() != 0) {
            // Stopped early: the target becomes the step reached, so a later run() continues from
            // here for exactly the time it is given (model::Simulation resumes after Ctrl-C).
            target_ = static_cast<double>(step_) * dt_;
            check_interrupt();
        }
    }
    return !aborted_;
}

void Network::step()
{
    const std::size_t ring = static_cast<std::size_t>(max_delay_ + 1);
    const std::size_t slot = static_cast<std::size_t>(step_ % ring);
    // 1. groups evolve
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
        auto& out = ring_inputs_[i][slot];
        out.clear();
        inputs_[i].step(step_, out);
    }
    bool finite = true;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
        auto& out = ring_groups_[g][slot];
        out.clear();
        finite &= groups_[g].step(out);
    }
    // 2. propagation: forward then backward, per projection
    for (std::size_t p = 0; p < projections_.size(); ++p) {
        auto& proj = projections_[p];
        const auto& link = links_[p];
        const std::size_t from = static_cast<std::size_t>((step_ + ring - static_cast<std::uint64_t>(proj.delay())) % ring);
        const auto& arriving = link.pre.input ? ring_inputs_[link.pre.index][from] : ring_groups_[link.pre.index][from];
        // Before the first `delay` steps nothing has been emitted yet.
        static const std::vector<std::uint32_t> none;
        const auto& arr = step_ >= static_cast<std::uint64_t>(proj.delay()) ? arriving : none;
        auto& target = groups_[link.post];
        proj.set_post_state(&target.state());
        proj.forward(arr, proj.receptor() == Receptor::ampa ? target.g_ampa() : target.g_gaba());
        proj.backward(ring_groups_[link.post][slot]);
        // 3. traces
        proj.update_traces(arr, ring_groups_[link.post][slot]);
        for (auto i : arr) events_ += proj.row_ptr()[i + 1] - proj.row_ptr()[i];
    }
    // 4. counters, recording, guards
    for (std::size_t g = 0; g < groups_.size(); ++g) {
        const auto& sp = ring_groups_[g][slot];
        for (auto i : sp) counts_[g][i] += 1.0;
        pop_counts_[g].push_back(static_cast<std::uint32_t>(sp.size()));
        if (recording_ && record_n_[g] > 0)
            for (auto i : sp)
                if (i < record_n_[g]) {
                    records_[g].step.push_back(step_);
                    records_[g].neuron.push_back(i);
                }
    }
    if ((recording_ || weight_recording_) && weight_every_ > 0 && step_ % weight_every_ == 0) {
        for (std::size_t p = 0; p < projections_.size(); ++p) {
            auto& ws = wsamples_[p];
            if (ws.synapses.empty()) continue;
            std::vector<float> v;
            v.reserve(ws.synapses.size());
            for (auto s : ws.synapses) v.push_back(projections_[p].weights()[s]);
            ws.times.push_back(time());
            ws.values.push_back(std::move(v));
        }
    }
    // Abort times are those of the step in which the check failed (Auryn stops before advancing its clock).
    const double now = time();
    ++step_;
    if (!finite) {
        aborted_ = true;
        abort_reason_ = "NaN/Inf in the neuron state";
        abort_time_ = now;
        return;
    }
    if (guard_.enabled && guard_.group < groups_.size()) {
        const double n = static_cast<double>(groups_[guard_.group].size());
        const auto gd = static_cast<std::uint64_t>(std::clamp(guard_.delay, 0, max_delay_));
        const std::uint64_t emitted = step_ - 1; // this step
        const double spikes = emitted >= gd ? static_cast<double>(ring_groups_[guard_.group][(emitted - gd) % ring].size()) : 0.0;
        if (guard_.start == RateGuard::Start::measured && static_cast<double>(step_) * dt_ < guard_.tau * (1 - 1e-12)) {
            guard_.count += spikes;
            guard_.rate = guard_.count / (n * static_cast<double>(step_) * dt_);
            return; // no bound check before a full time constant has been measured
        }
        guard_.rate = guard_.rate * std::exp(-dt_ / guard_.tau) + spikes / (guard_.tau * n);
        if (!(guard_.rate > guard_.r_min && guard_.rate < guard_.r_max)) {
            aborted_ = true;
            abort_reason_ = "population rate " + std::to_string(guard_.rate) + " Hz left (" +
                            std::to_string(guard_.r_min) + ", " + std::to_string(guard_.r_max) + ") Hz";
            abort_time_ = now;
        }
    }
}

std::shared_ptr<const Network::Snapshot> Network::save() const
{
    auto s = std::make_shared<Snapshot>();
    for (const auto& g : groups_) s->groups.push_back(g.state());
    for (const auto& p : projections_) {
        s->projections.push_back(p.state());
        s->plastic.push_back(p.plastic());
    }
    s->ring_groups = ring_groups_;
    s->ring_inputs = ring_inputs_;
    s->step = step_;
    s->guard = guard_;
    for (const auto& in : inputs_) s->patterns.push_back(in.pattern());
    return s;
}

void Network::restore(const Snapshot& s, bool restore_clock)
{
    if (restore_clock) {
        step_ = s.step;
        target_ = time();
    }
    for (std::size_t i = 0; i < groups_.size(); ++i) groups_[i].state() = s.groups[i];
    for (std::size_t i = 0; i < projections_.size(); ++i) {
        projections_[i].set_state(s.projections[i]);
        projections_[i].set_plastic(s.plastic[i]);
    }
    // Delay rings are indexed by step modulo the ring size: re-align them to the current clock.
    const std::size_t ring = static_cast<std::size_t>(max_delay_ + 1);
    auto realign = [&](const std::vector<std::vector<std::uint32_t>>& src, std::vector<std::vector<std::uint32_t>>& dst) {
        for (std::size_t k = 0; k < ring; ++k) {
            // The slot that held step (s.step - 1 - k) goes to the slot of (step_ - 1 - k).
            const std::size_t from = static_cast<std::size_t>((s.step + 2 * ring - 1 - k) % ring);
            const std::size_t to = static_cast<std::size_t>((step_ + 2 * ring - 1 - k) % ring);
            dst[to] = src[from];
        }
    };
    for (std::size_t g = 0; g < ring_groups_.size(); ++g) realign(s.ring_groups[g], ring_groups_[g]);
    for (std::size_t i = 0; i < ring_inputs_.size(); ++i) realign(s.ring_inputs[i], ring_inputs_[i]);
    guard_ = s.guard;
    for (std::size_t i = 0; i < inputs_.size(); ++i) inputs_[i].set_pattern(s.patterns[i]);
    aborted_ = false;
    abort_reason_.clear();
    abort_time_ = -1;
}

} // namespace plast::spiking
