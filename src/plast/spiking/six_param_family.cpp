#include "plast/spiking/six_param_family.hpp"

#include "plast/io/csv.hpp"

#include <cmath>
#include <memory>

namespace plast::spiking {

void SixParamFamily::evaluate(const double* const* inputs, std::size_t n, const double* theta, double* out) const
{
    const double* x = inputs[0];
    for (std::size_t i = 0; i < n; ++i)
        out[i] = theta[0] + theta[1] * x[i];
}

void SixParamFamily::param_gradient(const double* const* inputs, std::size_t n, const double*, double* grad) const
{
    const double* x = inputs[0];
    for (std::size_t i = 0; i < n; ++i) {
        grad[i * 2] = 1.0;
        grad[i * 2 + 1] = x[i];
    }
}

std::string SixParamFamily::formula(const double* theta, double tol) const
{
    const std::string var = side_ == Side::pre ? "x_post" : "x_pre";
    std::string s;
    if (std::abs(theta[0]) > tol || std::abs(theta[1]) <= tol) s = io::format_number(theta[0]);
    if (std::abs(theta[1]) > tol) {
        if (!s.empty()) s += theta[1] < 0 ? " - " : " + ";
        else if (theta[1] < 0) s += "-";
        s += io::format_number(std::abs(theta[1])) + "*" + var;
    }
    return s;
}

rules::RuleFamilyPtr six_param_pre_family()
{
    static const auto f = std::make_shared<const SixParamFamily>(SixParamFamily::Side::pre);
    return f;
}

rules::RuleFamilyPtr six_param_post_family()
{
    static const auto f = std::make_shared<const SixParamFamily>(SixParamFamily::Side::post);
    return f;
}

} // namespace plast::spiking
