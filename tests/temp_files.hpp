#pragma once
// Scratch files for tests that read inputs from disk: a fresh directory per test and process (so parallel
// ctest runs of two build trees do not share files), and whole-file text write and read.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace plast_test {

// <tmp>/<name>_<pid>, emptied and created; returns the path.
inline std::string fresh_dir(const std::string& name)
{
    const auto d = std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d.string();
}

inline void write_text(const std::string& path, const std::string& text)
{
    std::ofstream(path) << text;
}

// The file's contents ("" when it cannot be read).
inline std::string read_text(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace plast_test
