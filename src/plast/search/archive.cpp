#include "plast/search/archive.hpp"

#include "plast/core/error.hpp"
#include "plast/core/version.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cmath>
#include <filesystem>
#include <limits>

namespace plast::search {

namespace {

struct Stmt {
    sqlite3_stmt* s = nullptr;
    Stmt(sqlite3* db, const std::string& sql, const std::string& path)
    {
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
            runtime_error(path, std::string("SQLite: ") + sqlite3_errmsg(db) + " in: " + sql);
    }
    ~Stmt() { sqlite3_finalize(s); }
};

std::string column_list(const std::vector<std::string>& names, const std::string& prefix)
{
    std::string s;
    for (const auto& n : names) s += ", \"" + prefix + n + "\" REAL";
    return s;
}

bool valid_name(const std::string& n)
{
    if (n.empty()) return false;
    for (char c : n)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
}

} // namespace

Archive::Archive(Archive&& o) noexcept
    : path_(std::move(o.path_)), db_(o.db_), params_(std::move(o.params_)), metrics_(std::move(o.metrics_)),
      schema_(o.schema_), has_rule_(o.has_rule_)
{
    o.db_ = nullptr;
}

Archive& Archive::operator=(Archive&& o) noexcept
{
    if (this != &o) {
        if (db_) sqlite3_close(db_);
        path_ = std::move(o.path_);
        db_ = o.db_;
        params_ = std::move(o.params_);
        metrics_ = std::move(o.metrics_);
        schema_ = o.schema_;
        has_rule_ = o.has_rule_;
        o.db_ = nullptr;
    }
    return *this;
}

Archive::~Archive()
{
    if (db_) sqlite3_close(db_);
}

void Archive::exec(const std::string& sql) const
{
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        runtime_error(path_, "SQLite: " + msg);
    }
}

std::string Archive::meta(const std::string& key) const
{
    Stmt st(db_, "SELECT value FROM meta WHERE key = ?", path_);
    sqlite3_bind_text(st.s, 1, key.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st.s) == SQLITE_ROW) return reinterpret_cast<const char*>(sqlite3_column_text(st.s, 0));
    return {};
}

void Archive::set_meta(const std::string& key, const std::string& value)
{
    Stmt st(db_, "INSERT OR REPLACE INTO meta VALUES (?, ?)", path_);
    sqlite3_bind_text(st.s, 1, key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.s, 2, value.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st.s) != SQLITE_DONE) runtime_error(path_, std::string("SQLite: cannot write meta: ") + sqlite3_errmsg(db_));
}

// The candidates columns in table order: the fixed ones, rule (schema >= 2), p_<name>, m_<name>.
std::string Archive::columns() const
{
    std::string s = "round, idx, seed, source, status, verdict, abort_reason, abort_time, wall_seconds";
    if (has_rule_) s += ", rule";
    for (const auto& n : params_) s += ", \"p_" + n + "\"";
    for (const auto& n : metrics_) s += ", \"m_" + n + "\"";
    return s;
}

static void open_db(Archive&, sqlite3** db, const std::string& path, int flags)
{
    if (sqlite3_open_v2(path.c_str(), db, flags, nullptr) != SQLITE_OK) {
        const std::string msg = *db ? sqlite3_errmsg(*db) : "cannot open";
        if (*db) sqlite3_close(*db);
        *db = nullptr;
        config_error(path, "", "cannot open archive: " + msg, "a plast SQLite archive");
    }
    sqlite3_busy_timeout(*db, 10000);
}

Archive Archive::open_read_only(const std::string& path) { return open_checked(path, SQLITE_OPEN_READONLY); }

