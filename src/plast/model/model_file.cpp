#include "plast/model/model_file.hpp"

#include "plast/core/error.hpp"
#include "plast/core/memory_budget.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv_table.hpp"
#include "plast/io/npy.hpp"
#include "plast/metrics/stability_metrics.hpp"
#include "plast/model/rule_table.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <set>

namespace plast::model {

namespace {

std::string join(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

std::string resolve(const std::string& base, const std::string& file)
{
    const std::filesystem::path p(file);
    return p.is_absolute() || base.empty() ? file : (std::filesystem::path(base) / p).string();
}

// Index ranges: neurons = [first, last) or indices = [...]; bounded by the population size.
std::vector<std::uint32_t> read_indices(const Section& s, std::size_t n, const std::string& what)
{
    std::vector<std::uint32_t> idx;
    if (s.has("indices")) {
        for (double x : s.numbers("indices", {}, Range::closed(0, static_cast<double>(n) - 1)))
            idx.push_back(static_cast<std::uint32_t>(x));
        return idx;
    }
    const auto r = s.numbers("neurons", {0, static_cast<double>(n)}, Range::closed(0, static_cast<double>(n)), 2, 2);
    if (r[0] >= r[1]) s.fail("neurons", "empty range [" + std::to_string(r[0]) + ", " + std::to_string(r[1]) + ") of " + what, "[first, last) with first < last <= " + std::to_string(n));
    for (auto i = static_cast<std::uint32_t>(r[0]); i < static_cast<std::uint32_t>(r[1]); ++i) idx.push_back(i);
    return idx;
}

std::vector<std::vector<double>> read_rows(const Section& s, const std::string& key, const std::string& path, std::size_t min_cols)
{
    std::vector<std::vector<double>> rows;
    try {
        if (path.size() > 4 && path.substr(path.size() - 4) == ".npy") {
            std::vector<std::size_t> shape;
            const auto v = io::read_npy<double>(path, shape);
            if (shape.size() != 2 || shape[1] < min_cols) s.fail(key, path + ": expected a 2-D float64 array with >= " + std::to_string(min_cols) + " columns", "rows of (pre, post[, weight])");
            for (std::size_t r = 0; r < shape[0]; ++r) rows.emplace_back(v.begin() + static_cast<long>(r * shape[1]), v.begin() + static_cast<long>((r + 1) * shape[1]));
        } else {
            const auto t = io::CsvTable::read(path);
            if (t.header.size() < min_cols) s.fail(key, path + ": expected >= " + std::to_string(min_cols) + " columns", "a CSV file with a header line");
            for (std::size_t r = 0; r < t.rows(); ++r) {
                std::vector<double> row;
                for (std::size_t c = 0; c < t.header.size(); ++c) row.push_back(t.number(r, c));
                rows.push_back(std::move(row));
            }
        }
    } catch (const Error& e) {
        s.fail(key, e.problem(), "a readable .csv or .npy file");
    }
    return rows;
}

Population read_population(const Section& s, const std::string& base, double scale, std::vector<std::string>& warnings)
{
    Population p;
    p.where = s.where("name");
    p.name = s.string("name");
    if (p.name.empty() || p.name.find_first_of(" .,[]") != std::string::npos) s.fail("name", "'" + p.name + "' is not a usable name", "letters, digits, _ and -");
    const std::string kind = s.string("model", "if", {"if", "tif", "cvaif", "poisson", "spike_file"});
    const auto size = static_cast<std::size_t>(s.integer("size", 1, 50'000'000));
    const bool scaled = s.flag("scaled", kind != "spike_file");
    p.size_unscaled = size;
    p.size = scaled ? std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(static_cast<double>(size) * scale))) : size;
    if (scaled && scale != 1.0) warnings.push_back("population " + p.name + ": " + std::to_string(size) + " -> " + std::to_string(p.size) + " neurons (scale " + std::to_string(scale) + ")");
    p.stream_key = static_cast<std::uint64_t>(s.integer("stream_key", static_cast<std::int64_t>(rng_key(p.name)), 0, INT64_MAX));
    if (kind == "poisson") {
        p.kind = Population::Kind::poisson;
        p.rate = s.number("rate", Range::nonneg());
    } else if (kind == "spike_file") {
        p.kind = Population::Kind::spike_file;
        const auto path = resolve(base, s.string("file"));
        for (const auto& row : read_rows(s, "file", path, 2)) {
            if (!(row[0] >= 0) || !std::isfinite(row[0])) s.fail("file", path + ": spike time " + std::to_string(row[0]) + " s", ">= 0 s");
            if (!(row[1] >= 0 && row[1] < static_cast<double>(p.size)) || row[1] != std::floor(row[1]))
                s.fail("file", path + ": neuron " + std::to_string(row[1]), "integers in [0, " + std::to_string(p.size) + ")");
            p.spikes.emplace_back(row[0], static_cast<std::uint32_t>(row[1]));
        }
    } else {
        p.kind = Population::Kind::neuron;
        p.neuron = spiking::IfParams::from_config(s);
        if (s.has("v_init")) {
            const auto v = s.numbers("v_init", {}, Range::any(), 2, 2);
            if (!(v[0] <= v[1])) s.fail("v_init", "lo > hi", "[lo, hi] in mV with lo <= hi");
            p.v_init = std::make_pair(v[0], v[1]);
        }
        for (const char* key : {"g_exc_init", "g_inh_init"})
            if (s.has(key)) {
                const auto v = s.numbers(key, {}, Range::any(), 2, 2);
                if (!(v[1] >= 0)) s.fail(key, "negative SD", "[mean, sd] with sd >= 0 (leak-conductance units)");
                (key == std::string("g_exc_init") ? p.g_exc_init : p.g_inh_init) = std::make_pair(v[0], v[1]);
            }
    }
    return p;
}

WeightInit read_weight(const Section& s)
{
    WeightInit w;
    if (!s.is_table("weight")) {
        w.a = s.number("weight", 0.1, Range::nonneg());
        return w;
    }
    const Section d = s.sub("weight");
    const std::string dist = d.string("dist", {"constant", "uniform", "normal", "lognormal"});
    if (dist == "constant") {
        w.a = d.number("value", Range::nonneg());
    } else if (dist == "uniform") {
        w.dist = WeightInit::Dist::uniform;
        w.a = d.number("low", Range::nonneg());
        w.b = d.number("high", Range::nonneg());
        if (!(w.a <= w.b)) d.fail("high", "below low", ">= low");
    } else if (dist == "normal") {
        w.dist = WeightInit::Dist::normal;
        w.a = d.number("mean");
        w.b = d.number("sd", Range::nonneg());
    } else {
        w.dist = WeightInit::Dist::lognormal;
        w.a = d.number("mu");
        w.b = d.number("sigma", Range::nonneg());
    }
    return w;
}

} // namespace

