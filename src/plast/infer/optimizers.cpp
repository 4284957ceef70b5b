#include "plast/infer/optimizers.hpp"

#include <nlopt.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace plast::infer {

Adam::Adam(std::size_t n, double lr, double beta1, double beta2, double eps)
    : lr_(lr), b1_(beta1), b2_(beta2), eps_(eps), m_(n, 0.0), v_(n, 0.0)
{
}

void Adam::step(std::vector<double>& theta, const std::vector<double>& grad)
{
    ++t_;
    const double c1 = 1.0 - std::pow(b1_, static_cast<double>(t_)), c2 = 1.0 - std::pow(b2_, static_cast<double>(t_));
    for (std::size_t i = 0; i < theta.size(); ++i) {
        m_[i] = b1_ * m_[i] + (1.0 - b1_) * grad[i];
        v_[i] = b2_ * v_[i] + (1.0 - b2_) * grad[i] * grad[i];
        theta[i] -= lr_ * (m_[i] / c1) / (std::sqrt(v_[i] / c2) + eps_);
    }
}

void Adam::prox_l1_step(std::vector<double>& theta, const std::vector<double>& grad, double l1,
                        const std::vector<double>& mask)
{
    ++t_;
    const double c1 = 1.0 - std::pow(b1_, static_cast<double>(t_)), c2 = 1.0 - std::pow(b2_, static_cast<double>(t_));
    for (std::size_t i = 0; i < theta.size(); ++i) {
        m_[i] = b1_ * m_[i] + (1.0 - b1_) * grad[i];
        v_[i] = b2_ * v_[i] + (1.0 - b2_) * grad[i] * grad[i];
        const double d = std::sqrt(v_[i] / c2) + eps_;
        const double z = theta[i] - lr_ * (m_[i] / c1) / d;
        const double thr = lr_ * l1 * mask[i] / d;
        theta[i] = z > thr ? z - thr : z < -thr ? z + thr : 0.0;
    }
}

void Adam::backtrack(double lr_factor)
{
    lr_ *= lr_factor;
    t_ = 0;
    std::fill(m_.begin(), m_.end(), 0.0);
    std::fill(v_.begin(), v_.end(), 0.0);
}

void Adam::restore(const State& s)
{
    if (s.m.size() != m_.size() || s.v.size() != v_.size()) throw std::invalid_argument("Adam state of another size");
    lr_ = s.lr;
    t_ = s.t;
    m_ = s.m;
    v_ = s.v;
}

namespace {
struct Ctx {
    const Objective* f;
    const std::function<void(int, double, const std::vector<double>&)>* cb;
    int evals = 0;
    std::vector<double> g;
};

double nlopt_fn(const std::vector<double>& x, std::vector<double>& grad, void* data)
{
    auto* c = static_cast<Ctx*>(data);
    c->g.assign(x.size(), 0.0);
    double v = (*c->f)(x, c->g);
    ++c->evals;
    if (!std::isfinite(v)) {
        // Let the line search back off instead of aborting: a huge value with no slope information.
        v = std::numeric_limits<double>::max() / 4;
        std::fill(c->g.begin(), c->g.end(), 0.0);
    }
    if (!grad.empty()) grad = c->g;
    if (*c->cb) (*c->cb)(c->evals, v, x);
    return v;
}
} // namespace

LbfgsResult minimize_lbfgs(const Objective& f, std::vector<double>& theta, int max_evaluations, double ftol_rel,
                           const std::function<void(int, double, const std::vector<double>&)>& callback)
{
    nlopt::opt opt(nlopt::LD_LBFGS, static_cast<unsigned>(theta.size()));
    Ctx ctx{&f, &callback, 0, {}};
    opt.set_min_objective(nlopt_fn, &ctx);
    opt.set_maxeval(max_evaluations);
    opt.set_ftol_rel(ftol_rel);
    opt.set_xtol_rel(0.0);
    opt.set_vector_storage(20);
    LbfgsResult r;
    double fmin = 0.0;
    try {
        const auto code = opt.optimize(theta, fmin);
        switch (code) {
        case nlopt::SUCCESS:
            r.status = "success";
            break;
        case nlopt::FTOL_REACHED:
            r.status = "ftol_reached";
            break;
        case nlopt::XTOL_REACHED:
            r.status = "xtol_reached";
            break;
        case nlopt::MAXEVAL_REACHED:
            r.status = "maxeval_reached";
            break;
        default:
            r.status = "code_" + std::to_string(static_cast<int>(code));
        }
    } catch (const nlopt::roundoff_limited&) {
        r.status = "roundoff_limited"; // converged as far as double precision allows; theta holds the best point
        fmin = opt.last_optimum_value();
    } catch (const std::exception& e) {
        r.status = std::string("stopped: ") + e.what();
        fmin = opt.last_optimum_value();
    }
    r.f = fmin;
    r.evaluations = ctx.evals;
    return r;
}

} // namespace plast::infer
