#include "plast/io/config.hpp"

#include "plast/core/error.hpp"
#include "plast/io/csv.hpp"
#include "plast/io/key_doc.hpp"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace plast {

bool Range::contains(double x) const
{
    if (!std::isfinite(x)) return false;
    if (lo_open ? !(x > lo) : !(x >= lo)) return false;
    if (hi_open ? !(x < hi) : !(x <= hi)) return false;
    return true;
}

static std::string num_str(double x)
{
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    std::ostringstream s;
    s << x;
    return s.str();
}

std::string Range::readable() const
{
    const bool lo_inf = std::isinf(lo), hi_inf = std::isinf(hi);
    if (lo_inf && hi_inf) return "any number";
    if (hi_inf) return std::string(lo_open ? "> " : ">= ") + num_str(lo);
    if (lo_inf) return std::string(hi_open ? "< " : "<= ") + num_str(hi);
    return "in " + describe();
}

std::string Range::describe() const
{
    return std::string(lo_open ? "(" : "[") + num_str(lo) + ", " + num_str(hi) + (hi_open ? ")" : "]");
}

struct Config::Impl {
    toml::table table;
    std::string source;
    std::map<std::string, std::string> override_origin; // dotted path -> "--set ..."
    std::set<std::string> used;                         // dotted paths of leaves read
    toml::table resolved;
    std::map<std::string, std::string> allowed;         // dotted path -> allowed values, as validated

    // A key read twice (a generic read, then one that validates, or the other way round) keeps the
    // more specific description of its allowed values.
    void note_allowed(const std::string& path, std::string text, bool specific)
    {
        if (specific || !allowed.count(path)) allowed[path] = std::move(text);
    }

    std::string where(const std::string& path, const toml::node* node) const
    {
        auto it = override_origin.find(path);
        if (it != override_origin.end()) return it->second;
        if (node && node->source().begin.line > 0)
            return source + ":" + std::to_string(node->source().begin.line);
        return source;
    }

    // Walk the dotted path (elements like "phases[2]" index arrays of tables).
    const toml::node* find(const std::string& path) const
    {
        if (path.empty()) return &table;
        const toml::node* cur = &table;
        std::size_t start = 0;
        while (start <= path.size()) {
            std::size_t dot = path.find('.', start);
            std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
            std::optional<std::size_t> index;
            if (auto lb = part.find('['); lb != std::string::npos) {
                index = std::stoul(part.substr(lb + 1));
                part = part.substr(0, lb);
            }
            const auto* tbl = cur->as_table();
            if (!tbl) return nullptr;
            cur = tbl->get(part);
            if (!cur) return nullptr;
            if (index) {
                const auto* arr = cur->as_array();
                if (!arr || *index >= arr->size()) return nullptr;
                cur = arr->get(*index);
            }
            if (dot == std::string::npos) break;
            start = dot + 1;
        }
        return cur;
    }

    // Record the resolved value at path, creating tables (and arrays of tables for "name[i]" parts).
    void record(const std::string& path, toml::node&& value)
    {
        toml::table* cur = &resolved;
        std::size_t start = 0;
        while (true) {
            std::size_t dot = path.find('.', start);
            std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
            if (dot == std::string::npos) {
                cur->insert_or_assign(part, std::move(value));
                return;
            }
            if (auto lb = part.find('['); lb != std::string::npos) {
                const std::size_t index = std::stoul(part.substr(lb + 1));
                part = part.substr(0, lb);
                auto* node = cur->get(part);
                if (!node || !node->is_array()) {
                    cur->insert_or_assign(part, toml::array{});
                    node = cur->get(part);
                }
                auto* arr = node->as_array();
                while (arr->size() <= index) arr->push_back(toml::table{});
                cur = arr->get(index)->as_table();
            } else {
                auto* next = cur->get(part);
                if (!next || !next->is_table()) {
                    cur->insert_or_assign(part, toml::table{});
                    next = cur->get(part);
                }
                cur = next->as_table();
            }
            start = dot + 1;
        }
    }
};

