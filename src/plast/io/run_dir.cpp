#include "plast/io/run_dir.hpp"

#include "plast/core/error.hpp"
#include "plast/core/version.hpp"
#include "plast/io/config.hpp"

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace plast::io {

std::string iso_time(std::chrono::system_clock::time_point t)
{
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void RunDir::lock(const std::string& what)
{
    const std::string lf = file(".lock");
    const int fd = ::open(lf.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return; // read-only media: nothing to protect against
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        usage_error(what, "another plast process is working in this run directory", "wait for it to finish");
    }
    lock_fd_ = std::shared_ptr<int>(new int(fd), [](int* p) {
        ::close(*p);
        delete p;
    });
}

RunDir RunDir::create(const std::string& out, const std::string& stem, bool force, const RunInfo& info,
                      const Config& resolved)
{
    RunDir r;
    r.start_ = std::chrono::system_clock::now();
    r.start_steady_ = std::chrono::steady_clock::now();
    std::string path = out;
    if (path.empty()) {
        const std::time_t tt = std::chrono::system_clock::to_time_t(r.start_);
        std::tm tm{};
        localtime_r(&tt, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
        const std::string base = "runs/" + info.verb + "-" + stem + "-" + buf;
        path = base;
        for (int i = 2; fs::exists(path); ++i) path = base + "-" + std::to_string(i);
    } else if (fs::exists(path)) {
        if (!force)
            usage_error("--out " + path, "run directory already exists; it is never overwritten",
                        "a new directory, or --force to replace it");
        if (!fs::exists(fs::path(path) / "run.json") && !fs::is_empty(path))
            usage_error("--out " + path, "--force refuses to delete a directory that is not a plast run",
                        "an empty directory or an earlier run directory");
        fs::remove_all(path);
    }
    std::error_code ec;
    fs::create_directories(fs::path(path) / "figures", ec);
    if (ec) runtime_error(path, "cannot create run directory: " + ec.message());
    r.path_ = path;
    r.lock("--out " + path);
    r.base_ = {
        {"verb", info.verb},
        {"config_source", info.config_source},
        {"seed", info.seed},
        {"threads", info.threads},
        {"command_line", info.command_line},
        {"plast_version", version()},
        {"git_revision", git_revision()},
        {"started", iso_time(r.start_)},
        {"config", resolved.resolved_json()},
    };
    r.write_text("config.toml", resolved.resolved_toml());
    r.write_run_json("running", "");
    return r;
}

RunDir RunDir::reopen(const std::string& path, const std::string& command_line)
{
    std::ifstream in(fs::path(path) / "run.json");
    if (!in) usage_error("--resume " + path, "not a plast run directory (no run.json)", "a run directory to continue");
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) config_error(path + "/run.json", "", "run.json is not valid JSON", "a plast run.json");
    RunDir r;
    r.start_ = std::chrono::system_clock::now();
    r.start_steady_ = std::chrono::steady_clock::now();
    r.path_ = path;
    r.lock("--resume " + path);
    if (j.contains("summary")) r.summary_ = j["summary"];
    for (const char* k : {"status", "error", "finished", "wall_seconds", "summary", "headline"}) j.erase(k);
    auto resumes = j.value("resumed", nlohmann::json::array());
    resumes.push_back({{"at", iso_time(r.start_)}, {"command_line", command_line}});
    j["resumed"] = resumes;
    r.base_ = j;
    r.write_run_json("running", "");
    return r;
}

void RunDir::write_json(const std::string& name, const nlohmann::json& j) const
{
    // Paths and messages may hold bytes that are not UTF-8 (a run directory name, a corrupted file
    // quoted in an error): replace them rather than throw from the JSON writer.
    write_text(name, j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

void RunDir::write_text(const std::string& name, const std::string& text) const
{
    // Write to a temporary file and rename, so a kill never leaves half a file.
    // A failed write (disk full) removes the temporary file and keeps the previous version.
    const std::string tmp = file(name) + ".tmp";
    bool ok = false;
    {
        std::ofstream out(tmp);
        if (out) {
            out << text;
            out.flush();
            ok = static_cast<bool>(out);
            out.close();
            ok = ok && !out.fail();
        }
    }
    std::error_code ec;
    if (ok) fs::rename(tmp, file(name), ec);
    if (!ok || ec) {
        fs::remove(tmp, ec);
        runtime_error(file(name), "write failed (disk full or not writable?); the previous version is kept");
    }
}

void RunDir::write_run_json(const std::string& status, const std::string& error)
{
    nlohmann::json j = base_;
    j["status"] = status;
    if (!error.empty()) j["error"] = error;
    if (status != "running") {
        j["finished"] = iso_time(std::chrono::system_clock::now());
        j["wall_seconds"] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_steady_).count();
    }
    j["summary"] = summary_;
    if (!headline_.empty()) j["headline"] = headline_;
    write_json("run.json", j);
}

void RunDir::finish(const std::string& status, const std::string& error) { write_run_json(status, error); }

} // namespace plast::io
