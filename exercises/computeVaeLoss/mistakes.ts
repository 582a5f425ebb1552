/**
 * Wrong answers learners write for `computeVaeLoss` (lesson 1: means over elements), each built from
 * the right pieces with one thing changed. A detector recognises a mistake when the learner's loss
 * gives the same numbers as its implementation on every deterministic probe.
 */
import * as tf from "@tensorflow/tfjs";
import { gaussianKlPerDim } from "../../src/vae/losses";
import { reparameterize } from "../../src/vae/reparameterize";
import type { ComputeVaeLossFn, ComputeVaeLossSeen, LossParts } from "./contract";
import type { Mistake } from "../types";
import { near, type LossValues } from "../util";

type M = Mistake<ComputeVaeLossFn, ComputeVaeLossSeen>;
type Pieces = {
  x: tf.Tensor2D;
  xHat: tf.Tensor2D;
  mu: tf.Tensor2D;
  logVar: tf.Tensor2D;
  klPerDim: tf.Tensor2D;
  beta: number;
};

/** A loss from the right pieces (forward pass, per-element KL), combined by `make`. */
function variant(
  make: (p: Pieces) => { recon: tf.Tensor; kl: tf.Tensor; total?: tf.Tensor },
  decodeMu = false,
): ComputeVaeLossFn {
  return (model, x, beta) =>
    tf.tidy(() => {
      const { mu, logVar } = model.encode(x);
      const xHat = model.decode(decodeMu ? mu : reparameterize(mu, logVar));
      const { recon, kl, total } = make({ x, xHat, mu, logVar, klPerDim: gaussianKlPerDim(mu, logVar), beta });
      return { recon, kl, total: total ?? tf.add(recon, tf.mul(beta, kl)) } as LossParts;
    });
}
const mse = (p: Pieces) => tf.mean(tf.squaredDifference(p.x, p.xHat));

const same = (a: LossValues, b: LossValues) => near(a.total, b.total) && near(a.recon, b.recon) && near(a.kl, b.kl);
/** Same numbers as the mistake's own implementation on every deterministic probe. */
const behavesLikeOwn = (s: ComputeVaeLossSeen, own: ComputeVaeLossSeen) =>
  same(s.sharp, own.sharp) &&
  same(s.sharpBeta4, own.sharpBeta4) &&
  near(s.wide.kl, own.wide.kl) &&
  near(s.prior.kl, own.prior.kl);
const valueNeeds: (keyof ComputeVaeLossSeen)[] = ["sharp", "sharpBeta4", "wide", "prior"];

function mistake(id: string, description: string, hint: string, implementation: ComputeVaeLossFn): M {
  return { id, description, hint, implementation, needs: valueNeeds, detect: behavesLikeOwn };
}

