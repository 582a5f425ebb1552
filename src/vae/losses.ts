/**
 * The VAE's loss: the negative evidence lower bound (Kingma & Welling 2014, eq. 10),
 *
 *   ℒ = ℒ_recon + β·KL(q(z|x) ‖ N(0, I)),   KL = ½ Σ_j (mu_j² + σ_j² − log σ_j² − 1).
 *
 * β = 1 is the plain VAE; β ≠ 1 is the β-VAE of Higgins et al. (2017).
 *
 * Two reductions, one per lesson:
 * - "mean" (lesson 1, Swiss roll, as the original PyTorch lesson): every term is a mean over all of
 *   its elements — MSE averaged over batch × coordinates, KL averaged over batch × latent dimensions.
 *   With as many coordinates as latent dimensions (2 and 2) both means divide by the same count, so
 *   the reduction only rescales the loss. Lesson 1's small β has another reason: squared error is
 *   the −log-likelihood of a Gaussian decoder, ‖x − x̂‖²/(2s²) + const, and recon + β·KL (per point,
 *   summed) is the plain ELBO of a decoder with 2s² = β. β = 0.01 assumes noise s ≈ 0.07, right
 *   for points on the roll; β = 1 would assume s ≈ 0.7, as large as the roll itself.
 * - "sum" (lesson 2, MNIST, as published MNIST results): reconstruction summed over pixels and KL
 *   summed over latent dimensions, both averaged over the batch — nats per image.
 */
import * as tf from "@tensorflow/tfjs";
import { fastPath } from "../engine/fastPath";

export type Reduction = "mean" | "sum";

/**
 * Mean squared error over all elements.
 *
 * @example
 * mse(tf.tensor2d([[0, 0]]), tf.tensor2d([[1, 3]])); //=> 5
 */
export function mse(x: tf.Tensor, xHat: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(x, xHat)) as tf.Scalar);
}

/**
 * Bernoulli negative log-likelihood of targets x ∈ [0, 1] under logits l, per element:
 * −[x·log σ(l) + (1−x)·log(1−σ(l))] = max(l, 0) − l·x + log(1 + e^(−|l|)),
 * the stable form (never takes log of 0, never overflows exp). Returns [batch] — summed over pixels.
 *
 * @example
 * bernoulliNll(tf.tensor2d([[1]]), tf.tensor2d([[0]])); //=> [log 2 ≈ 0.6931]
 */
export function bernoulliNll(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  // The fast path: one kernel each way where the native addon runs (src/engine/nativeLosses.ts).
  const fused = fastPath.hooks?.bernoulliNll(x, logits);
  if (fused) return fused;
  return tf.tidy(() => {
    const perPixel = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.sum(perPixel, 1) as tf.Tensor1D; // [batch]
  });
}

/**
 * Closed-form KL(N(mu, σ²) ‖ N(0, 1)) per element: ½(mu² + e^logVar − logVar − 1). Shape as mu.
 *
 * @example
 * gaussianKlPerDim(tf.tensor2d([[1]]), tf.tensor2d([[0]])); //=> [[0.5]]
 */
export function gaussianKlPerDim(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(0.5, tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), logVar), 1)) as tf.Tensor2D);
}

/** KL summed over latent dimensions: [batch]. */
export function gaussianKl(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(gaussianKlPerDim(mu, logVar), 1) as tf.Tensor1D);
}

export interface ElboParts {
  /** recon + β·kl: the quantity to minimise. */
  total: tf.Scalar;
  recon: tf.Scalar;
  kl: tf.Scalar;
}

export interface ElboOptions {
  likelihood: "gaussian" | "bernoulli";
  reduction: Reduction;
  /** Weight of the KL term (default 1). */
  beta?: number;
}

/**
 * The negative ELBO and its parts. `out` is xHat for a Gaussian likelihood, logits for a Bernoulli.
 * With β = 1 and reduction "sum", `total` is the negative ELBO in nats per example for a Bernoulli
 * likelihood. For a Gaussian one, `recon` is the summed squared error ‖x − x̂‖², which is TWICE
 * −log N(x; x̂, I) = ½‖x − x̂‖² + (D/2)·log 2π, minus the constant: the negative ELBO of a decoder with
 * variance ½ (see the module comment on β).
 */
export function elbo(
  x: tf.Tensor2D,
  out: tf.Tensor2D,
  mu: tf.Tensor2D,
  logVar: tf.Tensor2D,
  options: ElboOptions,
): ElboParts {
  const beta = options.beta ?? 1;
  if (!Number.isFinite(beta) || beta < 0) throw new Error(`elbo: beta must be a finite number ≥ 0, got ${beta}.`);
  // The fast path: the whole loss as one kernel each way (src/engine/fusedElbo.ts).
  const fused = fastPath.hooks?.elbo(x, out, mu, logVar, { ...options, beta });
  if (fused) return fused;
  return tf.tidy(() => {
    let recon: tf.Scalar;
    let kl: tf.Scalar;
    if (options.reduction === "mean") {
      recon =
        options.likelihood === "gaussian"
          ? mse(x, out)
          : (tf.div(tf.mean(bernoulliNll(x, out)), x.shape[1]) as tf.Scalar);
      kl = tf.mean(gaussianKlPerDim(mu, logVar)) as tf.Scalar;
    } else {
      recon =
        options.likelihood === "gaussian"
          ? (tf.mean(tf.sum(tf.squaredDifference(x, out), 1)) as tf.Scalar)
          : (tf.mean(bernoulliNll(x, out)) as tf.Scalar);
      kl = tf.mean(gaussianKl(mu, logVar)) as tf.Scalar;
    }
    const total = tf.add(recon, tf.mul(beta, kl)) as tf.Scalar;
    return { total, recon, kl };
  });
}
