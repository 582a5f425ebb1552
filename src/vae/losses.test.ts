import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { withoutFastPath } from "../engine/install";
import { bernoulliNll, elbo, gaussianKl, gaussianKlPerDim, mse } from "./losses";
import { Rng } from "./random";
import { gradCheck } from "../testing/gradcheck";

const t2 = (rows: number[][]) => tf.tensor2d(rows);
const val = (t: tf.Tensor) => Array.from(t.dataSync());

describe("gaussianKl", () => {
  it("is zero when mu = 0 and logVar = 0", () => {
    expect(val(gaussianKl(tf.zeros([3, 4]), tf.zeros([3, 4])))).toEqual([0, 0, 0]);
  });

  it("is one half per dimension when mu = 1 and logVar = 0", () => {
    const kl = gaussianKl(tf.ones([2, 3]), tf.zeros([2, 3]));
    for (const v of val(kl)) expect(v).toBeCloseTo(1.5, 6);
  });

  it("matches ½(mu² + σ² − log σ² − 1) elementwise", () => {
    const mu = [0.3, -1.2],
      logVar = [-0.7, 0.4];
    const got = val(gaussianKlPerDim(t2([mu]), t2([logVar])));
    mu.forEach((m, i) => expect(got[i]).toBeCloseTo(0.5 * (m * m + Math.exp(logVar[i]) - logVar[i] - 1), 6));
  });

  it("agrees with a Monte-Carlo estimate of E_q[log q(z) − log p(z)]", () => {
    const mu = [0.8, -0.5, 1.5],
      logVar = [-1.0, 0.5, 0.2];
    const rng = new Rng(11);
    const n = 200_000;
    let sum = 0;
    for (let s = 0; s < n; s++) {
      for (let j = 0; j < mu.length; j++) {
        const sigma = Math.exp(0.5 * logVar[j]);
        const eps = rng.normal();
        const z = mu[j] + sigma * eps;
        const logQ = -0.5 * Math.log(2 * Math.PI) - 0.5 * logVar[j] - 0.5 * eps * eps;
        const logP = -0.5 * Math.log(2 * Math.PI) - 0.5 * z * z;
        sum += logQ - logP;
      }
    }
    const mc = sum / n;
    const closed = val(gaussianKl(t2([mu]), t2([logVar])))[0];
    expect(Math.abs(mc - closed)).toBeLessThan(0.02); // MC standard error here is ~0.004
  });

  it("has gradients that match finite differences", () => {
    const mu = t2([
      [0.3, -0.8],
      [1.1, 0.2],
    ]);
    const logVar = t2([
      [-0.5, 0.4],
      [0.1, -1.3],
    ]);
    const f = (m: tf.Tensor, lv: tf.Tensor) => tf.sum(gaussianKl(m as tf.Tensor2D, lv as tf.Tensor2D)) as tf.Scalar;
    expect(gradCheck(f, [mu, logVar], 0).maxAbsError).toBeLessThan(2e-3);
    expect(gradCheck(f, [mu, logVar], 1).maxAbsError).toBeLessThan(2e-3);
  });
});

describe("mse", () => {
  it("averages squared errors over every element", () => {
    expect(
      mse(
        t2([
          [0, 0],
          [1, 1],
        ]),
        t2([
          [1, 3],
          [1, 1],
        ]),
      ).dataSync()[0],
    ).toBeCloseTo(10 / 4, 6);
  });

  it("has gradients that match finite differences", () => {
    const x = t2([[0.2, -0.4, 0.9]]),
      xHat = t2([[0.5, 0.1, -0.3]]);
    expect(gradCheck((a, b) => mse(a, b), [x, xHat], 1).maxAbsError).toBeLessThan(2e-3);
  });
});

