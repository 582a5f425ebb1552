import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { mnistVae, swissRollVae } from "./presets";
import { createVae } from "./vae";
import { Rng } from "./random";
import { useFastPath } from "../engine/install";
import { fastPath } from "../engine/fastPath";
import { nativeCallCount, nativeStatus } from "../engine/native";
import { betaAt, train, TrainingDivergedError, type TrainConfig, type TrainingData } from "./train";

// The Swiss roll (docs/design.md §5), inlined so this test does not depend on the data module.
const roll: TrainingData = {
  kind: "sampler",
  dim: 2,
  sample: (n, rng) => {
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const t = 1.5 * Math.PI * (1 + 2 * rng.uniform());
      out[2 * i] = (t * Math.cos(t)) / 15;
      out[2 * i + 1] = (t * Math.sin(t)) / 15;
    }
    return out;
  },
};
const swissConfig: TrainConfig = {
  steps: 300,
  batchSize: 128,
  learningRate: 1e-3,
  beta: 0.01,
  reduction: "mean",
  seed: 1,
};

function blobs(n: number, seed: number): TrainingData {
  // Binary 784-pixel "images": each class lights one band of pixels, plus noise.
  const rng = new Rng(seed);
  const rows = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    for (let p = 0; p < 784; p++) rows[i * 784 + p] = (Math.floor(p / 196) === c ? 0.9 : 0.05) + 0.05 * rng.uniform();
  }
  return { kind: "dataset", dim: 784, n, rows };
}

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