Config::Config() : impl_(std::make_unique<Impl>()) {}
Config::~Config() = default;
Config::Config(Config&&) noexcept = default;
Config& Config::operator=(Config&&) noexcept = default;

// TOML allows non-ASCII characters only inside strings and comments. Debian's toml++ reaches
// __builtin_unreachable (undefined behaviour) on some non-ASCII characters where it expects keys or
// whitespace (found by fuzzing), so such text is refused here, before the parser sees it.
static void check_ascii_outside_strings(const std::string& t, const std::string& source)
{
    std::size_t line = 1;
    auto at = [&](std::size_t i) { return i < t.size() ? t[i] : '\0'; };
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (c == '\n') {
            ++line;
        } else if (c == '#') {
            while (i + 1 < t.size() && t[i + 1] != '\n') ++i;
        } else if (c == '"' || c == '\'') {
            const bool multi = at(i + 1) == c && at(i + 2) == c;
            i += multi ? 3 : 1;
            for (; i < t.size(); ++i) {
                if (t[i] == '\n') {
                    ++line;
                    if (!multi) break; // unterminated: the parser reports it
                }
                if (c == '"' && t[i] == '\\') {
                    if (at(i + 1) == '\n') ++line;
                    ++i;
                    continue;
                }
                if (t[i] == c && (!multi || (at(i + 1) == c && at(i + 2) == c))) {
                    if (multi) {
                        i += 2;
                        while (at(i + 1) == c) ++i; // up to two quotes may end the content
                    }
                    break;
                }
            }
        } else if (static_cast<unsigned char>(c) >= 0x80 || c == '\0') {
            config_error(source + ":" + std::to_string(line), "",
                         c == '\0' ? "NUL byte outside a string" : "non-ASCII character outside a string or comment",
                         "TOML syntax: non-ASCII text only inside quotes or after #");
        }
    }
}

// Parses TOML without letting toml++ meet non-ASCII text in malformed input: the quote tracking of
// check_ascii_outside_strings is only reliable for well-formed TOML (a quote after a syntax error need
// not start a string, and toml++ then reaches __builtin_unreachable on the non-ASCII bytes it scans;
// found by fuzzing). So the syntax is checked first on a copy with every non-ASCII byte replaced by 'x'
// (same lines and columns); only well-formed text is parsed as written.
static toml::table parse_toml(const std::string& text, const std::string& source)
{
    check_ascii_outside_strings(text, source);
    std::string ascii = text;
    bool plain = true;
    for (char& ch : ascii)
        if (static_cast<unsigned char>(ch) >= 0x80) ch = 'x', plain = false;
    if (!plain) (void)toml::parse(ascii, source); // throws toml::parse_error on malformed input
    return toml::parse(text, source);
}

Config Config::parse(const std::string& text, const std::string& source_name)
{
    Config c;
    c.impl_->source = source_name;
    try {
        c.impl_->table = parse_toml(text, source_name);
    } catch (const toml::parse_error& e) {
        config_error(source_name + ":" + std::to_string(e.source().begin.line), "", std::string(e.description()),
                     "TOML syntax");
    }
    return c;
}

Config Config::load_file(const std::string& path)
{
    // A directory reads as empty and a FIFO can block forever: only regular files are configurations.
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) config_error(path, "", "cannot open configuration file: no such file", "a readable TOML file");
    if (!std::filesystem::is_regular_file(path, ec))
        config_error(path, "", "not a regular file (a directory, FIFO or device)", "a readable TOML file");
    std::ifstream in(path);
    if (!in) config_error(path, "", "cannot open configuration file", "a readable TOML file");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse(ss.str(), path);
}

