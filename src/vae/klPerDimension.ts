/**
 * How much each latent coordinate is used: the KL of q(z | x) from the prior N(0, I), per dimension,
 * averaged over a dataset. Summed over dimensions it is the KL term of the ELBO (Kingma & Welling,
 * "Auto-Encoding Variational Bayes", 2014, appendix B); per dimension it shows which coordinates carry
 * information about x (a KL near 0: the dimension is the prior for every image, the decoder ignores
 * it), as in Burda, Grosse & Salakhutdinov, "Importance Weighted Autoencoders" (2016), §5.2, and
 * Higgins et al., "β-VAE" (2017).
 */
import * as tf from "@tensorflow/tfjs";
import { gaussianKlPerDim } from "./losses";
import type { Vae } from "./types";

/**
 * Mean KL per latent dimension over `n` rows of `dim` values, in nats per example: entry j is
 * ½ · mean over rows of (mu_j² + σ_j² − log σ_j² − 1). Runs the encoder in batches inside `tf.tidy`.
 *
 * @example
 * klPerDimension(model, test.images, test.n, 784); //=> [3.1, 2.8] for a 2-D MNIST VAE at β = 1
 */
export function klPerDimension(model: Vae, rows: Float32Array, n: number, dim: number, batchSize = 512): number[] {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`klPerDimension: n must be a whole number ≥ 1, got ${n}.`);
  if (rows.length !== n * dim)
    throw new Error(`klPerDimension: rows hold ${rows.length} values, expected n × dim = ${n} × ${dim} = ${n * dim}.`);
  const latentDim = model.config.latentDim;
  const sums = new Float64Array(latentDim);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const batchSums = tf.tidy(() => {
      const { mu, logVar } = model.encode(tf.tensor2d(rows.subarray(start * dim, (start + m) * dim), [m, dim])); // [m, latentDim] each
      return tf.sum(gaussianKlPerDim(mu, logVar), 0); // [latentDim]
    });
    batchSums.dataSync().forEach((v, j) => (sums[j] += v));
    batchSums.dispose();
  }
  return Array.from(sums, (s) => s / n);
}
