#pragma once
// The tasks by name: `[screen] task = NAME` builds one from the configuration. Adding a task is one file in
// this folder (a class implementing search::ScreenTask with a from_config) and one line in registry.cpp.
#include "plast/search/screen_task.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace plast {
class Config;
}

namespace plast::tasks {

struct TaskOptions {
    std::uint64_t seed = 1;
    bool resuming = false; // `plast screen --resume`: the run's stored configuration
    std::string config_dir; // folder of the configuration file (model files are found relative to it)
};

struct TaskEntry {
    std::string name;
    std::string what; // one line, for the docs and the error that lists the names
    std::unique_ptr<search::ScreenTask> (*make)(Config& cfg, const TaskOptions& options);
};

const std::vector<TaskEntry>& task_registry();

// Reads [screen] task (default "toy_aba"; an unknown name is an error listing the registered ones) and builds it.
std::unique_ptr<search::ScreenTask> make_task(Config& cfg, const TaskOptions& options);

} // namespace plast::tasks
