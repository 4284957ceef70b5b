#pragma once
// The headline of a run: its result in a few sentences with numbers and units, built from the run's
// summary when the verb did not write its own (run.json "headline", printed on stderr at the end,
// shown first in report.html).
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace plast::app {

std::vector<std::string> default_headline(const std::string& verb, const nlohmann::json& summary);

} // namespace plast::app