void Config::apply_override(const std::string& assignment)
{
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        usage_error("--set " + assignment, "expected section.key=value", "section.key=value");
    const std::string path = assignment.substr(0, eq);
    const std::string value = assignment.substr(eq + 1);
    toml::table parsed;
    try {
        parsed = parse_toml("v = " + value, "--set " + assignment);
    } catch (const toml::parse_error&) {
        parsed = toml::table{{"v", value}}; // bare words are strings
    } catch (const Error&) {
        parsed = toml::table{{"v", value}}; // non-ASCII bare words too
    }
    toml::table* cur = &impl_->table;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = path.find('.', start);
        const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (part.empty()) usage_error("--set " + assignment, "empty key component", "section.key=value");
        if (dot == std::string::npos) {
            cur->insert_or_assign(part, *parsed.get("v"));
            break;
        }
        // name[i]: element i of an array of tables ([[round]] -> round[0], round[1], ...).
        const auto lb = part.find('[');
        if (lb != std::string::npos) {
            const std::string name = part.substr(0, lb);
            std::size_t idx = 0, used = 0;
            bool ok = part.back() == ']' && lb + 2 < part.size() && !name.empty();
            try {
                if (ok) idx = std::stoul(part.substr(lb + 1, part.size() - lb - 2), &used);
            } catch (const std::exception&) {
                ok = false;
            }
            ok = ok && used == part.size() - lb - 2;
            if (!ok) usage_error("--set " + assignment, "malformed element '" + part + "'", "name[index], e.g. round[0]");
            auto* arr = cur->get_as<toml::array>(name);
            if (!arr || !arr->is_array_of_tables())
                usage_error("--set " + assignment, "'" + name + "' is not an array of tables in the configuration",
                            "an existing [[" + name + "]] array");
            if (idx >= arr->size())
                usage_error("--set " + assignment, "index " + std::to_string(idx) + " is out of range",
                            "0.." + std::to_string(arr->size() - 1) + " (the configuration has " + std::to_string(arr->size()) +
                                " [[" + name + "]] tables)");
            cur = arr->get(idx)->as_table();
            start = dot + 1;
            continue;
        }
        auto* next = cur->get(part);
        if (!next) {
            cur->insert_or_assign(part, toml::table{});
            next = cur->get(part);
        }
        if (!next->is_table())
            usage_error("--set " + assignment, "'" + part + "' is not a table", "an existing section");
        cur = next->as_table();
        start = dot + 1;
    }
    impl_->override_origin[path] = "--set " + assignment;
}

const std::string& Config::source_name() const { return impl_->source; }

static void collect_unused(const toml::table& t, const std::string& prefix, const std::set<std::string>& used,
                           std::vector<std::pair<std::string, const toml::node*>>& out)
{
    for (const auto& [k, v] : t) {
        const std::string path = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        if (const auto* sub = v.as_table()) {
            collect_unused(*sub, path, used, out);
        } else if (const auto* arr = v.as_array(); arr && !arr->empty() && arr->get(0)->is_table()) {
            for (std::size_t i = 0; i < arr->size(); ++i)
                if (const auto* st = arr->get(i)->as_table())
                    collect_unused(*st, path + "[" + std::to_string(i) + "]", used, out);
        } else if (!used.count(path)) {
            out.emplace_back(path, &v);
        }
    }
}

void Config::check_unused() const
{
    std::vector<std::pair<std::string, const toml::node*>> unused;
    collect_unused(impl_->table, "", impl_->used, unused);
    if (unused.empty()) return;
    const auto& [path, node] = unused.front();
    // Known keys of the same section, as a hint.
    const auto dot = path.rfind('.');
    const std::string prefix = dot == std::string::npos ? "" : path.substr(0, dot + 1);
    std::string known;
    std::set<std::string> seen;
    for (const auto& u : impl_->used) {
        if (u.compare(0, prefix.size(), prefix) != 0) continue;
        std::string rest = u.substr(prefix.size());
        rest = rest.substr(0, rest.find_first_of(".["));
        if (seen.insert(rest).second) known += (known.empty() ? "" : ", ") + rest;
    }
    config_error(impl_->where(path, node), path, "unknown key", known.empty() ? "no keys here" : known);
}

std::string Config::resolved_toml() const
{
    std::ostringstream s;
    s << toml::toml_formatter(impl_->resolved);
    return s.str();
}

nlohmann::json Config::resolved_json() const
{
    std::ostringstream s;
    s << toml::json_formatter(impl_->resolved);
    return nlohmann::json::parse(s.str());
}

// ---- documented TOML (--print-config) ----

