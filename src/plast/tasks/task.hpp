#pragma once
// The tasks every search method can run. A task is the function the search methods see
// (search/screen_task.hpp): parameters in; metrics, status, a loss (and, in a payload, whatever more a method
// needs) out; deterministic in (parameters, seed, key) and thread-safe. One file per task in this folder:
//   toy_aba_task        the rate toy model's A-B-A task (reduced explicit rule, theta0, theta1, log10 eta)
//   fsbi_task           the spiking fSBI network and its 24 quadruplet parameters (+ input rate)
//   model_task          any model file: free keys with prior boxes, scored by the model's [metrics]
//   e2l_constants_task  the constants of an expression rule on an E2L task (error, reward, correlation)
//   familiarity_task    6-parameter rules scored by the memory study's familiarity protocol
// registry.hpp builds one from configuration by name (`[screen] task`). Tasks of other methods live with the
// method's own interface: CGP's tasks (e2l/, search/cgp_evaluation.hpp adapts them) and the gradient fits
// (infer/fit_jobs.hpp).
#include "plast/search/screen_task.hpp"

namespace plast::tasks {

using search::Constraint;
using search::EvalOutcome;
using search::FilterGroup;
using search::PriorBox;
using search::ScreenTask;

} // namespace plast::tasks
