#pragma once
// Strictly validated TOML configuration.
//
// A Config is read through Section views. Every read names the key, its default (or none when
// the key is required) and the allowed range; the value actually used is recorded in the
// resolved configuration that a run writes back. After all reads, check_unused() rejects any
// key that nothing read (a typo is an error, not a silently ignored setting).
// Errors name the file, the line, the dotted key and what is allowed:
//   examples/toy.toml:7: toy.eta: must be finite and > 0 (allowed: (0, inf))
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace plast {

// A closed/open numeric interval used for validation and in error messages.
struct Range {
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
    bool lo_open = false, hi_open = false;

    static Range any() { return {}; }
    static Range positive() { return {0.0, std::numeric_limits<double>::infinity(), true, false}; }
    static Range nonneg() { return {0.0, std::numeric_limits<double>::infinity(), false, false}; }
    static Range closed(double a, double b) { return {a, b, false, false}; }
    static Range open_closed(double a, double b) { return {a, b, true, false}; }
    static Range at_least(double a) { return {a, std::numeric_limits<double>::infinity(), false, false}; }
    bool contains(double x) const;
    std::string describe() const;
    std::string readable() const; // "> 0", ">= 1", "in [0, 1)", "any number"
};


class Config;

class Section {
public:
    // Numbers: must be finite and inside the range.
    double number(const std::string& key, double def, Range r = Range::any()) const;
    double number(const std::string& key, Range r = Range::any()) const; // required
    std::int64_t integer(const std::string& key, std::int64_t def, std::int64_t lo, std::int64_t hi) const;
    std::int64_t integer(const std::string& key, std::int64_t lo, std::int64_t hi) const; // required
    bool flag(const std::string& key, bool def) const;
    // String limited to a set of choices (empty list = any string).
    std::string string(const std::string& key, const std::string& def,
                       const std::vector<std::string>& choices = {}) const;
    std::string string(const std::string& key, const std::vector<std::string>& choices = {}) const; // required
    // A file name. A relative name is looked up in the configuration file's folder, then in the working
    // directory; the resolved configuration (config.toml of a run, --print-config) records the absolute path
    // of the file found, so `--resume` finds it from the run directory. A name found nowhere is returned and
    // recorded as given (the caller's error names it).
    std::string file(const std::string& key, const std::string& def) const;
    std::string file(const std::string& key) const; // required
    std::vector<std::string> files(const std::string& key, const std::vector<std::string>& def) const;
    // Array of numbers; size_min/size_max bound the length.
    std::vector<double> numbers(const std::string& key, const std::vector<double>& def, Range r = Range::any(),
                                std::size_t size_min = 0, std::size_t size_max = SIZE_MAX) const;
    std::vector<std::string> strings(const std::string& key, const std::vector<std::string>& def,
                                     const std::vector<std::string>& choices = {}) const;
    // Array of arrays of numbers (rows), e.g. input vectors or a matrix.
    std::vector<std::vector<double>> matrix(const std::string& key, const std::vector<std::vector<double>>& def,
                                            Range r = Range::any()) const;

    bool has(const std::string& key) const;
    // Keys of this table in file order (empty when the table is absent); reading them marks nothing used.
    std::vector<std::string> keys() const;
    bool is_table(const std::string& key) const;  // the key exists and holds a table (inline or not)
    Section sub(const std::string& key) const;         // nested table (may be absent: defaults apply)
    std::size_t array_size(const std::string& key) const; // array of tables
    Section element(const std::string& key, std::size_t i) const;

    // "file:line" of a key (or of the section when the key is absent).
    std::string where(const std::string& key) const;
    std::string path(const std::string& key) const;
    // For cross-key checks made by the caller.
    [[noreturn]] void fail(const std::string& key, const std::string& problem, const std::string& allowed = {}) const;

private:
    friend class Config;
    Section(Config* cfg, std::string prefix) : cfg_(cfg), prefix_(std::move(prefix)) {}
    Config* cfg_;
    std::string prefix_;
};

class Config {
public:
    Config();
    ~Config();
    Config(Config&&) noexcept;
    Config& operator=(Config&&) noexcept;

    static Config load_file(const std::string& path);
    static Config parse(const std::string& text, const std::string& source_name);

    // "section.key=value"; the value is read as TOML (number, bool, array, string) or else as a bare string.
    void apply_override(const std::string& assignment);

    Section root() { return Section(this, ""); }
    Section section(const std::string& dotted) { return Section(this, dotted); }

    // Every key in the file must have been read; otherwise a config error naming the first unread key.
    void check_unused() const;

    const std::string& source_name() const;
    std::string resolved_toml() const;
    // The resolved configuration as TOML with numbers at their precision and, after every key, a
    // comment "unit, meaning (allowed values)" from the key documentation (io/key_doc.hpp) and the
    // range the reading code validated. Keys without documentation get "(undocumented key)" and are
    // appended to *undocumented when given. Valid TOML that loads back to the same configuration.
    std::string documented_toml(std::vector<std::string>* undocumented = nullptr) const;
    nlohmann::json resolved_json() const;

    struct Impl;

private:
    friend class Section;
    std::unique_ptr<Impl> impl_;
};

} // namespace plast
