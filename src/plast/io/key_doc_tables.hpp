#pragma once
// The documentation tables of the configuration areas (see key_doc.hpp). Each area defines its
// function in src/plast/<area>/config_keys.cpp, next to the code that reads the keys.
#include "plast/io/key_doc.hpp"

#include <span>

namespace plast::io {
std::span<const KeyDoc> core_config_keys(); // keys every verb reads (seed)
std::span<const KeyDoc> registered_key_docs_span();

// Rows registered by static initialisation, for code outside the plast library (the CLI's verbs):
//   static const io::KeyDocRegistrar reg{rows};
struct KeyDocRegistrar {
    explicit KeyDocRegistrar(std::span<const KeyDoc> rows);
};
} // namespace plast::io

namespace plast::toy { std::span<const io::KeyDoc> config_keys(); }
namespace plast::spiking { std::span<const io::KeyDoc> config_keys(); }
namespace plast::memory { std::span<const io::KeyDoc> config_keys(); }
namespace plast::infer { std::span<const io::KeyDoc> config_keys(); }
namespace plast::e2l { std::span<const io::KeyDoc> config_keys(); }
namespace plast::cgp { std::span<const io::KeyDoc> config_keys(); }
namespace plast::search { std::span<const io::KeyDoc> config_keys(); }
