#include "plast/model/model.hpp"

#include "plast/core/rng.hpp"

namespace plast::model {

const Population* Model::population(const std::string& name) const
{
    for (const auto& p : populations)
        if (p.name == name) return &p;
    return nullptr;
}

const Projection* Model::projection(const std::string& name) const
{
    for (const auto& p : projections)
        if (p.name == name) return &p;
    return nullptr;
}

double Model::duration() const
{
    double t = 0;
    for (const auto& p : phases) t += p.duration * static_cast<double>(p.repeat);
    return t;
}

std::uint64_t rng_key(const std::string& name) { return rng::purpose_hash(name) & 0x7fffffffffffffffull; }

} // namespace plast::model