// Opens an existing archive with the given SQLite flags after integrity and schema checks. A resume
// opens read-write from the start: a read-only connection to a WAL database cannot remove the -wal
// and -shm files when it closes, so a refused resume would leave them behind.
Archive Archive::open_checked(const std::string& path, int flags)
{
    if (!std::filesystem::exists(path)) config_error(path, "", "archive does not exist", "an archive written by plast screen");
    Archive a;
    a.path_ = path;
    open_db(a, &a.db_, path, flags);
    // Integrity and schema checks, as for resume.
    {
        char* err = nullptr;
        std::string result;
        auto cb = [](void* r, int, char** v, char**) {
            *static_cast<std::string*>(r) = v[0] ? v[0] : "";
            return 0;
        };
        if (sqlite3_exec(a.db_, "PRAGMA quick_check", cb, &result, &err) != SQLITE_OK || result != "ok") {
            sqlite3_free(err);
            config_error(path, "", "archive is corrupted (SQLite quick_check failed)", "an intact plast archive");
        }
    }
    std::string version;
    try {
        version = a.meta("schema_version");
    } catch (const Error&) {
        config_error(path, "meta", "not a plast archive (no meta table)", "an archive written by plast screen");
    }
    if (version.empty()) config_error(path, "schema_version", "not a plast archive", "an archive written by plast screen");
    int schema = 0;
    try {
        schema = std::stoi(version);
        a.params_ = nlohmann::json::parse(a.meta("param_names")).get<std::vector<std::string>>();
        a.metrics_ = nlohmann::json::parse(a.meta("metric_names")).get<std::vector<std::string>>();
    } catch (const Error&) {
        throw;
    } catch (const std::exception&) {
        // Found by fuzzing: a corrupted meta table threw JSON or number-parsing exceptions.
        config_error(path, "meta", "the archive's meta table is corrupted", "an intact archive written by plast screen");
    }
    if (schema > archive_schema_version)
        config_error(path, "schema_version", "archive schema " + version + " is newer than this plast supports",
                     "schema <= " + std::to_string(archive_schema_version));
    if (schema < 1) config_error(path, "schema_version", "unknown archive schema " + version, "1 .. " + std::to_string(archive_schema_version));
    a.schema_ = schema;
    // Schema 1 had no rule column; look at the table rather than trust the number.
    a.has_rule_ = false;
    {
        Stmt st(a.db_, "PRAGMA table_info(candidates)", path);
        while (sqlite3_step(st.s) == SQLITE_ROW) {
            const auto* n = sqlite3_column_text(st.s, 1);
            if (n && std::string(reinterpret_cast<const char*>(n)) == "rule") a.has_rule_ = true;
        }
    }
    return a;
}

Archive Archive::open(const std::string& path, const std::vector<std::string>& param_names,
                      const std::vector<std::string>& metric_names, const std::string& fingerprint, bool resume)
{
    for (const auto& n : param_names)
        if (!valid_name(n)) runtime_error(path, "invalid parameter name for an archive column: '" + n + "'");
    for (const auto& n : metric_names)
        if (!valid_name(n)) runtime_error(path, "invalid metric name for an archive column: '" + n + "'");
    const bool exists = std::filesystem::exists(path);
    if (exists && !resume)
        usage_error("archive " + path, "archive already exists", "--resume to continue it, or a new run directory");
    if (!exists && resume) usage_error("archive " + path, "nothing to resume: archive does not exist", "an existing archive");
    if (exists) {
        Archive a = open_checked(path, SQLITE_OPEN_READWRITE);
        if (a.meta("fingerprint") != fingerprint)
            config_error(path, "fingerprint", "archive was written by another configuration",
                         "the configuration stored in the run directory (config.toml)");
        if (a.params_ != param_names || a.metrics_ != metric_names)
            config_error(path, "param_names", "archive has other parameters or metrics", "the same task");
        a.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        return a;
    }
    Archive a;
    a.path_ = path;
    a.params_ = param_names;
    a.metrics_ = metric_names;
    open_db(a, &a.db_, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    a.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    a.exec("BEGIN");
    a.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)");
    a.exec("CREATE TABLE candidates (round INTEGER NOT NULL, idx INTEGER NOT NULL, seed INTEGER, source TEXT, "
           "status TEXT, verdict TEXT, abort_reason TEXT, abort_time REAL, wall_seconds REAL, rule TEXT" +
           column_list(param_names, "p_") + column_list(metric_names, "m_") + ", PRIMARY KEY (round, idx))");
    Stmt st(a.db_, "INSERT INTO meta VALUES (?, ?)", path);
    auto put = [&](const std::string& k, const std::string& v) {
        sqlite3_bind_text(st.s, 1, k.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st.s, 2, v.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st.s) != SQLITE_DONE) runtime_error(path, "SQLite: cannot write meta");
        sqlite3_reset(st.s);
    };
    put("schema_version", std::to_string(archive_schema_version));
    put("fingerprint", fingerprint);
    put("param_names", nlohmann::json(param_names).dump());
    put("metric_names", nlohmann::json(metric_names).dump());
    put("plast_version", std::string(version()) + " (" + git_revision() + ")");
    a.exec("COMMIT");
    return a;
}

