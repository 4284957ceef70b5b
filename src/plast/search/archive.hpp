#pragma once
// SQLite archive of a search: one row per candidate, readable with any SQLite client.
//
//   meta(key, value)   schema_version, fingerprint of the configuration that defines the task,
//                      param_names and metric_names (JSON), plast version, created
//   candidates         round, idx (primary key), seed, source, status, verdict, abort_reason,
//                      abort_time, wall_seconds, rule, one REAL column per parameter (p_<name>) and
//                      per metric (m_<name>); NaN metrics are stored as NULL (SQLite has no NaN)
//
// Every search method writes this one layout: a parameter search (screen rounds, CMA-ES) fills the
// p_ columns and leaves rule empty; an expression search (CGP, `plast evolve`) has no p_ columns and
// writes the rule's expression (slots separated by ';') in rule. source names the method or proposal.
// Schema 1 (before the rule column) still opens, for reading and for resuming; rows read from it have
// an empty rule.
//
// Rows are written in transactions of completed candidates, in (round, idx) order, so a killed
// run loses at most the candidates in flight and a resumed run skips exactly the rows present.
// The same (round, idx) always denotes the same candidate, so 1 thread, N threads or N MPI ranks
// produce the same rows.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

struct sqlite3;

namespace plast::search {

inline constexpr int archive_schema_version = 2;

struct CandidateRow {
    int round = 0;
    std::int64_t idx = 0;
    std::uint64_t seed = 0;
    std::string source;       // "prior", "restricted", "conditional", "cmaes", "user", "cgp"
    std::string status;       // "completed", "aborted", "error", "invalid" (a rule with non-finite fitness)
    std::string verdict;      // "plausible", "implausible", or "" when not judged
    std::string abort_reason; // empty when completed
    double abort_time = -1.0; // simulated seconds; -1 when not aborted
    double wall_seconds = 0.0;
    std::string rule; // the expression of an expression search ("slot1 ; slot2"); empty otherwise
    std::vector<double> params, metrics;
};

class Archive {
public:
    // Creates a new archive, or (resume = true) opens an existing one after checking its schema
    // version, integrity and fingerprint. Errors leave the file untouched.
    static Archive open(const std::string& path, const std::vector<std::string>& param_names,
                        const std::vector<std::string>& metric_names, const std::string& fingerprint, bool resume);
    // Opens an existing archive read-only (for queries by `plast memory`, reports).
    static Archive open_read_only(const std::string& path);

    Archive(Archive&&) noexcept;
    Archive& operator=(Archive&&) noexcept;
    ~Archive();

    void insert(const std::vector<CandidateRow>& rows); // one transaction
    std::set<std::int64_t> done_indices(int round) const;
    std::int64_t count(const std::string& where = "") const;
    // Rows matching an SQL WHERE clause over the column names (e.g. "verdict = 'plausible'"),
    // ordered by (round, idx). A malformed clause is a usage error naming the clause.
    std::vector<CandidateRow> select(const std::string& where = "", std::int64_t limit = -1) const;

    const std::vector<std::string>& param_names() const { return params_; }
    const std::vector<std::string>& metric_names() const { return metrics_; }
    const std::string& path() const { return path_; }
    std::string meta(const std::string& key) const;
    void set_meta(const std::string& key, const std::string& value); // insert or replace
    int schema() const { return schema_; }

private:
    Archive() = default;
    static Archive open_checked(const std::string& path, int flags);
    void exec(const std::string& sql) const;
    std::string columns() const;
    std::string path_;
    sqlite3* db_ = nullptr;
    std::vector<std::string> params_, metrics_;
    int schema_ = archive_schema_version;
    bool has_rule_ = true; // false for schema-1 archives
};

} // namespace plast::search
