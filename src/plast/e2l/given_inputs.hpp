#pragma once
// Keys shared by the tasks that can read given inputs instead of drawing them (correlation, reward).
#include "plast/io/config.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

namespace plast::e2l {

// The count key (n_tasks, n_experiments) of a task read from `n_given` files: absent, or equal to it.
inline void check_given_count(const Section& s, const std::string& count_key, std::size_t n_given,
                              const std::string& what)
{
    const auto n = static_cast<std::int64_t>(n_given);
    if (s.has(count_key) && s.integer(count_key, 1, 100000) != n)
        s.fail(count_key, "does not match the number of " + what + " (" + std::to_string(n) + ")",
               std::to_string(n) + " or leave it out");
}

// Keys that shape drawn inputs only: a value other than the default is an error next to given inputs (a saved
// run configuration lists every key with its default, so presence alone is fine).
inline void refuse_changed(const Section& s, std::initializer_list<std::pair<const char*, bool>> changed,
                           const std::string& problem)
{
    for (const auto& [key, differs] : changed)
        if (differs) s.fail(key, problem, "its default or leave it out");
}

} // namespace plast::e2l