describe("bernoulliNll", () => {
  it("equals −[x log σ(l) + (1−x) log(1−σ(l))] summed over pixels", () => {
    const x = [0, 0.3, 1],
      l = [-2, 0.5, 3];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const expected = x.reduce((s, xi, i) => s - (xi * Math.log(sig(l[i])) + (1 - xi) * Math.log(1 - sig(l[i]))), 0);
    expect(val(bernoulliNll(t2([x]), t2([l])))[0]).toBeCloseTo(expected, 5);
  });

  it("stays finite and exact for extreme logits", () => {
    const got = val(bernoulliNll(t2([[1, 0, 1, 0]]), t2([[200, -200, -200, 200]])));
    expect(got[0]).toBeCloseTo(400, 3); // the two wrong-way pixels cost 200 nats each
  });

  it("gives the core's values and gradients on the engine's fast path", () => {
    const x = tf.randomUniform([16, 50], 0, 1, "float32", 21) as tf.Tensor2D;
    const l = tf.randomNormal([16, 50], 0, 5, "float32", 22) as tf.Tensor2D;
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(bernoulliNll(a as tf.Tensor2D, b as tf.Tensor2D));
    const fast = [bernoulliNll(x, l), ...tf.grads(f)([x, l])];
    const core = withoutFastPath(() => [bernoulliNll(x, l), ...tf.grads(f)([x, l])]);
    for (let k = 0; k < 3; k++) {
      const diff = tf.tidy(
        () => tf.max(tf.abs(tf.sub(fast[k], core[k]))).dataSync()[0] / tf.max(tf.abs(core[k])).dataSync()[0],
      );
      expect(diff).toBeLessThan(1e-5);
    }
    tf.dispose([x, l, ...fast, ...core]);
  });

  it("has gradients that match finite differences", () => {
    const x = t2([[0, 0.25, 1, 0.6]]),
      logits = t2([[-1.5, 0.3, 2.2, -0.4]]);
    const f = (a: tf.Tensor, l: tf.Tensor) => tf.sum(bernoulliNll(a as tf.Tensor2D, l as tf.Tensor2D)) as tf.Scalar;
    expect(gradCheck(f, [x, logits], 1).maxAbsError).toBeLessThan(2e-3);
  });
});

describe("elbo", () => {
  const x = t2([
    [0, 1, 1, 0],
    [1, 1, 0, 0],
  ]);
  const logits = t2([
    [-1, 2, 0.5, -0.3],
    [0.2, 1, -2, -1],
  ]);
  const mu = t2([
    [0.5, -0.5],
    [1, 0],
  ]);
  const logVar = t2([
    [0, -1],
    [0.5, 0],
  ]);

  it("returns total = recon + β·kl", () => {
    const p = elbo(x, logits, mu, logVar, { likelihood: "bernoulli", reduction: "sum", beta: 4 });
    expect(p.total.dataSync()[0]).toBeCloseTo(p.recon.dataSync()[0] + 4 * p.kl.dataSync()[0], 4);
  });

  it("sums over pixels and latent dimensions and averages over the batch with reduction 'sum'", () => {
    const p = elbo(x, logits, mu, logVar, { likelihood: "bernoulli", reduction: "sum" });
    const recon = val(bernoulliNll(x, logits)),
      kl = val(gaussianKl(mu, logVar));
    expect(p.recon.dataSync()[0]).toBeCloseTo((recon[0] + recon[1]) / 2, 5);
    expect(p.kl.dataSync()[0]).toBeCloseTo((kl[0] + kl[1]) / 2, 5);
  });

  it("averages over every element with reduction 'mean' (the Swiss-roll lesson)", () => {
    const p = elbo(x, logits, mu, logVar, { likelihood: "gaussian", reduction: "mean" });
    expect(p.recon.dataSync()[0]).toBeCloseTo(mse(x, logits).dataSync()[0], 6);
    const kl = val(gaussianKl(mu, logVar));
    expect(p.kl.dataSync()[0]).toBeCloseTo((kl[0] + kl[1]) / 4, 6); // 2 examples × 2 dimensions
  });

  it("has total gradients that match finite differences for every input", () => {
    for (const likelihood of ["gaussian", "bernoulli"] as const) {
      for (const reduction of ["mean", "sum"] as const) {
        const f = (o: tf.Tensor, m: tf.Tensor, lv: tf.Tensor) =>
          elbo(x, o as tf.Tensor2D, m as tf.Tensor2D, lv as tf.Tensor2D, { likelihood, reduction, beta: 0.5 }).total;
        for (const k of [0, 1, 2]) expect(gradCheck(f, [logits, mu, logVar], k).maxAbsError).toBeLessThan(3e-3);
      }
    }
  });

  it("rejects a negative beta", () => {
    expect(() => elbo(x, logits, mu, logVar, { likelihood: "bernoulli", reduction: "sum", beta: -1 })).toThrow(/beta/);
  });
});
