#include "plast/toy/toy_study.hpp"

#include "plast/toy/toy_outputs.hpp"
#include "plast/toy/toy_runs.hpp"

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

// Each part runs, then writes its files and summary keys, in the order of the sections in toy_study.hpp.
void ToyStudy::run(io::RunDir& dir, int threads) const
{
    write_setup(dir, setup);
    if (explicit_rule) write_explicit_rule(dir, *this, run_explicit_rule(*this));
    if (implicit_metric) write_implicit_rule(dir, *this, run_implicit_rule(*this));
    if (explicit_sweep) write_explicit_sweep(dir, *this, run_explicit_sweep(*this, threads));
    if (implicit_sweep) write_implicit_sweep(dir, *this, run_implicit_sweep(*this, threads));
    if (rnn2) write_rnn2(dir, *this, run_familiarity(*rnn2, rnn2_task));
    if (rnn2_sweep) write_rnn2_sweep(dir, *rnn2_sweep, rnn2_sweep->run(*rnn2, rnn2_task, threads));
    if (!linear_rnns.empty()) write_linear_rnn(dir, *this, run_linear_rnns(*this));
}

} // namespace plast::toy
