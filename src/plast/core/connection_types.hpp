#pragma once
// The four recurrent connection types of an E/I network, named presynaptic then postsynaptic
// (IE = from I to E), in the one order used for rule vectors, priors, weights and outputs everywhere.
#include <array>

namespace plast {

inline constexpr std::array<const char*, 4> connection_types{"EE", "EI", "IE", "II"};

} // namespace plast
