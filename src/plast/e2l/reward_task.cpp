#include "plast/e2l/reward_task.hpp"

#include "plast/core/error.hpp"
#include "plast/core/rng.hpp"
#include "plast/e2l/given_inputs.hpp"
#include "plast/e2l/psp_kernel.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

namespace plast::e2l {

namespace {
constexpr double neg_inf = -std::numeric_limits<double>::infinity();

// Escape noise: spike with probability p_scale exp(x) in this step.
[[gnu::noinline]] bool escape_spike(rng::Stream& noise, double p_scale, double x)
{
    return noise.uniform() < p_scale * std::exp(x);
}
} // namespace

RewardTaskParams RewardTaskParams::from_config(const Section& s)
{
    return from_config(s, RewardTaskParams{});
}

RewardTaskParams RewardTaskParams::from_config(const Section& s, const RewardTaskParams& defaults)
{
    RewardTaskParams p = defaults;
    p.inputs = s.files("inputs", p.inputs);
    if (!p.inputs.empty()) {
        check_given_count(s, "n_experiments", p.inputs.size(), "instance directories in `inputs`");
        p.n_experiments = static_cast<int>(p.inputs.size());
    }
    p.n_experiments = static_cast<int>(s.integer("n_experiments", p.n_experiments, 1, 100000));
    p.seed = static_cast<std::uint64_t>(s.integer("seed", static_cast<std::int64_t>(p.seed), 0, INT64_MAX));
    p.n_trials = static_cast<int>(s.integer("n_trials", p.n_trials, 1, 10000000));
    p.n_inputs = static_cast<int>(s.integer("n_inputs", p.n_inputs, 1, 100000));
    p.n_patterns = static_cast<int>(s.integer("n_patterns", p.n_patterns, 1, 100000));
    p.p_connect = s.number("p_connect", p.p_connect, Range::open_closed(0.0, 1.0));
    p.rate = s.number("rate", p.rate, Range::nonneg());
    p.trial = s.number("trial", p.trial, Range::positive());
    p.h = s.number("h", p.h, Range::open_closed(0.0, 1.0));
    p.eta = s.number("eta", p.eta);
    p.sigma_w = s.number("sigma_w", p.sigma_w, Range::nonneg());
    p.rho = s.number("rho", p.rho, Range::positive());
    p.delta_u = s.number("delta_u", p.delta_u, Range::positive());
    p.E_L = s.number("E_L", p.E_L);
    p.V_reset = s.number("V_reset", p.V_reset);
    p.u_th = s.number("u_th", p.u_th);
    p.tau_m = s.number("tau_m", p.tau_m, Range::positive());
    p.C_m = s.number("C_m", p.C_m, Range::positive());
    p.tau_ref = s.number("tau_ref", p.tau_ref, Range::nonneg());
    p.tau_s = s.number("tau_s", p.tau_s, Range::positive());
    if (p.tau_m == p.tau_s) s.fail("tau_s", "must differ from tau_m", "!= tau_m");
    p.tau_M = s.number("tau_M", p.tau_M, Range::positive());
    p.delay = s.number("delay", p.delay, Range::nonneg());
    p.coded_eligibility =
        s.string("eligibility", p.coded_eligibility ? "coded" : "paper", {"coded", "paper"}) == "coded";
    p.rho_syn = s.number("rho_syn", p.rho_syn, Range::nonneg());
    p.delta_syn = s.number("delta_syn", p.delta_syn, Range::positive());
    p.theta_syn = s.number("theta_syn", p.theta_syn);
    p.variant = s.string("variant", p.variant, {"repo", "rbar", "rbar_split"});
    p.m_r = s.number("m_r", p.m_r, Range::at_least(1.0));
    const double n = p.trial / p.h;
    if (std::fabs(n - std::round(n)) > 1e-6 * n) s.fail("trial", "must be a multiple of h", "k * h");
    if (!p.inputs.empty()) {
        const RewardTaskParams d;
        refuse_changed(s,
                       {{"n_patterns", p.n_patterns != d.n_patterns},
                        {"p_connect", p.p_connect != d.p_connect},
                        {"rate", p.rate != d.rate},
                        {"sigma_w", p.sigma_w != d.sigma_w}},
                       "applies to drawn instances only; the instances are read from `inputs`");
    }
    return p;
}

std::vector<std::vector<std::string>> RewardTask::rule_inputs() const
{
    if (p_.variant == "rbar") return {{"R", "E", "Rbar"}};
    if (p_.variant == "rbar_split") return {{"R", "E", "Rbar_plus", "Rbar_minus"}};
    return {{"R", "E"}};
}

RewardTask::RewardTask(RewardTaskParams p) : p_(std::move(p))
{
    n_steps_ = std::llround(p_.trial / p_.h);
    inst_.resize(static_cast<std::size_t>(p_.n_experiments));
    for (int k = 0; k < p_.n_experiments; ++k) {
        Instance& in = inst_[static_cast<std::size_t>(k)];
        if (p_.inputs.empty())
            draw_instance(k, in);
        else
            read_instance(k, in);
        for (auto& arr : in.patterns)
            std::sort(arr.begin(), arr.end(), [](const Arrival& x, const Arrival& y) {
                return x.step < y.step || (x.step == y.step && x.syn < y.syn);
            });
    }
}

void RewardTask::draw_instance(int k, Instance& in) const
{
    const auto delay_steps = static_cast<std::int32_t>(std::llround(p_.delay / p_.h));
    const double prob = p_.rate * p_.h * 1e-3;
    const std::uint64_t seed = p_.seed + static_cast<std::uint64_t>(k);
    rng::Stream rc(seed, "e2l_reward_connect");
    std::vector<int> syn_of_input(static_cast<std::size_t>(p_.n_inputs), -1);
    for (int i = 0; i < p_.n_inputs; ++i)
        if (rc.bernoulli(p_.p_connect)) {
            syn_of_input[static_cast<std::size_t>(i)] = static_cast<int>(in.connected.size());
            in.connected.push_back(i);
        }
    rng::Stream rw(seed, "e2l_reward_weights");
    for (std::size_t j = 0; j < in.connected.size(); ++j)
        in.w0.push_back(rw.normal(0.0, p_.sigma_w));
    rng::Stream rl(seed, "e2l_reward_labels");
    for (int m = 0; m < p_.n_patterns; ++m) {
        in.label.push_back(rl.bernoulli(0.5) ? 1 : -1);
        std::vector<Arrival> arr;
        for (int i = 0; i < p_.n_inputs; ++i) {
            rng::Stream rs(seed, "e2l_reward_pattern", static_cast<std::uint64_t>(m), static_cast<std::uint64_t>(i));
            if (prob <= 0) continue;
            const int syn = syn_of_input[static_cast<std::size_t>(i)];
            rs.for_each_success(static_cast<std::uint64_t>(n_steps_), prob, [&](std::uint64_t s) {
                const auto t = static_cast<std::int64_t>(s);
                if (syn >= 0 && t + delay_steps < n_steps_) arr.push_back({static_cast<std::int32_t>(t + delay_steps), syn});
            });
        }
        in.patterns.push_back(std::move(arr));
    }
    rng::Stream rt(seed, "e2l_reward_trials");
    for (int i = 0; i < p_.n_trials; ++i)
        in.choice.push_back(static_cast<int>(rt.below(static_cast<std::uint64_t>(p_.n_patterns))));
}

void RewardTask::read_instance(int k, Instance& in) const
{
    const std::string dir = p_.inputs.at(static_cast<std::size_t>(k));
    const auto delay_steps = std::llround(p_.delay / p_.h);
    // A whole number in [lo, hi], or an error naming file, line and column.
    auto index = [](const io::CsvTable& t, std::size_t r, std::size_t c, std::int64_t lo, std::int64_t hi,
                    const std::string& what) {
        const double x = t.number(r, c);
        if (!(x >= static_cast<double>(lo) && x <= static_cast<double>(hi) && x == std::floor(x)))
            config_error(t.path + ":" + std::to_string(t.lines[r]), t.header[c], "not " + what,
                         "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
        return static_cast<std::int64_t>(x);
    };
    auto in_order = [&](const io::CsvTable& t, std::size_t c) {
        for (std::size_t r = 0; r < t.rows(); ++r)
            index(t, r, c, static_cast<std::int64_t>(r), static_cast<std::int64_t>(r),
                  "the row's position (rows are numbered 0, 1, ... in order)");
    };
    std::vector<int> syn_of_input(static_cast<std::size_t>(p_.n_inputs), -1);
    {
        const auto t = io::CsvTable::read(dir + "/synapses.csv");
        const std::size_t ci = t.column("input"), cw = t.column("w0_pA");
        for (std::size_t r = 0; r < t.rows(); ++r) {
            const auto i = index(t, r, ci, 0, p_.n_inputs - 1,
                                 "an input index (reward.n_inputs = " + std::to_string(p_.n_inputs) + ")");
            if (syn_of_input[static_cast<std::size_t>(i)] >= 0)
                config_error(t.path + ":" + std::to_string(t.lines[r]), "input", "input connected twice",
                             "each input at most once");
            const double w = t.number(r, cw);
            if (!std::isfinite(w))
                config_error(t.path + ":" + std::to_string(t.lines[r]), "w0_pA", "not finite", "a weight in pA");
            syn_of_input[static_cast<std::size_t>(i)] = static_cast<int>(in.connected.size());
            in.connected.push_back(static_cast<int>(i));
            in.w0.push_back(w);
        }
    }
    {
        const auto t = io::CsvTable::read(dir + "/patterns.csv");
        const std::size_t cl = t.column("label");
        in_order(t, t.column("pattern"));
        for (std::size_t r = 0; r < t.rows(); ++r) {
            const double l = t.number(r, cl);
            if (l != 1.0 && l != -1.0)
                config_error(t.path + ":" + std::to_string(t.lines[r]), "label", "not a label", "1 or -1");
            in.label.push_back(l > 0 ? 1 : -1);
        }
        if (in.label.empty()) config_error(t.path, "pattern", "no patterns", "at least one row");
        in.patterns.resize(in.label.size());
    }
    {
        const auto t = io::CsvTable::read(dir + "/spikes.csv");
        const std::size_t cp = t.column("pattern"), ci = t.column("input"), ct = t.column("time_ms");
        const auto m_max = static_cast<std::int64_t>(in.label.size()) - 1;
        for (std::size_t r = 0; r < t.rows(); ++r) {
            const auto m = index(t, r, cp, 0, m_max, "a pattern of patterns.csv");
            const auto i = index(t, r, ci, 0, p_.n_inputs - 1,
                                 "an input index (reward.n_inputs = " + std::to_string(p_.n_inputs) + ")");
            const double tm = t.number(r, ct);
            // The spike is stamped with the step that ends at time_ms (step index time_ms/h - 1) and is
            // added to the current delay later; checked before rounding, which would overflow.
            if (!(std::isfinite(tm) && tm >= 0.5 * p_.h))
                config_error(t.path + ":" + std::to_string(t.lines[r]), "time_ms", "not a spike time",
                             "a number >= h = " + std::to_string(p_.h) + " (ms)");
            if (tm / p_.h >= static_cast<double>(n_steps_) + 1.0) continue; // after the trial
            const std::int64_t arrival = std::llround(tm / p_.h) - 1 + delay_steps;
            const int syn = syn_of_input[static_cast<std::size_t>(i)];
            if (syn >= 0 && arrival < n_steps_)
                in.patterns[static_cast<std::size_t>(m)].push_back({static_cast<std::int32_t>(arrival), syn});
        }
    }
    {
        const auto t = io::CsvTable::read(dir + "/trials.csv");
        const std::size_t cp = t.column("pattern");
        in_order(t, t.column("trial"));
        if (t.rows() < static_cast<std::size_t>(p_.n_trials))
            config_error(t.path, "trial",
                         "has " + std::to_string(t.rows()) + " trials, reward.n_trials = " +
                             std::to_string(p_.n_trials),
                         "at least n_trials rows (or a smaller reward.n_trials)");
        for (std::size_t r = 0; r < static_cast<std::size_t>(p_.n_trials); ++r)
            in.choice.push_back(static_cast<int>(
                index(t, r, cp, 0, static_cast<std::int64_t>(in.label.size()) - 1, "a pattern of patterns.csv")));
    }
}

void RewardTask::write_instance(int k, const std::string& dir) const
{
    const Instance& in = inst_.at(static_cast<std::size_t>(k));
    const auto delay_steps = std::llround(p_.delay / p_.h);
    std::filesystem::create_directories(dir);
    // One CSV: the header, then `rows` writes the lines.
    auto write = [&](const char* name, const char* header, const auto& rows) {
        const std::string path = dir + "/" + name;
        std::ofstream f(path);
        f << header << "\n";
        rows(f);
        if (!f) runtime_error(path, "cannot write the task file");
    };
    char buf[96];
    write("synapses.csv", "input,w0_pA", [&](std::ofstream& f) {
        for (std::size_t j = 0; j < in.connected.size(); ++j) {
            std::snprintf(buf, sizeof buf, "%d,%.17g\n", in.connected[j], in.w0[j]);
            f << buf;
        }
    });
    write("patterns.csv", "pattern,label", [&](std::ofstream& f) {
        for (std::size_t m = 0; m < in.label.size(); ++m)
            f << m << "," << in.label[m] << "\n";
    });
    write("spikes.csv", "pattern,input,time_ms", [&](std::ofstream& f) {
        for (std::size_t m = 0; m < in.patterns.size(); ++m)
            for (const Arrival& a : in.patterns[m]) {
                // The stamp of the step the spike left the input; %.17g reads back to the same step.
                const double tm = static_cast<double>(a.step - delay_steps + 1) * p_.h;
                std::snprintf(buf, sizeof buf, "%zu,%d,%.17g\n", m, in.connected[static_cast<std::size_t>(a.syn)], tm);
                f << buf;
            }
    });
    write("trials.csv", "trial,pattern", [&](std::ofstream& f) {
        for (std::size_t i = 0; i < in.choice.size(); ++i)
            f << i << "," << in.choice[i] << "\n";
    });
}

double RewardTask::experiment(const std::vector<expr::Tape>& rules, int k) const
{
    return run(rules.at(0), k, nullptr);
}

double RewardTask::run(const expr::Tape& rule, int k, RewardTrace* trace) const
{
    const Instance& in = inst_.at(static_cast<std::size_t>(k));
    const std::size_t n_syn = in.connected.size();
    const auto N = static_cast<std::size_t>(n_steps_);
    const PspPropagators pr(p_.h, p_.tau_s, p_.tau_m, p_.C_m);
    const double PE = std::exp(-p_.h / p_.tau_M);
    const double theta_rel = p_.u_th - p_.E_L, reset_rel = p_.V_reset - p_.E_L;
    const auto ref_steps = static_cast<int>(std::llround(p_.tau_ref / p_.h));
    const double p_scale = p_.rho * p_.h * 1e-3;
    const double x_min = std::log(1e-13 / p_scale); // below: spike probability < 1e-13, no draw
    const double V_min = theta_rel + x_min * p_.delta_u, E_L = p_.E_L;
    // Coefficients of g(t) = a_s s_post + a_phi exp((u - Theta')/delta'), and the prefactor c.
    double c, a_s, a_phi, theta_g, delta_g;
    if (p_.coded_eligibility) {
        c = (1.0 - PE) / p_.delta_syn * 1e9;
        a_s = 1.0;
        a_phi = -p_.rho_syn * p_.h;
        theta_g = p_.theta_syn;
        delta_g = p_.delta_syn;
    } else {
        c = (1.0 - PE) / p_.delta_u;
        a_s = 1.0 / p_.h;
        a_phi = -p_.rho * 1e-3;
        theta_g = p_.u_th;
        delta_g = p_.delta_u;
    }
    std::vector<double> w = in.w0, u(N), E(n_syn), Rv(n_syn), Rb(n_syn), Rbp(n_syn), Rbm(n_syn), dw(n_syn);
    std::vector<std::uint8_t> spk(N);
    std::vector<double> Si(N);
    double rbar_p = 0.0, rbar_m = 0.0, total = 0.0;
    const std::size_t n_in = rule.n_inputs();
    const double* inputs[4] = {Rv.data(), E.data(), n_in == 3 ? Rb.data() : Rbp.data(), Rbm.data()};
    if (trace) *trace = {};
    for (int trial = 0; trial < p_.n_trials; ++trial) {
        const auto& arr = in.patterns[static_cast<std::size_t>(in.choice[static_cast<std::size_t>(trial)])];
        rng::Stream noise(p_.seed + static_cast<std::uint64_t>(k), "e2l_reward_noise",
                          static_cast<std::uint64_t>(trial));
        // Forward pass: membrane, escape-noise spikes. The rare escape-noise draw lives in a
        // separate function so that the hot loop makes no calls and keeps its state in registers.
        double V = 0.0, I = 0.0;
        int refr = 0;
        bool spiked = false;
        std::size_t a = 0;
        std::size_t next = arr.empty() ? N : static_cast<std::size_t>(arr[0].step);
        for (std::size_t t = 0; t < N; ++t) {
            std::uint8_t s = 0;
            if (refr > 0) {
                --refr;
            } else {
                V = V * pr.p22 + I * pr.p21;
                if (V > V_min && escape_spike(noise, p_scale, (V - theta_rel) / p_.delta_u)) {
                    s = 1;
                    spiked = true;
                    V = reset_rel;
                    refr = ref_steps;
                }
            }
            I *= pr.p11;
            if (t == next) {
                for (; a < arr.size() && static_cast<std::size_t>(arr[a].step) == t; ++a)
                    I += w[static_cast<std::size_t>(arr[a].syn)];
                next = a < arr.size() ? static_cast<std::size_t>(arr[a].step) : N;
            }
            u[t] = E_L + V;
            spk[t] = s;
        }
        // Backward (adjoint) pass for the eligibility traces at the trial end.
        double s_psp = 0.0, s_i = 0.0, decay = 1.0;
        for (std::size_t tt = N; tt-- > 0;) {
            // S_i(t) uses S_psp(t+1); then S_psp(t) adds this step's weight.
            s_i = pr.p21 * s_psp + pr.p11 * s_i;
            Si[tt] = s_i;
            const double g = a_s * spk[tt] + a_phi * std::exp((u[tt] - theta_g) / delta_g);
            s_psp = decay * g + pr.p22 * s_psp;
            decay *= PE;
        }
        std::fill(E.begin(), E.end(), 0.0);
        for (const Arrival& ar : arr)
            E[static_cast<std::size_t>(ar.syn)] += Si[static_cast<std::size_t>(ar.step)];
        for (auto& e : E)
            e *= c;
        if (trace && trial == 0) {
            trace->u0 = u;
            trace->spikes0 = spk;
            for (const Arrival& ar : arr)
                trace->arrivals0.emplace_back(ar.step, ar.syn);
            trace->E0 = E;
        }
        // Decision, reward, rule.
        const int label = in.label[static_cast<std::size_t>(in.choice[static_cast<std::size_t>(trial)])];
        const int R = ((spiked ? 1 : -1) == label) ? 1 : -1;
        total += R;
        std::fill(Rv.begin(), Rv.end(), static_cast<double>(R));
        std::fill(Rb.begin(), Rb.end(), rbar_p + rbar_m);
        std::fill(Rbp.begin(), Rbp.end(), rbar_p);
        std::fill(Rbm.begin(), Rbm.end(), rbar_m);
        rule.eval_batch(inputs, n_syn, nullptr, dw.data());
        double check = 0.0;
        for (std::size_t j = 0; j < n_syn; ++j) {
            w[j] += p_.eta * dw[j];
            check += w[j] * 0.0;
        }
        if (!std::isfinite(check)) return neg_inf;
        rbar_p = (1.0 - 1.0 / p_.m_r) * rbar_p + (1.0 / p_.m_r) * std::max(0, R);
        rbar_m = (1.0 - 1.0 / p_.m_r) * rbar_m + (1.0 / p_.m_r) * std::min(0, R);
        if (trace) {
            trace->reward.push_back(R);
            double m = 0;
            for (double x : w)
                m += std::fabs(x);
            trace->mean_abs_w.push_back(n_syn ? m / static_cast<double>(n_syn) : 0.0);
        }
    }
    return total;
}

} // namespace plast::e2l
