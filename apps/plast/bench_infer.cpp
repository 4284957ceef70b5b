// plast bench infer: wall time of gradient inference (hand-written adjoint, double precision, one core)
// next to the same computation in PyTorch on the CPU (bench/torch_infer_reference.py, Debian python3-torch).
//   1. default behavioural fit: 20 trajectories x 240 trials, 81 Taylor coefficients, 250 epochs
//      (251 passes, one Adam step per trajectory, L1 1e-2, BCE with reference padding)
//   2. Oja recovery at paper scale: 100 x 1000 neurons, T = 50, 50 trajectories per epoch (one Adam step
//      per trajectory); --scale sets the number of epochs (default 1).
// PyTorch runs fewer epochs (it is slow); per-epoch times are compared and its total is extrapolated.
// The same data and initial parameters are handed to PyTorch as .npy files, and the parameters after
// the same number of epochs are compared (max |delta theta|), so the two really compute the same thing.
#include "bench.hpp"

#include "plast/core/rng.hpp"
#include "plast/core/version.hpp"
#include "plast/infer/behaviour_experiment.hpp"
#include "plast/infer/oja_experiment.hpp"
#include "plast/io/npy.hpp"
#include "plast/rules/rule_string.hpp"
#include "plast/rules/taylor_rule.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>

