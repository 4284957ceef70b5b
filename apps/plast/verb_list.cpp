// plast list: built-in tasks, verbs and the example configurations shipped in examples/.
#include "verb.hpp"

#include "plast/core/version.hpp"
#include "plast/tasks/registry.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace plast::app {

static int run_list(Context&)
{
    std::cout << "verbs:\n";
    for (const auto& v : verbs()) std::cout << "  " << v.name << "  - " << v.help << "\n";
    // The registry is the one place a task is added (tasks/registry.cpp), so this list cannot go stale.
    std::cout << "screen tasks ([screen] task = NAME; every proposal and CMA-ES runs on each):\n";
    for (const auto& t : tasks::task_registry()) std::cout << "  " << t.name << "  - " << t.what << "\n";
    const auto ex = std::filesystem::path(source_dir()) / "examples";
    std::cout << "example configurations (" << ex.string() << "):\n";
    std::vector<std::filesystem::path> files;
    if (std::filesystem::exists(ex))
        for (const auto& e : std::filesystem::directory_iterator(ex))
            if (e.path().extension() == ".toml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::ifstream in(f);
        std::string first;
        std::getline(in, first);
        if (first.rfind("# ", 0) == 0) first = first.substr(2);
        std::cout << "  " << f.filename().string() << "  - " << first << "\n";
    }
    return 0;
}

PLAST_VERB("list", "list verbs and example configurations", false, nullptr, run_list);

} // namespace plast::app
