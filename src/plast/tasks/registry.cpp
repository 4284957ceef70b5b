#include "plast/tasks/registry.hpp"

#include "plast/io/config.hpp"
#include "plast/tasks/e2l_constants_task.hpp"
#include "plast/tasks/familiarity_task.hpp"
#include "plast/tasks/fsbi_task.hpp"
#include "plast/tasks/model_task.hpp"
#include "plast/tasks/toy_aba_task.hpp"

namespace plast::tasks {

const std::vector<TaskEntry>& task_registry()
{
    static const std::vector<TaskEntry> entries{
        {"toy_aba", "the rate toy model's A-B-A task ([task])",
         [](Config& c, const TaskOptions& o) -> std::unique_ptr<search::ScreenTask> {
             return ToyAbaTask::from_config(c, o.seed, o.resuming);
         }},
        {"fsbi", "the spiking fSBI network's quadruplets ([network])",
         [](Config& c, const TaskOptions&) -> std::unique_ptr<search::ScreenTask> { return FsbiTask::from_config(c); }},
        {"model", "free keys of any model file ([model])",
         [](Config& c, const TaskOptions& o) -> std::unique_ptr<search::ScreenTask> {
             return ModelTask::from_config(c.section("model"), o.config_dir);
         }},
        {"e2l", "the constants of a rule on an E2L task ([e2l])",
         [](Config& c, const TaskOptions&) -> std::unique_ptr<search::ScreenTask> {
             return E2lConstantsTask::from_config(c);
         }},
        {"familiarity", "6-parameter rules scored by the familiarity protocol ([memory], [protocol])",
         [](Config& c, const TaskOptions&) -> std::unique_ptr<search::ScreenTask> {
             return FamiliarityTask::from_config(c);
         }},
    };
    return entries;
}

std::unique_ptr<search::ScreenTask> make_task(Config& cfg, const TaskOptions& options)
{
    std::vector<std::string> names;
    for (const auto& e : task_registry())
        names.push_back(e.name);
    const auto name = cfg.section("screen").string("task", "toy_aba", names);
    for (const auto& e : task_registry())
        if (e.name == name) return e.make(cfg, options);
    return nullptr; // not reached: string() accepts only the registered names
}

} // namespace plast::tasks
