// Meaning and unit of every configuration key this area reads (see plast/io/key_doc.hpp): the
// rate toy models read by toy_study_config.cpp ([task], [explicit], [implicit], their sweeps, [rnn2],
// [rnn2_sweep], [linear_rnn]). Rates and weights of the toy models are dimensionless.
#include "plast/io/key_doc_tables.hpp"

namespace plast::toy {

static const io::KeyDoc rows[] = {
    {"task.dim", "", "input dimension N of the A-B-A task"},
    {"task.inputs", "", "inputs as two angles (2-D), as given vectors, or random unit vectors from the seed"},
    {"task.bg_angle", "rad", "angle of the background input A"},
    {"task.stim_angle", "rad", "angle of the stimulus input B"},
    {"task.x_bg", "", "background input A (non-negative, normalised)"},
    {"task.x_stim", "", "stimulus input B (non-negative, normalised)"},
    {"task.y_target", "", "target output y*"},
    {"task.w0", "", "start weights"},
    {"task.eta", "", "learning rate of the rule (per Euler step)"},
    {"task.epochs", "", "Euler steps per phase"},
    {"task.rho", "", "convergence tolerance on |y - y*|"},
    {"explicit.theta", "", "explicit rule [theta0, theta1] (reduced) or [theta0..theta3] (general)"},
    {"explicit.record_every", "", "steps between trajectory samples"},
    {"implicit.sigma_inv", "", "N x N symmetric metric of the implicit (Mahalanobis) rule"},
    {"*_sweep.*.min", "", "first value of the grid axis"},
    {"*_sweep.*.max", "", "last value of the grid axis"},
    {"*_sweep.*.points", "", "points of the grid axis"},
    {"explicit_sweep.eta", "", "learning rates swept"},
    {"implicit_sweep.c", "", "metric entry c (fixed; a and b are swept)"},
    {"rnn2.tau_E", "s", "E rate time constant"},
    {"rnn2.tau_I", "s", "I rate time constant"},
    {"rnn2.dt", "s", "Euler step (at most min(tau)/10)"},
    {"rnn2.w0", "", "start weights [EE, EI, IE, II]"},
    {"rnn2.EE", "", "E->E rule [eta (1/s), alpha, beta, gamma]; absent: static"},
    {"rnn2.EI", "", "E->I rule [eta (1/s), alpha, beta, gamma]; absent: static"},
    {"rnn2.IE", "", "I->E rule [eta (1/s), alpha, beta, gamma]; absent: static"},
    {"rnn2.II", "", "I->I rule [eta (1/s), alpha, beta, gamma]; absent: static"},
    {"rnn2.w_max", "", "weight clip"},
    {"rnn2.r_max", "", "rates beyond this count as diverged"},
    {"rnn2.x_bg", "", "background input [to E, to I]"},
    {"rnn2.x_stim", "", "stimulus input [to E, to I]"},
    {"rnn2.t_bg", "s", "background phase"},
    {"rnn2.t_stim", "s", "stimulus phase"},
    {"rnn2.t_post", "s", "background phase after the stimulus"},
    {"rnn2.t_probe", "s", "probe of the stimulus response"},
    {"rnn2.record_dt", "s", "trajectory sampling interval (0: none)"},
    {"rnn2_sweep.x_param", "", "parameter on the x axis: XY.eta, XY.alpha, XY.beta or XY.gamma"},
    {"rnn2_sweep.y_param", "", "parameter on the y axis: XY.eta, XY.alpha, XY.beta or XY.gamma"},
    {"linear_rnn.n", "", "units"},
    {"linear_rnn.rules", "", "rules run, each from the same start"},
    {"linear_rnn.h_target", "", "target activity per unit"},
    {"linear_rnn.x_a", "", "input A per unit"},
    {"linear_rnn.x_b", "", "input B per unit"},
    {"linear_rnn.eta", "", "learning rate (per step)"},
    {"linear_rnn.steps", "", "steps per phase"},
    {"linear_rnn.rho", "", "convergence tolerance"},
    {"linear_rnn.record_every", "", "steps between trajectory samples (0: none)"},
};

std::span<const io::KeyDoc> config_keys() { return rows; }

} // namespace plast::toy
