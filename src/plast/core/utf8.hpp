#pragma once
#include <string>

namespace plast {

// The text with every byte sequence that is not valid UTF-8 replaced by U+FFFD, so that messages
// quoting corrupted files or odd paths stay printable and parseable.
std::string valid_utf8(const std::string& s);

} // namespace plast
