#include "plast/core/memory_budget.hpp"

#include "plast/core/error.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace plast {

double available_memory_bytes()
{
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("MemAvailable:", 0) == 0) {
            std::istringstream ss(line.substr(13));
            double kib = 0;
            if (ss >> kib) return kib * 1024.0;
        }
    }
    const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? static_cast<double>(pages) * static_cast<double>(size) : 1e18;
}

std::string format_bytes(double b)
{
    char buf[32];
    if (b >= 1024.0 * 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f GiB", b / (1024.0 * 1024 * 1024));
    else std::snprintf(buf, sizeof buf, "%.0f MiB", b / (1024.0 * 1024));
    return buf;
}

void require_memory(double bytes, const std::string& where, const std::string& key, const std::string& what)
{
    const double avail = available_memory_bytes();
    if (bytes > avail)
        config_error(where, key, what + " needs about " + format_bytes(bytes) + ", more than the " + format_bytes(avail) +
                                     " of memory available",
                     "smaller sizes (or a machine with more memory)");
}

} // namespace plast
