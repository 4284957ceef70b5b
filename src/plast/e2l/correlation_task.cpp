#include "plast/e2l/correlation_task.hpp"
#include "plast/e2l/given_inputs.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <numeric>

namespace plast::e2l {

namespace {
constexpr double neg_inf = -std::numeric_limits<double>::infinity();
}

CorrelationTaskParams CorrelationTaskParams::from_config(const Section& s)
{
    return from_config(s, CorrelationTaskParams{});
}

CorrelationTaskParams CorrelationTaskParams::from_config(const Section& s, const CorrelationTaskParams& defaults)
{
    CorrelationTaskParams p = defaults;
    p.inputs = s.files("inputs", p.inputs);
    if (!p.inputs.empty()) {
        check_given_count(s, "n_tasks", p.inputs.size(), "input files");
        p.n_tasks = static_cast<int>(p.inputs.size());
        // rate, frozen_noise and subsample shape drawn inputs only: a value other than the default is refused
        // below (a run's saved configuration lists every key with its default, so presence alone is fine).
    }
    p.n_tasks = static_cast<int>(s.integer("n_tasks", p.n_tasks, 1, 100000));
    p.seed = static_cast<std::uint64_t>(s.integer("seed", static_cast<std::int64_t>(p.seed), 0, INT64_MAX));
    p.n_inputs = static_cast<int>(s.integer("n_inputs", p.n_inputs, 1, 1000000));
    p.rate = s.number("rate", p.rate, Range::positive());
    p.h = s.number("h", p.h, Range::open_closed(0.0, 10.0));
    p.train = s.number("train", p.train, Range::positive());
    p.test = s.number("test", p.test, Range::positive());
    p.pattern = s.number("pattern", p.pattern, Range::positive());
    p.inter = s.number("inter", p.inter, Range::positive());
    p.first_pattern = s.number("first_pattern", p.first_pattern, Range::nonneg());
    p.tau_m = s.number("tau_m", p.tau_m, Range::positive());
    p.V_th = s.number("V_th", p.V_th, Range::positive());
    p.t_ref = s.number("t_ref", p.t_ref, Range::nonneg());
    p.V0_sd = s.number("V0_sd", p.V0_sd, Range::nonneg());
    p.tau_plus = s.number("tau_plus", p.tau_plus, Range::positive());
    p.tau_minus = s.number("tau_minus", p.tau_minus, Range::positive());
    p.lambda = s.number("lambda", p.lambda);
    p.delay = s.number("delay", p.delay, Range::positive());
    p.w_init = s.number("w_init", p.w_init);
    p.w_sd = s.number("w_sd", p.w_sd, Range::nonneg());
    p.with_replacement = s.string("subsample", p.with_replacement ? "with_replacement" : "without_replacement",
                                  {"without_replacement", "with_replacement"}) == "with_replacement";
    p.reference_noise =
        s.string("frozen_noise", p.reference_noise ? "reference" : "poisson", {"reference", "poisson"}) == "reference";
    p.nonfinite_reference =
        s.string("nonfinite", p.nonfinite_reference ? "reference" : "invalid", {"reference", "invalid"}) == "reference";
    p.unroll_multiplicity = s.string("multiplicity", p.unroll_multiplicity ? "unrolled" : "one_update",
                                     {"unrolled", "one_update"}) == "unrolled";
    p.pow_real_part = s.string("pow", p.pow_real_part ? "real_part" : "real", {"real_part", "real"}) == "real_part";
    p.symmetric_clip =
        s.string("clip", p.symmetric_clip ? "symmetric" : "asymmetric", {"asymmetric", "symmetric"}) == "symmetric";
    if (!p.inputs.empty()) {
        const CorrelationTaskParams d;
        refuse_changed(s,
                       {{"rate", p.rate != d.rate},
                        {"frozen_noise", p.reference_noise != d.reference_noise},
                        {"subsample", p.with_replacement != d.with_replacement}},
                       "applies to drawn inputs only; the tasks' inputs are read from `inputs`");
    }
    p.task_w_init = s.numbers("task_w_init", p.task_w_init, Range::closed(0.0, 1.0));
    p.task_V0 = s.numbers("task_V0", p.task_V0);
    p.task_V0_test = s.numbers("task_V0_test", p.task_V0_test);
    for (const auto& [key, v] : {std::pair<const char*, const std::vector<double>*>{"task_w_init", &p.task_w_init},
                                 {"task_V0", &p.task_V0},
                                 {"task_V0_test", &p.task_V0_test}})
        if (!v->empty() && v->size() != static_cast<std::size_t>(p.n_tasks))
            s.fail(key, "needs one value per task (" + std::to_string(v->size()) + " given)",
                   std::to_string(p.n_tasks) + " numbers");
    if (!p.task_w_init.empty() && p.w_init != CorrelationTaskParams{}.w_init)
        s.fail("w_init", "task_w_init gives every task's initial weight", "w_init or task_w_init, not both");
    if (p.test > p.train)
        s.fail("test", "the test re-runs the start of the training input, so test <= train", "<= train");
    if (p.delay < p.h) s.fail("delay", "must be at least one step h", ">= h");
    if (p.first_pattern + p.pattern > p.test)
        s.fail("test", "no pattern window inside the test phase", "> first_pattern + pattern");
    return p;
}

CorrelationTaskParams CorrelationTask::baseline_params(CorrelationTaskParams p)
{
    p.symmetric_clip = true;
    p.w_init = 0.5;
    return p;
}

CorrelationTask::CorrelationTask(CorrelationTaskParams p) : p_(p)
{
    const double h = p_.h;
    n_train_ = std::llround(p_.train / h);
    n_test_ = std::llround(p_.test / h);
    const double nu_total = p_.n_inputs * p_.rate;
    const double w_star = p_.V_th / (nu_total - 2.0 * std::sqrt(nu_total)) / (p_.tau_m * 1e-3);
    // exp(-k h / tau) for the step differences that occur most (up to 2^17 steps): exp() was a quarter of
    // an evaluation's time.
    const auto n_table = static_cast<std::size_t>(std::min<std::int64_t>(n_train_, 1 << 17)) + 1;
    decay_plus_.resize(n_table);
    decay_minus_.resize(n_table);
    for (std::size_t k = 0; k < n_table; ++k) {
        decay_plus_[k] = std::exp(-static_cast<double>(k) * h / p_.tau_plus);
        decay_minus_[k] = std::exp(-static_cast<double>(k) * h / p_.tau_minus);
    }
    inst_.resize(static_cast<std::size_t>(p_.n_tasks));
    for (int k = 0; k < p_.n_tasks; ++k) {
        Instance& in = inst_[static_cast<std::size_t>(k)];
        const auto ku = static_cast<std::uint64_t>(k);
        rng::Stream rw(p_.seed + 111, "e2l_corr_w", ku);
        in.w0 = p_.w_init >= 0 ? p_.w_init : rw.normal(w_star, p_.w_sd);
        rng::Stream rv(p_.seed, "e2l_corr_v0", ku);
        in.V0 = rv.normal(0.0, p_.V0_sd);
        if (!p_.task_w_init.empty()) in.w0 = p_.task_w_init.at(static_cast<std::size_t>(k));
        if (!p_.task_V0.empty()) in.V0 = p_.task_V0.at(static_cast<std::size_t>(k));
        in.V0_test = p_.task_V0_test.empty() ? in.V0 : p_.task_V0_test.at(static_cast<std::size_t>(k));
        in.pattern_neuron.assign(static_cast<std::size_t>(p_.n_inputs), false);
        if (p_.inputs.empty())
            draw_inputs(k, in);
        else
            read_inputs(k, in);
        std::sort(in.events.begin(), in.events.end(), [](const Event& a, const Event& b) {
            return a.step < b.step || (a.step == b.step && a.input < b.input);
        });
        // Spikes of one input in one step form one event (NEST parrot-neuron multiplicity).
        std::size_t m = 0;
        for (std::size_t q = 0; q < in.events.size(); ++q) {
            if (m > 0 && in.events[m - 1].step == in.events[q].step && in.events[m - 1].input == in.events[q].input)
                ++in.events[m - 1].mult;
            else
                in.events[m++] = in.events[q];
        }
        in.events.resize(m);
    }
}

void CorrelationTask::draw_inputs(int k, Instance& in) const
{
    const double h = p_.h;
    const auto ku = static_cast<std::uint64_t>(k);
    const std::int64_t pat_steps = std::llround(p_.pattern / h), period = std::llround((p_.pattern + p_.inter) / h);
    const std::int64_t first = std::llround(p_.first_pattern / h);
    const bool ref = p_.reference_noise;
    // Pattern windows: [first + kP, first + kP + pattern) steps; the reference removes background
    // spikes in (first + kP, first + kP + pattern] instead (same length, one step later).
    auto in_window = [&](std::int64_t t) {
        if (!ref) return t >= first && (t - first) % period < pat_steps;
        const std::int64_t d = (t - first) % period;
        return t > first && d >= 1 && d <= pat_steps;
    };
    const double nu_pattern = 1000.0 / (p_.inter + p_.pattern);
    const double nu_inter = p_.rate * p_.inter / (p_.inter + p_.pattern);
    const double alpha = std::clamp(1.0 - nu_pattern / nu_inter, 0.0, 1.0);
    // Reference generator: a fixed number of ISIs per train (one for the 100 ms pattern at 3 Hz).
    auto n_isi = [&](double T) {
        return ref ? std::max<std::int64_t>(1, static_cast<std::int64_t>(1.25 * p_.rate * 1e-3 * T))
                   : std::numeric_limits<std::int64_t>::max();
    };
    const std::int64_t isi_pattern = n_isi(p_.pattern), isi_train = n_isi(p_.train);
    const double offset = ref ? 0.1 : 0.0; // ms added to the cumulative ISIs (reference)
    for (int i = 0; i < p_.n_inputs; ++i) {
        const auto iu = static_cast<std::uint64_t>(i);
        // Pattern segment: a separate 3 Hz draw over pattern ms (offsets in steps).
        rng::Stream rp(p_.seed + 123, "e2l_corr_pattern", ku, iu);
        std::vector<std::int64_t> pat;
        double t = rp.exponential(1000.0 / p_.rate);
        for (std::int64_t q = 0; q < isi_pattern; ++q, t += rp.exponential(1000.0 / p_.rate)) {
            const std::int64_t s = std::llround((t + offset) / h);
            if (s >= pat_steps) break;
            pat.push_back(s);
        }
        // Background: times = round(cumsum(ISI) + 0.1 ms) on the grid, window spikes removed.
        rng::Stream rb(p_.seed + 123, "e2l_corr_background", ku, iu);
        std::vector<std::int64_t> bg;
        t = rb.exponential(1000.0 / p_.rate);
        for (std::int64_t q = 0; q < isi_train; ++q, t += rb.exponential(1000.0 / p_.rate)) {
            const std::int64_t s = std::llround((t + 0.1) / h);
            if (s >= n_train_) break;
            if (!in_window(s)) bg.push_back(s);
        }
        if (!pat.empty()) {
            in.pattern_neuron[static_cast<std::size_t>(i)] = true;
            // Rate balancing: keep alpha of the between-pattern spikes (reference: int()).
            rng::Stream rs(p_.seed + 123, "e2l_corr_subsample", ku, iu);
            const double kf = alpha * static_cast<double>(bg.size());
            const auto keep = static_cast<std::size_t>(ref ? std::floor(kf) : std::round(kf));
            std::vector<std::int64_t> kept;
            if (p_.with_replacement) {
                for (std::size_t q = 0; q < keep; ++q)
                    kept.push_back(bg[rs.below(bg.size())]);
            } else {
                std::vector<std::size_t> idx(bg.size());
                std::iota(idx.begin(), idx.end(), 0);
                for (std::size_t q = 0; q < keep; ++q)
                    std::swap(idx[q], idx[q + rs.below(idx.size() - q)]);
                for (std::size_t q = 0; q < keep; ++q)
                    kept.push_back(bg[idx[q]]);
            }
            bg = std::move(kept);
            // Pattern copies (reference offsets are >= 1 step, inside the removal window).
            for (std::int64_t w0 = first; w0 + pat_steps <= n_train_; w0 += period)
                for (std::int64_t s : pat)
                    bg.push_back(w0 + s);
        }
        for (std::int64_t s : bg)
            in.events.push_back({static_cast<std::int32_t>(s), static_cast<std::int32_t>(i), 1});
    }
}

void CorrelationTask::read_inputs(int k, Instance& in) const
{
    const auto t = io::CsvTable::read(p_.inputs.at(static_cast<std::size_t>(k)));
    const std::size_t ci = t.column("input"), ct = t.column("time_ms");
    const std::int64_t first = std::llround(p_.first_pattern / p_.h), pat_steps = std::llround(p_.pattern / p_.h);
    for (std::size_t r = 0; r < t.rows(); ++r) {
        const std::string where = t.path + ":" + std::to_string(t.lines[r]);
        const double x = t.number(r, ci), tm = t.number(r, ct);
        if (!(x >= 0 && x < p_.n_inputs && x == std::floor(x)))
            config_error(where, "input", "not an input index",
                         "an integer in [0, " + std::to_string(p_.n_inputs - 1) +
                             "] (correlation.n_inputs = " + std::to_string(p_.n_inputs) + ")");
        if (!(tm >= 0 && std::isfinite(tm))) config_error(where, "time_ms", "not a spike time", "a number >= 0 (ms)");
        // After the training: not used (the test re-runs the start). Checked before rounding, which would
        // overflow for huge times.
        if (tm / p_.h >= static_cast<double>(n_train_)) continue;
        const std::int64_t step = std::llround(tm / p_.h);
        if (step >= n_train_) continue;
        const auto i = static_cast<std::int32_t>(x);
        if (step > first && step <= first + pat_steps) in.pattern_neuron[static_cast<std::size_t>(i)] = true;
        in.events.push_back({static_cast<std::int32_t>(step), i, 1});
    }
}

void CorrelationTask::write_inputs(int k, const std::string& path) const
{
    std::ofstream f(path);
    if (!f) runtime_error(path, "cannot write the spike file");
    f << "input,time_ms\n";
    char buf[64];
    for (const Event& e : inst_.at(static_cast<std::size_t>(k)).events)
        for (int m = 0; m < e.mult; ++m) {
            // %.17g keeps step * h exact enough that reading rounds back to the same step.
            std::snprintf(buf, sizeof buf, "%d,%.17g\n", e.input, static_cast<double>(e.step) * p_.h);
            f << buf;
        }
    if (!f) runtime_error(path, "cannot write the spike file");
}

double CorrelationTask::experiment(const std::vector<expr::Tape>& rules, int k) const
{
    return run(rules.at(0), rules.at(1), k, nullptr);
}

double CorrelationTask::run(const expr::Tape& dep_in, const expr::Tape& fac_in, int k, CorrelationTrace* trace) const
{
    expr::Tape dep = dep_in, fac = fac_in;
    dep.set_pow_real_part(p_.pow_real_part);
    fac.set_pow_real_part(p_.pow_real_part);
    const Instance& in = inst_.at(static_cast<std::size_t>(k));
    const double h = p_.h;
    const auto n = static_cast<std::size_t>(p_.n_inputs);
    const std::int64_t D = std::llround(p_.delay / h);
    const auto ring = static_cast<std::size_t>(D + 1);
    const double P22 = std::exp(-h / p_.tau_m);
    // Trace decay over k steps from the tables (the same expression, so the same bits), exp() beyond them.
    auto decay = [h](const std::vector<double>& table, std::int64_t k, double tau) {
        return k < static_cast<std::int64_t>(table.size()) ? table[static_cast<std::size_t>(k)]
                                                           : std::exp(-static_cast<double>(k) * h / tau);
    };
    auto decay_plus = [&](std::int64_t k) { return decay(decay_plus_, k, p_.tau_plus); };
    auto decay_minus = [&](std::int64_t k) { return decay(decay_minus_, k, p_.tau_minus); };
    const auto ref_steps = static_cast<int>(std::llround(p_.t_ref / h));
    const double lam = p_.lambda;
    const bool sym = p_.symmetric_clip;
    // nonfinite = "reference": the reference clips with comparisons (w < 1 ? w : 1, w > 0 ? w : 0),
    // so a NaN update lands on a bound (std::min/max below behave the same way); only a rule that
    // is non-finite at generic inputs is invalid, as the reference rejects expressions that
    // simplify to zoo/nan before simulating.
    const bool nan_clips = p_.nonfinite_reference;
    if (nan_clips) {
        static constexpr double ws[4] = {0.13, 0.37, 0.61, 0.89}, Es[4] = {0.07, 0.52, 1.3, 2.9};
        for (double a : ws)
            for (double b : Es) {
                const double x[2] = {a, b};
                if (!std::isfinite(dep.eval(x)) || !std::isfinite(fac.eval(x))) return neg_inf;
            }
    }

    std::vector<double> w(n, in.w0), Kp(n, 0.0), buf(ring, 0.0);
    std::vector<std::int64_t> last(n, 0);
    std::vector<std::int64_t> post_t;
    std::vector<double> post_K;
    double V = in.V0;
    int refr = 0;
    std::size_t e = 0;
    const auto& ev = in.events;
    // Post-spike indices, all monotone in time, so no search is needed: the first post spike after t - D
    // (hi), the first at or after t - D (before), and per synapse the first after its last spike's t - D
    // (which is where hi stood at that spike: later post spikes are all later than that).
    std::size_t hi = 0, before = 0;
    std::vector<std::size_t> first_new(n, 0);
    std::size_t now = 0; // t % ring, kept without dividing
    for (std::int64_t t = 0; t < n_train_; ++t, now = now + 1 == ring ? 0 : now + 1) {
        // Neuron (iaf_psc_delta): inputs arriving during refractoriness are dropped.
        double& slot = buf[now];
        const double arriving = slot;
        slot = 0.0;
        if (refr > 0) {
            --refr;
        } else {
            V = V * P22 + arriving;
            if (V >= p_.V_th) {
                V = 0.0;
                refr = ref_steps;
                const double K = post_t.empty() ? 1.0 : post_K.back() * decay_minus(t - post_t.back()) + 1.0;
                post_t.push_back(t);
                post_K.push_back(K);
            }
        }
        while (hi < post_t.size() && post_t[hi] <= t - D)
            ++hi;
        while (before < post_t.size() && post_t[before] < t - D)
            ++before;
        const std::size_t arrive = now + static_cast<std::size_t>(D) >= ring ? now + static_cast<std::size_t>(D) - ring
                                                                             : now + static_cast<std::size_t>(D);
        // Presynaptic spikes at t: lazy STDP, then transmission with the new weight.
        for (; e < ev.size() && ev[e].step == t; ++e) {
            // NEST's kernel delivers an event of multiplicity m as m spikes to the synapse (m updates,
            // the later ones with no new post spikes); multiplicity = "one_update": one update.
            const int reps = p_.unroll_multiplicity ? ev[e].mult : 1;
            for (int rep = 0; rep < reps; ++rep) {
                const auto i = static_cast<std::size_t>(ev[e].input);
                double wi = w[i];
                const std::int64_t tl = last[i];
                for (std::size_t lo = first_new[i]; lo < hi; ++lo) {
                    const double x[2] = {wi, Kp[i] * decay_plus(post_t[lo] + D - tl)};
                    const double r = fac.eval(x);
                    if (!nan_clips && std::isnan(r)) return neg_inf; // (reference: NaN -> W_max via min)
                    wi = std::min(1.0, wi + lam * r);
                    if (sym) wi = std::max(0.0, wi);
                }
                // K-(t - D) from post spikes strictly before t - D.
                double Km = 0.0;
                if (before > 0) {
                    const std::size_t idx = before - 1;
                    Km = post_K[idx] * decay_minus(t - D - post_t[idx]);
                }
                const double x[2] = {wi, Km};
                const double r = dep.eval(x);
                if (!nan_clips && std::isnan(r)) return neg_inf; // (reference: NaN -> 0 via max)
                wi = std::max(0.0, wi - lam * r);
                if (sym) wi = std::min(1.0, wi);
                if (!std::isfinite(wi)) return neg_inf; // an unclipped infinite update
                w[i] = wi;
                buf[arrive] += wi * (p_.unroll_multiplicity ? 1 : ev[e].mult);
                first_new[i] = hi;
                Kp[i] = Kp[i] * decay_plus(t - tl) + 1.0;
                last[i] = t;
            }
        }
    }
    // Test: same input, frozen weights, spiking disabled; V recorded every step.
    std::fill(buf.begin(), buf.end(), 0.0);
    std::vector<double> vt(static_cast<std::size_t>(n_test_));
    V = in.V0_test;
    e = 0;
    for (std::int64_t t = 0; t < n_test_; ++t) {
        double& slot = buf[static_cast<std::size_t>(t) % ring];
        V = V * P22 + slot;
        slot = 0.0;
        for (; e < ev.size() && ev[e].step == t; ++e)
            buf[static_cast<std::size_t>(t + D) % ring] += w[static_cast<std::size_t>(ev[e].input)] * ev[e].mult;
        vt[static_cast<std::size_t>(t)] = V;
    }
    const std::int64_t pat_steps = std::llround(p_.pattern / h), period = std::llround((p_.pattern + p_.inter) / h);
    const std::int64_t first = std::llround(p_.first_pattern / h);
    double sum = 0, sum2 = 0;
    std::int64_t cnt = 0;
    std::vector<double> maxima;
    for (std::int64_t t = 0; t < n_test_; ++t) {
        const bool inw = t >= first && (t - first) % period < pat_steps;
        const double v = vt[static_cast<std::size_t>(t)];
        if (!inw) {
            sum += v;
            sum2 += v * v;
            ++cnt;
        } else {
            // A window cut by the end of the test counts, as in the reference's SNR.
            const std::int64_t kwin = (t - first) / period;
            if (static_cast<std::size_t>(kwin) >= maxima.size())
                maxima.push_back(v);
            else
                maxima.back() = std::max(maxima.back(), v);
        }
    }
    const double mean = cnt ? sum / static_cast<double>(cnt) : 0.0;
    double var = 0;
    for (std::int64_t t = 0; t < n_test_; ++t) {
        const bool inw = t >= first && (t - first) % period < pat_steps;
        if (!inw) var += (vt[static_cast<std::size_t>(t)] - mean) * (vt[static_cast<std::size_t>(t)] - mean);
    }
    const double sd = cnt ? std::sqrt(var / static_cast<double>(cnt)) : 0.0;
    double snr = 0.0;
    if (sd > 0 && !maxima.empty()) {
        for (double m : maxima)
            snr += (m - mean) / sd;
        snr /= static_cast<double>(maxima.size());
    }
    if (!std::isfinite(snr)) snr = neg_inf;
    if (trace) {
        trace->w_final = w;
        trace->pattern_neuron = in.pattern_neuron;
        trace->n_spikes.assign(n, 0);
        trace->n_multi_events = 0;
        for (const auto& x : in.events) {
            trace->n_spikes[static_cast<std::size_t>(x.input)] += x.mult;
            trace->n_multi_events += x.mult > 1;
        }
        trace->v_test = std::move(vt);
        trace->snr = snr;
        trace->post_rate = static_cast<double>(post_t.size()) / (p_.train * 1e-3);
    }
    return snr;
}

} // namespace plast::e2l
