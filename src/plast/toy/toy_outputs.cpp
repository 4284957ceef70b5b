#include "plast/toy/toy_outputs.hpp"

#include "plast/io/csv.hpp"
#include "plast/io/npy.hpp"
#include "plast/io/run_dir.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace plast::toy {

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

// Non-finite values (RI of a diverged run) become JSON null.
nlohmann::json num(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

nlohmann::json result_json(const AbaResult& r)
{
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

void write_setup(io::RunDir& dir, const AbaSetup& s)
{
    const int dim = s.dim();
    auto& summary = dir.summary();
    summary["dim"] = dim;
    summary["x_bg"] = vec_json(s.x_bg);
    summary["x_stim"] = vec_json(s.x_stim);
    summary["w0"] = vec_json(s.w0);
    summary["y_target"] = s.y_target;
    if (dim == 2) summary["w_cap"] = vec_json(w_capture(s));
    summary["ri_definition"] = dim == 2 ? "relative improvement towards w_cap" : "N-D proxy ||w_bg' - w_bg||";
}

void write_explicit_rule(io::RunDir& dir, const ToyStudy& study, const AbaResult& r)
{
    const AbaSetup& s = study.setup;
    const ExplicitRule& rule = *study.explicit_rule;
    auto j = result_json(r);
    j["theta"] = {rule.theta0, rule.theta1, rule.pre_term(s.y_target), rule.const_term(s.y_target)};
    j["reduced"] = rule.reduced;
    if (rule.reduced && r.status == "converged") {
        const Eigen::VectorXd fb = rule.fixed_point(s.w0, s.x_stim, s.y_target);
        const Eigen::VectorXd fa = rule.fixed_point(fb, s.x_bg, s.y_target);
        j["closed_form_w_after_B"] = vec_json(fb);
        j["closed_form_w_after_A"] = vec_json(fa);
        j["euler_vs_closed_form"] = std::max((fb - r.w_after_b).norm(), (fa - r.w_after_a).norm());
    }
    dir.write_json("explicit_rule.json", j);
    dir.summary()["explicit_rule"] = j;
    auto header = std::vector<std::string>{"step", "phase"};
    for (auto& h : vec_header("w", s.dim())) header.push_back(h);
    header.push_back("y");
    io::CsvWriter traj(dir.file("explicit_trajectory.csv"), header);
    for (const auto& row : r.trajectory) {
        std::vector<io::Cell> cells;
        for (std::size_t i = 0; i < row.size(); ++i)
            if (i < 2)
                cells.emplace_back(static_cast<long long>(row[i])); // step, phase
            else
                cells.emplace_back(row[i]);
        traj.row(cells);
    }
}

void write_implicit_rule(io::RunDir& dir, const ToyStudy& study, const AbaResult& r)
{
    auto j = result_json(r);
    j["min_eigenvalue"] = ImplicitRule(*study.implicit_metric).min_eigenvalue();
    dir.write_json("implicit_rule.json", j);
    dir.summary()["implicit_rule"] = j;
}

void write_explicit_sweep(io::RunDir& dir, const ToyStudy& study, const ExplicitSweepResults& res)
{
    const auto& t0 = res.theta0;
    const auto& t1 = res.theta1;
    const auto& etas = res.etas;
    const int dim = study.setup.dim();
    const std::size_t n0 = t0.size(), n1 = t1.size(), ne = etas.size(), n = ne * n0 * n1;
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
        const auto& r = res.runs[k];
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
    dir.summary()["explicit_sweep"] = sj;
}

void write_implicit_sweep(io::RunDir& dir, const ToyStudy& study, const ImplicitSweepResults& res)
{
    const auto& av = res.a;
    const auto& bv = res.b;
    const double c = study.c;
    const int dim = study.setup.dim();
    const std::size_t na = av.size(), nb = bv.size(), n = na * nb;
    auto header = std::vector<std::string>{"a", "b", "c", "psd", "protocol", "label", "RI"};
    for (auto& h : vec_header("wB", dim)) header.push_back(h);
    for (auto& h : vec_header("wA", dim)) header.push_back(h);
    io::CsvWriter csv(dir.file("implicit_sweep.csv"), header);
    std::vector<double> ri(n);
    long n_psd = 0, n_pos = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const auto& r = res.runs[k];
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
    dir.summary()["implicit_sweep"] = {{"points", n}, {"psd", n_psd}, {"RI_positive", n_pos}, {"c", c}};
}

void write_rnn2(io::RunDir& dir, const ToyStudy& study, const TwoNeuronResult& r)
{
    const TwoNeuronRnn& net = *study.rnn2;
    const FamiliarityTask& ft = study.rnn2_task;
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
            if (i == 1)
                cells.emplace_back(static_cast<long long>(row[i])); // phase
            else
                cells.emplace_back(row[i]);
        csv.row(cells);
    }
}

void write_linear_rnn(io::RunDir& dir, const ToyStudy& study, const std::vector<LinearAbaResult>& res)
{
    const LinearAbaTask& lt = study.linear_task;
    const auto& nets = study.linear_rnns;
    const int n = nets.front().n();
    io::CsvWriter csv(dir.file("linear_rnn.csv"), {"rule", "status", "err_A", "err_B", "err_A2", "weight_change", "RI",
                                                   "err_B_before", "err_B_after"});
    auto header = std::vector<std::string>{"rule", "step", "phase", "err", "dist_w0"};
    for (auto& h : vec_header("h", n))
        header.push_back(h);
    io::CsvWriter traj(dir.file("linear_rnn_trajectory.csv"), header);
    nlohmann::json sj = {{"n", n},
                         {"x_a", vec_json(lt.x_a)},
                         {"x_b", vec_json(lt.x_b)},
                         {"h_target", vec_json(nets.front().h_tg)},
                         {"eta", nets.front().eta},
                         {"steps", lt.steps}};
    for (std::size_t k = 0; k < nets.size(); ++k) {
        const LinearAbaResult& r = res[k];
        const std::string name = LinearRnn::rule_name(nets[k].rule);
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

void write_rnn2_sweep(io::RunDir& dir, const Rnn2Sweep& sw, const std::vector<TwoNeuronResult>& res)
{
    const auto xv = sw.x.values(), yv = sw.y.values();
    const std::size_t nx = xv.size(), ny = yv.size(), n = nx * ny;
    io::CsvWriter csv(dir.file("rnn2_sweep.csv"),
                      {sw.x_param, sw.y_param, "status", "familiarity", "probe_rE_before", "probe_rE_after", "r_E_end", "r_I_end",
                       "w_EE_end", "w_EI_end", "w_IE_end", "w_II_end"});
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> fam(n, nan), stable(n, 0.0);
    long n_stable = 0, n_memory = 0;
    double best = -std::numeric_limits<double>::infinity();
    std::size_t best_i = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& r = res[i];
        const bool ok = r.status == "stable";
        const double f = ok ? r.familiarity() : nan;
        csv.row({xv[i / ny], yv[i % ny], r.status, f, ok ? r.probe_before : nan, ok ? r.probe_after : nan, r.r_end(0),
                 r.r_end(1), r.w_end[0], r.w_end[1], r.w_end[2], r.w_end[3]});
        fam[i] = f;
        stable[i] = ok ? 1.0 : 0.0;
        if (!ok) continue;
        ++n_stable;
        // A trace worth the name: the probe response changed by more than 1 % of its value.
        if (std::fabs(f) > 0.01 * std::fabs(r.probe_before)) ++n_memory;
        if (std::fabs(f) > best) {
            best = std::fabs(f);
            best_i = i;
        }
    }
    io::write_npy(dir.file("rnn2_sweep_familiarity.npy"), fam, {nx, ny});
    io::write_npy(dir.file("rnn2_sweep_stable.npy"), stable, {nx, ny});
    io::write_npy(dir.file("rnn2_sweep_x.npy"), xv);
    io::write_npy(dir.file("rnn2_sweep_y.npy"), yv);
    nlohmann::json j = {{"x_param", sw.x_param}, {"y_param", sw.y_param}, {"points", n}, {"stable", n_stable},
                        {"with_memory", n_memory}};
    if (n_stable > 0) {
        j["largest_familiarity"] = res[best_i].familiarity();
        j["largest_at"] = {xv[best_i / ny], yv[best_i % ny]};
    }
    dir.summary()["rnn2_sweep"] = j;
}

} // namespace plast::toy
