import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Rng } from "../random";
import { train, type TrainingData } from "../train";
import { convMnistVae } from "./presets";
import { createVae, forward, paramCount } from "./vae";

function strokes(n: number, seed: number): TrainingData {
  // Fixed binary 28×28 images: a horizontal or a vertical bar at a random place.
  const rng = new Rng(seed);
  const rows = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) {
    const at = 4 + rng.int(20), vertical = i % 2 === 0;
    for (let k = 4; k < 24; k++) rows[i * 784 + (vertical ? k * 28 + at : at * 28 + k)] = 1;
  }
  return { kind: "dataset", dim: 784, n, rows };
}

describe("convolutional VAE", () => {
  it("maps [B, 784] to a 2-D latent and back to [B, 784] logits", () => {
    const model = createVae(convMnistVae(2), new Rng(1));
    const x = tf.randomUniform([3, 784]) as tf.Tensor2D;
    const f = forward(model, x, { rng: new Rng(2) });
    expect(f.mu.shape).toEqual([3, 2]);
    expect(f.logVar.shape).toEqual([3, 2]);
    expect(f.out.shape).toEqual([3, 784]);
    expect(model.summary().map((r) => r.outputShape)).toContainEqual([-1, 7, 7, 64]);
    model.dispose();
  });

  it("has about 1.3 M parameters, as the Navigator's model", () => {
    const model = createVae(convMnistVae(2), new Rng(1));
    // conv1 320 + conv2 18,496 + dense 627,400 + mu/logVar 2 × 402 + dense 600 + dense 630,336
    // + deconv1 18,464 + deconv2 289
    expect(paramCount(model)).toBe(1_296_709);
    expect(model.summary().reduce((s, r) => s + r.params, 0)).toBe(1_296_709);
    model.dispose();
  });

  it("builds identical weights under the same seed", () => {
    const a = createVae(convMnistVae(2), new Rng(4)), b = createVae(convMnistVae(2), new Rng(4));
    const x = tf.randomUniform([2, 784], 0, 1, "float32", 3) as tf.Tensor2D;
    expect(Array.from(a.encode(x).mu.dataSync())).toEqual(Array.from(b.encode(x).mu.dataSync()));
    a.dispose();
    b.dispose();
  });

  it("trains on WASM (filter gradients included), lowers the loss and leaks no tensors", async () => {
    expect(tf.getBackend()).toBe("wasm");
    const model = createVae(convMnistVae(2), new Rng(1));
    const perEpoch: number[] = [];
    const r = await train(model, strokes(64, 5), { epochs: 4, batchSize: 32, learningRate: 1e-3, beta: 1, reduction: "sum", seed: 1 }, {
      onEpoch: () => void perEpoch.push(tf.memory().numTensors),
    });
    expect(r.history[3].total).toBeLessThan(r.history[0].total);
    expect(new Set(perEpoch).size).toBe(1);
    model.dispose();
  });

  it("computes the same gradients on WASM as on the CPU backend", () => {
    const model = createVae(convMnistVae(2), new Rng(1));
    const data = strokes(4, 9);
    const grads = (backend: string) => {
      tf.setBackend(backend);
      try {
        return tf.tidy(() => {
          const x = tf.tensor2d(data.kind === "dataset" ? data.rows : new Float32Array(), [4, 784]);
          const { grads: g } = tf.variableGrads(() => {
            const f = forward(model, x, { rng: new Rng(0), reparameterize: (mu) => mu });
            return tf.sum(tf.square(f.out)) as tf.Scalar;
          }, model.variables);
          return Object.values(g).map((t) => Array.from(t.dataSync()));
        });
      } finally {
        tf.setBackend("wasm");
      }
    };
    const onCpu = grads("cpu"), onWasm = grads("wasm");
    onCpu.forEach((g, k) => {
      let scale = 1e-6, err = 0; // loops, not Math.max(...): a dense layer has 627,400 gradients
      g.forEach((v, i) => {
        scale = Math.max(scale, Math.abs(v));
        err = Math.max(err, Math.abs(v - onWasm[k][i]));
      });
      expect(err / scale).toBeLessThan(1e-3);
    });
    model.dispose();
  });
});
