#pragma once
namespace plast {
const char* version();
const char* git_revision();
const char* source_dir(); // where python/ and examples/ live (PLAST_SOURCE_DIR overrides at run time)
} // namespace plast