static std::string toml_string(const std::string& v)
{
    std::string o = "\"";
    for (unsigned char c : v) {
        if (c == '"' || c == '\\') o += '\\', o += static_cast<char>(c);
        else if (c == '\n') o += "\\n";
        else if (c == '\t') o += "\\t";
        else if (c < 0x20 || c == 0x7f) {
            char b[8];
            std::snprintf(b, sizeof b, "\\u%04x", c);
            o += b;
        } else o += static_cast<char>(c);
    }
    return o + "\"";
}

static std::string toml_key(const std::string& k)
{
    const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
    return bare ? k : toml_string(k);
}

static std::string toml_value(const toml::node& n)
{
    if (auto v = n.value_exact<double>()) return io::format_number(*v); // shortest text that reads back
    if (auto v = n.value_exact<int64_t>()) return std::to_string(*v);
    if (auto v = n.value_exact<bool>()) return *v ? "true" : "false";
    if (auto v = n.value_exact<std::string>()) return toml_string(*v);
    if (const auto* a = n.as_array()) {
        std::string o = "[";
        for (std::size_t i = 0; i < a->size(); ++i) o += (i ? ", " : "") + toml_value(*a->get(i));
        return o + "]";
    }
    std::ostringstream s; // inline tables do not occur in resolved configurations; keep toml++'s text
    s << toml::toml_formatter(*n.as_table());
    return s.str();
}

static bool is_array_of_tables(const toml::node& n)
{
    const auto* a = n.as_array();
    return a && !a->empty() && a->get(0)->is_table();
}

namespace {
struct DocWriter {
    const std::map<std::string, std::string>& allowed;
    std::ostringstream out;
    std::vector<std::string>* undocumented;

    void leaves(const toml::table& t, const std::string& prefix)
    {
        for (const auto& [k, v] : t) {
            if (v.is_table() || is_array_of_tables(v)) continue;
            const std::string path = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
            std::string line = toml_key(std::string(k.str())) + " = " + toml_value(v);
            if (line.size() < 36) line.resize(36, ' ');
            const auto* d = io::find_key_doc(path);
            const auto a = allowed.find(path);
            std::string comment;
            if (!d) {
                comment = "(undocumented key)";
                if (undocumented) undocumented->push_back(path);
            } else {
                comment = std::string(d->unit).empty() ? d->meaning : std::string(d->unit) + ", " + d->meaning;
            }
            if (a != allowed.end()) comment += " (" + a->second + ")";
            out << line << "   # " << comment << "\n";
        }
    }
    void tables(const toml::table& t, const std::string& prefix)
    {
        for (const auto& [k, v] : t) {
            const std::string path = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
            std::string header = prefix.empty() ? std::string() : header_of(prefix) + '.';
            header += toml_key(std::string(k.str()));
            if (const auto* sub = v.as_table()) {
                out << "\n[" << header << "]\n";
                leaves(*sub, path);
                tables(*sub, path);
            } else if (is_array_of_tables(v)) {
                const auto* arr = v.as_array();
                for (std::size_t i = 0; i < arr->size(); ++i) {
                    out << "\n[[" << header << "]]\n";
                    const auto& el = *arr->get(i)->as_table();
                    const std::string ep = path + "[" + std::to_string(i) + "]";
                    leaves(el, ep);
                    tables(el, ep);
                }
            }
        }
    }
    // "round[2].targets" -> "round.targets" (a header names the last element of an array of tables).
    static std::string header_of(const std::string& path)
    {
        std::string h;
        std::size_t start = 0;
        while (true) {
            const auto dot = path.find('.', start);
            std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
            if (auto lb = part.find('['); lb != std::string::npos) part = part.substr(0, lb);
            if (!h.empty()) h += '.';
            h += toml_key(part);
            if (dot == std::string::npos) return h;
            start = dot + 1;
        }
    }
};
} // namespace

std::string Config::documented_toml(std::vector<std::string>* undocumented) const
{
    DocWriter w{impl_->allowed, {}, undocumented};
    w.out << "# Effective configuration (" << impl_->source << "); every key: unit, meaning (allowed values).\n";
    w.leaves(impl_->resolved, "");
    w.tables(impl_->resolved, "");
    return w.out.str();
}

