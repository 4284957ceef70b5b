#include "plast/memory/memory_stats.hpp"

#include "plast/core/error.hpp"
#include "plast/search/t_test.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace plast::memory {

double delta_r_mem(double r_nov, double r_fam) { return 2.0 * (r_nov - r_fam) / (r_nov + r_fam + 0.01); }

double delta_sigma_mem(double s_nov, double s_fam) { return 2.0 * (s_nov - s_fam) / (s_nov + s_fam + 0.01); }

void window_rate(const std::vector<double>& counts, double window_s, double& mean_rate, double& std_rate)
{
    if (counts.empty()) {
        mean_rate = std_rate = 0;
        return;
    }
    const double n = static_cast<double>(counts.size());
    const double m = std::accumulate(counts.begin(), counts.end(), 0.0) / n;
    double v = 0;
    for (double c : counts) v += (c - m) * (c - m);
    mean_rate = m / window_s;
    std_rate = std::sqrt(v / n) / window_s; // population std (numpy default ddof = 0)
}

double on_transient(const std::vector<double>& prate)
{
    if (prate.empty()) return 0;
    const double mx = *std::max_element(prate.begin(), prate.end());
    const double mean = std::accumulate(prate.begin(), prate.end(), 0.0) / static_cast<double>(prate.size());
    return mx / (mean + 0.01);
}

MemorySummary summarise(const std::vector<std::vector<ProbeStats>>& runs, const std::vector<double>& test_times,
                        double alpha)
{
    if (runs.size() < 2) runtime_error("memory statistics", "the t-test needs at least 2 independent runs");
    for (const auto& r : runs)
        if (r.size() != test_times.size()) runtime_error("memory statistics", "runs have different numbers of tests");
    MemorySummary s;
    for (std::size_t i = 0; i < test_times.size(); ++i) {
        std::vector<double> nov, fam, on_n, on_f;
        TestTimeResult t;
        t.test_time = test_times[i];
        for (const auto& r : runs) {
            nov.push_back(r[i].r_nov);
            fam.push_back(r[i].r_fam);
            on_n.push_back(r[i].on_nov);
            on_f.push_back(r[i].on_fam);
            t.mean_dr_mem += delta_r_mem(r[i].r_nov, r[i].r_fam);
            t.mean_ds_mem += delta_sigma_mem(r[i].std_nov, r[i].std_fam);
            t.mean_r_nov += r[i].r_nov;
            t.mean_r_fam += r[i].r_fam;
        }
        const double n = static_cast<double>(runs.size());
        t.mean_dr_mem /= n;
        t.mean_ds_mem /= n;
        t.mean_r_nov /= n;
        t.mean_r_fam /= n;
        const auto tt = search::t_test_independent(nov, fam);
        t.t = tt.t;
        t.p = tt.p;
        const auto to = search::t_test_independent(on_n, on_f);
        t.on_t = to.t;
        t.on_p = to.p;
        t.significant = tt.p < alpha;
        t.preference = !t.significant ? "none" : t.mean_dr_mem > 0 ? "novelty" : "familiarity";
        if (t.significant) {
            s.lifetime = t.test_time;
            s.any_significant = true;
        }
        s.tests.push_back(t);
    }
    return s;
}

} // namespace plast::memory
