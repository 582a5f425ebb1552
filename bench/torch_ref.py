"""PyTorch reference for `npm run bench`: the same models, losses and optimiser as vae-lab's.

Usage: python3 bench/torch_ref.py WORKLOAD STEPS WARMUP THREADS [PIXELS_FILE]
Prints one JSON line: {"secondsPerStep": ..., "cpuSecondsPerStep": ..., "finalLoss": ..., "peakRssMb": ...}.

Mirrors src/vae/mlpVae.ts (nn.Linear default init, separate mu/logVar heads, mirrored decoder),
src/vae/losses.ts (Swiss roll: MSE and KL means over elements; MNIST: BCE-with-logits summed over pixels
and KL summed over latent dimensions, averaged over the batch) and src/vae/train.ts (Adam, lr 1e-3).
"""
import json
import math
import resource
import sys
import time

import numpy as np
import torch
from torch import nn


class Vae(nn.Module):
    def __init__(self, input_dim, hidden_dims, latent_dim):
        super().__init__()
        enc, prev = [], input_dim
        for h in hidden_dims:
            enc += [nn.Linear(prev, h), nn.ReLU()]
            prev = h
        self.encoder = nn.Sequential(*enc)
        self.mu = nn.Linear(prev, latent_dim)
        self.log_var = nn.Linear(prev, latent_dim)
        dec, prev = [], latent_dim
        for h in reversed(hidden_dims):
            dec += [nn.Linear(prev, h), nn.ReLU()]
            prev = h
        dec.append(nn.Linear(prev, input_dim))
        self.decoder = nn.Sequential(*dec)

    def forward(self, x):
        h = self.encoder(x)
        mu, log_var = self.mu(h), self.log_var(h)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        return self.decoder(z), mu, log_var


def swiss_roll(n, rng):
    t = 1.5 * math.pi * (1 + 2 * rng.random(n))
    return torch.from_numpy(np.stack([t * np.cos(t), t * np.sin(t)], 1).astype(np.float32) / 15)


def load_images(pixels_file):
    """The images bench.ts wrote for both sides: n × 784 bytes, intensities × 255."""
    pixels = np.fromfile(pixels_file, dtype=np.uint8).reshape(-1, 784)
    return torch.from_numpy(pixels.astype(np.float32) / 255)


def main():
    workload, steps, warmup, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    rng = np.random.default_rng(1)
    kind, size = workload.split("-")
    if kind == "swiss":
        model, batch = Vae(2, [int(size)] * 3, 2), 128
        sample = lambda: swiss_roll(batch, rng)

        def loss_fn(x, out, mu, log_var):
            recon = torch.mean((x - out) ** 2)
            kl = torch.mean(0.5 * (mu ** 2 + torch.exp(log_var) - log_var - 1))
            return recon + 0.01 * kl
    else:
        data = load_images(sys.argv[5])
        model, batch = Vae(784, [400], int(size[1:])), 128
        state = {"perm": torch.randperm(data.shape[0]), "at": 0}

        def sample():
            if state["at"] + batch > data.shape[0]:
                state["perm"], state["at"] = torch.randperm(data.shape[0]), 0
            idx = state["perm"][state["at"]: state["at"] + batch]
            state["at"] += batch
            return data[idx]

        def loss_fn(x, out, mu, log_var):
            recon = nn.functional.binary_cross_entropy_with_logits(out, x, reduction="sum") / x.shape[0]
            kl = torch.sum(0.5 * (mu ** 2 + torch.exp(log_var) - log_var - 1)) / x.shape[0]
            return recon + kl

    # eps as tf.train.adam and src/vae/optim.ts (PyTorch's default is 1e-8); it does not change the timing.
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_value = float("nan")
    for step in range(warmup + steps):
        if step == warmup:
            start, cpu_start = time.perf_counter(), time.process_time()
        x = sample()
        out, mu, log_var = model(x)
        loss = loss_fn(x, out, mu, log_var)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss_value = loss.item()  # one read per step, as vae-lab's loop does
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # CPU time (all threads) per step: less disturbed than wall time when other processes share the cores.
    print(json.dumps({"secondsPerStep": seconds / steps, "cpuSecondsPerStep": cpu_seconds / steps, "finalLoss": loss_value, "peakRssMb": peak}))


if __name__ == "__main__":
    main()
