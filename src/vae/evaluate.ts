/**
 * Held-out evaluation: the mean negative ELBO and its parts over a whole dataset, batched.
 * One sample of z per example (the same single-sample estimate the training loss uses), seeded.
 */
import * as tf from "@tensorflow/tfjs";
import { elbo, type Reduction } from "./losses";
import type { Vae } from "./types";
import { forward } from "./vae";
import { Rng } from "./random";
import type { LossValues } from "./train";

export interface EvaluateOptions {
  reduction: Reduction;
  /** Weight of KL in `total` (default 1: the plain negative ELBO). */
  beta?: number;
  batchSize?: number;
  seed?: number;
}

/**
 * Mean losses per example over `n` rows of `dim` values.
 *
 * @example
 * evaluate(model, test.images, test.n, 784, { reduction: "sum" }); //=> { total: 151.2, recon: 145.9, kl: 5.3 } (nats per image)
 */
export function evaluate(model: Vae, rows: Float32Array, n: number, dim: number, options: EvaluateOptions): LossValues {
  if (rows.length !== n * dim)
    throw new Error(`evaluate: rows hold ${rows.length} values, expected n × dim = ${n * dim}.`);
  if (n < 1) throw new Error("evaluate: the dataset is empty.");
  const batchSize = options.batchSize ?? 500;
  const rng = new Rng(options.seed ?? 0);
  const sums = { total: 0, recon: 0, kl: 0 };
  for (let start = 0; start < n; start += batchSize) {
    const rowsInBatch = Math.min(batchSize, n - start);
    const parts = tf.tidy(() => {
      const x = tf.tensor2d(rows.subarray(start * dim, (start + rowsInBatch) * dim), [rowsInBatch, dim]);
      const f = forward(model, x, { rng });
      const l = elbo(x, f.out, f.mu, f.logVar, {
        likelihood: model.config.likelihood,
        reduction: options.reduction,
        beta: options.beta ?? 1,
      });
      return tf.stack([l.total, l.recon, l.kl]);
    });
    const [total, recon, kl] = parts.dataSync();
    parts.dispose();
    sums.total += total * rowsInBatch;
    sums.recon += recon * rowsInBatch;
    sums.kl += kl * rowsInBatch;
  }
  return { total: sums.total / n, recon: sums.recon / n, kl: sums.kl / n };
}
