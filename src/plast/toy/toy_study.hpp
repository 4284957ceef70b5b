#pragma once
// `plast toy`: the A-B-A study of the rate toy models, for one rule or sweeps over rule grids.
//
// Configuration (every key optional; defaults reproduce the paper's 2-D A-B-A setting):
//   seed = 1
//   [task]   dim = 2; inputs = "angles" | "vectors" | "random"; bg_angle, stim_angle (radians, 2-D);
//            x_bg, x_stim (vectors, normalised to unit norm, must be non-negative); w0 (default
//            (1, 0.27) in 2-D, y*·x_bg otherwise); y_target = 1; eta = 0.01; epochs = 20000 (Euler
//            steps per phase); rho = 0.01
//   [explicit]        theta = [theta0, theta1] (reduced) or [theta0..theta3] (general); record_every
//   [implicit]        sigma_inv = [[a, b], [b, c]] (N x N, symmetric)
//   [explicit_sweep]  theta0 = {min, max, points}; theta1 = {...}; eta = [...]
//   [implicit_sweep]  a = {min, max, points}; b = {...}; c = 1   (2-D only)
// Sections that are absent are not run.
#include "plast/toy/aba_task.hpp"

#include <Eigen/Core>

#include <optional>
#include <string>
#include <vector>

namespace plast {
class Config;
namespace io {
class RunDir;
}
} // namespace plast

namespace plast::toy {

struct GridAxis {
    double min = 0, max = 1;
    int points = 2;
    std::vector<double> values() const;
};

struct ToyStudy {
    AbaSetup setup;
    std::optional<ExplicitRule> explicit_rule;
    long record_every = 10;
    std::optional<Eigen::MatrixXd> implicit_metric;
    bool explicit_sweep = false;
    GridAxis theta0, theta1;
    std::vector<double> etas;
    bool implicit_sweep = false;
    GridAxis a, b;
    double c = 1.0;

    static ToyStudy from_config(Config& cfg, std::uint64_t seed);
    // Runs everything configured; writes CSV/NPY/JSON into the run directory and fills its summary.
    void run(io::RunDir& dir, int threads) const;
};

// The embedded default configuration: the paper's 2-D A-B-A setting with a (theta0, theta1, eta)
// sweep, the Mahalanobis (a, b) sweep, and the delta rule as the single-rule example.
extern const char* const default_toy_config;

} // namespace plast::toy
