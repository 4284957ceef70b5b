#pragma once
// Refusing runs that cannot fit in memory before they start, instead of ending in std::bad_alloc
// after hours: a verb estimates the bytes a run needs from its configuration and compares them with
// what the machine has available (MemAvailable of /proc/meminfo, else physical memory).
#include <string>

namespace plast {

double available_memory_bytes();

// Configuration error (exit 2) naming `where` and `key` with the estimate and the available memory
// when bytes > available; `what` says what the memory is for.
void require_memory(double bytes, const std::string& where, const std::string& key, const std::string& what);

std::string format_bytes(double bytes);

} // namespace plast