// ---- Section ----

std::string Section::path(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }

std::string Section::where(const std::string& key) const
{
    const auto p = path(key);
    const auto* node = cfg_->impl_->find(p);
    if (!node) node = cfg_->impl_->find(prefix_);
    return cfg_->impl_->where(p, node);
}

void Section::fail(const std::string& key, const std::string& problem, const std::string& allowed) const
{
    config_error(where(key), path(key), problem, allowed);
}

bool Section::has(const std::string& key) const { return cfg_->impl_->find(path(key)) != nullptr; }

bool Section::is_table(const std::string& key) const
{
    const auto* node = cfg_->impl_->find(path(key));
    return node && node->is_table();
}

std::vector<std::string> Section::keys() const
{
    std::vector<std::pair<std::size_t, std::string>> k;
    const auto* node = prefix_.empty() ? &cfg_->impl_->table : cfg_->impl_->find(prefix_);
    if (!node || !node->is_table()) return {};
    for (const auto& [name, value] : *node->as_table())
        k.emplace_back(value.source().begin.line, std::string(name.str()));
    // toml++ tables are ordered by name; file order reads better in messages and outputs.
    std::stable_sort(k.begin(), k.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (auto& [line, name] : k) out.push_back(std::move(name));
    return out;
}

Section Section::sub(const std::string& key) const
{
    const auto* node = cfg_->impl_->find(path(key));
    if (node && !node->is_table()) fail(key, "expected a table", "[" + path(key) + "] section");
    return Section(cfg_, path(key));
}

std::size_t Section::array_size(const std::string& key) const
{
    const auto* node = cfg_->impl_->find(path(key));
    if (!node) return 0;
    const auto* arr = node->as_array();
    if (!arr) fail(key, "expected an array of tables", "[[" + path(key) + "]] entries");
    for (std::size_t i = 0; i < arr->size(); ++i)
        if (!arr->get(i)->is_table()) fail(key, "expected an array of tables", "[[" + path(key) + "]] entries");
    cfg_->impl_->used.insert(path(key));
    return arr->size();
}

Section Section::element(const std::string& key, std::size_t i) const
{
    return Section(cfg_, path(key) + "[" + std::to_string(i) + "]");
}

namespace {
std::string type_name(const toml::node& n)
{
    switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a non-number";
    }
}
std::optional<double> as_number(const toml::node& n)
{
    if (auto v = n.value_exact<double>()) return *v;
    if (auto v = n.value_exact<int64_t>()) return static_cast<double>(*v);
    return std::nullopt;
}
} // namespace

static double check_number(const Section& s, const std::string& key, const toml::node& n, Range r)
{
    auto v = as_number(n);
    if (!v) s.fail(key, std::string("expected a number, got ") + type_name(n), r.describe());
    if (!std::isfinite(*v)) s.fail(key, "must be finite, got " + num_str(*v), r.describe());
    if (!r.contains(*v)) s.fail(key, "out of range: " + num_str(*v), r.describe());
    return *v;
}

double Section::number(const std::string& key, double def, Range r) const
{
    const auto p = path(key);
    cfg_->impl_->used.insert(p);
    const auto* node = cfg_->impl_->find(p);
    double v = def;
    if (node) v = check_number(*this, key, *node, r);
    cfg_->impl_->record(p, toml::value<double>(v));
    cfg_->impl_->note_allowed(p, r.readable(), r.readable() != "any number");
    return v;
}

double Section::number(const std::string& key, Range r) const
{
    if (!has(key)) fail(key, "required key is missing", r.describe());
    return number(key, 0.0, r);
}