bool is_model_file(const Section& root) { return root.has("population"); }

std::pair<std::string, std::string> load_model_text(const std::string& file, const std::string& config_dir)
{
    namespace fs = std::filesystem;
    std::string path = file;
    if (!fs::path(file).is_absolute() && !config_dir.empty() && fs::exists(fs::path(config_dir) / file))
        path = (fs::path(config_dir) / file).string();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) runtime_error(path, "cannot read the model file " + path + " (not a regular file)");
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in && !in.eof()) runtime_error(path, "cannot read the model file " + path);
    return {path, ss.str()};
}

Model model_from_text(const std::string& text, const std::string& path, const std::vector<std::string>& overrides)
{
    Config cfg = Config::parse(text, path);
    for (const auto& o : overrides) cfg.apply_override(o);
    std::vector<std::string> warnings;
    auto m = read_model(cfg.root(), std::filesystem::path(path).parent_path().string(), warnings);
    cfg.root().integer("seed", 1, 0, INT64_MAX);
    cfg.check_unused();
    return m;
}

Model read_model(const Section& root, const std::string& base, std::vector<std::string>& warnings)
{
    Model m;
    m.source = root.where("population");
    m.dt = root.number("dt", 1e-4, Range::open_closed(0.0, 1e-2));
    const double scale = root.number("scale", 1.0, Range::open_closed(0.0, 1.0));
    // Populations
    const std::size_t np = root.array_size("population");
    if (np == 0) root.fail("population", "a model needs at least one [[population]]", "[[population]] tables");
    std::set<std::string> names;
    for (std::size_t i = 0; i < np; ++i) {
        const Section s = root.element("population", i);
        m.populations.push_back(read_population(s, base, scale, warnings));
        if (!names.insert(m.populations.back().name).second) s.fail("name", "population '" + m.populations.back().name + "' is defined twice", "unique names");
    }
    std::vector<std::string> pop_names, neuron_names, source_names;
    for (const auto& p : m.populations) {
        pop_names.push_back(p.name);
        (p.kind == Population::Kind::neuron ? neuron_names : source_names).push_back(p.name);
    }
    if (neuron_names.empty()) root.fail("population", "no population of neurons (model = \"if\", \"tif\" or \"cvaif\")", "at least one");
    // Rules
    const Section rs = root.sub("rule");
    for (const auto& rn : rs.keys()) {
        if (rn == "static") rs.fail(rn, "'static' is reserved (it means no rule)", "another name");
        m.rules[rn] = read_rule(rs.sub(rn), rn, base);
    }
    std::vector<std::string> rule_names{"static"};
    for (const auto& [k, v] : m.rules) rule_names.push_back(k);
    // Projections
    double synapses = 0;
    for (std::size_t i = 0, n = root.array_size("projection"); i < n; ++i) {
        const Section s = root.element("projection", i);
        Projection p;
        p.where = s.where("pre");
        p.pre = s.string("pre", pop_names);
        p.post = s.string("post", neuron_names.size() == pop_names.size() ? neuron_names : pop_names);
        const Population& pre = *m.population(p.pre);
        const Population& post = *m.population(p.post);
        if (post.kind != Population::Kind::neuron)
            s.fail("post", "'" + p.post + "' is a source population (" + (post.kind == Population::Kind::poisson ? "poisson" : "spike_file") + "): it cannot receive a projection", join(neuron_names));
        p.name = s.string("name", p.pre + "_" + p.post);
        if (m.projection(p.name)) s.fail("name", "projection '" + p.name + "' is defined twice", "unique names (set name = ...)");
        p.stream_key = static_cast<std::uint64_t>(s.integer("stream_key", static_cast<std::int64_t>(rng_key("projection:" + p.name)), 0, INT64_MAX));
        const std::string kind = s.string("connect", "bernoulli", {"bernoulli", "fixed_indegree", "all_to_all", "one_to_one", "receptive_field", "list"});
        Connect& c = p.connect;
        const bool same = p.pre == p.post;
        c.autapses = s.flag("autapses", false);
        const double npre = static_cast<double>(pre.size), npost = static_cast<double>(post.size);
        if (kind == "bernoulli") {
            c.p = s.number("p", Range::closed(0.0, 1.0));
            const bool keep = s.flag("keep_indegree", true);
            if (keep && scale < 1.0 && (pre.kind != Population::Kind::spike_file)) {
                const double q = c.p / scale;
                if (q >= 1.0) {
                    warnings.push_back("projection " + p.name + ": p = " + std::to_string(c.p) + " / scale " + std::to_string(scale) + " >= 1: all-to-all; the in-degree falls from " + std::to_string(static_cast<long>(c.p * npre / scale)) + " to " + std::to_string(static_cast<long>(npre)));
                    c.p = 1.0;
                } else {
                    c.p = q;
                }
            } else if (scale < 1.0) {
                warnings.push_back("projection " + p.name + ": p kept at " + std::to_string(c.p) + " (keep_indegree = false): in-degrees shrink with scale " + std::to_string(scale));
            }
            synapses += c.p * npre * npost;
        } else if (kind == "fixed_indegree") {
            c.kind = Connect::Kind::fixed_indegree;
            c.k = static_cast<std::size_t>(s.integer("k", 0, 100'000'000));
            const std::size_t avail = pre.size - (same && !c.autapses ? 1 : 0);
            if (c.k > avail) s.fail("k", "in-degree " + std::to_string(c.k) + " exceeds the " + std::to_string(avail) + " available presynaptic neurons of '" + p.pre + "'", "[0, " + std::to_string(avail) + "]");
            synapses += static_cast<double>(c.k) * npost;
        } else if (kind == "all_to_all") {
            c.kind = Connect::Kind::all_to_all;
            synapses += npre * npost;
        } else if (kind == "one_to_one") {
            c.kind = Connect::Kind::one_to_one;
            if (pre.size != post.size) s.fail("connect", "one_to_one needs equal sizes ('" + p.pre + "' has " + std::to_string(pre.size) + ", '" + p.post + "' " + std::to_string(post.size) + ")", "populations of the same size");
            synapses += npre;
        } else if (kind == "receptive_field") {
            c.kind = Connect::Kind::receptive_field;
            c.radius = s.number("radius", 8.0, Range::positive());
            const auto g = static_cast<std::size_t>(std::llround(std::sqrt(npre)));
            if (g * g != pre.size) s.fail("connect", "receptive fields need a square grid of presynaptic neurons; '" + p.pre + "' has " + std::to_string(pre.size), "size = g*g");
            synapses += std::min(npre, 3.1416 * c.radius * c.radius) * npost;
        } else {
            c.kind = Connect::Kind::list;
            const auto path = resolve(base, s.string("file"));
            for (const auto& row : read_rows(s, "file", path, 2)) {
                for (int k = 0; k < 2; ++k) {
                    const double lim = k == 0 ? npre : npost;
                    if (!(row[k] >= 0 && row[k] < lim) || row[k] != std::floor(row[k]))
                        s.fail("file", path + ": " + (k == 0 ? "pre" : "post") + " index " + std::to_string(row[k]), "integers in [0, " + std::to_string(static_cast<long>(lim)) + ")");
                }
                c.pairs.emplace_back(static_cast<std::uint32_t>(row[0]), static_cast<std::uint32_t>(row[1]));
                if (row.size() >= 3) c.pair_weights.push_back(static_cast<float>(row[2]));
            }
            synapses += static_cast<double>(c.pairs.size());
        }
        if (!same && s.has("autapses")) s.fail("autapses", "only a projection from a population onto itself has autapses", "omit it");
        p.weight = read_weight(s);
        p.delay = s.number("delay", 0.8e-3, Range::positive());
        if (p.delay < m.dt * (1 - 1e-9)) s.fail("delay", "shorter than dt = " + std::to_string(m.dt) + " s", ">= dt");
        p.inhibitory = s.string("receptor", "exc", {"exc", "inh"}) == "inh";
        p.w_max = s.number("w_max", 20.0, Range::nonneg());
        p.rule = s.string("rule", "static", rule_names);
        p.plastic = s.flag("plastic", p.rule != "static");
        if (p.rule == "static" && p.plastic) s.fail("plastic", "a static projection cannot be plastic", "false, or set rule");
        const Rule* rule = p.rule == "static" ? nullptr : &m.rules.at(p.rule);
        if (rule && post.neuron.model != spiking::IfParams::Model::cvaif && reads_post_neuron(*rule))
            s.fail("rule", "rule '" + p.rule + "' reads V, V_trace, C_exc or C_inh of the postsynaptic neuron, but '" + p.post +
                               "' is not a cvaif population", "a cvaif post population, or another rule");
        m.projections.push_back(std::move(p));
    }
    require_memory(24.0 * synapses, root.where("projection"), root.path("projection"),
                   "the model's " + std::to_string(static_cast<long long>(synapses)) + " synapses (fewer neurons or lower p)");
    // Stimuli
    std::vector<std::string> stim_names;
    for (std::size_t i = 0, n = root.array_size("stimulus"); i < n; ++i) {
        const Section s = root.element("stimulus", i);
        Stimulus st;
        st.name = s.string("name");
        if (std::find(stim_names.begin(), stim_names.end(), st.name) != stim_names.end()) s.fail("name", "stimulus '" + st.name + "' is defined twice", "unique names");
        st.population = s.string("population", source_names);
        const Population& p = *m.population(st.population);
        if (p.kind != Population::Kind::poisson) s.fail("population", "'" + st.population + "' is not a poisson population", "a poisson population");
        st.indices = read_indices(s, p.size, "'" + st.population + "'");
        st.rate = s.number("rate", Range::nonneg());
        stim_names.push_back(st.name);
        m.stimuli.push_back(std::move(st));
    }
    // Phases
    std::vector<std::string> proj_names;
    for (const auto& p : m.projections) proj_names.push_back(p.name);
    std::vector<std::string> poisson_names;
    for (const auto& p : m.populations)
        if (p.kind == Population::Kind::poisson) poisson_names.push_back(p.name);
    std::set<std::string> snapshots;
    const std::size_t nph = root.array_size("phase");
    if (nph == 0) root.fail("phase", "a model needs a protocol", "at least one [[phase]] with a duration");
    for (std::size_t i = 0; i < nph; ++i) {
        const Section s = root.element("phase", i);
        Phase ph;
        ph.where = s.where("duration");
        ph.name = s.string("name", "phase" + std::to_string(i));
        ph.duration = s.number("duration", Range::positive());
        if (std::fabs(ph.duration / m.dt - std::round(ph.duration / m.dt)) > 1e-6) s.fail("duration", "not a whole number of steps of dt = " + std::to_string(m.dt), "a multiple of dt");
        ph.repeat = static_cast<std::size_t>(s.integer("repeat", 1, 1, 1'000'000));
        ph.stimuli = s.strings("stimuli", {}, stim_names);
        {
            std::set<std::string> pops;
            for (const auto& sn : ph.stimuli)
                for (const auto& st : m.stimuli)
                    if (st.name == sn && !pops.insert(st.population).second)
                        s.fail("stimuli", "two stimuli on population '" + st.population + "' at once", "one stimulus per input population at a time");
        }
        const Section rt = s.sub("rates");
        for (const auto& pn : rt.keys()) {
            if (std::find(poisson_names.begin(), poisson_names.end(), pn) == poisson_names.end()) rt.fail(pn, "'" + pn + "' is not a poisson population", join(poisson_names));
            ph.rates[pn] = rt.number(pn, Range::nonneg());
        }
        if (s.has("plastic")) {
            // plastic = true | false (every projection with a rule) or a list of projection names.
            std::optional<bool> all;
            try {
                all = s.flag("plastic", true);
            } catch (const Error&) {
            }
            ph.plastic = std::vector<std::string>{};
            if (all) {
                if (*all)
                    for (const auto& p : m.projections)
                        if (p.rule != "static") ph.plastic->push_back(p.name);
            } else {
                ph.plastic = s.strings("plastic", {}, proj_names);
                for (const auto& pn : *ph.plastic)
                    if (m.projection(pn)->rule == "static") s.fail("plastic", "projection '" + pn + "' has no rule", "projections with a rule");
            }
        }
        ph.record = s.flag("record", true);
        ph.restore = s.string("restore", "");
        if (!ph.restore.empty() && !snapshots.count(ph.restore)) {
            std::vector<std::string> have(snapshots.begin(), snapshots.end());
            s.fail("restore", "no earlier phase takes a snapshot named '" + ph.restore + "'", have.empty() ? "a snapshot = \"NAME\" in an earlier phase" : join(have));
        }
        ph.snapshot = s.string("snapshot", "");
        if (!ph.snapshot.empty()) snapshots.insert(ph.snapshot);
        if (s.is_table("schedule")) {
            const Section sc = s.sub("schedule");
            Phase::Schedule q;
            q.stimuli = sc.strings("stimuli", {}, stim_names);
            if (q.stimuli.empty()) sc.fail("stimuli", "a schedule needs stimuli", join(stim_names));
            q.on = sc.number("on", Range::positive());
            q.off = sc.number("off", 0.0, Range::nonneg());
            if (!ph.stimuli.empty()) s.fail("stimuli", "a phase with a schedule switches its stimuli itself", "omit stimuli, or the schedule");
            ph.schedule = q;
        }
        m.phases.push_back(std::move(ph));
    }
    // Monitors
    for (std::size_t i = 0, n = root.array_size("monitor"); i < n; ++i) {
        const Section s = root.element("monitor", i);
        Monitor mo;
        mo.where = s.where("kind");
        const std::string kind = s.string("kind", {"spikes", "rate", "weights", "state"});
        if (kind == "weights") {
            mo.kind = Monitor::Kind::weights;
            mo.target = s.string("projection", proj_names);
            if (m.projection(mo.target)->rule == "static") s.fail("projection", "'" + mo.target + "' is static; its weights do not change", "a projection with a rule");
            mo.samples = static_cast<std::size_t>(s.integer("samples", 100, 1, 100'000'000));
            mo.interval = s.number("interval", 0.1, Range::positive());
        } else {
            mo.kind = kind == "spikes" ? Monitor::Kind::spikes : kind == "rate" ? Monitor::Kind::rate : Monitor::Kind::state;
            mo.target = s.string("population", neuron_names);
            const auto& p = *m.population(mo.target);
            if (s.has("indices")) s.fail("indices", "monitors record a contiguous range", "neurons = [first, last)");
            // Ranges are written for the unscaled population and shrink with it (as the recorded
            // subsets of the built-in networks do).
            const auto idx = read_indices(s, p.size_unscaled, "'" + mo.target + "'");
            mo.first = idx.front();
            mo.last = idx.back() + 1;
            if (p.size != p.size_unscaled) {
                const auto a = std::min(p.size - 1, static_cast<std::size_t>(std::llround(static_cast<double>(mo.first) * scale)));
                const auto b = std::clamp<std::size_t>(static_cast<std::size_t>(std::llround(static_cast<double>(mo.last) * scale)), a + 1, p.size);
                warnings.push_back("monitor on " + mo.target + ": neurons [" + std::to_string(mo.first) + ", " + std::to_string(mo.last) + ") -> [" + std::to_string(a) + ", " + std::to_string(b) + ") (scale)");
                mo.first = a;
                mo.last = b;
            }
            if (mo.kind == Monitor::Kind::rate) mo.interval = s.number("bin", 0.1, Range::positive());
            if (mo.kind == Monitor::Kind::state) {
                const bool cv = p.neuron.model == spiking::IfParams::Model::cvaif;
                std::vector<std::string> vars{"v", "g_ampa", "g_nmda", "g_gaba", "theta"};
                if (cv)
                    for (const char* v : {"g_adapt", "v_trace", "c_exc", "c_inh"}) vars.emplace_back(v);
                mo.variable = s.string("variable", vars);
                mo.interval = s.number("interval", 1e-3, Range::positive());
                if ((mo.last - mo.first) * static_cast<std::size_t>(m.duration() / mo.interval + 1) > 200'000'000ull)
                    s.fail("interval", "would record more than 2e8 values", "fewer neurons or a longer interval");
            }
        }
        mo.name = s.string("name", kind + "_" + mo.target);
        for (const auto& o : m.monitors)
            if (o.name == mo.name) s.fail("name", "monitor '" + mo.name + "' is defined twice", "unique names (set name = ...)");
        const double steps = mo.interval / m.dt;
        if (mo.kind != Monitor::Kind::spikes && std::fabs(steps - std::round(steps)) > 1e-6)
            s.fail(mo.kind == Monitor::Kind::rate ? "bin" : "interval", "not a whole number of steps of dt", "a multiple of dt = " + std::to_string(m.dt));
        m.monitors.push_back(std::move(mo));
    }
    // Guard
    if (root.is_table("guard")) {
        const Section g = root.sub("guard");
        m.guard.enabled = g.flag("enabled", true);
        m.guard.population = g.string("population", neuron_names);
        m.guard.tau = g.number("tau", 1.0, Range::positive());
        m.guard.min = g.number("min", 0.0, Range::nonneg());
        m.guard.max = g.number("max", 100.0, Range::positive());
        if (!(m.guard.min < m.guard.max)) g.fail("min", "must be below max", "[0, max)");
        m.guard.delay = g.number("delay", -1.0, Range::any());
        m.guard.start_measured = g.string("start", "midpoint", {"midpoint", "measured"}) == "measured";
    }
    // Metrics
    if (root.is_table("metrics")) {
        const Section ms = root.sub("metrics");
        Metrics& mt = m.metrics;
        mt.enabled = true;
        auto spiking_pop = [&](const std::string& key) {
            const std::string p = ms.string(key, neuron_names);
            bool monitored = false;
            for (const auto& mo : m.monitors) monitored |= mo.kind == Monitor::Kind::spikes && mo.target == p;
            if (!monitored) ms.fail(key, "population '" + p + "' has no spikes monitor", "add a [[monitor]] kind = \"spikes\" on it");
            return p;
        };
        mt.exc = spiking_pop("exc");
        mt.inh = spiking_pop("inh");
        std::vector<std::string> plastic;
        for (const auto& p : m.projections)
            if (p.rule != "static") plastic.push_back(p.name);
        mt.weights = ms.strings("weights", plastic, plastic);
        for (const auto& w : mt.weights) {
            bool monitored = false;
            for (const auto& mo : m.monitors) monitored |= mo.kind == Monitor::Kind::weights && mo.target == w;
            if (!monitored) ms.fail("weights", "projection '" + w + "' has no weights monitor", "add a [[monitor]] kind = \"weights\" on it");
        }
        mt.weight_names = ms.strings("weight_names", mt.weights);
        if (mt.weight_names.size() != mt.weights.size()) ms.fail("weight_names", "one name per entry of weights", std::to_string(mt.weights.size()) + " names");
        mt.filter_variant = ms.string("filter_variant", "paper", {"paper", "analyse_py", "fit_posterior", "mlp"});
        const Section b = ms.sub("bounds");
        const auto& known = metrics::fsbi_metric_names();
        for (const auto& k : b.keys()) {
            if (std::find(known.begin(), known.end(), k) == known.end()) b.fail(k, "unknown metric '" + k + "'", join(known));
            const auto v = b.numbers(k, {}, Range::any(), 2, 2);
            if (!(v[0] <= v[1])) b.fail(k, "lo > hi", "[lo, hi]");
            mt.bounds[k] = {v[0], v[1]};
        }
    }
    return m;
}

} // namespace plast::model