void Archive::insert(const std::vector<CandidateRow>& rows)
{
    if (rows.empty()) return;
    std::string sql = "INSERT INTO candidates (" + columns() + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?";
    for (std::size_t i = 0; i < params_.size() + metrics_.size() + (has_rule_ ? 1 : 0); ++i) sql += ", ?";
    sql += ")";
    exec("BEGIN IMMEDIATE");
    try {
        Stmt st(db_, sql, path_);
        for (const auto& r : rows) {
            if (r.params.size() != params_.size() || r.metrics.size() != metrics_.size())
                runtime_error(path_, "candidate row has the wrong number of parameters or metrics");
            int k = 1;
            sqlite3_bind_int(st.s, k++, r.round);
            sqlite3_bind_int64(st.s, k++, r.idx);
            sqlite3_bind_int64(st.s, k++, static_cast<sqlite3_int64>(r.seed));
            for (const auto* s : {&r.source, &r.status, &r.verdict, &r.abort_reason})
                sqlite3_bind_text(st.s, k++, s->c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_double(st.s, k++, r.abort_time);
            sqlite3_bind_double(st.s, k++, r.wall_seconds);
            if (has_rule_ && r.rule.empty()) sqlite3_bind_null(st.s, k++); // parameter searches: no rule
            else if (has_rule_) sqlite3_bind_text(st.s, k++, r.rule.c_str(), -1, SQLITE_TRANSIENT);
            else if (!r.rule.empty())
                config_error(path_, "schema_version", "this schema-1 archive has no rule column for an expression search",
                             "a new archive (schema " + std::to_string(archive_schema_version) + ")");
            for (double v : r.params) sqlite3_bind_double(st.s, k++, v);
            for (double v : r.metrics) {
                if (std::isfinite(v)) sqlite3_bind_double(st.s, k++, v);
                else sqlite3_bind_null(st.s, k++);
            }
            if (sqlite3_step(st.s) != SQLITE_DONE)
                runtime_error(path_, std::string("SQLite: cannot insert candidate: ") + sqlite3_errmsg(db_));
            sqlite3_reset(st.s);
            sqlite3_clear_bindings(st.s);
        }
    } catch (...) {
        exec("ROLLBACK");
        throw;
    }
    exec("COMMIT");
}

std::set<std::int64_t> Archive::done_indices(int round) const
{
    std::set<std::int64_t> out;
    Stmt st(db_, "SELECT idx FROM candidates WHERE round = ?", path_);
    sqlite3_bind_int(st.s, 1, round);
    while (sqlite3_step(st.s) == SQLITE_ROW) out.insert(sqlite3_column_int64(st.s, 0));
    return out;
}

std::int64_t Archive::count(const std::string& where) const
{
    const std::string sql = "SELECT COUNT(*) FROM candidates" + (where.empty() ? "" : " WHERE " + where);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
        const std::string msg = sqlite3_errmsg(db_);
        sqlite3_finalize(s);
        usage_error("query '" + where + "'", "invalid SQL condition: " + msg, "an SQL WHERE clause over the archive columns");
    }
    std::int64_t n = 0;
    if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

std::vector<CandidateRow> Archive::select(const std::string& where, std::int64_t limit) const
{
    std::string sql = "SELECT " + columns() + " FROM candidates" + (where.empty() ? "" : " WHERE " + where) + " ORDER BY round, idx";
    if (limit >= 0) sql += " LIMIT " + std::to_string(limit);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
        const std::string msg = sqlite3_errmsg(db_);
        sqlite3_finalize(s);
        usage_error("query '" + where + "'", "invalid SQL condition: " + msg, "an SQL WHERE clause over the archive columns");
    }
    std::vector<CandidateRow> rows;
    auto text = [&](int c) {
        const auto* t = sqlite3_column_text(s, c);
        return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
    };
    auto real = [&](int c) {
        return sqlite3_column_type(s, c) == SQLITE_NULL ? std::numeric_limits<double>::quiet_NaN()
                                                        : sqlite3_column_double(s, c);
    };
    while (sqlite3_step(s) == SQLITE_ROW) {
        CandidateRow r;
        r.round = sqlite3_column_int(s, 0);
        r.idx = sqlite3_column_int64(s, 1);
        r.seed = static_cast<std::uint64_t>(sqlite3_column_int64(s, 2));
        r.source = text(3);
        r.status = text(4);
        r.verdict = text(5);
        r.abort_reason = text(6);
        r.abort_time = real(7);
        r.wall_seconds = real(8);
        int c = 9;
        if (has_rule_) r.rule = text(c++);
        for (std::size_t i = 0; i < params_.size(); ++i) r.params.push_back(real(c++));
        for (std::size_t i = 0; i < metrics_.size(); ++i) r.metrics.push_back(real(c++));
        rows.push_back(std::move(r));
    }
    sqlite3_finalize(s);
    return rows;
}

} // namespace plast::search
