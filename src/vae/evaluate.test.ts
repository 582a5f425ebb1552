import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { evaluate } from "./evaluate";
import { elbo } from "./losses";
import { mnistVae } from "./presets";
import { createVae, forward } from "./vae";
import { Rng } from "./random";

describe("evaluate", () => {
  it("equals the loss of one big batch when split into batches (for a deterministic encoder)", () => {
    const model = createVae(mnistVae(2, 16), new Rng(1));
    const n = 37;
    const rows = new Rng(2).uniforms(n * 784);
    // With reparameterize = mu the loss is deterministic, so batching must not change the mean.
    const direct = tf.tidy(() => {
      const x = tf.tensor2d(rows, [n, 784]);
      const f = forward(model, x, { rng: new Rng(0), reparameterize: (mu) => mu });
      return elbo(x, f.out, f.mu, f.logVar, { likelihood: "bernoulli", reduction: "sum" }).recon.dataSync()[0];
    });
    const batched = evaluate(model, rows, n, 784, { reduction: "sum", batchSize: 10 });
    // recon differs only by the sampled z; compare KL exactly and recon loosely.
    expect(batched.total).toBeCloseTo(batched.recon + batched.kl, 3);
    expect(Math.abs(batched.recon - direct) / direct).toBeLessThan(0.05);
    const before = tf.memory().numTensors;
    evaluate(model, rows, n, 784, { reduction: "sum", batchSize: 10 });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("rejects rows that do not match n × dim", () => {
    const model = createVae(mnistVae(2, 16), new Rng(1));
    expect(() => evaluate(model, new Float32Array(10), 2, 784, { reduction: "sum" })).toThrow(
      /expected n × dim = 1568/,
    );
    model.dispose();
  });
});
