/**
 * The reparameterization trick (Kingma & Welling 2014, §2.4): z = mu + sigma·eps with
 * sigma = exp(½·logVar) and eps ~ N(0, I). Sampling becomes a differentiable function of (mu, logVar),
 * with ∂z/∂mu = 1 and ∂z/∂logVar = ½·sigma·eps = ½(z − mu).
 */
import * as tf from "@tensorflow/tfjs";
import { fastPath } from "../engine/fastPath";
import { defaultRng, type Rng } from "./random";

/** eps ~ N(0, I) of the given shape, drawn from `rng` (the notebook's seeded stream by default). */
export function randn(shape: number[], rng: Rng = defaultRng()): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, "float32", rng.tfSeed());
}

/**
 * z = mu + exp(½·logVar)·eps.
 *
 * @example
 * reparameterize(tf.zeros([1, 2]), tf.fill([1, 2], -100)); //=> ≈ [[0, 0]] (sigma ≈ 0)
 */
export function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D, rng: Rng = defaultRng()): tf.Tensor2D {
  return tf.tidy(() => {
    const eps = randn(logVar.shape, rng); // [batch, latentDim]
    // The fast path: one kernel each way, same eps (src/engine/fusedReparameterize.ts).
    const fused = fastPath.hooks?.reparameterize(mu, logVar, eps);
    if (fused) return fused;
    const sigma = tf.exp(tf.mul(0.5, logVar)); // [batch, latentDim]
    return tf.add(mu, tf.mul(sigma, eps)) as tf.Tensor2D;
  });
}
