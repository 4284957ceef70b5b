#include "plast/e2l/error_task.hpp"

#include "plast/core/error.hpp"
#include "plast/core/memory_budget.hpp"
#include "plast/core/rng.hpp"
#include "plast/e2l/psp_kernel.hpp"
#include "plast/expr/simd_dispatch.hpp"
#include "plast/io/config.hpp"

#include <cmath>
#include <limits>

namespace plast::e2l {

namespace {
constexpr double neg_inf = -std::numeric_limits<double>::infinity();

std::int64_t steps_of(const Section& s, const std::string& key, double ms, double h)
{
    const double n = ms / h;
    if (std::fabs(n - std::round(n)) > 1e-6 * std::max(1.0, n) || std::round(n) < 1)
        s.fail(key, "must be a positive multiple of h (" + std::to_string(h) + " ms)", "k * h, k >= 1");
    return static_cast<std::int64_t>(std::llround(n));
}
} // namespace

ErrorTaskParams ErrorTaskParams::from_config(const Section& s)
{
    return from_config(s, ErrorTaskParams{});
}

ErrorTaskParams ErrorTaskParams::from_config(const Section& s, const ErrorTaskParams& defaults)
{
    ErrorTaskParams p = defaults;
    p.n_experiments = static_cast<int>(s.integer("n_experiments", p.n_experiments, 1, 100000));
    p.seed = static_cast<std::uint64_t>(s.integer("seed", static_cast<std::int64_t>(p.seed), 0, INT64_MAX));
    p.duration = s.number("duration", p.duration, Range::positive());
    p.h = s.number("h", p.h, Range::open_closed(0.0, 1.0));
    p.n_inputs = static_cast<int>(s.integer("n_inputs", p.n_inputs, 1, 10000));
    p.rate_min = s.number("rate_min", p.rate_min, Range::nonneg());
    p.rate_max = s.number("rate_max", p.rate_max, Range::nonneg());
    if (p.rate_max < p.rate_min) s.fail("rate_max", "must be >= rate_min", ">= rate_min");
    if (p.rate_max * p.h * 1e-3 >= 1.0) s.fail("rate_max", "spike probability per step reaches 1", "< 1000/h Hz");
    p.w_teacher_lo = s.number("w_teacher_lo", p.w_teacher_lo);
    p.w_teacher_hi = s.number("w_teacher_hi", p.w_teacher_hi);
    if (p.w_teacher_hi < p.w_teacher_lo) s.fail("w_teacher_hi", "must be >= w_teacher_lo", ">= w_teacher_lo");
    p.w_shift = s.number("w_shift", p.w_shift);
    p.random_sign =
        s.string("teacher_shift", p.random_sign ? "random_sign" : "plus", {"plus", "random_sign"}) == "random_sign";
    p.w0 = s.number("w0", p.w0);
    p.eta = s.number("eta", p.eta);
    p.tau_I = s.number("tau_I", p.tau_I, Range::positive());
    p.target_interval = s.number("target_interval", p.target_interval, Range::positive());
    p.tau_m = s.number("tau_m", p.tau_m, Range::positive());
    p.tau_s = s.number("tau_s", p.tau_s, Range::positive());
    if (p.tau_m == p.tau_s) s.fail("tau_s", "must differ from tau_m", "!= tau_m");
    p.C_m = s.number("C_m", p.C_m, Range::positive());
    p.E_L = s.number("E_L", p.E_L);
    p.delay = s.number("delay", p.delay, Range::positive());
    p.sample_interval = s.number("sample_interval", p.sample_interval, Range::positive());
    p.discard_fraction = s.number("discard_fraction", p.discard_fraction, Range{0.0, 1.0, false, true});
    // The block structure (weights frozen per 1 ms delay block) needs these to be whole steps.
    steps_of(s, "duration", p.duration, p.h);
    const auto blk = steps_of(s, "delay", p.delay, p.h);
    const auto smp = steps_of(s, "sample_interval", p.sample_interval, p.h);
    steps_of(s, "target_interval", p.target_interval, p.h);
    if (smp % blk != 0) s.fail("sample_interval", "must be a multiple of the 1 ms block", "k * 1 ms");
    // Input spike arrivals of every experiment (8 B each, duration in ms) and per-step buffers of a run.
    require_memory(8.0 * p.n_experiments * p.n_inputs * p.rate_max * p.duration * 1e-3 + 16.0 * (p.duration / p.h),
                   s.where("duration"), s.path("duration"), "the error task's input spike trains");
    return p;
}

ErrorTask::ErrorTask(ErrorTaskParams p) : p_(p)
{
    n_steps_ = std::llround(p_.duration / p_.h);
    block_ = std::llround(p_.delay / p_.h);
    target_every_ = std::llround(p_.target_interval / p_.h);
    sample_every_ = std::llround(p_.sample_interval / p_.h);
    if (n_steps_ % block_ != 0) runtime_error("e2l error task", "duration must be a multiple of the 1 ms delay");
    inst_.resize(static_cast<std::size_t>(p_.n_experiments));
    for (int k = 0; k < p_.n_experiments; ++k) {
        Instance& in = inst_[static_cast<std::size_t>(k)];
        const auto ks = static_cast<std::uint64_t>(k);
        rng::Stream rw(p_.seed + ks, "e2l_error_teacher");
        double shift = p_.w_shift;
        if (p_.random_sign && rw.uniform() < 0.5) shift = -shift;
        for (int j = 0; j < p_.n_inputs; ++j)
            in.w_teacher.push_back(rw.uniform(p_.w_teacher_lo, p_.w_teacher_hi) + shift);
        rng::Stream rr(p_.seed + ks, "e2l_error_rates");
        for (int j = 0; j < p_.n_inputs; ++j) {
            const double prob = rr.uniform(p_.rate_min, p_.rate_max) * p_.h * 1e-3;
            rng::Stream rs(p_.seed + ks, "e2l_error_spikes", static_cast<std::uint64_t>(j));
            std::vector<std::int64_t> a;
            // Bernoulli spikes on the grid; the arrival is one delay later.
            if (prob > 0)
                rs.for_each_success(static_cast<std::uint64_t>(n_steps_), prob, [&](std::uint64_t s) {
                    const auto t = static_cast<std::int64_t>(s);
                    if (t + block_ < n_steps_) a.push_back(t + block_);
                });
            in.arrivals.push_back(std::move(a));
        }
    }
}

double weight_distance(const ErrorTrace& tr, bool initial, double w0)
{
    if (tr.w_teacher.empty() || (!initial && tr.w.empty())) return std::numeric_limits<double>::quiet_NaN();
    double s = 0.0;
    for (std::size_t j = 0; j < tr.w_teacher.size(); ++j) {
        const double d = (initial ? w0 : tr.w.back()[j]) - tr.w_teacher[j];
        s += d * d;
    }
    return std::sqrt(s / static_cast<double>(tr.w_teacher.size()));
}

std::int64_t ErrorTask::scored_samples() const
{
    const std::int64_t n = n_steps_ / sample_every_;
    return n - std::llround(p_.discard_fraction * static_cast<double>(n));
}

double ErrorTask::rms_error(double fitness_k) const
{
    const auto n = scored_samples();
    return n > 0 ? std::fabs(fitness_k) / std::sqrt(static_cast<double>(n)) : 0.0;
}

double ErrorTask::experiment(const std::vector<expr::Tape>& rules, int k) const
{
    return run(rules.at(0), k, nullptr);
}

PLAST_SIMD_CLONES double ErrorTask::run(const expr::Tape& rule, int k, ErrorTrace* trace) const
{
    const Instance& in = inst_.at(static_cast<std::size_t>(k));
    const auto n = static_cast<std::size_t>(p_.n_inputs);
    const auto B = static_cast<std::size_t>(block_);
    const PspPropagators pr(p_.h, p_.tau_s, p_.tau_m, p_.C_m);
    const double a_I = std::exp(-p_.h / p_.tau_I), b_I = 1.0 - a_I, eta_h = p_.eta * p_.h;
    std::vector<double> c_fin(B), c_acc(B);
    double aB = 1.0, A1 = 0.0;
    for (std::size_t s = 0; s < B; ++s) {
        aB *= a_I;
        A1 += aB;
    }
    for (std::size_t s = 0; s < B; ++s) {
        c_fin[s] = std::pow(a_I, static_cast<double>(B - 1 - s));
        c_acc[s] = (1.0 - std::pow(a_I, static_cast<double>(B - s))) / (1.0 - a_I);
    }
    const std::int64_t discard = std::llround(p_.discard_fraction * static_cast<double>(n_steps_ / sample_every_));

    // Within a block the neurons and PSP traces are linear systems driven by known arrivals, so each
    // step's value is computed in closed form from the block-start state (no per-step dependency
    // chain; mathematically identical to stepping psp_kernel.hpp):
    //   PSP(s) = P22^(s+1) PSP0 + G(s+1) I0 + sum_{arrivals r < s} G(s - r),
    //   G(1) = P21,  G(m) = P22 G(m-1) + P21 P11^(m-1)   (PSP m steps after a unit current step).
    // The teacher (static weights, zero start) is exactly sum_j w_T,j PSP_j; the student uses the
    // block-start weights for the block's arrivals.
    std::vector<double> p22s(B + 1), p11s(B + 1), G(B + 1);
    p22s[0] = p11s[0] = 1.0;
    G[0] = 0.0;
    for (std::size_t m = 1; m <= B; ++m) {
        p22s[m] = p22s[m - 1] * pr.p22;
        p11s[m] = p11s[m - 1] * pr.p11;
        G[m] = pr.p22 * G[m - 1] + pr.p21 * p11s[m - 1];
    }
    std::vector<double> w(n, p_.w0), I(n, 0.0), psp(n, 0.0), isyn(n, 0.0);
    std::vector<std::size_t> cursor(n, 0);
    double vs = 0.0, is = 0.0; // student V relative to E_L, synaptic current
    double u_target = p_.E_L;  // overwritten at t = 0
    std::int64_t to_target = 1;
    // Block buffers laid out [synapse][step] so that one eval_batch covers the whole block.
    std::vector<double> bv(n * B), bu(n * B), bs(n * B), d(n * B), X(B), VT(B), XS(B);
    const double* inputs[3] = {bv.data(), bu.data(), bs.data()};
    const auto uses = rule.uses_inputs();
    double sq = 0.0;
    std::int64_t sample_index = 0;
    if (trace) {
        *trace = {};
        trace->w_teacher = in.w_teacher;
        trace->arrivals = in.arrivals;
    }
    for (std::int64_t t0 = 0; t0 < n_steps_; t0 += block_) {
        // 1. PSP traces, teacher and student over the block, with the weights of the block start.
        std::fill(VT.begin(), VT.end(), 0.0);
        std::fill(XS.begin(), XS.end(), 0.0);
        double is_end = is * p11s[B];
        for (std::size_t j = 0; j < n; ++j) {
            std::fill(X.begin(), X.end(), 0.0);
            const auto& arr = in.arrivals[j];
            std::size_t c = cursor[j];
            double i_arr = 0.0; // current at the block end due to this block's arrivals
            for (; c < arr.size() && arr[c] < t0 + block_; ++c) {
                const auto r = static_cast<std::size_t>(arr[c] - t0);
                for (std::size_t s = r + 1; s < B; ++s)
                    X[s] += G[s - r];
                i_arr += p11s[B - 1 - r];
            }
            cursor[j] = c;
            double* out = bs.data() + j * B;
            const double P0 = psp[j], I0 = isyn[j], wt = in.w_teacher[j], ws = w[j];
            for (std::size_t s = 0; s < B; ++s) {
                out[s] = p22s[s + 1] * P0 + G[s + 1] * I0 + X[s];
                VT[s] += wt * out[s];
                XS[s] += ws * X[s];
            }
            psp[j] = out[B - 1];
            isyn[j] = isyn[j] * p11s[B] + i_arr;
            is_end += ws * i_arr;
        }
        for (std::size_t s = 0; s < B; ++s) {
            bu[s] = p_.E_L + (p22s[s + 1] * vs + G[s + 1] * is + XS[s]);
            if (--to_target == 0) {
                u_target = p_.E_L + VT[s];
                to_target = target_every_;
            }
            bv[s] = u_target;
        }
        const double vt = VT[B - 1];
        vs = bu[B - 1] - p_.E_L;
        is = is_end;
        // 2. The rule over the whole block (v and u are shared by all synapses).
        for (std::size_t j = 1; j < n; ++j) {
            if (uses[0])
                std::copy(bv.begin(), bv.begin() + static_cast<std::ptrdiff_t>(B),
                          bv.begin() + static_cast<std::ptrdiff_t>(j * B));
            if (uses[1])
                std::copy(bu.begin(), bu.begin() + static_cast<std::ptrdiff_t>(B),
                          bu.begin() + static_cast<std::ptrdiff_t>(j * B));
        }
        rule.eval_batch(inputs, n * B, nullptr, d.data());
        // 3. Low-pass filtered weight updates; take effect from the next block. The recursion
        //    I <- a I + b d_s, acc += I over the block is linear, so it is evaluated in closed form:
        //    I_B = a^B I_0 + b sum_s a^(B-1-s) d_s,  acc = I_0 sum_{s=1..B} a^s + b sum_s d_s (1 - a^(B-s))/(1 - a).
        double bad = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            const double* dj = d.data() + j * B;
            // Four partial sums: breaks the add-latency chain (no -ffast-math reassociation).
            double f4[4] = {0, 0, 0, 0}, a4[4] = {0, 0, 0, 0};
            std::size_t s = 0;
            for (; s + 4 <= B; s += 4)
                for (std::size_t q = 0; q < 4; ++q) {
                    f4[q] += c_fin[s + q] * dj[s + q];
                    a4[q] += c_acc[s + q] * dj[s + q];
                }
            for (; s < B; ++s) {
                f4[0] += c_fin[s] * dj[s];
                a4[0] += c_acc[s] * dj[s];
            }
            const double s_fin = (f4[0] + f4[1]) + (f4[2] + f4[3]), s_acc = (a4[0] + a4[1]) + (a4[2] + a4[3]);
            const double I0 = I[j];
            I[j] = aB * I0 + b_I * s_fin;
            w[j] += eta_h * (I0 * A1 + b_I * s_acc);
            bad += w[j] * 0.0; // NaN/Inf propagate into bad
        }
        if (!std::isfinite(bad)) return neg_inf;
        // 4. Fitness samples at the end of each sample interval.
        const std::int64_t t_end = t0 + block_;
        if (t_end % sample_every_ == 0) {
            const double e = vs - vt;
            if (sample_index >= discard) sq += e * e;
            if (trace) {
                trace->t.push_back(static_cast<double>(t_end) * p_.h);
                trace->v.push_back(p_.E_L + vt);
                trace->u.push_back(p_.E_L + vs);
                trace->w.push_back(w);
            }
            ++sample_index;
        }
    }
    const double f = -std::sqrt(sq);
    return std::isfinite(f) ? f : neg_inf;
}

} // namespace plast::e2l
