#!/usr/bin/env python3
"""Independent check of the E2L correlation task's homeostatic-STDP validation (Jordan et al. 2021,
Fig. 5D) on the reference's own 20 input draws.

Written for plast from the published description of the protocol and of the simulator it used (NEST,
iaf_psc_delta neuron, spike generators relayed by parrot neurons, a lazily updated STDP synapse with a
1 ms dendritic delay); it does not use plast. The inputs are drawn with numpy's legacy RandomState in
the order the reference's validation draws them (per trial: the 100 ms pattern, the 200 s background,
then the rate-balancing subsample with replacement), so trial i here is trial i of the published
array of 20 SNRs. Each trial: 200 s training from w = 0.5 with w <- clip(w + lambda K+ + W_out, 0, 1)
per postsynaptic spike (K+: presynaptic trace, tau 20 ms, +1 per spike; an input event of
multiplicity m counts as m spikes), then an 11 s test of the free membrane (no threshold) on the
start of the same input; SNR = mean over the 100 ms windows of (max V - mean V outside) / SD outside.

Usage: e2l_fig5d_baseline_check.py [lambda=0.01] [trials=20]; prints one line per trial and the mean.
About 30 s per trial.
"""
import bisect
import math
import sys

import numpy as np

from e2l_reference_tasks import task_input  # the reference's draws (same folder)

N_IN, T_TRAIN, T_PAT, T_INTER, RATE = 1000, 200000.0, 100.0, 400.0, 3.0
H, TAU_M, V_TH, T_REF_STEPS, D = 0.1, 18.0, 20.0, 20, 10  # ms, ms, mV, steps, steps (1 ms)
W0, W_OUT, TAU_PLUS = 0.5, -0.0015, 20.0
P33 = math.exp(-H / TAU_M)


def train(trains, v0, lam):
    # events: (generator step k, input, multiplicity); the synapse sees the spike at k + D (parrot),
    # the membrane at k + 2D
    ev = []
    for i, tr in enumerate(trains):
        k, m = np.unique(np.rint(tr / H).astype(np.int64), return_counts=True)
        ev.append(np.stack([k, np.full(k.size, i), m], 1))
    ev = np.concatenate(ev)
    ev = ev[np.lexsort((ev[:, 1], ev[:, 0]))]
    w = np.full(N_IN, W0)
    kp = np.zeros(N_IN)
    t_last = np.zeros(N_IN, dtype=np.int64)  # synapse time of the last presynaptic spike (steps)
    post = []  # postsynaptic spike steps
    arrivals = {}  # membrane step -> summed input
    queue = []  # sorted membrane steps with input
    state = {"v": v0, "n": 0, "spike": -(10**9)}

    def membrane_until(step):
        while queue and queue[0] <= step:
            n = queue.pop(0)
            x = arrivals.pop(n)
            if n <= state["spike"] + T_REF_STEPS:
                continue  # refractory: input dropped, V held at the reset value 0
            v = 0.0 if state["n"] <= state["spike"] else state["v"] * P33 ** (n - state["n"])
            v += x
            state["n"] = n
            if v >= V_TH:
                post.append(n)
                state["spike"] = n
                v = 0.0
            state["v"] = v

    q = 0
    while q < len(ev):
        k = int(ev[q, 0])
        membrane_until(k)  # post spikes up to the synapse time k + D - D are known
        total = 0.0
        while q < len(ev) and ev[q, 0] == k:
            i, mult = int(ev[q, 1]), int(ev[q, 2])
            ts = k + D
            for _ in range(mult):  # NEST hands an event of multiplicity m to the synapse as m spikes
                lo = bisect.bisect_right(post, t_last[i] - D)
                hi = bisect.bisect_right(post, ts - D)
                wi = w[i]
                for p in post[lo:hi]:
                    wi = min(1.0, max(0.0, wi + lam * kp[i] * math.exp((t_last[i] - (p + D)) * H / TAU_PLUS) + W_OUT))
                w[i] = wi
                total += wi
                kp[i] = kp[i] * math.exp((t_last[i] - ts) * H / TAU_PLUS) + 1.0
                t_last[i] = ts
            q += 1
        n = k + 2 * D
        if n in arrivals:
            arrivals[n] += total
        else:
            arrivals[n] = total
            bisect.insort(queue, n)
    return w, len(post)


def snr(trains, w, v0, t_test=11000.0):
    steps = int(round(t_test / H))
    drive = np.zeros(steps + 2 * D + 2)
    for i, tr in enumerate(trains):
        k = np.rint(tr[tr < t_test] / H).astype(np.int64) + 2 * D
        np.add.at(drive, k[k <= steps], w[i])
    v = np.empty(steps)
    x = v0
    for n in range(1, steps + 1):
        x = x * P33 + drive[n]
        v[n - 1] = x
    t = np.arange(1, steps + 1) * H
    label = np.zeros(steps, dtype=int)
    for j, on in enumerate(np.arange(T_INTER, t_test, T_INTER + T_PAT)):
        label[(t >= on) & (t < on + T_PAT)] = j + 1
    out = v[label == 0]
    peaks = np.array([v[label == j].max() for j in range(1, label.max() + 1)])
    return float(np.mean((peaks - out.mean()) / out.std()))


def main():
    lam = float(sys.argv[1]) if len(sys.argv) > 1 else 0.01
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    rng = np.random.RandomState(11214124 + 123)
    v0_train = np.random.RandomState(17893).normal(0.0, 10.0, 1)[0]
    res = []
    for i in range(trials):
        trains, is_pat = task_input(rng, T_TRAIN)
        w, n_post = train(trains, v0_train, lam)
        s = snr(trains, w, np.random.RandomState(i).normal(0.0, 10.0, 1)[0])
        res.append(s)
        print(f"trial {i}: SNR {s:.2f}, post rate {n_post / (T_TRAIN * 1e-3):.1f} Hz, "
              f"mean w pattern {w[is_pat].mean():.3f}, other {w[~is_pat].mean():.3f}", flush=True)
    res = np.array(res)
    print(f"mean {res.mean():.2f} +- {res.std():.2f} (SD), min {res.min():.2f}")


if __name__ == "__main__":
    main()
