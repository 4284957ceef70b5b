#include "plast/core/error.hpp"

namespace plast {

static std::string format(const std::string& where, const std::string& key, const std::string& problem,
                          const std::string& allowed)
{
    std::string s;
    if (!where.empty()) s += where + ": ";
    if (!key.empty()) s += key + ": ";
    s += problem;
    if (!allowed.empty()) s += " (allowed: " + allowed + ")";
    return s;
}

Error::Error(Kind kind, std::string where, std::string key, std::string problem, std::string allowed)
    : std::runtime_error(format(where, key, problem, allowed)), kind_(kind), where_(std::move(where)),
      key_(std::move(key)), problem_(std::move(problem)), allowed_(std::move(allowed))
{
}

void config_error(const std::string& where, const std::string& key, const std::string& problem,
                  const std::string& allowed)
{
    throw Error(Error::Kind::config, where, key, problem, allowed);
}

void usage_error(const std::string& key, const std::string& problem, const std::string& allowed)
{
    throw Error(Error::Kind::usage, "plast", key, problem, allowed);
}

void runtime_error(const std::string& where, const std::string& problem)
{
    throw Error(Error::Kind::runtime, where, "", problem, "");
}

} // namespace plast
