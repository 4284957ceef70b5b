#include "plast/search/fit_archive.hpp"

#include "plast/search/archive.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <limits>
#include <set>

namespace plast::search {

namespace {

// Archive columns allow letters, digits and '_' only; names stay distinct.
std::vector<std::string> column_names(const std::vector<std::string>& names)
{
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (std::size_t k = 0; k < names.size(); ++k) {
        std::string c;
        for (char ch : names[k]) c += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
        if (c.empty() || seen.count(c)) c = "theta_" + std::to_string(k);
        seen.insert(c);
        out.push_back(c);
    }
    return out;
}

} // namespace

FitArchiveCounts write_fit_archive(const std::string& path, const std::vector<infer::FitTrace>& traces,
                                   const std::string& optimizer, const std::string& fingerprint)
{
    FitArchiveCounts n;
    if (traces.empty()) return n;
    const auto& names = traces.front().param_names;
    auto a = Archive::open(path, column_names(names), {"epoch", "loss"}, fingerprint, false);
    a.set_meta("method", optimizer);
    nlohmann::json fits = nlohmann::json::array();
    int round = 0;
    for (const auto& t : traces) {
        if (t.param_names != names) {
            ++n.left_out;
            continue;
        }
        std::vector<CandidateRow> rows;
        for (std::size_t k = 0; k < t.log.epoch.size(); ++k) {
            CandidateRow r;
            r.round = round;
            r.idx = static_cast<std::int64_t>(k);
            r.source = optimizer;
            const double loss = k < t.log.loss.size() ? t.log.loss[k] : std::numeric_limits<double>::quiet_NaN();
            r.status = std::isfinite(loss) ? "completed" : "invalid";
            r.params = k < t.log.theta.size() ? t.log.theta[k] : std::vector<double>();
            r.params.resize(names.size(), std::numeric_limits<double>::quiet_NaN());
            r.metrics = {static_cast<double>(t.log.epoch[k]), loss};
            rows.push_back(std::move(r));
        }
        a.insert(rows);
        n.rows += static_cast<long long>(rows.size());
        fits.push_back({{"round", round}, {"label", t.label}, {"status", t.status}});
        ++round;
        ++n.fits;
    }
    a.set_meta("fits", fits.dump());
    return n;
}

} // namespace plast::search
