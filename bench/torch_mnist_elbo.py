"""PyTorch reference for lesson 2's held-out ELBO (bench/elboParity.ts): train the MNIST VAE the way
src/mnistJob.ts does, on the exact arrays vae-lab trained on, and report the held-out negative ELBO.

Usage: python3 bench/torch_mnist_elbo.py DATA.json
DATA.json names the float32 files written by elboParity.ts and the settings:
  {"train": path, "nTrain": 9001, "test": path, "nTest": 999, "dim": 784, "latentDim": 2, "hidden": 400,
   "epochs": 30, "batchSize": 128, "learningRate": 0.001, "seed": 1, "threads": 2}
Prints one JSON line: {"heldOut": {"total", "recon", "kl"}, "lastEpoch": {...}, "seconds": ...}.

Same model as src/vae/mlpVae.ts (784 → 400 ReLU → separate mu / logVar heads; L → 400 ReLU → 784
logits; nn.Linear's default init, U(±1/√fanIn) for weights and biases, the scheme src/vae/dense.ts
copies), same loss as src/vae/losses.ts with reduction "sum" (BCE from logits summed over pixels plus KL
summed over latent dimensions, both averaged over the batch), same optimiser as src/vae/optim.ts (Adam,
eps 1e-7 as tf.train.adam), same epochs as src/vae/train.ts (a fresh permutation each epoch, the last
batch partial), and the same held-out estimate as src/vae/evaluate.ts (one z per image, mean over images).
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


class Vae(nn.Module):
    def __init__(self, dim, hidden, latent):
        super().__init__()
        self.enc = nn.Linear(dim, hidden)
        self.mu = nn.Linear(hidden, latent)
        self.log_var = nn.Linear(hidden, latent)
        self.dec = nn.Linear(latent, hidden)
        self.out = nn.Linear(hidden, dim)

    def forward(self, x):
        h = torch.relu(self.enc(x))
        mu, log_var = self.mu(h), self.log_var(h)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        return self.out(torch.relu(self.dec(z))), mu, log_var


def elbo_parts(x, logits, mu, log_var):
    recon = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]
    kl = torch.sum(0.5 * (mu ** 2 + torch.exp(log_var) - log_var - 1)) / x.shape[0]
    return recon + kl, recon, kl


def load(path, n, dim):
    values = np.fromfile(path, dtype="<f4")
    if values.size != n * dim:
        raise SystemExit(f"{path}: expected {n} × {dim} float32 values, found {values.size}")
    return torch.from_numpy(values.reshape(n, dim).copy())


def main():
    s = json.load(open(sys.argv[1]))
    torch.set_num_threads(s["threads"])
    torch.manual_seed(s["seed"])
    train = load(s["train"], s["nTrain"], s["dim"])
    test = load(s["test"], s["nTest"], s["dim"])
    model = Vae(s["dim"], s["hidden"], s["latentDim"])
    opt = torch.optim.Adam(model.parameters(), lr=s["learningRate"], eps=1e-7)
    batch = s["batchSize"]
    started = time.perf_counter()
    last = None
    for _ in range(s["epochs"]):
        perm = torch.randperm(train.shape[0])
        sums, seen = np.zeros(3), 0
        for at in range(0, train.shape[0], batch):
            x = train[perm[at: at + batch]]
            total, recon, kl = elbo_parts(x, *model(x))
            opt.zero_grad(set_to_none=True)
            total.backward()
            opt.step()
            sums += np.array([total.item(), recon.item(), kl.item()]) * x.shape[0]
            seen += x.shape[0]
        last = dict(zip(["total", "recon", "kl"], (sums / seen).tolist()))
    seconds = time.perf_counter() - started
    with torch.no_grad():
        sums = np.zeros(3)
        for at in range(0, test.shape[0], 500):
            x = test[at: at + 500]
            sums += np.array([v.item() for v in elbo_parts(x, *model(x))]) * x.shape[0]
    held_out = dict(zip(["total", "recon", "kl"], (sums / test.shape[0]).tolist()))
    print(json.dumps({"heldOut": held_out, "lastEpoch": last, "seconds": seconds, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
