import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { elbo } from "./losses";
import { Rng } from "./random";
import { train, type TrainingData } from "./train";
import { convMnistVae } from "./presets";
import type { ConvVaeConfig } from "./types";
import { createVae, forward, paramCount } from "./vae";

// The WASM-specific tests run when the suite runs on WASM (the default; VAE_LAB_BACKEND picks another).
const onWasm = tf.getBackend() === "wasm";

/** A small model for the slower tests: same architecture, fewer channels and units. */
const small: ConvVaeConfig = { ...convMnistVae(2), channels: [4, 8], denseUnits: 16 };

/** n binary 28×28 images: four fixed random templates, each pixel flipped with probability 5%. */
function binaryImages(n: number, seed: number): Extract<TrainingData, { kind: "dataset" }> {
  const rng = new Rng(seed);
  const templates = Array.from({ length: 4 }, () =>
    Float32Array.from({ length: 784 }, () => (rng.uniform() < 0.3 ? 1 : 0)),
  );
  const rows = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < 784; p++) {
      const v = templates[i % 4][p];
      rows[i * 784 + p] = rng.uniform() < 0.05 ? 1 - v : v;
    }
  }
  return { kind: "dataset", dim: 784, n, rows };
}

describe("convolutional VAE", () => {
  it("encodes [batch, 784] to mu, logVar [batch, latentDim] and decodes back to [batch, 784]", () => {
    const model = createVae(convMnistVae(3), new Rng(1));
    tf.tidy(() => {
      const x = tf.randomUniform([5, 784]) as tf.Tensor2D;
      const { mu, logVar } = model.encode(x);
      expect(mu.shape).toEqual([5, 3]);
      expect(logVar.shape).toEqual([5, 3]);
      expect(model.decode(mu).shape).toEqual([5, 784]);
    });
    model.dispose();
  });

  it("has 1,296,709 parameters with the Navigator preset (channels [32, 64], 200 dense units, 2-D latent)", () => {
    const model = createVae(convMnistVae(2), new Rng(1));
    const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;
    const dense = (i: number, o: number) => i * o + o;
    const expected =
      conv(3, 1, 32) +
      conv(3, 32, 64) +
      dense(3136, 200) +
      2 * dense(200, 2) + // encoder
      dense(2, 200) +
      dense(200, 3136) +
      conv(3, 64, 32) +
      conv(3, 32, 1); // decoder
    expect(paramCount(model)).toBe(expected);
    expect(expected).toBe(1_296_709);
    model.dispose();
  });

  it("lists every layer in summary() with its output shape and parameter count", () => {
    const model = createVae(convMnistVae(2), new Rng(1));
    const rows = model.summary();
    expect(rows.map((r) => r.name)).toEqual([
      "encoder/conv1",
      "encoder/conv2",
      "encoder/dense1",
      "encoder/mu",
      "encoder/logVar",
      "decoder/dense1",
      "decoder/dense2",
      "decoder/deconv1",
      "decoder/deconv2",
    ]);
    expect(rows.map((r) => r.outputShape)).toEqual([
      [-1, 14, 14, 32],
      [-1, 7, 7, 64],
      [-1, 200],
      [-1, 2],
      [-1, 2],
      [-1, 200],
      [-1, 3136],
      [-1, 14, 14, 32],
      [-1, 28, 28, 1],
    ]);
    expect(rows[0].description).toBe("conv 3×3 stride 2 1→32 + ReLU");
    expect(rows[8].description).toBe("transposed conv 3×3 stride 2 32→1");
    expect(rows.reduce((s, r) => s + r.params, 0)).toBe(paramCount(model));
    model.dispose();
  });

  it("names its variables stably, encoder first, in the order of `variables`", () => {
    const model = createVae(small, new Rng(1));
    expect(model.variableNames.slice(0, 4)).toEqual([
      "encoder/conv1/w",
      "encoder/conv1/b",
      "encoder/conv2/w",
      "encoder/conv2/b",
    ]);
    expect(model.variableNames.slice(-2)).toEqual(["decoder/deconv2/w", "decoder/deconv2/b"]);
    expect(model.variableNames.length).toBe(model.variables.length);
    expect(new Set(model.variableNames).size).toBe(model.variableNames.length);
    expect(model.variables[0].shape).toEqual([3, 3, 1, 4]); // conv: [k, k, in, out]
    expect(model.variables[model.variables.length - 2].shape).toEqual([3, 3, 1, 4]); // transposed conv: [k, k, out, in]
    model.dispose();
  });

  it("initialises like PyTorch: U(±1/√fanIn), with fanIn = in·9 for conv and out·9 for transposed conv", () => {
    const model = createVae(convMnistVae(2), new Rng(3));
    const maxAbs = (name: string) =>
      Math.max(...Array.from(model.variables[model.variableNames.indexOf(name)].dataSync()).map(Math.abs));
    const conv2 = maxAbs("encoder/conv2/w"); // fanIn 32·9 = 288
    expect(conv2).toBeLessThanOrEqual(1 / Math.sqrt(288));
    expect(conv2).toBeGreaterThan(0.95 / Math.sqrt(288));
    const deconv1 = maxAbs("decoder/deconv1/w"); // PyTorch: weight [64, 32, 3, 3] → fanIn 32·9 = 288
    expect(deconv1).toBeLessThanOrEqual(1 / Math.sqrt(288));
    expect(deconv1).toBeGreaterThan(0.95 / Math.sqrt(288));
    expect(maxAbs("decoder/deconv2/b")).toBeLessThanOrEqual(1 / 3); // fanIn 1·9
    model.dispose();
  });

  it("builds identical weights and outputs under the same seed, different ones under another", () => {
    const [a, b, c] = [new Rng(5), new Rng(5), new Rng(6)].map((r) => createVae(small, r));
    const x = tf.tidy(() => tf.randomUniform([2, 784], 0, 1, "float32", 1) as tf.Tensor2D);
    const out = (m: typeof a) => tf.tidy(() => Array.from(forward(m, x, { rng: new Rng(9) }).out.dataSync()));
    expect(out(a)).toEqual(out(b));
    expect(out(a)).not.toEqual(out(c));
    for (const m of [a, b, c]) m.dispose();
    x.dispose();
  });

  it("rejects an image size that two stride-2 layers cannot halve twice", () => {
    expect(() => createVae({ ...small, imageSize: 30 }, new Rng(1))).toThrow(
      /imageSize must be a positive multiple of 4/,
    );
    expect(() => createVae({ ...small, channels: [4] as unknown as [number, number] }, new Rng(1))).toThrow(
      /channels must be two/,
    );
  });

  it.runIf(onWasm)("has the same gradients on WASM as on the CPU backend for one batch", () => {
    const data = binaryImages(3, 7);
    const gradsOn = (backend: string) => {
      const prev = tf.getBackend();
      tf.setBackend(backend);
      try {
        const model = createVae(small, new Rng(11));
        const g = tf.tidy(() => {
          const x = tf.tensor2d(data.rows, [3, 784]);
          const { grads } = tf.variableGrads(() => {
            // z = mu: no sampling, so both backends see the same function.
            const f = forward(model, x, { rng: new Rng(1), reparameterize: (mu) => mu });
            return elbo(x, f.out, f.mu, f.logVar, { likelihood: "bernoulli", reduction: "sum" }).total;
          }, model.variables);
          return model.variables.map((v) => Array.from(grads[v.name].dataSync()));
        });
        model.dispose();
        return g;
      } finally {
        tf.setBackend(prev);
      }
    };
    const cpu = gradsOn("cpu");
    const wasm = gradsOn("wasm");
    cpu.forEach((gc, i) => {
      const scale = Math.max(1e-3, ...gc.map(Math.abs));
      const worst = Math.max(...gc.map((v, j) => Math.abs(v - wasm[i][j])));
      expect(worst / scale, `variable ${i}`).toBeLessThan(1e-3);
    });
  });

  it.runIf(onWasm)(
    "trains on WASM: the loss falls on a small fixed dataset and no tensors or buffers leak",
    async () => {
      const numDataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
      const [tensorsBefore, idsBefore] = [tf.memory().numTensors, numDataIds()];
      const model = createVae({ ...convMnistVae(2), denseUnits: 64 }, new Rng(2));
      const perEpoch: number[] = [];
      const result = await train(
        model,
        binaryImages(64, 3),
        { epochs: 20, batchSize: 16, learningRate: 3e-3, beta: 1, reduction: "sum", seed: 4 },
        {
          onEpoch: () => void perEpoch.push(tf.memory().numTensors),
        },
      );
      const losses = result.history.map((h) => h.total);
      expect(losses[0]).toBeGreaterThan(400); // ≈ 784·ln 2 at initialisation
      expect(losses[losses.length - 1]).toBeLessThan(0.6 * losses[0]); // measured: 557 → 192 in 20 epochs
      expect(new Set(perEpoch).size).toBe(1);
      model.dispose();
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(numDataIds()).toBe(idsBefore);
    },
  );
});
