#pragma once
// A run directory: everything one invocation of plast produced.
//   run.json    resolved config, seed, plast version and git revision, command line, start/end,
//               wall time, status ("running", "completed", "failed" with the error) and a summary
//   config.toml the resolved configuration (every value used, defaults included)
//   *.csv, *.npy, *.json, *.sqlite, figures/*.png, report.html
// An existing directory is never overwritten unless force is set; run.json is written at the start
// and rewritten at the end, so a crashed or killed run is still recognisable as such.
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace plast {

class Config;

namespace io {

struct RunInfo {
    std::string verb;
    std::string config_source; // file name or "<embedded default>"
    std::uint64_t seed = 0;
    int threads = 1;
    std::string command_line;
};

class RunDir {
public:
    // out empty: runs/<verb>-<stem>-<timestamp>[-N] under the current directory.
    static RunDir create(const std::string& out, const std::string& stem, bool force, const RunInfo& info,
                         const Config& resolved);

    // Reopens an existing run directory to continue it (resume): keeps its run.json metadata,
    // records the resume time, status back to "running". A run directory is locked (flock on
    // <dir>/.lock) while a plast process works in it: a second resume of the same run is refused.
    static RunDir reopen(const std::string& path, const std::string& command_line);

    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    void write_json(const std::string& name, const nlohmann::json& j) const;
    void write_text(const std::string& name, const std::string& text) const;

    // Summary numbers shown by the report; merged into run.json at finish.
    nlohmann::json& summary() { return summary_; }
    // The run's result in a few sentences with numbers and units (run.json "headline"; the verb prints
    // it and the report shows it first), e.g. "E settles at 10.8 Hz; plausible".
    void headline(const std::string& sentence) { headline_.push_back(sentence); }
    const std::vector<std::string>& headline() const { return headline_; }
    void finish(const std::string& status, const std::string& error = {});

private:
    void write_run_json(const std::string& status, const std::string& error);
    void lock(const std::string& what);
    std::string path_;
    std::shared_ptr<int> lock_fd_; // closed (lock released) with the last copy
    nlohmann::json base_;
    nlohmann::json summary_ = nlohmann::json::object();
    std::vector<std::string> headline_;
    std::chrono::system_clock::time_point start_;
    std::chrono::steady_clock::time_point start_steady_;
};

std::string iso_time(std::chrono::system_clock::time_point t);

} // namespace io
} // namespace plast
