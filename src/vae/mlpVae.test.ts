import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Rng } from "./random";
import { gradCheck } from "../testing/gradcheck";
import { createDense, dense } from "./dense";
import { mnistVae, swissRollVae } from "./presets";
import { reparameterize } from "./reparameterize";
import { createVae, decodeMean, forward, paramCount } from "./vae";

describe("MLP VAE", () => {
  it("maps the Swiss-roll preset's shapes 2 → 2-D latent → 2", () => {
    const model = createVae(swissRollVae(256), new Rng(1));
    const x = tf.randomNormal([5, 2]) as tf.Tensor2D;
    const { mu, logVar } = model.encode(x);
    expect(mu.shape).toEqual([5, 2]);
    expect(logVar.shape).toEqual([5, 2]);
    expect(model.decode(mu).shape).toEqual([5, 2]);
    const f = forward(model, x, { rng: new Rng(2) });
    expect(f.z.shape).toEqual([5, 2]);
    expect(f.out.shape).toEqual([5, 2]);
    model.dispose();
  });

  it("has the lesson's parameter count (2 → 256 → 256 → 256 → 2+2, mirrored)", () => {
    const model = createVae(swissRollVae(256), new Rng(1));
    const enc = 2 * 256 + 256 + 2 * (256 * 256 + 256) + 2 * (256 * 2 + 2);
    const dec = 2 * 256 + 256 + 2 * (256 * 256 + 256) + 256 * 2 + 2;
    expect(paramCount(model)).toBe(enc + dec);
    expect(model.summary().map((r) => r.description)).toContain("dense 2→256 + ReLU");
    model.dispose();
  });

  it("maps the MNIST preset's shapes 784 → 400 → L and back", () => {
    const model = createVae(mnistVae(20), new Rng(1));
    const x = tf.randomUniform([3, 784]) as tf.Tensor2D;
    const { mu } = model.encode(x);
    expect(mu.shape).toEqual([3, 20]);
    const img = decodeMean(model, mu).dataSync();
    expect(img.length).toBe(3 * 784);
    expect(Math.min(...img)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...img)).toBeLessThanOrEqual(1);
    expect(paramCount(model)).toBe(784 * 400 + 400 + 2 * (400 * 20 + 20) + 20 * 400 + 400 + 400 * 784 + 784);
    model.dispose();
  });

  it("builds identical weights and outputs under the same seed", () => {
    const a = createVae(swissRollVae(32), new Rng(5));
    const b = createVae(swissRollVae(32), new Rng(5));
    const c = createVae(swissRollVae(32), new Rng(6));
    const x = tf.tensor2d([
      [0.1, 0.2],
      [-0.3, 0.4],
    ]);
    const fa = forward(a, x, { rng: new Rng(9) }).out.dataSync();
    const fb = forward(b, x, { rng: new Rng(9) }).out.dataSync();
    const fc = forward(c, x, { rng: new Rng(9) }).out.dataSync();
    expect(Array.from(fa)).toEqual(Array.from(fb));
    expect(Array.from(fa)).not.toEqual(Array.from(fc));
    for (const m of [a, b, c]) m.dispose();
  });

  it("runs with a learner's own reparameterize and rejects one that returns the wrong shape", () => {
    const model = createVae(swissRollVae(32), new Rng(1));
    const x = tf.tensor2d([[0.1, 0.2]]);
    const own = forward(model, x, { rng: new Rng(1), reparameterize: (mu) => mu });
    expect(Array.from(own.z.dataSync())).toEqual(Array.from(own.mu.dataSync()));
    expect(() =>
      forward(model, x, { rng: new Rng(1), reparameterize: (mu) => tf.sum(mu) as unknown as tf.Tensor2D }),
    ).toThrow(/reparameterize must return a tensor shaped like mu/);
    model.dispose();
  });

  it("rejects a config with a zero latent dimension", () => {
    expect(() => createVae(swissRollVae(32, 0), new Rng(1))).toThrow(/latentDim must be a positive integer/);
  });
});

describe("dense layer", () => {
  it("has gradients that match finite differences for x, W and b (ReLU and linear)", () => {
    for (const activation of ["relu", "linear"] as const) {
      const layer = createDense("t", 3, 4, activation, new Rng(3));
      const x = tf.tensor2d([
        [0.5, -0.2, 0.8],
        [-0.6, 0.9, 0.1],
      ]);
      const f = (xi: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
        const y = dense(xi as tf.Tensor2D, { ...layer, w: w as tf.Variable, b: b as tf.Variable });
        return tf.sum(
          tf.mul(
            y,
            tf.tensor2d([
              [1, -2, 3, 0.5],
              [0.7, 1, -1, 2],
            ]),
          ),
        ) as tf.Scalar;
      };
      // h = 2e-3: one pre-activation sits at −0.009, and a larger step would straddle the ReLU kink.
      for (const k of [0, 1, 2]) expect(gradCheck(f, [x, layer.w, layer.b], k, 2e-3).maxAbsError).toBeLessThan(3e-3);
    }
  });
});

describe("reparameterize", () => {
  it("draws z with mean mu and standard deviation exp(½·logVar)", () => {
    const n = 20000;
    const mu = tf.fill([n, 1], 1.5) as tf.Tensor2D;
    const logVar = tf.fill([n, 1], Math.log(0.25)) as tf.Tensor2D; // sigma = 0.5
    const z = Array.from(reparameterize(mu, logVar, new Rng(4)).dataSync());
    const m = z.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(z.reduce((s, v) => s + (v - m) ** 2, 0) / n);
    expect(m).toBeCloseTo(1.5, 1);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.02);
  });

  it("has ∂z/∂mu = 1 and ∂z/∂logVar = ½(z − mu)", () => {
    const mu = tf.tensor2d([[0.3, -1]]),
      logVar = tf.tensor2d([[0.2, -0.6]]);
    const z = reparameterize(mu, logVar, new Rng(8)).dataSync();
    const [dMu, dLogVar] = tf.grads((m: tf.Tensor, lv: tf.Tensor) =>
      tf.sum(reparameterize(m as tf.Tensor2D, lv as tf.Tensor2D, new Rng(8))),
    )([mu, logVar]);
    expect(Array.from(dMu.dataSync())).toEqual([1, 1]);
    const d = dLogVar.dataSync();
    expect(d[0]).toBeCloseTo(0.5 * (z[0] - 0.3), 5);
    expect(d[1]).toBeCloseTo(0.5 * (z[1] + 1), 5);
  });
});
