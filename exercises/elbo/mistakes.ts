/**
 * Wrong answers learners write for lesson 2's `elbo` (sums over pixels and latent dimensions, mean
 * over the batch), each built from the right pieces with one thing changed. A detector recognises a
 * mistake when the learner's elbo gives the same numbers as its implementation on both fixed batches.
 */
import * as tf from "@tensorflow/tfjs";
import { bernoulliNll, gaussianKlPerDim } from "../../src/vae/losses";
import type { ElboFn, ElboResult, ElboSeen } from "./contract";
import type { Mistake } from "../types";
import { near, type LossValues } from "../util";

type M = Mistake<ElboFn, ElboSeen>;
type Pieces = { x: tf.Tensor2D; logits: tf.Tensor2D; klPerDim: tf.Tensor2D; bcePerPixel: tf.Tensor2D };

function variant(make: (p: Pieces) => { recon: tf.Tensor; kl: tf.Tensor }): ElboFn {
  return (x, logits, mu, logVar) =>
    tf.tidy(() => {
      // The stable per-pixel Bernoulli NLL: max(l, 0) − l·x + log(1 + exp(−|l|)).
      const bcePerPixel = tf.add(
        tf.sub(tf.relu(logits), tf.mul(logits, x)),
        tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
      ) as tf.Tensor2D;
      const { recon, kl } = make({ x, logits, klPerDim: gaussianKlPerDim(mu, logVar), bcePerPixel });
      return { recon, kl, total: tf.add(recon, kl) } as ElboResult;
    });
}
/** Summed over axis 1 (pixels / latent dimensions), averaged over the batch: the right reduction. */
const perExample = (t: tf.Tensor) => tf.mean(tf.sum(t, 1));
const rightKl = (p: Pieces) => perExample(p.klPerDim);
const rightRecon = (p: Pieces) => tf.mean(bernoulliNll(p.x, p.logits));

const same = (a: LossValues, b: LossValues) =>
  (["total", "recon", "kl"] as const).every((k) => near(a[k], b[k], 1e-4, 1e-3));
function mistake(id: string, description: string, hint: string, implementation: ElboFn): M {
  return {
    id,
    description,
    hint,
    implementation,
    needs: ["small", "big"],
    detect: (s, own) => same(s.small, own.small) && same(s.big, own.big),
  };
}

export const elboMistakes: M[] = [
  mistake(
    "recon-mean-over-pixels",
    "reconstruction averaged over pixels instead of summed",
    "Sum the reconstruction term over the pixels, then average over the batch: an image's log-likelihood is the sum of its pixels'. A mean over pixels makes recon 784 times too small on MNIST, and the KL takes over.",
    variant((p) => ({ recon: tf.mean(p.bcePerPixel), kl: rightKl(p) })),
  ),
  mistake(
    "kl-mean-over-dims",
    "KL averaged over latent dimensions instead of summed",
    "Sum kl over latentDim, then average over the batch: independent latent dimensions add their KLs. A mean over latentDim makes kl latentDim times too small.",
    variant((p) => ({ recon: rightRecon(p), kl: tf.mean(p.klPerDim) })),
  ),
  mistake(
    "batch-summed",
    "both terms summed over the batch instead of averaged",
    "Average over the batch after summing over pixels and latent dimensions: tf.mean(tf.sum(…, 1)). Summing over the batch as well makes the loss grow with the batch size.",
    variant((p) => ({ recon: tf.sum(p.bcePerPixel), kl: tf.sum(p.klPerDim) })),
  ),
  mistake(
    "recon-sign-flipped",
    "the log-likelihood instead of its negative",
    "Your recon is negative: it is the log-likelihood log p(x|z), and the loss needs its negative. Each pixel's term max(l, 0) − l·x + log(1 + exp(−|l|)) is ≥ 0; so is their sum.",
    variant((p) => ({ recon: tf.neg(tf.mean(tf.sum(p.bcePerPixel, 1))), kl: rightKl(p) })),
  ),
  mistake(
    "kl-sign-flipped",
    "KL with the wrong sign",
    "Your kl is negative, and a KL divergence never is. Check the sign: ½ Σ_j (mu² + exp(logVar) − logVar − 1), or equivalently −½ Σ_j (1 + logVar − mu² − exp(logVar)).",
    variant((p) => ({ recon: rightRecon(p), kl: tf.neg(rightKl(p)) })),
  ),
  mistake(
    "kl-half-dropped",
    "the ½ dropped from the KL",
    "Your kl is twice the right value: the closed form has a factor ½ in front, ½ Σ_j (mu² + exp(logVar) − logVar − 1).",
    variant((p) => ({ recon: rightRecon(p), kl: tf.mul(2, rightKl(p)) })),
  ),
  mistake(
    "sigmoid-twice",
    "logits passed through a sigmoid before a loss that expects logits",
    "The decoder returns logits: use them directly in the logits form of the loss, max(l, 0) − l·x + log(1 + exp(−|l|)). Applying tf.sigmoid first squashes them twice (you get the loss of sigmoid(sigmoid(l))).",
    variant((p) => ({ recon: tf.mean(bernoulliNll(p.x, tf.sigmoid(p.logits) as tf.Tensor2D)), kl: rightKl(p) })),
  ),
  mistake(
    "mse-not-bce",
    "squared error instead of the Bernoulli likelihood",
    "Lesson 2's decoder is Bernoulli: recon is the binary cross-entropy computed from the logits, not the squared error between x and sigmoid(logits).",
    variant((p) => ({ recon: perExample(tf.squaredDifference(p.x, tf.sigmoid(p.logits))), kl: rightKl(p) })),
  ),
  mistake(
    "naive-bce",
    "cross-entropy through log(sigmoid(logits)): NaN for confident logits",
    "Right for ordinary logits, but NaN or Infinity for confident ones: once sigmoid(l) rounds to 0 or 1, tf.log gives −Infinity. Compute recon from the logits in the stable form max(l, 0) − l·x + log(1 + exp(−|l|)).",
    variant((p) => {
      const q = tf.sigmoid(p.logits);
      const nll = tf.neg(tf.add(tf.mul(p.x, tf.log(q)), tf.mul(tf.sub(1, p.x), tf.log(tf.sub(1, q)))));
      return { recon: perExample(nll), kl: rightKl(p) };
    }),
  ),
];
