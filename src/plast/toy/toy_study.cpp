#include "plast/toy/toy_study.hpp"

#include "plast/core/error.hpp"
#include "plast/core/parallel.hpp"
#include "plast/core/progress.hpp"
#include "plast/core/rng.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"
#include "plast/io/npy.hpp"
#include "plast/io/run_dir.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace plast::toy {

const char* const default_toy_config = R"(# plast toy: the A-B-A task of "Memory by accident" (2-D, paper setting)
seed = 1

[task]
dim = 2
inputs = "angles"
bg_angle = 0.5235987755982988    # pi/6
stim_angle = 1.3089969389957472  # pi/6 + pi/4
w0 = [1.0, 0.27]
y_target = 1.0
eta = 0.01
epochs = 20000
rho = 0.01

[explicit]                 # the delta rule: gradient descent on (y - y*)^2 / 2
theta = [0.0, -1.0]

[implicit]                 # L2 metric: same fixed points as the delta rule
sigma_inv = [[1.0, 0.0], [0.0, 1.0]]

[explicit_sweep]
theta0 = { min = -2.0, max = 1.0, points = 61 }
theta1 = { min = -2.0, max = 1.0, points = 61 }
eta = [0.005, 0.01, 0.02]

[implicit_sweep]
a = { min = 0.0, max = 3.0, points = 61 }
b = { min = -2.0, max = 2.0, points = 61 }
c = 1.0

[rnn2]                     # two-neuron E-I network, familiarity task; EE and IE both hold r_E at 1
EE = [0.1, 1.0, 0.0, -1.0] # [eta, alpha (pre), beta (post), gamma (pre*post)]
IE = [0.1, -1.0, 0.0, 1.0]

[linear_rnn]               # linear RNN A-B-A task, Hebbian vs non-Hebbian vs gradient descent
n = 5
rules = ["hebbian", "non_hebbian", "gradient"]
)";

static Eigen::VectorXd input_vector(const Section& s, const std::string& key, int dim)
{
    const auto v = s.numbers(key, {}, Range::nonneg(), static_cast<std::size_t>(dim), static_cast<std::size_t>(dim));
    Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(v.data(), dim);
    if (x.norm() <= 0.0) s.fail(key, "input vector is zero", "non-negative vector with norm > 0");
    return x / x.norm();
}

