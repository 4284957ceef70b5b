#pragma once
// Memory statistics of the familiarity protocol (Mem1kRules "BND", spec §9).
//
// Per run and test session i (t_i = onset of the novel probe):
//   r_nov, r_fam    mean over E neurons of the spike count in the 1 s probe window, per second
//   std_nov, std_fam  std across E neurons of those counts
//   dr_mem = 2 (r_nov - r_fam) / (r_nov + r_fam + 0.01)
//   ds_mem = 2 (std_nov - std_fam) / (std_nov + std_fam + 0.01)   (the +0.01 is part of the definition)
//   ON transient: max(prate in the stimulus-on window) / (mean(prate in that window) + 0.01), 100 ms bins
// Over N independent runs (new seeds and new receptive-field wiring): at each test time a two-sample
// Student t-test (equal variances) of the N r_nov against the N r_fam; p < 0.05 = remembers at that
// time (no multiple-comparison correction); the sign is that of the mean dr_mem; the memory lifetime
// is the last test time with p < 0.05, even if an earlier test was not significant.
#include <string>
#include <vector>

namespace plast::memory {

struct ProbeStats {
    double r_nov = 0, r_fam = 0, std_nov = 0, std_fam = 0;
    double on_nov = 0, on_fam = 0; // ON-transient ratios
};

double delta_r_mem(double r_nov, double r_fam);
double delta_sigma_mem(double std_nov, double std_fam);
// Counts per neuron in a window -> (mean rate, std of counts per second).
void window_rate(const std::vector<double>& counts_per_neuron, double window_s, double& mean_rate, double& std_rate);
double on_transient(const std::vector<double>& prate_window);

struct TestTimeResult {
    double test_time = 0;        // seconds after training
    double mean_dr_mem = 0, mean_ds_mem = 0;
    double mean_r_nov = 0, mean_r_fam = 0;
    double t = 0, p = 1;         // r_nov vs r_fam
    double on_t = 0, on_p = 1;   // ON transient novel vs familiar
    bool significant = false;
    std::string preference;      // "novelty", "familiarity" or "none"
};

struct MemorySummary {
    std::vector<TestTimeResult> tests;
    double lifetime = 0;         // last significant test time; 0 when none
    bool any_significant = false;
};

// runs[r][i] = probe statistics of run r at test i (all runs must have the same number of tests).
MemorySummary summarise(const std::vector<std::vector<ProbeStats>>& runs, const std::vector<double>& test_times,
                        double alpha = 0.05);

} // namespace plast::memory
