#pragma once
// Reading a model file (TOML) into a model::Model, with every check done before any simulation:
// unknown populations, rules, stimuli or snapshots, a projection onto a source population, a rule
// reading an undeclared variable, sizes and probabilities out of range. Each error names the file,
// the line, the key and the allowed values. Files a model refers to (connection lists, spike files)
// are read relative to the model file's folder. The format is documented in docs/model.md.
#include "plast/model/model.hpp"

#include <string>
#include <vector>

namespace plast {
class Section;
class Config;
}

namespace plast::model {

// Reads the model keys of `root` (the other keys of the file are the caller's). `base_dir` resolves
// relative file names. Warnings (e.g. what `scale` changed) go to `warnings`.
Model read_model(const Section& root, const std::string& base_dir, std::vector<std::string>& warnings);

// True when a config describes a model (it has [[population]] tables).
bool is_model_file(const Section& root);

// The text of a model file named in another configuration: relative to `config_dir` when it exists
// there, else as given (relative to the working directory). Returns {path, text}; a plast::Error naming
// the file when it cannot be read.
std::pair<std::string, std::string> load_model_text(const std::string& file, const std::string& config_dir);

// A model from a model file's text with overrides ("key=value", as --set) applied, every key checked
// (unknown keys are errors); the file's own `seed` is accepted and ignored.
Model model_from_text(const std::string& text, const std::string& path, const std::vector<std::string>& overrides);

} // namespace plast::model
