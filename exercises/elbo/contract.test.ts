import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { check } from "../check";
import type { ElboFn } from "./contract";

const kl = (mu: tf.Tensor, logVar: tf.Tensor) =>
  tf.mean(tf.sum(tf.mul(-0.5, tf.sub(tf.sub(tf.add(1, logVar), tf.square(mu)), tf.exp(logVar))), 1));

describe("elbo checks", () => {
  it("accept honest alternative implementations", () => {
    const alternatives: ElboFn[] = [
      // softplus(l) − l·x, tfjs's softplus being stable
      (x, logits, mu, logVar) => {
        const recon = tf.mean(tf.sum(tf.sub(tf.softplus(logits), tf.mul(logits, x)), 1)),
          k = kl(mu, logVar);
        return { recon, kl: k, total: tf.add(recon, k) };
      },
      // tf.losses.sigmoidCrossEntropy per element, summed over pixels
      (x, logits, mu, logVar) => {
        const perPixel = tf.losses.sigmoidCrossEntropy(x, logits, undefined, 0, tf.Reduction.NONE);
        const recon = tf.mean(tf.sum(perPixel, 1)),
          k = kl(mu, logVar);
        return { recon, kl: k, total: recon.add(k) };
      },
    ];
    for (const fn of alternatives) expect(check("elbo", fn).checks.filter((c) => !c.passed)).toEqual([]);
  });

  it("explains the stable form when confident logits give Infinity or NaN", () => {
    const r = check("elbo", (x: tf.Tensor2D, logits: tf.Tensor2D, mu: tf.Tensor2D, logVar: tf.Tensor2D) => {
      const p = tf.sigmoid(logits);
      const recon = tf.mean(
        tf.sum(tf.neg(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p))))), 1),
      );
      const k = kl(mu, logVar);
      return { recon, kl: k, total: tf.add(recon, k) };
    });
    expect(r.checks.find((c) => c.name.startsWith("stays finite"))?.message).toMatch(
      /Compute it from the logits stably: max\(l, 0\) − l·x \+ log\(1 \+ exp\(−\|l\|\)\)/,
    );
    expect(r.mistakeId).toBe("naive-bce");
  });
});
