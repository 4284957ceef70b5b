#include "plast/toy/grid_axis.hpp"

#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"

namespace plast::toy {

std::vector<double> GridAxis::values() const
{
    std::vector<double> v(static_cast<std::size_t>(points));
    for (int i = 0; i < points; ++i)
        v[static_cast<std::size_t>(i)] = points == 1 ? min : min + (max - min) * i / (points - 1.0);
    return v;
}

GridAxis read_axis(const Section& s, const std::string& key, GridAxis def)
{
    const Section ax = s.sub(key);
    GridAxis g;
    g.min = ax.number("min", def.min);
    g.max = ax.number("max", def.max);
    g.points = static_cast<int>(ax.integer("points", def.points, 1, 2001));
    if (g.max < g.min) ax.fail("max", "must be >= min (" + io::format_number(g.min) + ")", ">= min");
    return g;
}

} // namespace plast::toy
