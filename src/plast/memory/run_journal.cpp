#include "plast/memory/run_journal.hpp"

#include "plast/core/error.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <limits>

namespace plast::memory {

namespace {
using nlohmann::json;

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
double num(const json& j) { return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN(); }

json numbers(const std::vector<double>& v)
{
    json a = json::array();
    for (double x : v) a.push_back(num(x));
    return a;
}
std::vector<double> numbers(const json& a)
{
    std::vector<double> v;
    for (const auto& x : a) v.push_back(num(x));
    return v;
}

json to_json(const RunResult& r)
{
    json probes = json::array();
    for (const auto& p : r.probes) {
        json w = json::array();
        for (const auto& [name, v] : p.mean_weights) w.push_back({name, num(v)});
        probes.push_back({{"clock", num(p.clock)},
                          {"stats", numbers(std::vector<double>{p.stats.r_nov, p.stats.r_fam, p.stats.std_nov, p.stats.std_fam, p.stats.on_nov, p.stats.on_fam})},
                          {"baseline_rate", num(p.baseline_rate)},
                          {"baseline_rate_i", num(p.baseline_rate_i)},
                          {"prate", numbers(p.prate)},
                          {"mean_weights", w}});
        // Stability-only window metrics, only where measured (journals of probed runs keep their form).
        if (!std::isnan(p.cv_isi) || !std::isnan(p.w_blow)) {
            probes.back()["cv_isi"] = num(p.cv_isi);
            probes.back()["w_blow"] = num(p.w_blow);
        }
    }
    json recheck = json::object();
    for (const auto& [k, v] : r.recheck) recheck[k] = num(v);
    return {{"aborted", r.aborted}, {"abort_reason", r.abort_reason}, {"abort_time", num(r.abort_time)}, {"probes", probes},
            {"recheck", recheck},   {"recheck_t0", num(r.recheck_t0)},   {"recheck_t1", num(r.recheck_t1)}};
}

RunResult from_json(const json& j)
{
    RunResult r;
    r.aborted = j.at("aborted").get<bool>();
    r.abort_reason = j.at("abort_reason").get<std::string>();
    r.abort_time = num(j.at("abort_time"));
    for (const auto& p : j.at("probes")) {
        ProbeTrace t;
        t.clock = num(p.at("clock"));
        const auto s = numbers(p.at("stats"));
        if (s.size() != 6) throw std::runtime_error("stats");
        t.stats = {s[0], s[1], s[2], s[3], s[4], s[5]};
        t.baseline_rate = num(p.at("baseline_rate"));
        t.baseline_rate_i = num(p.at("baseline_rate_i"));
        t.prate = numbers(p.at("prate"));
        for (const auto& w : p.at("mean_weights")) t.mean_weights.emplace_back(w.at(0).get<std::string>(), num(w.at(1)));
        if (p.contains("cv_isi")) t.cv_isi = num(p.at("cv_isi"));
        if (p.contains("w_blow")) t.w_blow = num(p.at("w_blow"));
        r.probes.push_back(std::move(t));
    }
    for (const auto& [k, v] : j.at("recheck").items()) r.recheck[k] = num(v);
    r.recheck_t0 = num(j.at("recheck_t0"));
    r.recheck_t1 = num(j.at("recheck_t1"));
    return r;
}
} // namespace

RunJournal::RunJournal(const std::string& path) : path_(path)
{
    // A line cut off by a kill is closed, so that the next entry starts on a line of its own.
    bool open_line = false;
    if (std::filesystem::exists(path) && std::filesystem::file_size(path) > 0) {
        std::ifstream in(path, std::ios::binary);
        in.seekg(-1, std::ios::end);
        open_line = in.get() != '\n';
    }
    out_.open(path, std::ios::app);
    if (!out_) runtime_error(path, "cannot open the memory study's journal for writing");
    if (open_line) out_ << '\n';
}

void RunJournal::append(std::size_t rule, const std::string& rule_name, const std::string& condition, std::size_t run, const RunResult& r)
{
    const json line = {{"rule", rule}, {"rule_name", rule_name}, {"condition", condition}, {"run", run}, {"result", to_json(r)}};
    const std::string text = line.dump() + "\n";
    std::lock_guard<std::mutex> lock(mutex_);
    out_ << text;
    out_.flush();
    if (!out_) runtime_error(path_, "cannot append to the memory study's journal");
}

std::vector<JournalEntry> RunJournal::read(const std::string& path)
{
    std::vector<JournalEntry> out;
    if (!std::filesystem::exists(path)) return out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        try {
            const auto j = json::parse(line);
            JournalEntry e;
            e.rule = j.at("rule").get<std::size_t>();
            e.rule_name = j.at("rule_name").get<std::string>();
            e.condition = j.at("condition").get<std::string>();
            e.run = j.at("run").get<std::size_t>();
            e.result = from_json(j.at("result"));
            out.push_back(std::move(e));
        } catch (const std::exception&) {
            // An incomplete last line (killed mid-write): that run is simulated again.
        }
    }
    return out;
}

} // namespace plast::memory