export const computeVaeLossMistakes: M[] = [
  mistake(
    "kl-sign-flipped",
    "KL with the wrong sign",
    "Your kl is negative, and a KL divergence never is. Check the sign: kl = ½(mu² + exp(logVar) − logVar − 1), or equivalently −½(1 + logVar − mu² − exp(logVar)).",
    variant((p) => ({ recon: mse(p), kl: tf.neg(tf.mean(p.klPerDim)) })),
  ),
  mistake(
    "kl-half-dropped",
    "the ½ dropped from the KL",
    "Your kl is twice the right value: the closed form has a factor ½ in front, ½(mu² + exp(logVar) − logVar − 1).",
    variant((p) => ({ recon: mse(p), kl: tf.mul(2, tf.mean(p.klPerDim)) })),
  ),
  mistake(
    "kl-summed",
    "KL summed over batch and latent dimensions instead of averaged",
    "This lesson averages both terms over all elements: kl = tf.mean of the [batch, latentDim] KL terms. You summed them, which makes kl batch·latentDim times too large.",
    variant((p) => ({ recon: mse(p), kl: tf.sum(p.klPerDim) })),
  ),
  mistake(
    "kl-sum-over-dims",
    "KL summed over latent dimensions, averaged over the batch (lesson 2's reduction)",
    "You summed kl over latentDim and averaged over the batch: that is lesson 2's reduction. In this lesson kl is a mean over all elements (tf.mean over both axes); yours is latentDim times too large.",
    variant((p) => ({ recon: mse(p), kl: tf.mean(tf.sum(p.klPerDim, 1)) })),
  ),
  mistake(
    "recon-summed",
    "reconstruction summed instead of averaged",
    "recon should be the mean squared error over all elements, tf.mean(tf.square(tf.sub(x, xHat))), not the sum (which is batch·2 times larger here).",
    variant((p) => ({ recon: tf.sum(tf.squaredDifference(p.x, p.xHat)), kl: tf.mean(p.klPerDim) })),
  ),
  mistake(
    "recon-absolute",
    "reconstruction as the mean absolute error",
    "recon should be the mean of the squared errors, tf.mean(tf.square(tf.sub(x, xHat))): you averaged their absolute values (tf.abs), which is a different loss (the Gaussian decoder's log-likelihood is quadratic).",
    variant((p) => ({ recon: tf.mean(tf.abs(tf.sub(p.x, p.xHat))), kl: tf.mean(p.klPerDim) })),
  ),
  mistake(
    "beta-on-recon",
    "beta applied to the reconstruction term",
    "beta weighs the KL term only: total = recon + beta·kl, not beta·recon + kl.",
    variant((p) => {
      const recon = mse(p),
        kl = tf.mean(p.klPerDim);
      return { recon, kl, total: tf.add(tf.mul(p.beta, recon), kl) };
    }),
  ),
  mistake(
    "beta-ignored",
    "beta left out of total",
    "total should weigh kl by beta: total = recon + beta·kl. Yours is recon + kl whatever beta is.",
    variant((p) => {
      const recon = mse(p),
        kl = tf.mean(p.klPerDim);
      return { recon, kl, total: tf.add(recon, kl) };
    }),
  ),
  mistake(
    "kl-sigma-not-variance",
    "sigma instead of sigma² in the KL",
    "In the KL, use the variance sigma² = exp(logVar), not sigma = exp(½·logVar): kl = ½(mu² + exp(logVar) − logVar − 1).",
    variant((p) => ({
      recon: mse(p),
      kl: tf.mean(tf.mul(0.5, tf.sub(tf.sub(tf.add(tf.square(p.mu), tf.exp(tf.mul(0.5, p.logVar))), p.logVar), 1))),
    })),
  ),
  {
    id: "decoded-mu",
    description: "xHat decoded from mu instead of the sampled z",
    hint: "recon decodes mu, the posterior's mean, instead of a sample: decode z = reparameterize(mu, logVar). Without the sample, the loss never sees the noise the encoder's logVar controls, so logVar gets no gradient from recon.",
    implementation: variant((p) => ({ recon: mse(p), kl: tf.mean(p.klPerDim) }), true),
    needs: ["sharp", "sampled"],
    detect: (s, _own, ref) =>
      same(s.sharp, ref.sharp) &&
      near(s.sampled.recon, s.sampled.ifMu, 1e-4, 1e-5) &&
      !near(s.sampled.ifMu, s.sampled.expected, 0, 6 * s.sampled.se),
  },
  {
    id: "loss-detached",
    description: "loss values read back and rewrapped (tf.scalar of dataSync): no gradient reaches the model",
    hint: "Your numbers are right, but no gradient reaches the model's weights, so training cannot learn. Keep total, recon and kl as tensors computed with tf operations from model.encode/model.decode outputs: no dataSync, arraySync or tf.scalar of read-back numbers.",
    implementation: variant((p) => ({
      recon: tf.scalar(mse(p).dataSync()[0]),
      kl: tf.scalar(tf.mean(p.klPerDim).dataSync()[0]),
    })),
    needs: ["sharp", "grads"],
    detect: (s, _own, ref) => same(s.sharp, ref.sharp) && Object.values(s.grads).some((g) => g === null),
  },
];
