/** A learner's loss (lesson 2): its fingerprint, and the warning for a collapsed posterior. */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../vae/random";
import type { LossValues } from "../vae/train";

/** A learner's ELBO: `elbo(x, logits, mu, logVar)` returning scalar tensors (lesson 2's exercise). */
export type ElboFunction = (
  x: tf.Tensor2D,
  logits: tf.Tensor2D,
  mu: tf.Tensor2D,
  logVar: tf.Tensor2D,
) => { total: tf.Tensor; recon: tf.Tensor; kl: tf.Tensor };

/**
 * What an ELBO function computes, as numbers: its { total, recon, kl } on fixed inputs (4 images of
 * 784 pixels, latent codes of 3 dimensions, drawn from a fixed seed). Two functions with the same
 * signature (within `signaturesDiffer`'s tolerance) train the same model.
 */
export function elboSignature(elbo: ElboFunction): number[] {
  const rng = new Rng(20240601);
  const draw = (n: number, f: () => number) => Float32Array.from({ length: n }, f);
  return tf.tidy(() => {
    const x = tf.tensor2d(
      draw(4 * 784, () => (rng.uniform() < 0.2 ? rng.uniform() : 0)),
      [4, 784],
    ); // [4, 784], mostly background like a digit
    const logits = tf.tensor2d(
      draw(4 * 784, () => 3 * rng.normal()),
      [4, 784],
    );
    const mu = tf.tensor2d(
      draw(12, () => rng.normal()),
      [4, 3],
    );
    const logVar = tf.tensor2d(
      draw(12, () => 0.5 * rng.normal()),
      [4, 3],
    );
    const out = elbo(x, logits, mu, logVar);
    return [out.total, out.recon, out.kl].map((t) => Number(t.dataSync()[0]));
  });
}

/** Whether two loss signatures come from different losses (float32 sums differ by ~1e-6 relative). */
export function signaturesDiffer(a: readonly number[], b: readonly number[]): boolean {
  return a.length !== b.length || a.some((v, i) => !(Math.abs(v - b[i]) <= 1e-3 * Math.max(1, Math.abs(b[i]))));
}

/**
 * A plain warning when a model's KL is about 0: POSTERIOR COLLAPSE (every code z is the prior's, the
 * decoder ignores it and draws the average digit); undefined for a healthy model.
 */
export function posteriorCollapseWarning(heldOut: LossValues, fix: string): string | undefined {
  if (!(heldOut.kl < 0.5)) return undefined;
  return (
    `⚠ POSTERIOR COLLAPSE: the held-out KL is ${heldOut.kl.toFixed(2)} nats, so q(z|x) is the prior for every image: ` +
    `the codes carry no information and the decoder draws the same average digit whatever z is. ` +
    `With a correct elbo and β = 1 this model's KL is several nats. Check the KL term of your elbo (its sign, the sum over latent dimensions, exp(logVar)), then ${fix}.`
  );
}
