#pragma once
// One error type for the whole toolkit. It carries where the problem is (file and line, or the
// command-line option), which key, what is wrong and what would be allowed, and prints as
//   file:line: key: problem (allowed: ...)
// The CLI maps Kind::usage and Kind::config to exit code 2 and Kind::runtime to exit code 1.
#include <stdexcept>
#include <string>

namespace plast {

class Error : public std::runtime_error {
public:
    enum class Kind { usage, config, runtime };

    Error(Kind kind, std::string where, std::string key, std::string problem, std::string allowed = {});

    Kind kind() const { return kind_; }
    const std::string& where() const { return where_; }
    const std::string& key() const { return key_; }
    const std::string& problem() const { return problem_; }
    const std::string& allowed() const { return allowed_; }
    int exit_code() const { return kind_ == Kind::runtime ? 1 : 2; }

private:
    Kind kind_;
    std::string where_, key_, problem_, allowed_;
};

// Shorthands for the common cases.
[[noreturn]] void config_error(const std::string& where, const std::string& key, const std::string& problem,
                               const std::string& allowed = {});
[[noreturn]] void usage_error(const std::string& key, const std::string& problem, const std::string& allowed = {});
[[noreturn]] void runtime_error(const std::string& where, const std::string& problem);

} // namespace plast
