#pragma once
// One axis of a parameter grid, read from `key = {min = .., max = .., points = ..}`.
#include <string>
#include <vector>

namespace plast {
class Section;
}

namespace plast::toy {

struct GridAxis {
    double min = 0, max = 1;
    int points = 2;
    std::vector<double> values() const; // equally spaced, min and max included
};

// Reads the sub-table `key` of s (defaults from def); points in [1, 2001], max >= min.
GridAxis read_axis(const Section& s, const std::string& key, GridAxis def);

} // namespace plast::toy
