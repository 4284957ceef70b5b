// plast report RUN_DIR: figures (PNG) and report.html for a finished (or partial) run.
#include "verb.hpp"

#include "plast/core/error.hpp"

#include <filesystem>
#include <iostream>

namespace plast::app {

static std::string g_report_dir;

static int run_report(Context&)
{
    if (!std::filesystem::exists(std::filesystem::path(g_report_dir) / "run.json"))
        usage_error("RUN_DIR " + g_report_dir, "not a plast run directory (no run.json)", "a directory written by plast");
    std::cout << render_report(g_report_dir) << "\n";
    return 0;
}

PLAST_VERB("report", "render figures and report.html for a run directory", false,
           [](CLI::App& sub) { g_report_dir.clear(); sub.add_option("run_dir", g_report_dir, "run directory")->required(); }, run_report);

} // namespace plast::app
