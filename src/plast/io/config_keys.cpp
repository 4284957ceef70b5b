// Meaning and unit of the configuration keys every verb reads (see plast/io/key_doc.hpp).
#include "plast/io/key_doc_tables.hpp"

namespace plast::io {

static const KeyDoc rows[] = {
    {"seed", "", "master seed: every random stream of the run is keyed by it"},
};

std::span<const KeyDoc> core_config_keys() { return rows; }

} // namespace plast::io
