#pragma once
// A fitted Taylor rule of `plast infer` as an export source: the rate rule
//   dW_ij = eta * sum_{a,b,c in 0..2} theta_abc x_j^a y_i^b W_ij^c     every step of the rate network
//   y(t) = sigmoid(W(t) x(t))                                           (rate/oja_network.hpp)
// read from a run directory of `plast infer` (model.kind = "oja", rule.family = "taylor"; its
// config.toml and the last row of theta.csv, the fitted rule) or from its theta.csv. The network's
// sizes, eta, steps and input and initial-weight distributions come from config.toml; the provenance
// (run directory, seed, the row's epoch and loss) goes into the generated code.
//
// Brian2 writes the whole rate network (brian2_rate_script); NESTML cannot express a rate rule (its
// synapses act on spike events): an error naming the feature and the target.
#include "plast/export/expression_printer.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace plast::exporter {

struct TaylorSource {
    std::string run_dir;      // directory of the run (config.toml, theta.csv)
    std::string provenance;   // run directory, seed, epoch and loss of the row
    std::vector<double> theta; // 27 coefficients, canonical order k = 9a + 3b + c (x^a y^b w^c)
    int n_in = 10, n_out = 10, steps = 50;
    double eta = 1.0, input_std = 0.1, w0_std = 0.05; // w0_std resolved (config 0: 1/(n_in + n_out))
    std::uint64_t seed = 1;
    std::string formula;      // the fitted rule, every non-zero term
};

// A run directory of plast infer, or a file named theta.csv.
bool is_taylor_source(const std::string& path);

// Reads the fitted rule and its network. Errors: not an Oja Taylor run (naming the key), a missing file,
// and for target nestml the rate rule itself (cannot_express).
TaylorSource taylor_from_run(const std::string& path, Target target);

// plast's own rate network (rate::simulate with the Taylor rule): x is steps x n_in, w0 n_in x n_out
// (presynaptic-major, w0[j * n_out + i] = W_ij); returns W(0) ... W(steps), (steps + 1) x n_syn.
std::vector<double> rate_trajectory(const TaylorSource& src, const std::vector<double>& x, int steps, const std::vector<double>& w0);

// A runnable Brian2 script of the rate network with the fitted rule (NeuronGroups of rates, Synapses with
// the Taylor update); see docs/export.md.
std::string brian2_rate_script(const TaylorSource& src, const std::string& header);

} // namespace plast::exporter
