/**
 * Lesson 2: the negative ELBO for images, as published MNIST results report it:
 *   recon = Bernoulli negative log-likelihood of x under the decoder's logits, summed over pixels
 *   kl    = ½ Σ_j (mu_j² + exp(logVar_j) − logVar_j − 1), summed over latent dimensions
 *   both averaged over the batch; total = recon + kl (nats per image).
 * All inputs are given, so the checks are exact.
 */
import * as tf from "@tensorflow/tfjs";
import { elbo as libraryElbo } from "../src/losses";
import type { Exercise, Mistake, PublicCheck } from "./types";
import { CheckFailure, describeValue, scalarValue } from "./util";

export type ElboResult = { total: tf.Tensor; recon: tf.Tensor; kl: tf.Tensor };
export type ElboFn = (x: tf.Tensor2D, logits: tf.Tensor2D, mu: tf.Tensor2D, logVar: tf.Tensor2D) => ElboResult;

const X = [[0, 1, 1, 0, 0.5], [1, 1, 0, 0, 0.2], [0, 0, 1, 1, 0.9]];
const LOGITS = [[-2.0, 1.5, 0.3, -0.7, 0.1], [0.8, 2.2, -1.1, -3.0, -0.4], [-0.2, -1.6, 2.4, 0.9, 1.3]];
const MU = [[0.5, -1.0], [1.2, 0.3], [-0.4, 0.8]];
const LOGVAR = [[-0.5, 0.3], [0.0, -1.2], [0.7, -0.1]];

/** The learner's result on fixed inputs, as numbers (or a CheckFailure). */
export function elboValues(fn: ElboFn, big = false): { total: number; recon: number; kl: number } {
  return tf.tidy(() => {
    const logits = big ? tf.mul(tf.tensor2d(LOGITS), 60) : tf.tensor2d(LOGITS); // ±180: sigmoid saturates
    const out = fn(tf.tensor2d(X), logits as tf.Tensor2D, tf.tensor2d(MU), tf.tensor2d(LOGVAR)) as unknown;
    if (out === null || typeof out !== "object" || out instanceof tf.Tensor) throw new CheckFailure(`elbo should return { total, recon, kl }, but returned ${describeValue(out)}.`);
    const o = out as Partial<ElboResult>;
    for (const k of ["total", "recon", "kl"] as const) if (o[k] === undefined) throw new CheckFailure(`the result has no "${k}": return { total, recon, kl }.`);
    return { total: scalarValue(o.total, "total"), recon: scalarValue(o.recon, "recon"), kl: scalarValue(o.kl, "kl") };
  });
}

const reference: ElboFn = (x, logits, mu, logVar) => libraryElbo(x, logits, mu, logVar, { likelihood: "bernoulli", reduction: "sum" });
const near = (a: number, b: number) => Math.abs(a - b) <= 1e-3 + 1e-4 * Math.abs(b);

const checks: PublicCheck<ElboFn>[] = [
  { name: "returns { total, recon, kl } as scalars", run: (fn) => void elboValues(fn) },
  {
    name: "recon is the Bernoulli NLL from logits, summed over pixels, averaged over the batch",
    run: (fn) => { const got = elboValues(fn).recon, want = elboValues(reference).recon; return near(got, want) ? undefined : `recon should be ${want.toFixed(4)} nats per image on a fixed batch, but it is ${got.toFixed(4)}.`; },
  },
  {
    name: "kl is the closed-form KL, summed over latent dimensions, averaged over the batch",
    run: (fn) => { const got = elboValues(fn).kl, want = elboValues(reference).kl; return near(got, want) ? undefined : `kl should be ${want.toFixed(4)} on a fixed batch, but it is ${got.toFixed(4)}.`; },
  },
  {
    name: "total = recon + kl",
    run: (fn) => { const v = elboValues(fn); return near(v.total, v.recon + v.kl) ? undefined : `total (${v.total.toFixed(4)}) should equal recon + kl (${(v.recon + v.kl).toFixed(4)}).`; },
  },
  {
    name: "stays finite for confident logits (±180)",
    run: (fn) => { const v = elboValues(fn, true), want = elboValues(reference, true); return Number.isFinite(v.recon) && near(v.recon, want.recon) ? undefined : `with logits of ±180, recon should be ${want.recon.toFixed(1)}, but it is ${v.recon}. Compute it from the logits stably: max(l, 0) − l·x + log(1 + exp(−|l|)).`; },
  },
];

