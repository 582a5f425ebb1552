import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { elbo, gaussianKlPerDim } from "../../src/vae/losses";
import { randn } from "../../src/vae/reparameterize";
import type { Vae } from "../../src/vae/types";
import { forward } from "../../src/vae/vae";
import { Rng } from "../../src/vae/random";
import { check } from "../check";
import type { ComputeVaeLossFn } from "./contract";

const learnersReparameterize = (mu: tf.Tensor2D, logVar: tf.Tensor2D) =>
  tf.add(mu, tf.mul(tf.exp(tf.div(logVar, 2)), randn(mu.shape))) as tf.Tensor2D;

describe("computeVaeLoss checks", () => {
  it("accept honest alternative implementations", () => {
    const alternatives: ComputeVaeLossFn[] = [
      // the notebook's solution, with the learner's own reparameterize
      (model: Vae, x, beta) => {
        const { mu, logVar } = model.encode(x);
        const xHat = model.decode(learnersReparameterize(mu, logVar));
        const recon = tf.mean(tf.square(tf.sub(x, xHat)));
        const kl = tf.mean(tf.mul(-0.5, tf.sub(tf.sub(tf.add(1, logVar), tf.square(mu)), tf.exp(logVar))));
        return { recon, kl, total: tf.add(recon, tf.mul(beta, kl)) };
      },
      // the library's pieces, through forward() with the learner's function
      (model, x, beta) => {
        const { mu, logVar, out } = forward(model, x, { rng: new Rng(1), reparameterize: learnersReparameterize });
        return { ...elbo(x, out, mu, logVar, { likelihood: "gaussian", reduction: "mean", beta }) };
      },
      // tf.losses and chained methods
      (model, x, beta) =>
        tf.tidy(() => {
          const { mu, logVar } = model.encode(x);
          const recon = tf.losses.meanSquaredError(x, model.decode(learnersReparameterize(mu, logVar)));
          const kl = gaussianKlPerDim(mu, logVar).mean();
          return { recon, kl, total: recon.add(kl.mul(beta)) };
        }),
    ];
    for (const fn of alternatives) expect(check("computeVaeLoss", fn).checks.filter((c) => !c.passed)).toEqual([]);
  });

  it("name missing fields, plain numbers and non-scalars", () => {
    const first = (fn: unknown) => check("computeVaeLoss", fn).checks[0].message;
    expect(first(() => ({ total: tf.scalar(1), recon: tf.scalar(1) }))).toBe(
      'the result has no "kl": return { total, recon, kl }.',
    );
    expect(first(() => ({ total: 1, recon: tf.scalar(1), kl: tf.scalar(0) }))).toMatch(
      /^total should be a scalar tensor, but is the plain number 1: keep it a tensor/,
    );
    expect(first(() => ({ total: tf.ones([5]), recon: tf.scalar(1), kl: tf.scalar(0) }))).toMatch(
      /^total should be a scalar \(one number\), but has shape \[5\]/,
    );
    expect(first(() => [tf.scalar(1)])).toBe(
      "computeVaeLoss should return { total, recon, kl }, but returned an array of 1 items.",
    );
  });

  it("point at reparameterize when recon is off because z is", () => {
    const r = check("computeVaeLoss", (model: Vae, x: tf.Tensor2D, beta: number) => {
      const { mu, logVar } = model.encode(x);
      const xHat = model.decode(tf.add(mu, tf.mul(logVar, randn(mu.shape))) as tf.Tensor2D); // logVar used as sigma
      const recon = tf.mean(tf.squaredDifference(x, xHat)),
        kl = tf.mean(gaussianKlPerDim(mu, logVar));
      return { recon, kl, total: tf.add(recon, tf.mul(beta, kl)) };
    });
    expect(r.checks[1].message).toMatch(/It uses your reparameterize: make sure its check passes first/);
  });
});