std::int64_t Section::integer(const std::string& key, std::int64_t def, std::int64_t lo, std::int64_t hi) const
{
    const auto p = path(key);
    cfg_->impl_->used.insert(p);
    const auto* node = cfg_->impl_->find(p);
    std::int64_t v = def;
    const std::string allowed = "integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    if (node) {
        if (auto iv = node->value_exact<int64_t>()) {
            v = *iv;
        } else if (auto dv = node->value_exact<double>(); dv && std::isfinite(*dv) && std::floor(*dv) == *dv &&
                                                           std::fabs(*dv) < 9e15) {
            v = static_cast<std::int64_t>(*dv);
        } else {
            fail(key, "expected an integer", allowed);
        }
        if (v < lo || v > hi) fail(key, "out of range: " + std::to_string(v), allowed);
    }
    cfg_->impl_->record(p, toml::value<int64_t>(v));
    cfg_->impl_->allowed[p] = hi == INT64_MAX ? "integer >= " + std::to_string(lo) : allowed;
    return v;
}

std::int64_t Section::integer(const std::string& key, std::int64_t lo, std::int64_t hi) const
{
    if (!has(key)) fail(key, "required key is missing", "integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return integer(key, 0, lo, hi);
}

bool Section::flag(const std::string& key, bool def) const
{
    const auto p = path(key);
    cfg_->impl_->used.insert(p);
    const auto* node = cfg_->impl_->find(p);
    bool v = def;
    if (node) {
        auto bv = node->value_exact<bool>();
        if (!bv) fail(key, "expected true or false", "true, false");
        v = *bv;
    }
    cfg_->impl_->record(p, toml::value<bool>(v));
    cfg_->impl_->allowed[p] = "true or false";
    return v;
}

static std::string join(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

std::string Section::string(const std::string& key, const std::string& def,
                            const std::vector<std::string>& choices) const
{
    const auto p = path(key);
    cfg_->impl_->used.insert(p);
    const auto* node = cfg_->impl_->find(p);
    std::string v = def;
    const std::string allowed = choices.empty() ? "a string" : join(choices);
    if (node) {
        auto sv = node->value_exact<std::string>();
        if (!sv) fail(key, "expected a string", allowed);
        v = *sv;
        if (!choices.empty() && std::find(choices.begin(), choices.end(), v) == choices.end())
            fail(key, "unknown value '" + v + "'", allowed);
    }
    cfg_->impl_->record(p, toml::value<std::string>(v));
    cfg_->impl_->note_allowed(p, choices.empty() ? "a string" : "one of " + allowed, !choices.empty());
    return v;
}

std::string Section::string(const std::string& key, const std::vector<std::string>& choices) const
{
    if (!has(key)) fail(key, "required key is missing", choices.empty() ? "a string" : join(choices));
    return string(key, std::string(), choices);
}

namespace {

// Section::file: the absolute path of an existing file named relative to the configuration's folder or the
// working directory; the name as given when there is none.
std::string resolve_file(const std::string& v, const std::string& source)
{
    namespace fs = std::filesystem;
    if (v.empty()) return v;
    const fs::path given(v), dir = fs::path(source).parent_path();
    std::error_code ec;
    fs::path found;
    if (given.is_absolute()) found = given;
    else if (!dir.empty() && fs::exists(dir / given, ec)) found = dir / given;
    else if (fs::exists(given, ec)) found = given;
    if (found.empty() || !fs::exists(found, ec)) return v;
    const std::string abs = fs::absolute(found, ec).lexically_normal().string();
    return ec ? v : abs;
}

} // namespace

std::string Section::file(const std::string& key, const std::string& def) const
{
    const std::string v = resolve_file(string(key, def), cfg_->impl_->source);
    cfg_->impl_->record(path(key), toml::value<std::string>(v));
    return v;
}

std::vector<std::string> Section::files(const std::string& key, const std::vector<std::string>& def) const
{
    auto v = strings(key, def);
    toml::array out;
    for (auto& f : v) {
        f = resolve_file(f, cfg_->impl_->source);
        out.push_back(f);
    }
    cfg_->impl_->record(path(key), std::move(out));
    return v;
}

std::string Section::file(const std::string& key) const
{
    if (!has(key)) fail(key, "required key is missing", "a file name");
    return file(key, std::string());
}

std::vector<double> Section::numbers(const std::string& key, const std::vector<double>& def, Range r,
                                     std::size_t size_min, std::size_t size_max) const
{
    const auto p = path(key);
    cfg_->impl_->used.insert(p);
    const auto* node = cfg_->impl_->find(p);
    std::vector<double> v = def;
    if (node) {
        const auto* arr = node->as_array();
        if (!arr) fail(key, "expected an array of numbers", "array of numbers in " + r.describe());
        v.clear();
        for (std::size_t i = 0; i < arr->size(); ++i)
            v.push_back(check_number(*this, key + "[" + std::to_string(i) + "]", *arr->get(i), r));
    }
    if (v.size() < size_min || v.size() > size_max)
        fail(key, "array has " + std::to_string(v.size()) + " elements",
             size_max == SIZE_MAX ? "at least " + std::to_string(size_min) + " elements"
             : size_min == size_max ? "exactly " + std::to_string(size_min) + " elements"
                                    : std::to_string(size_min) + " to " + std::to_string(size_max) + " elements");
    toml::array out;
    for (double x : v) out.push_back(x);
    cfg_->impl_->record(p, std::move(out));
    cfg_->impl_->allowed[p] = (r.readable() == "any number" ? std::string("numbers") : "numbers " + r.readable()) +
                              (size_max == SIZE_MAX ? (size_min ? ", at least " + std::to_string(size_min) : std::string())
                               : size_min == size_max ? ", exactly " + std::to_string(size_min)
                                                      : ", " + std::to_string(size_min) + " to " + std::to_string(size_max));
    return v;
}

std::vector<std::string> Section::strings(const std::string& key, const std::vector<std::string>& def,
                                          const std::vector<std::string>& choices) const
{
    const auto p = path(key);
    cfg_->impl_->used.insert(p);
    const auto* node = cfg_->impl_->find(p);
    std::vector<std::string> v = def;
    const std::string allowed = choices.empty() ? "array of strings" : join(choices);
    if (node) {
        const auto* arr = node->as_array();
        if (!arr) fail(key, "expected an array of strings", allowed);
        v.clear();
        for (std::size_t i = 0; i < arr->size(); ++i) {
            auto sv = arr->get(i)->value_exact<std::string>();
            if (!sv) fail(key + "[" + std::to_string(i) + "]", "expected a string", allowed);
            if (!choices.empty() && std::find(choices.begin(), choices.end(), *sv) == choices.end())
                fail(key + "[" + std::to_string(i) + "]", "unknown value '" + *sv + "'", allowed);
            v.push_back(*sv);
        }
    }
    toml::array out;
    for (const auto& x : v) out.push_back(x);
    cfg_->impl_->record(p, std::move(out));
    cfg_->impl_->allowed[p] = choices.empty() ? "strings" : "each one of " + allowed;
    return v;
}

std::vector<std::vector<double>> Section::matrix(const std::string& key, const std::vector<std::vector<double>>& def,
                                                 Range r) const
{
    const auto p = path(key);
    cfg_->impl_->used.insert(p);
    const auto* node = cfg_->impl_->find(p);
    std::vector<std::vector<double>> v = def;
    if (node) {
        const auto* arr = node->as_array();
        if (!arr) fail(key, "expected an array of arrays of numbers", "[[...], [...]]");
        v.clear();
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const auto* row = arr->get(i)->as_array();
            const std::string rk = key + "[" + std::to_string(i) + "]";
            if (!row) fail(rk, "expected an array of numbers", "[[...], [...]]");
            std::vector<double> rv;
            for (std::size_t j = 0; j < row->size(); ++j)
                rv.push_back(check_number(*this, rk + "[" + std::to_string(j) + "]", *row->get(j), r));
            v.push_back(std::move(rv));
        }
    }
    toml::array out;
    for (const auto& row : v) {
        toml::array ra;
        for (double x : row) ra.push_back(x);
        out.push_back(std::move(ra));
    }
    cfg_->impl_->record(p, std::move(out));
    cfg_->impl_->allowed[p] = r.readable() == "any number" ? "rows of numbers" : "rows of numbers " + r.readable();
    return v;
}

} // namespace plast