ToyStudy ToyStudy::from_config(Config& cfg, std::uint64_t seed, bool with_eta)
{
    ToyStudy st;
    const Section t = cfg.section("task");
    const int dim = static_cast<int>(t.integer("dim", 2, 2, 1000));
    const std::string mode = t.string("inputs", dim == 2 ? "angles" : "random", {"angles", "vectors", "random"});
    AbaSetup& s = st.setup;
    if (mode == "angles") {
        if (dim != 2) t.fail("inputs", "'angles' needs dim = 2", "vectors, random");
        const double half_pi = std::numbers::pi / 2;
        const double a = t.number("bg_angle", std::numbers::pi / 6, Range::closed(0, half_pi));
        const double b = t.number("stim_angle", std::numbers::pi / 6 + std::numbers::pi / 4, Range::closed(0, half_pi));
        s.x_bg = Eigen::Vector2d(std::cos(a), std::sin(a));
        s.x_stim = Eigen::Vector2d(std::cos(b), std::sin(b));
    } else if (mode == "vectors") {
        s.x_bg = input_vector(t, "x_bg", dim);
        s.x_stim = input_vector(t, "x_stim", dim);
    } else {
        // Random non-negative unit vectors, keyed by the seed (purpose "toy_inputs").
        rng::Stream r(seed, "toy_inputs");
        auto draw = [&] {
            Eigen::VectorXd x(dim);
            for (int i = 0; i < dim; ++i) x(i) = std::fabs(r.normal());
            return Eigen::VectorXd(x / x.norm());
        };
        s.x_bg = draw();
        s.x_stim = draw();
    }
    if (std::fabs(s.x_bg.dot(s.x_stim)) > 1.0 - 1e-9) t.fail("x_stim", "x_bg and x_stim are parallel", "two different inputs");
    s.y_target = t.number("y_target", 1.0, Range::positive());
    if (dim == 2 && mode == "angles") {
        const auto w0 = t.numbers("w0", {1.0, 0.27}, Range::any(), 2, 2);
        s.w0 = Eigen::Vector2d(w0[0], w0[1]);
    } else {
        std::vector<double> def(static_cast<std::size_t>(dim));
        for (int i = 0; i < dim; ++i) def[static_cast<std::size_t>(i)] = s.y_target * s.x_bg(i);
        const auto w0 = t.numbers("w0", def, Range::any(), static_cast<std::size_t>(dim), static_cast<std::size_t>(dim));
        s.w0 = Eigen::Map<const Eigen::VectorXd>(w0.data(), dim);
    }
    if (with_eta) s.eta = t.number("eta", 0.01, Range::positive());
    s.epochs = t.integer("epochs", 20000, 1, 100000000);
    s.rho = t.number("rho", 0.01, Range::positive());

    const Section root = cfg.root();
    if (root.has("explicit")) {
        const Section e = cfg.section("explicit");
        const auto th = e.numbers("theta", {0.0, -1.0}, Range::any(), 2, 4);
        if (th.size() == 3) e.fail("theta", "expected 2 (reduced) or 4 (general) numbers", "[theta0, theta1] or [theta0, theta1, theta2, theta3]");
        st.explicit_rule = th.size() == 2 ? ExplicitRule::reduced_rule(th[0], th[1])
                                          : ExplicitRule::general_rule(th[0], th[1], th[2], th[3]);
        st.record_every = e.integer("record_every", std::max<long>(1, s.epochs / 500), 1, 100000000);
    }
    if (root.has("implicit")) {
        const Section im = cfg.section("implicit");
        std::vector<std::vector<double>> def(static_cast<std::size_t>(dim), std::vector<double>(static_cast<std::size_t>(dim), 0.0));
        for (int i = 0; i < dim; ++i) def[static_cast<std::size_t>(i)][static_cast<std::size_t>(i)] = 1.0;
        const auto m = im.matrix("sigma_inv", def);
        if (m.size() != static_cast<std::size_t>(dim))
            im.fail("sigma_inv", "has " + std::to_string(m.size()) + " rows", std::to_string(dim) + " x " + std::to_string(dim) + " symmetric matrix");
        Eigen::MatrixXd mm(dim, dim);
        for (int i = 0; i < dim; ++i) {
            if (m[static_cast<std::size_t>(i)].size() != static_cast<std::size_t>(dim))
                im.fail("sigma_inv", "row " + std::to_string(i) + " has " + std::to_string(m[static_cast<std::size_t>(i)].size()) + " entries", std::to_string(dim) + " x " + std::to_string(dim) + " symmetric matrix");
            for (int j = 0; j < dim; ++j) mm(i, j) = m[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
        }
        if (!mm.isApprox(mm.transpose(), 1e-12) && (mm - mm.transpose()).norm() > 1e-12)
            im.fail("sigma_inv", "matrix is not symmetric", "symmetric positive semi-definite matrix");
        st.implicit_metric = mm;
    }
    if (root.has("explicit_sweep")) {
        const Section sw = cfg.section("explicit_sweep");
        st.explicit_sweep = true;
        st.theta0 = read_axis(sw, "theta0", {-2.0, 1.0, 61});
        st.theta1 = read_axis(sw, "theta1", {-2.0, 1.0, 61});
        st.etas = sw.numbers("eta", {s.eta}, Range::positive(), 1, 64);
    }
    if (root.has("implicit_sweep")) {
        const Section sw = cfg.section("implicit_sweep");
        if (dim != 2) sw.fail("a", "the (a, b, c) sweep is defined in 2-D", "task.dim = 2");
        st.implicit_sweep = true;
        st.a = read_axis(sw, "a", {0.0, 3.0, 61});
        st.b = read_axis(sw, "b", {-2.0, 2.0, 61});
        st.c = sw.number("c", 1.0, Range::nonneg());
    }
    if (root.has("rnn2")) {
        const Section r = cfg.section("rnn2");
        TwoNeuronRnn net;
        net.tau_e = r.number("tau_E", 0.01, Range::positive());
        net.tau_i = r.number("tau_I", 0.01, Range::positive());
        // Forward Euler on rates with gain up to ~1 needs dt << tau.
        net.dt = r.number("dt", 1e-4, Range::open_closed(0.0, std::min(net.tau_e, net.tau_i) / 10.0));
        const auto w0 = r.numbers("w0", {0.5, 1.0, 0.5, 0.5}, Range::nonneg(), 4, 4);
        std::copy(w0.begin(), w0.end(), net.w0.begin());
        for (int k = 0; k < 4; ++k) {
            if (!r.has(connection_types[static_cast<std::size_t>(k)])) continue;
            const auto v = r.numbers(connection_types[static_cast<std::size_t>(k)], {}, Range::any(), 4, 4);
            if (v[0] < 0)
                r.fail(connection_types[static_cast<std::size_t>(k)], "eta must be >= 0", "[eta >= 0, alpha, beta, gamma]");
            net.rules[static_cast<std::size_t>(k)] = {v[0], v[1], v[2], v[3]};
        }
        if (r.has("w_max")) net.w_max = r.number("w_max", Range::positive());
        net.r_max = r.number("r_max", 1e3, Range::positive());
        auto vec2 = [&](const std::string& key, Eigen::Vector2d def) {
            const auto v = r.numbers(key, {def(0), def(1)}, Range::nonneg(), 2, 2);
            return Eigen::Vector2d(v[0], v[1]);
        };
        FamiliarityTask& ft = st.rnn2_task;
        ft.x_bg = vec2("x_bg", ft.x_bg);
        ft.x_stim = vec2("x_stim", ft.x_stim);
        ft.t_bg = r.number("t_bg", ft.t_bg, Range::closed(0.0, 1e4));
        ft.t_stim = r.number("t_stim", ft.t_stim, Range::closed(0.0, 1e4));
        ft.t_post = r.number("t_post", ft.t_post, Range::closed(0.0, 1e4));
        ft.t_probe = r.number("t_probe", ft.t_probe, Range::closed(0.0, 1e3));
        ft.record_dt = r.number("record_dt", ft.record_dt, Range::nonneg());
        if (ft.record_dt > 0 && ft.record_dt < net.dt) r.fail("record_dt", "is below dt", ">= dt or 0 (no trajectory)");
        st.rnn2 = net;
    }
    if (root.has("rnn2_sweep")) {
        const Section sw = cfg.section("rnn2_sweep");
        if (!st.rnn2) sw.fail("x_param", "needs the [rnn2] section (its network and task are the base point)", "[rnn2] present");
        st.rnn2_sweep = Rnn2Sweep::from_section(sw);
    }
    if (root.has("linear_rnn")) {
        const Section l = cfg.section("linear_rnn");
        const int n = static_cast<int>(l.integer("n", 5, 1, 200));
        const auto rules =
            l.strings("rules", {"hebbian", "non_hebbian", "gradient"}, {"hebbian", "non_hebbian", "gradient"});
        if (rules.empty()) l.fail("rules", "is empty", "one or more of hebbian, non_hebbian, gradient");
        const auto nn = static_cast<std::size_t>(n);
        const auto tg = l.numbers("h_target", std::vector<double>(nn, 1.0), Range::positive(), nn, nn);
        rng::Stream rs(seed, "toy_linear_rnn_inputs");
        auto input = [&](const std::string& key) {
            std::vector<double> def(nn);
            for (auto& v : def)
                v = rs.uniform(); // drawn even when given, so x_b does not depend on x_a
            const auto v = l.numbers(key, def, Range::nonneg(), nn, nn);
            Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(v.data(), n);
            if (x.norm() <= 0.0) l.fail(key, "input vector is zero", "non-negative vector with norm > 0");
            return x;
        };
        LinearAbaTask& lt = st.linear_task;
        lt.x_a = input("x_a");
        lt.x_b = input("x_b");
        const double eta = l.number("eta", 0.01, Range::positive());
        lt.steps = l.integer("steps", 4000, 1, 10000000);
        lt.rho = l.number("rho", 1e-3, Range::positive());
        lt.record_every = l.integer("record_every", 20, 0, 10000000);
        for (const auto& name : rules) {
            LinearRnn net;
            net.rule = LinearRnn::parse_rule(name);
            net.h_tg = Eigen::Map<const Eigen::VectorXd>(tg.data(), n);
            net.w0 = Eigen::MatrixXd::Zero(n, n);
            net.u0 = Eigen::MatrixXd::Identity(n, n);
            net.eta = eta;
            st.linear_rnns.push_back(net);
        }
    }
    return st;
}

namespace {

std::vector<std::string> vec_header(const std::string& name, int dim)
{
    std::vector<std::string> h;
    for (int i = 0; i < dim; ++i) h.push_back(name + "_" + std::to_string(i));
    return h;
}

void append_vec(std::vector<io::Cell>& row, const Eigen::VectorXd& v)
{
    for (double x : v) row.emplace_back(x);
}

nlohmann::json vec_json(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

nlohmann::json result_json(const AbaResult& r)
{
    auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
    return {{"label", r.label()},         {"protocol", r.status},        {"stable_all_inputs", r.stable_all_inputs},
            {"lambda_bg", r.lambda_bg},   {"lambda_stim", r.lambda_stim}, {"RI", num(r.ri)},
            {"tau_B", r.tau_b},           {"tau_A", r.tau_a},            {"w_after_B", vec_json(r.w_after_b)},
            {"w_after_A", vec_json(r.w_after_a)}, {"dist_end_start", num(r.dist_end_start)}};
}

std::uint8_t label_code(const AbaResult& r)
{
    const auto l = r.label();
    return l == "stable" ? 0 : l == "unstable" ? 1 : 2;
}

} // namespace

void ToyStudy::run(io::RunDir& dir, int threads) const
{
    const AbaSetup& s = setup;
    const int dim = s.dim();
    auto& summary = dir.summary();
    summary["dim"] = dim;
    summary["x_bg"] = vec_json(s.x_bg);
    summary["x_stim"] = vec_json(s.x_stim);
    summary["w0"] = vec_json(s.w0);
    summary["y_target"] = s.y_target;
    if (dim == 2) summary["w_cap"] = vec_json(w_capture(s));
    summary["ri_definition"] = dim == 2 ? "relative improvement towards w_cap" : "N-D proxy ||w_bg' - w_bg||";

    if (explicit_rule) {
        AbaSetup rs = s;
        rs.record_every = record_every;
        const AbaResult r = run_aba(*explicit_rule, rs);
        auto j = result_json(r);
        j["theta"] = {explicit_rule->theta0, explicit_rule->theta1, explicit_rule->pre_term(s.y_target),
                      explicit_rule->const_term(s.y_target)};
        j["reduced"] = explicit_rule->reduced;
        if (explicit_rule->reduced && r.status == "converged") {
            const Eigen::VectorXd fb = explicit_rule->fixed_point(s.w0, s.x_stim, s.y_target);
            const Eigen::VectorXd fa = explicit_rule->fixed_point(fb, s.x_bg, s.y_target);
            j["closed_form_w_after_B"] = vec_json(fb);
            j["closed_form_w_after_A"] = vec_json(fa);
            j["euler_vs_closed_form"] = std::max((fb - r.w_after_b).norm(), (fa - r.w_after_a).norm());
        }
        dir.write_json("explicit_rule.json", j);
        summary["explicit_rule"] = j;
        auto header = std::vector<std::string>{"step", "phase"};
        for (auto& h : vec_header("w", dim)) header.push_back(h);
        header.push_back("y");
        io::CsvWriter traj(dir.file("explicit_trajectory.csv"), header);
        for (const auto& row : r.trajectory) {
            std::vector<io::Cell> cells;
            for (std::size_t i = 0; i < row.size(); ++i)
                cells.emplace_back(i < 2 ? io::Cell(static_cast<long long>(row[i])) : io::Cell(row[i]));
            traj.row(cells);
        }
    }

    if (implicit_metric) {
        const ImplicitRule rule(*implicit_metric);
        const AbaResult r = run_aba(rule, s);
        auto j = result_json(r);
        j["min_eigenvalue"] = rule.min_eigenvalue();
        dir.write_json("implicit_rule.json", j);
        summary["implicit_rule"] = j;
    }

    if (explicit_sweep) {
        const auto t0 = theta0.values(), t1 = theta1.values();
        const std::size_t n0 = t0.size(), n1 = t1.size(), ne = etas.size(), n = ne * n0 * n1;
        std::vector<AbaResult> res(n);
        {
            Progress prog("toy explicit sweep", n, "rules");
            parallel_for(n, threads, [&](std::size_t k) {
                const std::size_t ie = k / (n0 * n1), i0 = (k / n1) % n0, i1 = k % n1;
                AbaSetup ps = s;
                ps.eta = etas[ie];
                res[k] = run_aba(ExplicitRule::reduced_rule(t0[i0], t1[i1]), ps);
                prog.advance();
            });
        }
        auto header = std::vector<std::string>{"eta", "theta0", "theta1", "lambda_bg", "lambda_stim",
                                               "stable_all_inputs", "protocol", "label", "RI", "tau_B", "tau_A"};
        for (auto& h : vec_header("wB", dim)) header.push_back(h);
        for (auto& h : vec_header("wA", dim)) header.push_back(h);
        io::CsvWriter csv(dir.file("explicit_sweep.csv"), header);
        std::vector<double> ri(n), tau(n);
        std::vector<std::uint8_t> label(n);
        long n_stable = 0;
        double best_ri = -std::numeric_limits<double>::infinity();
        std::size_t best_k = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t ie = k / (n0 * n1), i0 = (k / n1) % n0, i1 = k % n1;
            const auto& r = res[k];
            std::vector<io::Cell> row{etas[ie], t0[i0], t1[i1], r.lambda_bg, r.lambda_stim,
                                      static_cast<long long>(r.stable_all_inputs), r.status, r.label(), r.ri,
                                      r.tau_b, r.tau_a};
            append_vec(row, r.w_after_b);
            append_vec(row, r.w_after_a);
            csv.row(row);
            label[k] = label_code(r);
            ri[k] = label[k] == 0 ? r.ri : std::numeric_limits<double>::quiet_NaN();
            tau[k] = label[k] == 0 ? r.tau_b + r.tau_a : std::numeric_limits<double>::quiet_NaN();
            if (label[k] == 0) {
                ++n_stable;
                if (r.ri > best_ri) best_ri = r.ri, best_k = k;
            }
        }
        io::write_npy(dir.file("explicit_RI.npy"), ri, {ne, n0, n1});
        io::write_npy(dir.file("explicit_tau.npy"), tau, {ne, n0, n1});
        io::write_npy(dir.file("explicit_label.npy"), label, {ne, n0, n1});
        io::write_npy(dir.file("explicit_theta0.npy"), t0);
        io::write_npy(dir.file("explicit_theta1.npy"), t1);
        io::write_npy(dir.file("explicit_eta.npy"), etas);
        // RI must not depend on eta: largest difference over points stable at every eta.
        // Points that converge slowly (near the instability lines) stop within rho of the target line,
        // so their RI carries an O(rho) residual that differs between learning rates: report median and max.
        double max_eta_dev = 0.0;
        std::vector<double> devs;
        for (std::size_t p = 0; p < n0 * n1; ++p) {
            bool all = true;
            for (std::size_t ie = 0; ie < ne; ++ie) all = all && label[ie * n0 * n1 + p] == 0;
            if (!all) continue;
            double dev = 0.0;
            for (std::size_t ie = 1; ie < ne; ++ie) dev = std::max(dev, std::fabs(ri[ie * n0 * n1 + p] - ri[p]));
            devs.push_back(dev);
            max_eta_dev = std::max(max_eta_dev, dev);
        }
        double median_dev = 0.0;
        if (!devs.empty()) {
            std::nth_element(devs.begin(), devs.begin() + static_cast<long>(devs.size() / 2), devs.end());
            median_dev = devs[devs.size() / 2];
        }
        nlohmann::json sj = {{"points", n},
                             {"stable", n_stable},
                             {"max_RI_difference_across_eta", max_eta_dev},
                             {"median_RI_difference_across_eta", median_dev}};
        if (n_stable > 0) {
            sj["best_RI"] = best_ri;
            sj["best_theta"] = {t0[(best_k / n1) % n0], t1[best_k % n1]};
            sj["best_eta"] = etas[best_k / (n0 * n1)];
        }
        summary["explicit_sweep"] = sj;
    }

    if (implicit_sweep) {
        const auto av = a.values(), bv = b.values();
        const std::size_t na = av.size(), nb = bv.size(), n = na * nb;
        std::vector<AbaResult> res(n);
        parallel_for(n, threads, [&](std::size_t k) {
            res[k] = run_aba(ImplicitRule::from_abc(av[k / nb], bv[k % nb], c), s);
        });
        auto header = std::vector<std::string>{"a", "b", "c", "psd", "protocol", "label", "RI"};
        for (auto& h : vec_header("wB", dim)) header.push_back(h);
        for (auto& h : vec_header("wA", dim)) header.push_back(h);
        io::CsvWriter csv(dir.file("implicit_sweep.csv"), header);
        std::vector<double> ri(n);
        long n_psd = 0, n_pos = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const auto& r = res[k];
            std::vector<io::Cell> row{av[k / nb], bv[k % nb], c, static_cast<long long>(r.stable_all_inputs), r.status,
                                      r.label(), r.ri};
            append_vec(row, r.w_after_b);
            append_vec(row, r.w_after_a);
            csv.row(row);
            ri[k] = r.label() == "stable" ? r.ri : std::numeric_limits<double>::quiet_NaN();
            if (r.label() == "stable") {
                ++n_psd;
                if (r.ri > 1e-9) ++n_pos;
            }
        }
        io::write_npy(dir.file("implicit_RI.npy"), ri, {na, nb});
        io::write_npy(dir.file("implicit_a.npy"), av);
        io::write_npy(dir.file("implicit_b.npy"), bv);
        summary["implicit_sweep"] = {{"points", n}, {"psd", n_psd}, {"RI_positive", n_pos}, {"c", c}};
    }

    if (rnn2) run_rnn2(dir);
    if (rnn2_sweep) rnn2_sweep->run(*rnn2, rnn2_task, dir, threads);
    if (!linear_rnns.empty()) run_linear(dir);
}

