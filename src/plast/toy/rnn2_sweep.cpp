#include "plast/toy/rnn2_sweep.hpp"

#include "plast/core/connection_types.hpp"
#include "plast/core/parallel.hpp"
#include "plast/io/config.hpp"

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

std::vector<TwoNeuronResult> Rnn2Sweep::run(const TwoNeuronRnn& base, const FamiliarityTask& task, int threads) const
{
    const auto xv = x.values(), yv = y.values();
    const std::size_t ny = yv.size(), n = xv.size() * ny;
    FamiliarityTask t = task;
    t.record_dt = 0.0; // no trajectories in a sweep
    std::vector<TwoNeuronResult> res(n);
    parallel_for(n, threads, [&](std::size_t i) {
        const TwoNeuronRnn net = with_param(with_param(base, x_param, xv[i / ny]), y_param, yv[i % ny]);
        res[i] = run_familiarity(net, t);
    });
    return res;
}

} // namespace plast::toy
