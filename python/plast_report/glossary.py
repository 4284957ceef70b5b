"""Every metric and number plast reports: name, unit and definition.

One table serves the reports (labels, units, tooltips) and the user documentation: docs/glossary.md is
generated from it (`/usr/bin/python3 -m plast_report.glossary > docs/glossary.md`, checked by a test).
"""
import sys

# key: (label, unit, definition)
SECTIONS = {
    "Spiking network: stability and plausibility (simulate, screen, evaluate)": {
        "rate": ("E rate", "Hz", "Mean firing rate of the recorded excitatory neurons: spikes / (neurons × window)."),
        "rate_i": ("I rate", "Hz", "Mean firing rate of the recorded inhibitory neurons."),
        "cv_isi": ("CV of ISIs", "", "Per neuron, std/mean of its inter-spike intervals (0 for neurons with ≤ 2 ISIs); mean over the recorded E neurons. 1 for a Poisson process; the filter asks ≥ 0.7 (irregular firing)."),
        "std_cv": ("SD of CV", "", "Standard deviation over neurons of the per-neuron CV of ISIs."),
        "kl_isi": ("ISI KL divergence", "", "|KL divergence| of the pooled ISI histogram (100 bins on [0, 1] s) from an exponential with the same mean."),
        "spatial_Fano": ("spatial Fano factor", "", "In 100 ms bins: variance / mean of spike counts across neurons, averaged over bins (bins with ≤ 3 spikes count 0)."),
        "temporal_Fano": ("temporal Fano factor", "", "Per neuron: variance / mean of its spike counts over 100 ms bins; mean over neurons (silent neurons 0)."),
        "auto_cov": ("autocovariance", "", "Per neuron, mean over lags −50…50 (10 ms bins) of |autocovariance| / its lag-0 value; mean over neurons. Low = no oscillation."),
        "fft": ("spectral power", "", "Sum of the one-sided amplitude spectrum (DC excluded) of the population-mean spike count in 1 ms bins. Low = no population oscillation."),
        "std_rate_temporal": ("SD of rate over time", "spikes/ms", "Standard deviation over time of the population-mean spike count in 1 ms bins (synchrony)."),
        "std_rate_spatial": ("SD of rate across neurons", "Hz", "Standard deviation across neurons of their firing rates."),
        "w_blow": ("w_blow (saturated weights)", "", "Per plastic projection, the fraction of sampled weights at 0 or at w_max; mean over projections. 0 = no weight ran to a bound."),
        "w_creep": ("w_creep (weight drift)", "", "Per projection, |2 (w_end − w_start) / (w_end + w_start)| of the mean sampled weight over the scored window; the maximum over projections. 0 = weights stationary."),
        "weef": ("mean EE weight", "", "Final mean sampled E→E weight (units of the leak conductance)."),
        "weif": ("mean EI weight", "", "Final mean sampled E→I weight."),
        "wief": ("mean IE weight", "", "Final mean sampled I→E weight."),
        "wiif": ("mean II weight", "", "Final mean sampled I→I weight."),
        "verdict": ("verdict", "", "plausible: every bound of the plausibility filter holds; implausible: at least one does not (the verdict table lists them); aborted: the rate guard stopped the run (rate left its bounds)."),
        "stable_activity": ("stable activity", "", "Filter group: E and I rates within [1, 50] Hz."),
        "stable_weights": ("stable weights", "", "Filter group: w_blow ≤ 0.1, w_creep ≤ 0.05 and the mean weights within their bounds."),
        "asynchronous_irregular": ("asynchronous irregular", "", "Filter group: CV, Fano factors, autocovariance, spectral power and rate spreads within their bounds."),
        "plausible_fraction": ("plausible fraction", "", "Plausible candidates / simulated candidates of a screening round."),
    },
    "Familiarity memory (memory)": {
        "r_nov": ("novel-stimulus response", "Hz", "Mean E rate while a novel pattern is shown at a test."),
        "r_fam": ("familiar-stimulus response", "Hz", "Mean E rate while the trained (familiar) pattern is shown at a test."),
        "dr_mem": ("Δr_mem", "", "Memory response 2 (r_nov − r_fam) / (r_nov + r_fam + 0.01 Hz) per run, averaged over runs; > 0 novelty-preferring, < 0 familiarity-preferring."),
        "p": ("p-value", "", "Two-sample Student t-test (equal variances) of the runs' r_nov against their r_fam at one test time; significant when p < 0.05 (no multiple-comparison correction). The sign of the mean Δr_mem gives the preference."),
        "novelty": ("novelty-preferring", "", "Fraction of stable rules with a significant Δr_mem > 0 at that test time."),
        "familiarity": ("familiarity-preferring", "", "Fraction of stable rules with a significant Δr_mem < 0 at that test time."),
        "on_transient": ("ON-transient difference", "", "Fraction of stable rules whose ON transient (peak / mean of the 100 ms-binned population rate while the stimulus is on) differs significantly between novel and familiar patterns (t-test, p < 0.05)."),
        "lifetime": ("memory lifetime", "s", "The last test time (after training) with a significant response, even if an earlier one was not; 0 = none."),
        "rules_stable": ("stable rules", "", "Rules whose network stayed within the rate guard in every run."),
        "regression_cv_r2": ("regression CV R²", "", "5-fold cross-validated R² of a ridge regression from the 24 rule parameters to the E rate, the I rate and log memory lifetime."),
    },
    "Gradient inference (infer)": {
        "r2_activity_heldout": ("R² of activity (held out)", "", "Coefficient of determination of the fitted model's activity on held-out trajectories."),
        "r2_weights_heldout": ("R² of weights (held out)", "", "R² between the weight trajectories under the fitted and the true rule on held-out inputs."),
        "percent_deviance_heldout": ("% deviance explained", "%", "Behaviour fits: 100 (1 − D_model / D_null) of the Bernoulli deviance on held-out trials."),
        "theta_xr": ("θ for x·r", "", "Fitted coefficient of the x·r monomial (the reward rule's term)."),
        "loss": ("loss", "", "Training loss: mean squared error of activity, or binary cross-entropy of decisions."),
    },
    "Evolution (evolve) and E2L tasks": {
        "fitness": ("fitness F", "", "Task score to maximise: error task −sqrt(Σ error²) (mV·√samples), reward task mean reward, correlation task signal-to-noise of weight change."),
        "champion_rms_error_mV": ("RMS error per sample", "mV", "Error task: root-mean-square membrane-potential error of the student per sample."),
        "champion_weight_distance_pA": ("distance to the teacher's weights", "pA", "Error task: Euclidean distance of the final weights from the teacher's."),
        "snr": ("SNR", "", "Correlation task: mean weight change of correlated minus uncorrelated synapses over its standard deviation."),
    },
    "Rate toy models (toy)": {
        "RI": ("recognition index", "", "A–B–A protocol, 2-D: (‖w_bg − w_cap‖ − ‖w_bg′ − w_cap‖) / ‖w_bg − w_cap‖, where w_cap stabilises both inputs and w_bg′ is where the weights settle after B; 0 = no memory, > 0 the weights moved towards storing B. N-D proxy: ‖w_bg′ − w_bg‖."),
        "tau": ("settling time", "steps", "Per phase, the first Euler step after which |y − y*| ≤ ρ (−1 when never reached)."),
    },
}

TERMS = {k: v for sec in SECTIONS.values() for k, v in sec.items()}


def label(key):
    return TERMS.get(key, (key.replace("_", " "), "", ""))[0]


def unit(key):
    return TERMS.get(key, ("", "", ""))[1]


def definition(key):
    return TERMS.get(key, ("", "", ""))[2]


def markdown():
    out = [
        "# Glossary: every metric plast reports",
        "",
        "Units in brackets; a blank unit means dimensionless. Weights are in units of the leak conductance",
        "(the neuron models' convention). Generated from the report package's table, so reports and this page agree.",
        "",
    ]
    for title, terms in SECTIONS.items():
        out += [f"## {title}", "", "| name | meaning | unit | definition |", "|---|---|---|---|"]
        for k, (lab, u, d) in terms.items():
            out.append(f"| `{k}` | {lab} | {u or '–'} | {d} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(markdown())