/** Builds a wrong elbo from per-pixel and per-dimension pieces. */
function variant(make: (p: { x: tf.Tensor2D; logits: tf.Tensor2D; klPerDim: tf.Tensor2D; bce: tf.Tensor2D }) => ElboResult): ElboFn {
  return (x, logits, mu, logVar) =>
    tf.tidy(() => {
      const klPerDim = tf.mul(0.5, tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), logVar), 1)) as tf.Tensor2D;
      const bce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))) as tf.Tensor2D;
      return make({ x, logits, klPerDim, bce });
    });
}
const sumMean = (t: tf.Tensor) => tf.mean(tf.sum(t, 1));
const result = (recon: tf.Tensor, kl: tf.Tensor): ElboResult => ({ recon, kl, total: tf.add(recon, kl) });

function behavesLike(impl: ElboFn) {
  return (fn: ElboFn) => {
    try {
      const a = elboValues(fn), b = elboValues(impl);
      return near(a.recon, b.recon) && near(a.kl, b.kl) && near(a.total, b.total);
    } catch {
      return false;
    }
  };
}
const mistake = (id: string, description: string, hint: string, implementation: ElboFn): Mistake<ElboFn> => ({ id, description, hint, implementation, detect: behavesLike(implementation) });

export const elboMistakes: Mistake<ElboFn>[] = [
  mistake("recon-mean-over-pixels", "reconstruction averaged over pixels instead of summed", "Sum the reconstruction term over the 784 pixels (then average over the batch): an image's log-likelihood is the sum of its pixels'. Averaging over pixels shrinks it 784-fold and the KL takes over.",
    variant(({ bce, klPerDim }) => result(tf.mean(bce), sumMean(klPerDim)))),
  mistake("kl-mean-over-dims", "KL averaged over latent dimensions instead of summed", "Sum the KL over the latent dimensions (then average over the batch): independent dimensions add their KLs.",
    variant(({ bce, klPerDim }) => result(sumMean(bce), tf.mean(klPerDim)))),
  mistake("kl-sign-flipped", "KL with the wrong sign", "Your KL is negative, and a KL never is: ½(mu² + exp(logVar) − logVar − 1), or −½(1 + logVar − mu² − exp(logVar)).",
    variant(({ bce, klPerDim }) => result(sumMean(bce), tf.neg(sumMean(klPerDim))))),
  mistake("kl-half-dropped", "the ½ dropped from the KL", "Your KL is twice the right value: the closed form has a factor ½ in front.",
    variant(({ bce, klPerDim }) => result(sumMean(bce), tf.mul(2, sumMean(klPerDim))))),
  mistake("sigmoid-twice", "logits passed through a sigmoid before a loss that expects logits", "The decoder returns logits: don't apply tf.sigmoid before the logits form of the loss (max(l, 0) − l·x + log(1 + exp(−|l|))), or the probabilities get squashed twice.",
    variant(({ x, logits, klPerDim }) => {
      const p = tf.sigmoid(logits);
      const bce = tf.add(tf.sub(tf.relu(p), tf.mul(p, x)), tf.log1p(tf.exp(tf.neg(tf.abs(p)))));
      return result(sumMean(bce), sumMean(klPerDim));
    })),
  mistake("mse-not-bce", "squared error instead of the Bernoulli likelihood", "For pixel intensities in [0, 1] the lesson's decoder is Bernoulli: use binary cross-entropy from the logits, not the squared error of sigmoid(logits).",
    variant(({ x, logits, klPerDim }) => result(sumMean(tf.squaredDifference(x, tf.sigmoid(logits))), sumMean(klPerDim)))),
];

export const elboExercise: Exercise<ElboFn> = {
  id: "elbo",
  lesson: 2,
  functionName: "elbo",
  signature: "elbo(x: tf.Tensor2D, logits: tf.Tensor2D, mu: tf.Tensor2D, logVar: tf.Tensor2D): { total, recon, kl }",
  points: 4,
  statement:
    "Return recon = the Bernoulli negative log-likelihood of x under the logits, summed over pixels and averaged over the batch " +
    "(computed stably from the logits), kl = ½ Σ_j (mu² + exp(logVar) − logVar − 1) summed over latent dimensions and averaged over the batch, and total = recon + kl.",
  reference,
  checks,
  mistakes: elboMistakes,
};
