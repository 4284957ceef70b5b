#include "plast/e2l/error_task.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
#include "plast/e2l/psp_kernel.hpp"
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
    ErrorTaskParams p;
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
    p.random_sign = s.string("teacher_shift", "plus", {"plus", "random_sign"}) == "random_sign";
    p.w0 = s.number("w0", p.w0);
    p.eta = s.number("eta", p.eta);
    p.tau_I = s.number("tau_I", p.tau_I, Range::positive());
    p.target_interval = s.number("target_interval", p.target_interval, Range::positive());
    p.tau_m = s.number("tau_m", p.tau_m, Range::positive());
    p.tau_s = s.number("tau_s", p.tau_s, Range::positive());
    if (p.tau_m == p.tau_s) s.fail("tau_s", "must differ from tau_m", "!= tau_m");
    p.C_m = s.number("C_m", p.C_m, Range::positive());
    p.E_L = s.number("E_L", p.E_L);
    p.sample_interval = s.number("sample_interval", p.sample_interval, Range::positive());
    p.discard_fraction = s.number("discard_fraction", p.discard_fraction, Range{0.0, 1.0, false, true});
    // The block structure (weights frozen per 1 ms delay block) needs these to be whole steps.
    steps_of(s, "duration", p.duration, p.h);
    const auto blk = steps_of(s, "delay", p.delay, p.h);
    const auto smp = steps_of(s, "sample_interval", p.sample_interval, p.h);
    steps_of(s, "target_interval", p.target_interval, p.h);
    if (smp % blk != 0) s.fail("sample_interval", "must be a multiple of the 1 ms block", "k * 1 ms");
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
        for (int j = 0; j < p_.n_inputs; ++j) in.w_teacher.push_back(rw.uniform(p_.w_teacher_lo, p_.w_teacher_hi) + shift);
        rng::Stream rr(p_.seed + ks, "e2l_error_rates");
        for (int j = 0; j < p_.n_inputs; ++j) {
            const double prob = rr.uniform(p_.rate_min, p_.rate_max) * p_.h * 1e-3;
            rng::Stream rs(p_.seed + ks, "e2l_error_spikes", static_cast<std::uint64_t>(j));
            std::vector<std::int64_t> a;
            // Bernoulli spikes on the grid; the arrival is one delay later.
            if (prob > 0)
                for (std::int64_t t = static_cast<std::int64_t>(rs.geometric_skip(prob)); t < n_steps_;
                     t += 1 + static_cast<std::int64_t>(rs.geometric_skip(prob)))
                    if (t + block_ < n_steps_) a.push_back(t + block_);
            in.arrivals.push_back(std::move(a));
        }
    }
}

double ErrorTask::experiment(const std::vector<expr::Tape>& rules, int k) const { return run(rules.at(0), k, nullptr); }

double ErrorTask::run(const expr::Tape& rule, int k, ErrorTrace* trace) const
{
    const Instance& in = inst_.at(static_cast<std::size_t>(k));
    const auto n = static_cast<std::size_t>(p_.n_inputs);
    const auto B = static_cast<std::size_t>(block_);
    const PspPropagators pr(p_.h, p_.tau_s, p_.tau_m, p_.C_m);
    const double a_I = std::exp(-p_.h / p_.tau_I), b_I = 1.0 - a_I, eta_h = p_.eta * p_.h;
    const std::int64_t discard = std::llround(p_.discard_fraction * static_cast<double>(n_steps_ / sample_every_));

    std::vector<double> w(n, p_.w0), I(n, 0.0), psp(n, 0.0), isyn(n, 0.0);
    std::vector<std::size_t> cursor(n, 0);
    double vt = 0.0, it = 0.0, vs = 0.0, is = 0.0; // teacher / student (V relative to E_L, current)
    double u_target = p_.E_L;
    // Block buffers laid out [synapse][step] so that one eval_batch covers the whole block.
    std::vector<double> bv(n * B), bu(n * B), bs(n * B), d(n * B);
    const double* inputs[3] = {bv.data(), bu.data(), bs.data()};
    const auto uses = rule.uses_inputs();
    double sq = 0.0;
    std::int64_t sample_index = 0;
    if (trace) {
        *trace = {};
        trace->w_teacher = in.w_teacher;
    }
    for (std::int64_t t0 = 0; t0 < n_steps_; t0 += block_) {
        // 1. Neurons and PSP traces over the block, with the weights of the block start.
        for (std::size_t s = 0; s < B; ++s) {
            const std::int64_t t = t0 + static_cast<std::int64_t>(s);
            vt = vt * pr.p22 + it * pr.p21;
            vs = vs * pr.p22 + is * pr.p21;
            it *= pr.p11;
            is *= pr.p11;
            for (std::size_t j = 0; j < n; ++j) {
                psp[j] = psp[j] * pr.p22 + isyn[j] * pr.p21;
                isyn[j] *= pr.p11;
                const auto& arr = in.arrivals[j];
                while (cursor[j] < arr.size() && arr[cursor[j]] == t) {
                    isyn[j] += 1.0;
                    it += in.w_teacher[j];
                    is += w[j];
                    ++cursor[j];
                }
                bs[j * B + s] = psp[j];
            }
            if (t % target_every_ == 0) u_target = p_.E_L + vt;
            bv[s] = u_target;
            bu[s] = p_.E_L + vs;
        }
        // 2. The rule over the whole block (v and u are shared by all synapses).
        for (std::size_t j = 1; j < n; ++j) {
            if (uses[0]) std::copy(bv.begin(), bv.begin() + static_cast<std::ptrdiff_t>(B), bv.begin() + static_cast<std::ptrdiff_t>(j * B));
            if (uses[1]) std::copy(bu.begin(), bu.begin() + static_cast<std::ptrdiff_t>(B), bu.begin() + static_cast<std::ptrdiff_t>(j * B));
        }
        rule.eval_batch(inputs, n * B, nullptr, d.data());
        // 3. Low-pass filtered weight updates; take effect from the next block.
        double bad = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            double Ij = I[j], acc = 0.0;
            const double* dj = d.data() + j * B;
            for (std::size_t s = 0; s < B; ++s) {
                Ij = Ij * a_I + b_I * dj[s];
                acc += Ij;
            }
            I[j] = Ij;
            w[j] += eta_h * acc;
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