void ToyStudy::run_rnn2(io::RunDir& dir) const
{
    const TwoNeuronRnn& net = *rnn2;
    const FamiliarityTask& ft = rnn2_task;
    const TwoNeuronResult r = run_familiarity(net, ft);
    auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
    auto warr = [](const std::array<double, 4>& w) { return std::vector<double>(w.begin(), w.end()); };
    nlohmann::json rules = nlohmann::json::object();
    for (int k = 0; k < 4; ++k) {
        const auto& ru = net.rules[static_cast<std::size_t>(k)];
        if (ru.eta != 0.0) rules[connection_types[static_cast<std::size_t>(k)]] = {ru.eta, ru.alpha, ru.beta, ru.gamma};
    }
    // Weights and rates after a phase appear only when that phase completed.
    auto after = [&](int phase, const nlohmann::json& v) {
        return r.phases_done > phase ? v : nlohmann::json(nullptr);
    };
    nlohmann::json j = {{"status", r.status},
                        {"rules", rules},
                        {"weight_order", connection_types},
                        {"w0", warr(net.w0)},
                        {"w_after_bg", after(0, warr(r.w_after_bg))},
                        {"w_after_stim", after(1, warr(r.w_after_stim))},
                        {"w_end", warr(r.w_end)},
                        {"r_after_bg", after(0, vec_json(r.r_after_bg))},
                        {"r_after_stim", after(1, vec_json(r.r_after_stim))},
                        {"r_end", vec_json(r.r_end)},
                        {"t_end", r.t_end},
                        {"probe_rE_before", num(r.probe_before)},
                        {"probe_rE_after", num(r.probe_after)},
                        {"familiarity", num(r.familiarity())},
                        {"x_bg", vec_json(ft.x_bg)},
                        {"x_stim", vec_json(ft.x_stim)}};
    if (r.status == "diverged") j["diverged_in"] = r.diverged_in;
    if (const auto ss = TwoNeuronRnn::steady_state(net.w0, ft.x_bg)) j["static_steady_state_bg"] = vec_json(*ss);
    // The IE set point is the analytic check when IE is the only plastic synapse.
    bool ie_only = net.rules[IE].eta != 0.0;
    for (int k : {EE, EI, II})
        ie_only = ie_only && net.rules[static_cast<std::size_t>(k)].eta == 0.0;
    if (ie_only)
        if (const auto sp = ie_set_point(net.rules[IE], net.w0, ft.x_bg))
            j["ie_set_point"] = {{"r_E", sp->r_e}, {"r_I", sp->r_i}, {"w_IE", sp->w_ie}};
    dir.write_json("rnn2.json", j);
    dir.summary()["rnn2"] = j;
    io::CsvWriter csv(dir.file("rnn2_trajectory.csv"), {"t", "phase", "r_E", "r_I", "w_EE", "w_EI", "w_IE", "w_II"});
    for (const auto& row : r.trajectory) {
        std::vector<io::Cell> cells;
        for (std::size_t i = 0; i < row.size(); ++i)
            cells.emplace_back(i == 1 ? io::Cell(static_cast<long long>(row[i])) : io::Cell(row[i]));
        csv.row(cells);
    }
}

