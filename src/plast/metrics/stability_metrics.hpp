#pragma once
// Stability / plausibility metrics of fSBI (spec §7.1; reference fsbi/analyse.py), as pure functions
// from recorded spikes and weight samples to numbers.
//
// | metric | definition |
// |---|---|
// | rate, rate_i | spikes / (recorded neurons x window) for E and I |
// | cv_isi | per neuron std(ISI)/mean(ISI); neurons with <= 2 ISIs get 0; mean over neurons |
// | std_cv | std over neurons of those CVs |
// | kl_isi | abs KL divergence of the pooled ISI histogram (100 bins on [0, 1] s, ISIs clipped) from the exponential with the same mean (binned the same way) |
// | spatial_Fano | 100 ms bins: var/mean across neurons per bin (bins with <= 3 spikes: 0); mean over bins |
// | temporal_Fano | 100 ms bins: per neuron var/mean over bins (silent neurons: 0); mean over neurons |
// | auto_cov | 10 ms bins, lags -50..50: per neuron |autocovariance| / its lag-0 value, mean over lags; neurons with binned-count std <= 0.05 get 1; mean over neurons |
// | fft | population-mean count in 1 ms bins; one-sided amplitude spectrum (2/N)|FFT|, DC excluded, summed |
// | std_rate_temporal | std over time of the 1 ms population-mean count |
// | std_rate_spatial | std across neurons of their rates (Hz) |
// | w_blow | per plastic projection: fraction of weight samples equal to 0 or w_max; mean over projections |
// | w_creep | per projection |2 (w_end - w_start)/(w_end + w_start)| of the mean sampled weight, when w_start + w_end > 0.1; max |
// | weef, weif, wief, wiif | final mean sampled weight of EE, EI, IE, II |
// Variances are population variances (numpy's default ddof = 0).
#include <cstdint>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace plast::metrics {

// Spike trains of n neurons as sorted spike times (seconds) per neuron.
using Trains = std::vector<std::vector<double>>;

double mean_rate(const Trains& t, double t0, double t1);
void cv_isi(const Trains& t, double& mean_cv, double& std_cv);
double kl_isi(const Trains& t);
double spatial_fano(const Trains& t, double t0, double t1, double bin = 0.1);
double temporal_fano(const Trains& t, double t0, double t1, double bin = 0.1);
double auto_cov(const Trains& t, double t0, double t1, double bin = 0.01, int max_lag = 50);
// Population-mean count per bin of `bin` seconds.
std::vector<double> population_activity(const Trains& t, double t0, double t1, double bin = 1e-3);
double fft_power(const std::vector<double>& activity);
double std_rate_temporal(const std::vector<double>& activity);
double std_rate_spatial(const Trains& t, double t0, double t1);

struct WeightTrace {
    std::string name;              // "EE", "EI", "IE", "II", ...
    double w_max = 20;
    std::vector<std::vector<float>> samples; // [time][synapse]
};
double w_blow(const std::vector<WeightTrace>& w);
double w_creep(const std::vector<WeightTrace>& w);

// Every metric of the table for E and I recordings in [t0, t1).
std::map<std::string, double> fsbi_metrics(const Trains& e, const Trains& i, const std::vector<WeightTrace>& w,
                                           double t0, double t1);
// SpikES stability loss terms (lower is better): (r - r_target)^2 / (r + 2) for a rate r (Hz), and for a
// run aborted at t_abort of a protocol of T seconds 160 (exp(-t_abort/T) + 1), worse the earlier it fails.
inline double rate_loss(double r, double target) { return (r - target) * (r - target) / (r + 2.0); }
inline double blowup_loss(double t_abort, double total) { return 160.0 * (std::exp(-t_abort / total) + 1.0); }

// Metric names in the order of fsbi_metrics' output used by archives.
const std::vector<std::string>& fsbi_metric_names();

} // namespace plast::metrics
