#include "plast/core/version.hpp"

#include <cstdlib>

#ifndef PLAST_VERSION
#define PLAST_VERSION "0.0.0"
#endif
#ifndef PLAST_GIT_REVISION
#define PLAST_GIT_REVISION "unknown"
#endif
#ifndef PLAST_SOURCE_DIR
#define PLAST_SOURCE_DIR "."
#endif

namespace plast {
const char* version() { return PLAST_VERSION; }
const char* git_revision() { return PLAST_GIT_REVISION; }
const char* source_dir()
{
    if (const char* env = std::getenv("PLAST_SOURCE_DIR")) return env;
    return PLAST_SOURCE_DIR;
}
} // namespace plast
