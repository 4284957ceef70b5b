#include "plast/export/taylor_source.hpp"

#include "plast/core/error.hpp"
#include "plast/export/rule_source.hpp"
#include "plast/io/config.hpp"
#include "plast/io/csv_table.hpp"
#include "plast/rate/oja_network.hpp"
#include "plast/rules/taylor_rule.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace plast::exporter {

namespace fs = std::filesystem;

bool is_taylor_source(const std::string& path)
{
    return fs::is_directory(path) || fs::path(path).filename() == "theta.csv";
}

TaylorSource taylor_from_run(const std::string& path, Target target)
{
    const fs::path dir = fs::is_directory(path) ? fs::path(path) : fs::path(path).parent_path();
    const fs::path theta_file = fs::is_directory(path) ? dir / "theta.csv" : fs::path(path);
    const fs::path config_file = (dir.empty() ? fs::path(".") : dir) / "config.toml";
    const std::string allowed = "a run directory of plast infer with model.kind = \"oja\" and rule.family = \"taylor\" (or its theta.csv)";
    if (!fs::exists(theta_file)) usage_error(path, "no theta.csv (the fitted rule of plast infer)", allowed);
    if (!fs::exists(config_file)) usage_error(path, "no config.toml next to theta.csv (the network the rule was fitted in)", allowed);
    auto cfg = Config::load_file(config_file.string());
    auto root = cfg.root();
    const auto model = root.sub("model"), rule = root.sub("rule");
    const std::string family = rule.string("family", "taylor");
    if (family != "taylor") usage_error(config_file.string() + ": rule.family", "\"" + family + "\" is not a Taylor rule", allowed);
    const std::string kind = model.string("kind", "behaviour");
    if (kind != "oja")
        usage_error(config_file.string() + ": model.kind",
                    "\"" + kind + "\": the behavioural task's Taylor rule (81 terms, with the reward r) runs in a trial-by-trial decision "
                                  "network, which the export does not write",
                    allowed);
    // NESTML synapses are driven by spike events; a rate rule updating every step of a rate network has no NESTML form.
    if (target == Target::nestml)
        cannot_express("taylor", "a rate rule (a fitted Taylor rule of plast infer: dW = eta*g(x, y, W) every step of a rate network; "
                                 "NESTML synapses act on spike events)",
                       target);
    TaylorSource s;
    s.run_dir = dir.string();
    s.n_in = static_cast<int>(model.integer("n_in", 10, 1, 1000000));
    s.n_out = static_cast<int>(model.integer("n_out", 10, 1, 1000000));
    s.steps = static_cast<int>(model.integer("steps", 50, 1, 100000000));
    s.eta = model.number("eta", 1.0);
    s.input_std = model.number("input_std", 0.1, Range::nonneg());
    const double w0s = model.number("w0_std", 0.0, Range::nonneg());
    s.w0_std = w0s > 0 ? w0s : 1.0 / (s.n_in + s.n_out); // as the Oja experiment draws W(0)
    s.seed = static_cast<std::uint64_t>(root.integer("seed", 1, 0, std::int64_t{1} << 62));
    const auto t = io::CsvTable::read(theta_file.string());
    if (t.rows() == 0) usage_error(theta_file.string(), "no rows (the fit logged nothing yet)", "a theta.csv with at least one row");
    const std::size_t last = t.rows() - 1;
    rules::TaylorRule tr(false);
    s.theta.resize(tr.size());
    for (std::size_t k = 0; k < tr.size(); ++k) {
        const auto& col = tr.column_name(k);
        if (std::find(t.header.begin(), t.header.end(), col) == t.header.end())
            usage_error(theta_file.string(), "no column " + col + " (not the 27-term Taylor rule of an Oja fit)", allowed);
        s.theta[k] = t.number(last, t.column(col));
    }
    s.provenance = "plast infer run " + s.run_dir + ", seed " + std::to_string(s.seed) + ", " + theta_file.filename().string() + " last row (epoch " +
                   t.cells[last][t.column("epoch")] + ", loss " + t.cells[last][t.column("loss")] + ")";
    s.formula = tr.formula(s.theta.data(), 0.0);
    return s;
}

std::vector<double> rate_trajectory(const TaylorSource& src, const std::vector<double>& x, int steps, const std::vector<double>& w0)
{
    rate::OjaNetwork net;
    net.n_in = src.n_in;
    net.n_out = src.n_out;
    net.eta = src.eta;
    if (x.size() != static_cast<std::size_t>(steps) * static_cast<std::size_t>(src.n_in))
        usage_error("--inputs", "needs " + std::to_string(src.n_in) + " columns (the run's model.n_in) and one row per step", "steps x n_in numbers");
    if (w0.size() != net.n_syn())
        usage_error("--weights0", "needs " + std::to_string(net.n_syn()) + " numbers (n_in x n_out, presynaptic-major)", "one row of n_in*n_out numbers");
    rules::TaylorRule rule(false);
    rate::OjaRecord rec;
    rate::simulate(net, rule, src.theta.data(), x.data(), w0.data(), steps, rec);
    return rec.w;
}

} // namespace plast::exporter
