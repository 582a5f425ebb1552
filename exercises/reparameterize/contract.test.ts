import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { randn } from "../../src/vae/reparameterize";
import { defaultRng } from "../../src/vae/random";
import { check } from "../check";
import type { ReparameterizeFn } from "./contract";

const z = (mu: tf.Tensor2D, sigma: tf.Tensor, eps: tf.Tensor) => tf.add(mu, tf.mul(sigma, eps)) as tf.Tensor2D;

describe("reparameterize checks", () => {
  it("accept honest alternative implementations", () => {
    const alternatives: ReparameterizeFn[] = [
      (mu, logVar) => z(mu, tf.exp(tf.div(logVar, 2)), randn(mu.shape)),
      (mu, logVar) => z(mu, tf.sqrt(tf.exp(logVar)), randn(logVar.shape)),
      (mu, logVar) => mu.add(logVar.mul(0.5).exp().mul(tf.randomNormal(logVar.shape))) as tf.Tensor2D, // unseeded
      (mu, logVar) =>
        tf.tidy(() =>
          z(mu, tf.pow(tf.exp(logVar), 0.5), tf.randomNormal(mu.shape, 0, 1, "float32", defaultRng().tfSeed())),
        ),
      (mu, logVar) => tf.addN([mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), randn(mu.shape))]) as tf.Tensor2D,
    ];
    for (const fn of alternatives) {
      const r = check("reparameterize", fn);
      expect(r.checks.filter((c) => !c.passed)).toEqual([]);
    }
  });

  it("give other forms of a catalogued mistake its hint", () => {
    const cases: [string, ReparameterizeFn][] = [
      ["fixed-eps", (mu, logVar) => z(mu, tf.exp(tf.mul(0.5, logVar)), tf.onesLike(mu))], // a constant eps
      ["eps-wrong-shape", (mu, logVar) => z(mu, tf.exp(tf.mul(0.5, logVar)), randn([mu.shape[1]]))], // one eps per latent dimension
      ["eps-wrong-shape", (mu, logVar) => z(mu, tf.exp(tf.mul(0.5, logVar)), randn([mu.shape[0], 1]))], // one eps per row
      ["sigma-is-exp-logvar", (mu, logVar) => z(mu, tf.square(tf.exp(tf.mul(0.5, logVar))), randn(mu.shape))],
      ["uniform-eps", (mu, logVar) => z(mu, tf.exp(tf.mul(0.5, logVar)), tf.randomUniform(mu.shape, -1, 1))],
      [
        "gradients-blocked",
        (mu, logVar) => z(mu, tf.tensor(tf.exp(tf.mul(0.5, logVar)).dataSync(), mu.shape), randn(mu.shape)),
      ], // sigma read back
    ];
    for (const [id, fn] of cases) expect(check("reparameterize", fn).mistakeId, id).toBe(id);
  });

  it("catch gradients blocked through dataSync, naming the input no gradient reaches", () => {
    const r = check("reparameterize", (mu: tf.Tensor2D, logVar: tf.Tensor2D) =>
      z(mu, tf.tensor(tf.exp(tf.mul(0.5, logVar)).dataSync(), mu.shape), randn(mu.shape)),
    );
    expect(r.checks.find((c) => !c.passed)?.message).toMatch(
      /^no gradient reaches logVar: build z from mu and logVar with tf operations only/,
    );
  });

  it("name a wrong return type, shape, dtype or NaN plainly", () => {
    const first = (fn: unknown) => check("reparameterize", fn).checks[0].message;
    expect(first(() => [1, 2])).toBe("z should be a tensor, but is an array of 2 items.");
    expect(first((mu: tf.Tensor2D) => tf.sum(mu, 1))).toBe(
      "z should have shape [4, 3] (the shape of mu), but has shape [4].",
    );
    expect(first((mu: tf.Tensor2D) => tf.cast(mu, "int32"))).toBe("z should be a float32 tensor, but is int32.");
    expect(first((mu: tf.Tensor2D, logVar: tf.Tensor2D) => z(mu, tf.sqrt(logVar), randn(mu.shape)))).toMatch(
      /^z contains NaN or Infinity for mu = 0, logVar = -0.7/,
    );
    expect(
      first((mu: tf.Tensor2D) => {
        const t = tf.clone(mu);
        t.dispose();
        return t;
      }),
    ).toMatch(/already disposed/);
  });

  it("report a repeated failure once, then refer back to it", () => {
    const r = check("reparameterize", () => 7);
    expect(r.checks[0].message).toBe("z should be a tensor, but is the number 7.");
    expect(r.checks[2].message).toBe(
      'fails for the same reason as "returns a float32 tensor shaped like mu, without NaN".',
    );
  });
  it("give an all-NaN z no hint about eps's shape, and half the variance the hint of its own mistake", () => {
    const nan = check("reparameterize", (mu: tf.Tensor2D) => tf.fill(mu.shape, NaN) as tf.Tensor2D);
    expect(nan.passed).toBe(false);
    expect(nan.mistakeId).not.toBe("eps-wrong-shape");
    const halfVariance = check(
      "reparameterize",
      (mu: tf.Tensor2D, logVar: tf.Tensor2D) =>
        tf.add(mu, tf.mul(tf.div(tf.exp(logVar), 2), randn(mu.shape))) as tf.Tensor2D,
    );
    expect(halfVariance.mistakeId).toBe("sigma-half-exp");
  });
});
