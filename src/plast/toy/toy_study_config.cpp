// ToyStudy::from_config: one reader per configuration section (toy_study.hpp lists every key and default).
// Sections are read in a fixed order because later ones take defaults from earlier ones (record_every from
// task.epochs, the sweep's eta from task.eta, rnn2_sweep's base point from [rnn2]).
#include "plast/toy/toy_study.hpp"

#include "plast/core/rng.hpp"
#include "plast/io/config.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace plast::toy {

namespace {

Eigen::VectorXd input_vector(const Section& s, const std::string& key, int dim)
{
    const auto v = s.numbers(key, {}, Range::nonneg(), static_cast<std::size_t>(dim), static_cast<std::size_t>(dim));
    Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(v.data(), dim);
    if (x.norm() <= 0.0) s.fail(key, "input vector is zero", "non-negative vector with norm > 0");
    return x / x.norm();
}

// [task]: the inputs, start point and protocol of the A-B-A task.
AbaSetup read_task(const Section& t, std::uint64_t seed, bool with_eta)
{
    AbaSetup s;
    const int dim = static_cast<int>(t.integer("dim", 2, 2, 1000));
    const std::string mode = t.string("inputs", dim == 2 ? "angles" : "random", {"angles", "vectors", "random"});
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
    return s;
}

// [explicit]: the single explicit rule and its trajectory sampling.
void read_explicit(const Section& e, ToyStudy& st)
{
    const auto th = e.numbers("theta", {0.0, -1.0}, Range::any(), 2, 4);
    if (th.size() == 3) e.fail("theta", "expected 2 (reduced) or 4 (general) numbers", "[theta0, theta1] or [theta0, theta1, theta2, theta3]");
    st.explicit_rule = th.size() == 2 ? ExplicitRule::reduced_rule(th[0], th[1])
                                      : ExplicitRule::general_rule(th[0], th[1], th[2], th[3]);
    st.record_every = e.integer("record_every", std::max<long>(1, st.setup.epochs / 500), 1, 100000000);
}

// [implicit]: the metric of the single implicit rule (dim x dim, symmetric).
Eigen::MatrixXd read_implicit(const Section& im, int dim)
{
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
    return mm;
}

// [explicit_sweep]: the (eta, theta0, theta1) grid of reduced explicit rules.
void read_explicit_sweep(const Section& sw, ToyStudy& st)
{
    st.explicit_sweep = true;
    st.theta0 = read_axis(sw, "theta0", {-2.0, 1.0, 61});
    st.theta1 = read_axis(sw, "theta1", {-2.0, 1.0, 61});
    st.etas = sw.numbers("eta", {st.setup.eta}, Range::positive(), 1, 64);
}

// [implicit_sweep]: the (a, b) grid of 2-D metrics at fixed c.
void read_implicit_sweep(const Section& sw, ToyStudy& st)
{
    if (st.setup.dim() != 2) sw.fail("a", "the (a, b, c) sweep is defined in 2-D", "task.dim = 2");
    st.implicit_sweep = true;
    st.a = read_axis(sw, "a", {0.0, 3.0, 61});
    st.b = read_axis(sw, "b", {-2.0, 2.0, 61});
    st.c = sw.number("c", 1.0, Range::nonneg());
}

// [rnn2]: the two-neuron E-I network (st.rnn2) and its familiarity task (st.rnn2_task).
void read_rnn2(const Section& r, ToyStudy& st)
{
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

// [linear_rnn]: one network per rule (st.linear_rnns) sharing the task (st.linear_task).
void read_linear_rnn(const Section& l, std::uint64_t seed, ToyStudy& st)
{
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

} // namespace

ToyStudy ToyStudy::from_config(Config& cfg, std::uint64_t seed, bool with_eta)
{
    ToyStudy st;
    st.setup = read_task(cfg.section("task"), seed, with_eta);
    const Section root = cfg.root();
    if (root.has("explicit")) read_explicit(cfg.section("explicit"), st);
    if (root.has("implicit")) st.implicit_metric = read_implicit(cfg.section("implicit"), st.setup.dim());
    if (root.has("explicit_sweep")) read_explicit_sweep(cfg.section("explicit_sweep"), st);
    if (root.has("implicit_sweep")) read_implicit_sweep(cfg.section("implicit_sweep"), st);
    if (root.has("rnn2")) read_rnn2(cfg.section("rnn2"), st);
    if (root.has("rnn2_sweep")) {
        const Section sw = cfg.section("rnn2_sweep");
        if (!st.rnn2) sw.fail("x_param", "needs the [rnn2] section (its network and task are the base point)", "[rnn2] present");
        st.rnn2_sweep = Rnn2Sweep::from_section(sw);
    }
    if (root.has("linear_rnn")) read_linear_rnn(cfg.section("linear_rnn"), seed, st);
    return st;
}

} // namespace plast::toy
