#include "plast/toy/rnn2_sweep.hpp"

#include "plast/core/connection_types.hpp"
#include "plast/core/parallel.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv.hpp"
#include "plast/io/npy.hpp"
#include "plast/io/run_dir.hpp"

#include <cmath>
#include <limits>

namespace plast::toy {

namespace {
constexpr const char* allowed_params = "XY.eta|alpha|beta|gamma or w0.XY with XY in EE, EI, IE, II";

// (connection index, field) of a parameter name; field -1 = initial weight; false if unknown.
bool parse_param(const std::string& name, std::size_t& k, int& field)
{
    const auto dot = name.find('.');
    if (dot == std::string::npos) return false;
    const std::string a = name.substr(0, dot), b = name.substr(dot + 1);
    const std::string xy = a == "w0" ? b : a;
    k = connection_types.size();
    for (std::size_t i = 0; i < connection_types.size(); ++i)
        if (xy == connection_types[i]) k = i;
    if (k == connection_types.size()) return false;
    if (a == "w0") {
        field = -1;
        return true;
    }
    const char* fields[4] = {"eta", "alpha", "beta", "gamma"};
    for (int f = 0; f < 4; ++f)
        if (b == fields[f]) {
            field = f;
            return true;
        }
    return false;
}
} // namespace

Rnn2Sweep Rnn2Sweep::from_section(const Section& s)
{
    Rnn2Sweep sw;
    sw.x_param = s.string("x_param", sw.x_param);
    sw.y_param = s.string("y_param", sw.y_param);
    std::size_t k;
    int f;
    if (!parse_param(sw.x_param, k, f)) s.fail("x_param", "unknown parameter '" + sw.x_param + "'", allowed_params);
    if (!parse_param(sw.y_param, k, f)) s.fail("y_param", "unknown parameter '" + sw.y_param + "'", allowed_params);
    if (sw.x_param == sw.y_param) s.fail("y_param", "is the same as x_param", "two different parameters");
    sw.x = read_axis(s, "x", sw.x);
    sw.y = read_axis(s, "y", sw.y);
    return sw;
}

TwoNeuronRnn Rnn2Sweep::with_param(TwoNeuronRnn net, const std::string& name, double v)
{
    std::size_t k = 0;
    int field = 0;
    parse_param(name, k, field);
    if (field < 0) {
        net.w0[k] = v;
        return net;
    }
    RateRule& r = net.rules[k];
    if (field == 0) r.eta = v;
    else {
        if (r.eta == 0.0) r.eta = 0.1; // a swept coefficient of a static synapse switches its rule on
        (field == 1 ? r.alpha : field == 2 ? r.beta : r.gamma) = v;
    }
    return net;
}

void Rnn2Sweep::run(const TwoNeuronRnn& base, const FamiliarityTask& task, io::RunDir& dir, int threads) const
{
    const auto xv = x.values(), yv = y.values();
    const std::size_t nx = xv.size(), ny = yv.size(), n = nx * ny;
    FamiliarityTask t = task;
    t.record_dt = 0.0; // no trajectories in a sweep
    std::vector<TwoNeuronResult> res(n);
    parallel_for(n, threads, [&](std::size_t i) {
        const TwoNeuronRnn net = with_param(with_param(base, x_param, xv[i / ny]), y_param, yv[i % ny]);
        res[i] = run_familiarity(net, t);
    });
    io::CsvWriter csv(dir.file("rnn2_sweep.csv"),
                      {x_param, y_param, "status", "familiarity", "probe_rE_before", "probe_rE_after", "r_E_end", "r_I_end",
                       "w_EE_end", "w_EI_end", "w_IE_end", "w_II_end"});
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> fam(n, nan), stable(n, 0.0);
    long n_stable = 0, n_memory = 0;
    double best = -std::numeric_limits<double>::infinity();
    std::size_t best_i = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& r = res[i];
        const bool ok = r.status == "stable";
        const double f = ok ? r.familiarity() : nan;
        csv.row({xv[i / ny], yv[i % ny], r.status, f, ok ? r.probe_before : nan, ok ? r.probe_after : nan, r.r_end(0),
                 r.r_end(1), r.w_end[0], r.w_end[1], r.w_end[2], r.w_end[3]});
        fam[i] = f;
        stable[i] = ok ? 1.0 : 0.0;
        if (!ok) continue;
        ++n_stable;
        // A trace worth the name: the probe response changed by more than 1 % of its value.
        if (std::fabs(f) > 0.01 * std::fabs(r.probe_before)) ++n_memory;
        if (std::fabs(f) > best) {
            best = std::fabs(f);
            best_i = i;
        }
    }
    io::write_npy(dir.file("rnn2_sweep_familiarity.npy"), fam, {nx, ny});
    io::write_npy(dir.file("rnn2_sweep_stable.npy"), stable, {nx, ny});
    io::write_npy(dir.file("rnn2_sweep_x.npy"), xv);
    io::write_npy(dir.file("rnn2_sweep_y.npy"), yv);
    nlohmann::json j = {{"x_param", x_param}, {"y_param", y_param}, {"points", n}, {"stable", n_stable},
                        {"with_memory", n_memory}};
    if (n_stable > 0) {
        j["largest_familiarity"] = res[best_i].familiarity();
        j["largest_at"] = {xv[best_i / ny], yv[best_i % ny]};
    }
    dir.summary()["rnn2_sweep"] = j;
}

} // namespace plast::toy
