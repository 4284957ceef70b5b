#pragma once
// Shared by the model tests: the shipped model files, and reading one (with --set overrides) the way
// `plast simulate` does, including the check that every key was used.
#include "plast/io/config.hpp"
#include "plast/model/model_file.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace model_test {

inline const std::string examples = std::string(PLAST_TEST_SOURCE_DIR) + "/examples/models/";

inline plast::model::Model load(plast::Config& cfg, const std::vector<std::string>& sets = {})
{
    for (const auto& s : sets) cfg.apply_override(s);
    std::vector<std::string> warnings;
    auto m = plast::model::read_model(cfg.root(), examples, warnings);
    cfg.root().integer("seed", 1, 0, INT64_MAX);
    cfg.check_unused();
    return m;
}

inline plast::model::Model load(const std::string& file, const std::vector<std::string>& sets = {})
{
    auto cfg = plast::Config::load_file(examples + file);
    return load(cfg, sets);
}

} // namespace model_test