describe("train", () => {
  it("lowers the Swiss-roll loss within a few hundred steps", async () => {
    const model = createVae(swissRollVae(32), new Rng(1));
    const r = await train(model, roll, swissConfig);
    const losses = r.history.map((h) => h.total);
    expect(mean(losses.slice(-30))).toBeLessThan(0.5 * mean(losses.slice(0, 30)));
    expect(r.steps).toBe(300);
    model.dispose();
  });

  it("keeps the number of live tensors constant from step 10 to step 1000", async () => {
    const model = createVae(swissRollVae(32), new Rng(1));
    const counts = new Map<number, number>();
    await train(
      model,
      roll,
      { ...swissConfig, steps: 1000 },
      {
        onStep: (s) => {
          if (s.step === 10 || s.step === 1000) counts.set(s.step, tf.memory().numTensors);
        },
      },
    );
    expect(counts.get(10)).toBeDefined();
    expect(counts.get(1000)).toBe(counts.get(10));
    model.dispose();
  });

  it("keeps the number of live tensors constant across epochs and frees everything afterwards", async () => {
    const before = tf.memory().numTensors;
    const model = createVae(mnistVae(2, 16), new Rng(1));
    const perEpoch: number[] = [];
    await train(
      model,
      blobs(200, 3),
      { epochs: 3, batchSize: 64, learningRate: 1e-3, beta: 1, reduction: "sum", seed: 2 },
      {
        onEpoch: () => void perEpoch.push(tf.memory().numTensors),
      },
    );
    expect(new Set(perEpoch).size).toBe(1);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("leaves as many live tensors after 50 steps on the engine's fast path as before them", async () => {
    expect(fastPath.hooks, "the engine is installed by the test setup").not.toBeNull();
    for (const [model, data] of [
      [createVae(swissRollVae(256), new Rng(1)), roll],
      [createVae(mnistVae(2, 64), new Rng(2)), blobs(128 * 5, 4)],
    ] as const) {
      const before = tf.memory().numTensors;
      const calls = nativeCallCount();
      const config =
        data.kind === "sampler"
          ? { ...swissConfig, steps: 50 }
          : { ...swissConfig, epochs: 10, reduction: "sum" as const };
      const r = await train(model, data, config);
      expect(r.steps).toBe(50);
      if (tf.getBackend() === "wasm" && nativeStatus().active) expect(nativeCallCount()).toBeGreaterThan(calls);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
  });

  it("repeats exactly under the same seed", async () => {
    const run = async () => {
      const model = createVae(swissRollVae(32), new Rng(4));
      const r = await train(model, roll, { ...swissConfig, steps: 20 });
      model.dispose();
      return r.history.map((h) => h.total);
    };
    expect(await run()).toEqual(await run());
  });

  it("trains to the same losses with the engine's fast path and with the core alone (MLP, Bernoulli, epochs)", async () => {
    const run = async (fast: boolean) => {
      useFastPath(fast);
      try {
        const model = createVae(mnistVae(2, 32), new Rng(5));
        const r = await train(model, blobs(256, 2), {
          epochs: 3,
          batchSize: 64,
          learningRate: 1e-3,
          beta: 1,
          reduction: "sum",
          seed: 6,
        });
        model.dispose();
        return r.history.map((h) => h.total);
      } finally {
        useFastPath(true);
      }
    };
    const [fast, core] = [await run(true), await run(false)];
    expect(fast).toHaveLength(3);
    // Same arithmetic up to float32 rounding (fused kernels sum in another order), over 12 steps.
    fast.forEach((v, i) => expect(Math.abs(v - core[i]) / Math.abs(core[i])).toBeLessThan(1e-4));
  });

  it("trains a dataset in epochs, reporting mean total/recon/KL per epoch", async () => {
    const model = createVae(mnistVae(2, 32), new Rng(1));
    const epochs: number[] = [];
    const r = await train(
      model,
      blobs(256, 1),
      { epochs: 4, batchSize: 64, learningRate: 1e-3, beta: 1, reduction: "sum", seed: 3 },
      {
        onEpoch: (e) => {
          epochs.push(e.epoch);
          expect(e.total).toBeCloseTo(e.recon + e.kl, 2);
        },
      },
    );
    expect(epochs).toEqual([1, 2, 3, 4]);
    expect(r.history).toHaveLength(4);
    expect(r.history[3].total).toBeLessThan(r.history[0].total);
    model.dispose();
  });

  it("stops with a clear error naming the step where the loss became NaN", async () => {
    const model = createVae(swissRollVae(32), new Rng(1));
    let calls = 0;
    const poisoned: TrainingData = {
      kind: "sampler",
      dim: 2,
      sample: (n, rng) => {
        calls++;
        const x = roll.kind === "sampler" ? roll.sample(n, rng) : new Float32Array();
        if (calls === 7) x[0] = NaN;
        return x;
      },
    };
    const err = await train(model, poisoned, swissConfig).catch((e) => e);
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect(err.step).toBe(7);
    expect(err.message).toMatch(/diverged at step 7/);
    model.dispose();
  });

  it("stops after the current step when asked, returning what it has", async () => {
    const model = createVae(swissRollVae(32), new Rng(1));
    const stop = new AbortController();
    const r = await train(model, roll, swissConfig, {
      signal: stop.signal,
      onStep: (s) => s.step === 12 && stop.abort(),
    });
    expect(r.stopped).toBe(true);
    expect(r.steps).toBe(12);
    model.dispose();
  });

  it("calls onSnapshot every N steps and after the last step", async () => {
    const model = createVae(swissRollVae(32), new Rng(1));
    const at: number[] = [];
    await train(
      model,
      roll,
      { ...swissConfig, steps: 120, snapshotEvery: 50 },
      { onSnapshot: (s) => void at.push(s.step) },
    );
    expect(at).toEqual([50, 100, 120]);
    model.dispose();
  });

  it("warms β up linearly per epoch (the Navigator's 0 → 4 over 10 epochs)", async () => {
    const schedule = { from: 0, to: 4, epochs: 10 };
    expect([0, 5, 10, 20].map((e) => betaAt(schedule, e, 0))).toEqual([0, 2, 4, 4]);
    expect(betaAt({ from: 0, to: 1, steps: 100 }, 0, 25)).toBeCloseTo(0.25);
    const model = createVae(mnistVae(2, 16), new Rng(1));
    const betas: number[] = [];
    await train(
      model,
      blobs(64, 1),
      { epochs: 3, batchSize: 64, learningRate: 1e-3, beta: { from: 0, to: 4, epochs: 2 }, reduction: "sum", seed: 1 },
      {
        onEpoch: (e) => void betas.push(e.beta),
      },
    );
    expect(betas).toEqual([0, 2, 4]);
    model.dispose();
  });

  it("trains with the learner's own reparameterize", async () => {
    const model = createVae(swissRollVae(32), new Rng(1));
    let calls = 0;
    await train(
      model,
      roll,
      { ...swissConfig, steps: 5 },
      {
        reparameterize: (mu) => {
          calls++;
          return mu;
        },
      },
    );
    expect(calls).toBe(5);
    model.dispose();
  });

  it("trains with the learner's whole loss function, and rejects one that returns non-scalars", async () => {
    const model = createVae(swissRollVae(32), new Rng(1));
    const { elbo } = await import("./losses");
    const { forward } = await import("./vae");
    let calls = 0;
    const r = await train(
      model,
      roll,
      { ...swissConfig, steps: 40 },
      {
        loss: (m, x, beta) => {
          calls++;
          const f = forward(m, x, { rng: new Rng(calls) });
          return elbo(x, f.out, f.mu, f.logVar, { likelihood: "gaussian", reduction: "mean", beta });
        },
      },
    );
    expect(calls).toBe(40);
    expect(r.history[39].total).toBeLessThan(r.history[0].total);
    await expect(
      train(model, roll, { ...swissConfig, steps: 2 }, { loss: (_m, x) => ({ total: x, recon: x, kl: x }) }),
    ).rejects.toThrow(/must return scalar tensors/);
    model.dispose();
  });

  it("keeps the tensors a learner's loss holds on to (a cached scalar it returns every step)", async () => {
    const model = createVae(swissRollVae(32), new Rng(1));
    const { elbo } = await import("./losses");
    const { forward } = await import("./vae");
    const noKl = tf.scalar(0); // created once, returned at every step
    const r = await train(
      model,
      roll,
      { ...swissConfig, steps: 5 },
      {
        loss: (m, x) => {
          const f = forward(m, x, { rng: new Rng(1) });
          const { recon } = elbo(x, f.out, f.mu, f.logVar, { likelihood: "gaussian", reduction: "mean" });
          return { total: recon, recon, kl: noKl };
        },
      },
    );
    expect(r.steps).toBe(5);
    expect(noKl.isDisposed).toBe(false);
    expect(noKl.dataSync()[0]).toBe(0);
    noKl.dispose();
    model.dispose();
  });

  it("rejects data whose width does not match the model", async () => {
    const model = createVae(mnistVae(2, 16), new Rng(1));
    await expect(train(model, roll, swissConfig)).rejects.toThrow(/2 values per example but the model expects 784/);
    model.dispose();
  });
});
