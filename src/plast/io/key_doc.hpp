#pragma once
// Documentation of configuration keys: the meaning and unit of every key a verb reads.
//
// Each configuration area keeps a table of KeyDoc rows next to the code that reads its keys
// (src/plast/<area>/config_keys.cpp, function <area>::config_keys()); key_docs() joins them.
// `plast VERB --print-config` prints the effective configuration with one comment per key,
//   tau_pre = 0.02   # s, presynaptic trace time constant (> 0)
// built from the row that matches the key (unit, meaning) and the allowed values that the reading
// code validated (recorded by Section at read time, so the range can never disagree with the check).
//
// A pattern is a dotted key in which
//   - elements of arrays of tables are written without index: round[].proposal;
//   - '*' inside a component matches any run of characters within that component:
//     prior.*.lo, network.rule_*.theta, *.neuron.tau_m.
// The first matching row wins, so specific rows go before general ones in a table.
// Unit "" means dimensionless or not a quantity (names, flags, counts).
#include <string>
#include <vector>

namespace plast::io {

struct KeyDoc {
    const char* pattern;
    const char* unit;
    const char* meaning;
};

// Every documented key of every area, in the order of the area tables.
const std::vector<KeyDoc>& key_docs();

// The row documenting a concrete dotted key ("round[2].targets.rate" matches "round[].targets.*"),
// or nullptr when no row matches.
const KeyDoc* find_key_doc(const std::string& dotted_key);

// Glob match of one pattern against a concrete key (indices removed), exposed for tests.
bool key_pattern_matches(const std::string& pattern, const std::string& key_without_indices);

} // namespace plast::io
