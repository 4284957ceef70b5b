#include "plast/io/key_doc.hpp"

#include "plast/io/key_doc_tables.hpp"

#include <mutex>

namespace plast::io {

static std::vector<KeyDoc>& registered()
{
    static std::vector<KeyDoc> v;
    return v;
}

KeyDocRegistrar::KeyDocRegistrar(std::span<const KeyDoc> rows)
{
    auto& r = registered();
    r.insert(r.end(), rows.begin(), rows.end());
}

const std::vector<KeyDoc>& key_docs()
{
    // Built on first use: the area tables are constants, the registered rows (the CLI's own keys)
    // are added by static initialisation of the program, before any verb runs.
    static std::vector<KeyDoc> all;
    static std::once_flag once;
    std::call_once(once, [] {
        for (auto table : {registered_key_docs_span(), core_config_keys(), toy::config_keys(), spiking::config_keys(),
                           memory::config_keys(), infer::config_keys(), e2l::config_keys(), cgp::config_keys(),
                           search::config_keys()})
            all.insert(all.end(), table.begin(), table.end());
    });
    return all;
}

std::span<const KeyDoc> registered_key_docs_span() { return registered(); }

static bool glob(const char* p, const char* s)
{
    // '*' matches any run of characters other than '.'.
    for (; *p; ++p, ++s) {
        if (*p == '*') {
            for (const char* t = s;; ++t) {
                if (glob(p + 1, t)) return true;
                if (*t == '\0' || *t == '.') return false;
            }
        }
        if (*s != *p) return false;
    }
    return *s == '\0';
}

bool key_pattern_matches(const std::string& pattern, const std::string& key) { return glob(pattern.c_str(), key.c_str()); }

const KeyDoc* find_key_doc(const std::string& dotted_key)
{
    std::string k;
    for (std::size_t i = 0; i < dotted_key.size(); ++i) {
        k += dotted_key[i];
        if (dotted_key[i] == '[') {
            while (i + 1 < dotted_key.size() && dotted_key[i + 1] != ']') ++i;
        }
    }
    for (const auto& d : key_docs())
        if (glob(d.pattern, k.c_str())) return &d;
    return nullptr;
}

} // namespace plast::io