void ToyStudy::run_linear(io::RunDir& dir) const
{
    const LinearAbaTask& lt = linear_task;
    const int n = linear_rnns.front().n();
    auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
    io::CsvWriter csv(dir.file("linear_rnn.csv"), {"rule", "status", "err_A", "err_B", "err_A2", "weight_change", "RI",
                                                   "err_B_before", "err_B_after"});
    auto header = std::vector<std::string>{"rule", "step", "phase", "err", "dist_w0"};
    for (auto& h : vec_header("h", n))
        header.push_back(h);
    io::CsvWriter traj(dir.file("linear_rnn_trajectory.csv"), header);
    nlohmann::json sj = {{"n", n},
                         {"x_a", vec_json(lt.x_a)},
                         {"x_b", vec_json(lt.x_b)},
                         {"h_target", vec_json(linear_rnns.front().h_tg)},
                         {"eta", linear_rnns.front().eta},
                         {"steps", lt.steps}};
    for (const auto& net : linear_rnns) {
        const LinearAbaResult r = run_linear_aba(net, lt);
        const std::string name = LinearRnn::rule_name(net.rule);
        csv.row({name, r.status, r.err_a, r.err_b, r.err_a2, r.weight_change, r.ri, r.err_b_before, r.err_b_after});
        for (const auto& row : r.trajectory) {
            std::vector<io::Cell> cells{name, static_cast<long long>(row[0]), static_cast<long long>(row[1])};
            for (std::size_t i = 2; i < row.size(); ++i)
                cells.emplace_back(row[i]);
            traj.row(cells);
        }
        sj[name] = {{"status", r.status},
                    {"RI", num(r.ri)},
                    {"weight_change", num(r.weight_change)},
                    {"err_B_before", num(r.err_b_before)},
                    {"err_B_after", num(r.err_b_after)},
                    {"err_A2", num(r.err_a2)}};
    }
    dir.summary()["linear_rnn"] = sj;
}

} // namespace plast::toy
