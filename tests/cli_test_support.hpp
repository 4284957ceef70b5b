#pragma once
// Helpers for tests that run the `plast` executable (PLAST_CLI, set by CMake) end to end.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace plast_test {

struct CliResult {
    int rc;
    std::string text; // stdout and stderr together
};

// Runs `plast ARGS`.
inline CliResult run_cli(const std::string& args)
{
    const std::string cmd = std::string(PLAST_CLI) + " " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::string text;
    char buf[4096];
    while (p && fgets(buf, sizeof buf, p))
        text += buf;
    const int st = p ? pclose(p) : -1;
    return {WEXITSTATUS(st), text};
}

// Writes `body` to <tmp>/<dir>_<pid>/<name> and returns the path.
inline std::string write_file(const std::string& dir, const std::string& name, const std::string& body)
{
    const auto d = std::filesystem::temp_directory_path() / (dir + "_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    const auto p = d / name;
    std::ofstream(p) << body;
    return p.string();
}

} // namespace plast_test