namespace plast::app {

namespace {

struct TorchRun {
    bool ok = false;
    std::string message;
    double seconds = 0;
    int epochs = 0;
    std::vector<double> theta;
};

TorchRun run_torch(const std::string& dir, const std::string& cas, int epochs)
{
    TorchRun t;
    const std::string script = std::string(source_dir()) + "/bench/torch_infer_reference.py";
    if (!std::filesystem::exists(script)) {
        t.message = "reference script not found (" + script + ")";
        return t;
    }
    const std::string cmd = "/usr/bin/python3 '" + script + "' --case " + cas + " --dir '" + dir + "' --epochs " +
                            std::to_string(epochs) + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) {
        t.message = "cannot start python3";
        return t;
    }
    std::string out;
    char buf[4096];
    while (fgets(buf, sizeof buf, p))
        out += buf;
    const int rc = pclose(p);
    const auto pos = out.rfind("{\"case\"");
    if (rc != 0 || pos == std::string::npos) {
        t.message = out.find("No module named 'torch'") != std::string::npos
                        ? "PyTorch not available"
                        : "reference failed: " + out.substr(0, 400);
        return t;
    }
    const auto j = nlohmann::json::parse(out.substr(pos));
    t.ok = true;
    t.seconds = j["seconds"];
    t.epochs = j["epochs"];
    t.theta = j["theta"].get<std::vector<double>>();
    return t;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b)
{
    if (a.size() != b.size()) return std::numeric_limits<double>::quiet_NaN();
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        m = std::max(m, std::fabs(a[i] - b[i]));
    return m;
}

// Adam over `passes` passes through the trajectories, one step per trajectory (reference loop).
template <class LossFn>
std::vector<double> adam_passes(LossFn&& loss, std::size_t n_traj, const rules::DifferentiableRule& rule,
                                std::vector<double> theta, int passes, double lr, double l1)
{
    infer::FitOptions fo;
    fo.epochs = passes - 1;
    fo.learning_rate = lr;
    fo.regularization = l1 > 0 ? "l1" : "none";
    fo.reg_scale = l1;
    fo.log_interval = 1000000;
    fo.threads = 1;
    fo.final_check = false; // timing only: no extra optimality passes
    return infer::fit(loss, n_traj, rule, std::move(theta), fo).theta;
}

int bench_infer(const BenchOptions& opt)
{
    namespace fs = std::filesystem;
    const fs::path tmp = fs::temp_directory_path() / ("plast_bench_infer_" + std::to_string(::getpid()));
    fs::create_directories(tmp);
    nlohmann::json figures;
    using clock = std::chrono::steady_clock;

    // ---- 1. behavioural fit ----
    {
        infer::BehaviourSettings s;
        rules::TaylorRule rule(true);
        const auto truth = rules::parse_rule_string("X1Y0W0R1", true);
        const int n_traj = 20, passes = 251;
        auto t0 = clock::now();
        std::vector<rate::BehaviourTrajectory> data;
        for (int k = 0; k < n_traj; ++k)
            data.push_back(
                rate::generate_behaviour(s.task, s.net, rule, truth.data(), 0.01, 1, 0, static_cast<std::uint64_t>(k))
                    .data);
        const double gen_s = std::chrono::duration<double>(clock::now() - t0).count();
        const auto w0 = infer::draw_weights(s.net.n_syn(), 0.01, 1, "student_w0");
        const auto th0 = infer::draw_weights(81, 1e-5, 1, "theta_init");
        auto loss = [&](std::size_t k, const std::vector<double>& th, double* g) {
            thread_local rate::BehaviourRecord rec;
            return rate::behaviour_loss(s.net, rule, th.data(), data[k], w0.data(), s.loss, g, rec);
        };
        t0 = clock::now();
        const auto th_full = adam_passes(loss, data.size(), rule, th0, passes, 1e-3, 1e-2);
        const double fit_s = std::chrono::duration<double>(clock::now() - t0).count();
        const int torch_passes = std::max(1, static_cast<int>(std::lround(3 * opt.scale)));
        const auto th_short = adam_passes(loss, data.size(), rule, th0, torch_passes, 1e-3, 1e-2);
        // export for PyTorch: padded to the global maximum presentation count
        int L = 0;
        for (auto& d : data)
            L = std::max(L, d.max_len);
        const std::size_t T = 240, Ls = static_cast<std::size_t>(L);
        std::vector<double> x(n_traj * T * Ls * 2, 0.0), dec(n_traj * T * Ls, 0.0), rew(n_traj * T), er(n_traj * T),
            lens(n_traj * T), maxlen(n_traj);
        for (std::size_t k = 0; k < static_cast<std::size_t>(n_traj); ++k) {
            const auto& d = data[k];
            maxlen[k] = d.max_len;
            for (std::size_t t = 0; t < T; ++t) {
                lens[k * T + t] = d.len[t];
                rew[k * T + t] = d.reward[t];
                er[k * T + t] = d.expected_reward[t];
                for (std::size_t c = 0; c < static_cast<std::size_t>(d.len[t]); ++c) {
                    const std::size_t src = t * static_cast<std::size_t>(d.max_len) + c, dst = (k * T + t) * Ls + c;
                    dec[dst] = d.decision[src];
                    x[dst * 2] = d.x[src * 2];
                    x[dst * 2 + 1] = d.x[src * 2 + 1];
                }
            }
        }
        const std::string bd = (tmp / "behaviour").string();
        fs::create_directories(bd);
        io::write_npy(bd + "/x.npy", x, {static_cast<std::size_t>(n_traj), T, Ls, 2});
        io::write_npy(bd + "/decision.npy", dec, {static_cast<std::size_t>(n_traj), T, Ls});
        io::write_npy(bd + "/len.npy", lens, {static_cast<std::size_t>(n_traj), T});
        io::write_npy(bd + "/maxlen.npy", maxlen);
        io::write_npy(bd + "/reward.npy", rew, {static_cast<std::size_t>(n_traj), T});
        io::write_npy(bd + "/expected_reward.npy", er, {static_cast<std::size_t>(n_traj), T});
        io::write_npy(bd + "/w0.npy", w0, {2, 10});
        io::write_npy(bd + "/theta0.npy", th0);
        const auto tr = run_torch(bd, "behaviour", torch_passes);
        std::printf(
            "infer/behaviour: 20 trajectories x 240 trials, 81 coefficients, %d passes (250 epochs), 1 thread\n",
            passes);
        std::printf("  plast  : %.3f s fit (%.3f s per pass; data generation %.3f s)\n", fit_s, fit_s / passes, gen_s);
        nlohmann::json j = {{"workload", "20 x 240 trials, 81 coefficients, 251 passes"},
                            {"plast_seconds", fit_s},
                            {"plast_seconds_per_pass", fit_s / passes},
                            {"theta_xr", th_full[28]}};
        if (tr.ok) {
            const double per = tr.seconds / tr.epochs;
            std::printf("  PyTorch: %.3f s for %d passes = %.3f s per pass -> %.1f s extrapolated to %d passes\n",
                        tr.seconds, tr.epochs, per, per * passes, passes);
            std::printf("  speed-up: %.1fx; parity after %d passes: max |theta_plast - theta_torch| = %.2e\n",
                        per / (fit_s / passes), tr.epochs, max_abs_diff(th_short, tr.theta));
            j["torch_seconds_per_pass"] = per;
            j["speedup"] = per / (fit_s / passes);
            j["parity_max_abs_theta_diff"] = max_abs_diff(th_short, tr.theta);
        } else {
            std::printf("  PyTorch: %s\n", tr.message.c_str());
        }
        figures["behaviour"] = j;
    }

    // ---- 2. Oja at paper scale ----
    {
        infer::OjaSettings s;
        s.net = {100, 1000, 1.0};
        s.steps = 50;
        s.input_std = 0.1;
        rules::TaylorRule rule(false);
        const auto truth = rules::parse_rule_string("X1Y1W0-X0Y2W1", false);
        const int n_traj = 50, epochs = std::max(1, static_cast<int>(std::lround(opt.scale)));
        const auto obs = infer::observed_neurons(1000, 1.0, 1);
        std::vector<rate::OjaTrajectory> data;
        for (int k = 0; k < n_traj; ++k)
            data.push_back(infer::make_oja_trajectory(s, rule, truth, 1, 0, static_cast<std::uint64_t>(k), obs));
        const auto th0 = infer::draw_weights(27, 1e-5, 1, "theta_init");
        auto loss = [&](std::size_t k, const std::vector<double>& th, double* g) {
            thread_local rate::OjaRecord rec;
            return rate::activity_loss(s.net, rule, th.data(), data[k], 0.5, g, rec);
        };
        const auto t0 = clock::now();
        const auto th = adam_passes(loss, data.size(), rule, th0, epochs, 1e-3, 0.0);
        const double fit_s = std::chrono::duration<double>(clock::now() - t0).count();
        const std::string od = (tmp / "oja").string();
        fs::create_directories(od);
        std::vector<double> x, w0, act;
        for (auto& d : data) {
            x.insert(x.end(), d.x.begin(), d.x.end());
            w0.insert(w0.end(), d.w0.begin(), d.w0.end());
            act.insert(act.end(), d.activity.begin(), d.activity.end());
        }
        io::write_npy(od + "/x.npy", x, {static_cast<std::size_t>(n_traj), 50, 100});
        io::write_npy(od + "/w0.npy", w0, {static_cast<std::size_t>(n_traj), 100, 1000});
        io::write_npy(od + "/activity.npy", act, {static_cast<std::size_t>(n_traj), 50, 1000});
        io::write_npy(od + "/theta0.npy", th0);
        const auto tr = run_torch(od, "oja", epochs);
        std::printf("infer/oja: 100 x 1000 neurons, T = 50, 50 trajectories per epoch, 27 coefficients, %d epoch(s), 1 "
                    "thread\n",
                    epochs);
        std::printf("  plast  : %.3f s (%.3f s per epoch -> %.1f s for 250 epochs)\n", fit_s, fit_s / epochs,
                    250 * fit_s / epochs);
        nlohmann::json j = {{"workload", "100 x 1000, T = 50, 50 trajectories per epoch"},
                            {"epochs", epochs},
                            {"plast_seconds", fit_s},
                            {"plast_seconds_per_epoch", fit_s / epochs}};
        if (tr.ok) {
            const double per = tr.seconds / tr.epochs;
            std::printf("  PyTorch: %.3f s for %d epoch(s) = %.3f s per epoch\n", tr.seconds, tr.epochs, per);
            std::printf("  speed-up: %.1fx; parity: max |theta_plast - theta_torch| = %.2e\n", per / (fit_s / epochs),
                        max_abs_diff(th, tr.theta));
            j["torch_seconds_per_epoch"] = per;
            j["speedup"] = per / (fit_s / epochs);
            j["parity_max_abs_theta_diff"] = max_abs_diff(th, tr.theta);
        } else {
            std::printf("  PyTorch: %s\n", tr.message.c_str());
        }
        figures["oja"] = j;
    }
    fs::remove_all(tmp);
    if (!opt.json_out.empty()) std::ofstream(opt.json_out) << figures.dump(2) << "\n";
    return 0;
}

} // namespace

PLAST_BENCHMARK("infer", "gradient inference: default behavioural fit and Oja at paper scale, vs PyTorch (CPU)",
                bench_infer);

} // namespace plast::app
