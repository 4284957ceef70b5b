#!/usr/bin/env python3
"""PyTorch (CPU) reference for `plast bench infer`: the same computation as plast's gradient inference.

Reads the data that the benchmark wrote (.npy), runs Adam with one step per trajectory through whole
trajectories with autograd (float64, one thread), and prints one JSON line:
    {"case": ..., "epochs": ..., "seconds": ..., "theta": [...]}
Cases:
  behaviour  2-10-1 tanh network, 81-term Taylor rule in (x, y, w, r), only W1 plastic (eta = 1/2),
             r = R - E[R], BCE over padded cells (reference padding), L1 1e-2, Adam 1e-3
  oja        single sigmoid layer 100 -> 1000, 27-term Taylor rule in (x, y, w), eta = 1,
             loss = 1/2 mean (y - activity)^2, Adam 1e-3
Needs Debian's python3-torch; tests never need it.
"""
import argparse
import json
import math
import time

import numpy as np
import torch


def behaviour(d, epochs):
    x = torch.from_numpy(np.load(f"{d}/x.npy"))
    dec = torch.from_numpy(np.load(f"{d}/decision.npy"))
    lens = np.load(f"{d}/len.npy").astype(int)
    maxlen = np.load(f"{d}/maxlen.npy").astype(int)
    R = torch.from_numpy(np.load(f"{d}/reward.npy"))
    ER = torch.from_numpy(np.load(f"{d}/expected_reward.npy"))
    w0 = torch.from_numpy(np.load(f"{d}/w0.npy"))
    theta = torch.from_numpy(np.load(f"{d}/theta0.npy")).clone().requires_grad_(True)
    n_traj, T = lens.shape
    b1 = torch.zeros(10, dtype=torch.float64)
    w2 = torch.full((10,), 0.5, dtype=torch.float64)
    b2 = 0.0
    opt = torch.optim.Adam([theta], lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    one2 = torch.ones(2, dtype=torch.float64)
    one10 = torch.ones(10, dtype=torch.float64)
    start = time.perf_counter()
    for _ in range(epochs):
        for k in range(n_traj):
            th = theta.view(3, 3, 3, 3)
            W = w0.clone()
            bce = 0.0
            n_valid = 0
            for t in range(T):
                n = lens[k, t]
                xt = x[k, t, :n]
                h = torch.tanh(xt @ W + b1)
                z = h @ w2 + b2
                bce = bce + torch.nn.functional.binary_cross_entropy_with_logits(z, dec[k, t, :n], reduction="sum")
                n_valid += n
                xa, ya = xt[-1], h[-1]
                r = R[k, t] - ER[k, t]
                xp = torch.stack([one2, xa, xa * xa])
                yp = torch.stack([one10, ya, ya * ya])
                wp = torch.stack([torch.ones_like(W), W, W * W])
                rp = torch.stack([torch.ones_like(r), r, r * r])
                g = torch.einsum("abcd,ai,bj,cij,d->ij", th, xp, yp, wp, rp)
                W = W + 0.5 * g
            cells = T * maxlen[k]
            loss = (bce + (cells - n_valid) * math.log(2.0)) / cells + 1e-2 * theta.abs().sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return time.perf_counter() - start, theta.detach().numpy().tolist()


def oja(d, epochs):
    x = torch.from_numpy(np.load(f"{d}/x.npy"))
    w0 = torch.from_numpy(np.load(f"{d}/w0.npy"))
    act = torch.from_numpy(np.load(f"{d}/activity.npy"))
    theta = torch.from_numpy(np.load(f"{d}/theta0.npy")).clone().requires_grad_(True)
    n_traj, T, n_in = x.shape
    n_out = act.shape[2]
    opt = torch.optim.Adam([theta], lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    start = time.perf_counter()
    for _ in range(epochs):
        for k in range(n_traj):
            th = theta.view(3, 3, 3)
            W = w0[k].clone()  # (n_in, n_out), presynaptic-major
            loss = 0.0
            for t in range(T):
                xt = x[k, t]
                y = torch.sigmoid(xt @ W)
                loss = loss + ((y - act[k, t]) ** 2).sum()
                xp = torch.stack([torch.ones_like(xt), xt, xt * xt])
                yp = torch.stack([torch.ones_like(y), y, y * y])
                wp = torch.stack([torch.ones_like(W), W, W * W])
                W = W + torch.einsum("abc,aj,bi,cji->ji", th, xp, yp, wp)
            loss = 0.5 * loss / (T * n_out)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return time.perf_counter() - start, theta.detach().numpy().tolist()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--case", choices=["behaviour", "oja"], required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_default_dtype(torch.float64)
    secs, theta = (behaviour if a.case == "behaviour" else oja)(a.dir, a.epochs)
    print(json.dumps({"case": a.case, "epochs": a.epochs, "seconds": secs, "theta": theta}))


if __name__ == "__main__":
    main()
