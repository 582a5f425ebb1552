/**
 * Lesson 1, TODO 2: the VAE loss of the Swiss-roll lesson, with the lesson's reduction (means over
 * elements, as the original PyTorch lesson):
 *   recon = mean over batch × coordinates of (x − xHat)²
 *   kl    = mean over batch × latent dimensions of ½(mu² + exp(logVar) − logVar − 1)
 *   total = recon + beta·kl
 *
 * The checks use probe models whose encoder is fixed. With logVar = −40, sigma ≈ 2·10⁻⁹, so z = mu
 * whatever eps the learner's reparameterize draws, and the loss is deterministic.
 */
import * as tf from "@tensorflow/tfjs";
import { gaussianKlPerDim } from "../src/losses";
import type { Vae } from "../src/models/types";
import { reparameterize } from "../src/models/reparameterize";
import type { Exercise, Mistake, PublicCheck } from "./types";
import { CheckFailure, describeValue, scalarValue } from "./util";

// A type alias, not an interface: only aliases are assignable to tf.tidy's TensorContainer.
export type LossParts = { total: tf.Tensor; recon: tf.Tensor; kl: tf.Tensor };
export type ComputeVaeLossFn = (model: Vae, x: tf.Tensor2D, beta: number) => LossParts;

const X = [[0.5, -0.2], [1.1, 0.3], [-0.7, 0.9], [0.2, -1.4], [0.0, 0.6]];

/** A stand-in model: mu = x·A + c, logVar fixed per dimension, xHat = z·B. */
function probeModel(logVar: number[]): Vae {
  const enc = (x: tf.Tensor2D) => ({
    mu: tf.add(tf.matMul(x, tf.tensor2d([[1.0, 0.5], [-0.3, 0.8]])), tf.tensor1d([0.2, -0.1])) as tf.Tensor2D,
    logVar: tf.mul(tf.onesLike(x), tf.tensor1d(logVar)) as tf.Tensor2D,
  });
  return {
    config: { kind: "mlp", inputDim: 2, hiddenDims: [], latentDim: 2, likelihood: "gaussian" },
    variables: [],
    variableNames: [],
    encode: (x) => tf.tidy(() => enc(x)),
    decode: (z) => tf.tidy(() => tf.matMul(z, tf.tensor2d([[0.9, -0.4], [0.3, 1.2]])) as tf.Tensor2D),
    summary: () => [],
    dispose: () => {},
  };
}

/** Deterministic z (sigma ≈ 0): recon and total are exact. */
const SHARP = probeModel([-40, -40]);
/** Varied logVar: KL depends on it (and not on z). */
const WIDE = probeModel([-1.2, 0.7]);

interface Values { total: number; recon: number; kl: number }

/** Runs the learner's function; returns numbers or throws CheckFailure with a friendly message. */
export function lossValues(fn: ComputeVaeLossFn, model: Vae, beta: number): Values {
  return tf.tidy(() => {
    const out = fn(model, tf.tensor2d(X), beta) as unknown;
    if (out === null || typeof out !== "object" || out instanceof tf.Tensor) {
      throw new CheckFailure(`computeVaeLoss should return { total, recon, kl }, but returned ${describeValue(out)}.`);
    }
    const o = out as Partial<LossParts>;
    for (const k of ["total", "recon", "kl"] as const) if (o[k] === undefined) throw new CheckFailure(`the result has no "${k}": return { total, recon, kl }.`);
    return { total: scalarValue(o.total, "total"), recon: scalarValue(o.recon, "recon"), kl: scalarValue(o.kl, "kl") };
  });
}

/** The reference loss on a probe model. */
function reference(model: Vae, x: tf.Tensor2D, beta: number): LossParts {
  return tf.tidy(() => {
    const { mu, logVar } = model.encode(x);
    const z = reparameterize(mu, logVar);
    const xHat = model.decode(z);
    const recon = tf.mean(tf.squaredDifference(x, xHat));
    const kl = tf.mean(gaussianKlPerDim(mu, logVar));
    return { total: tf.add(recon, tf.mul(beta, kl)), recon, kl };
  });
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-4 + 1e-4 * Math.abs(b);
const expected = (model: Vae, beta: number) => lossValues(reference, model, beta);

const checks: PublicCheck<ComputeVaeLossFn>[] = [
  {
    name: "returns { total, recon, kl } as scalars",
    run: (fn) => void lossValues(fn, SHARP, 0.01),
  },
  {
    name: "recon is the mean squared error over all elements",
    run: (fn) => {
      const got = lossValues(fn, SHARP, 0.01).recon, want = expected(SHARP, 0.01).recon;
      return near(got, want) ? undefined : `on a fixed test batch recon should be ${want.toFixed(4)}, but it is ${got.toFixed(4)}.`;
    },
  },
  {
    name: "kl is 0 when mu = 0 and logVar = 0",
    run: (fn) => {
      const zero: Vae = { ...SHARP, encode: (x) => tf.tidy(() => ({ mu: tf.zerosLike(x) as tf.Tensor2D, logVar: tf.zerosLike(x) as tf.Tensor2D })) };
      const kl = lossValues(fn, zero, 1).kl;
      return Math.abs(kl) < 1e-6 ? undefined : `KL should be 0 when mu = 0 and logVar = 0 (q equals the prior), but it is ${kl.toFixed(4)}.`;
    },
  },
  {
    name: "kl is the mean of ½(mu² + exp(logVar) − logVar − 1)",
    run: (fn) => {
      const got = lossValues(fn, WIDE, 1).kl, want = expected(WIDE, 1).kl;
      return near(got, want) ? undefined : `on a fixed test batch kl should be ${want.toFixed(4)}, but it is ${got.toFixed(4)}.`;
    },
  },
  {
    name: "total = recon + beta·kl",
    run: (fn) => {
      for (const beta of [0.01, 4]) {
        const got = lossValues(fn, SHARP, beta), want = expected(SHARP, beta);
        if (!near(got.total, want.total)) return `with beta = ${beta}, total should be ${want.total.toFixed(4)}, but it is ${got.total.toFixed(4)}.`;
      }
      return undefined;
    },
  },
];

/** Builds a wrong loss from the reference's pieces. */
function variant(make: (p: { recon: tf.Tensor; klPerDim: tf.Tensor; x: tf.Tensor2D; xHat: tf.Tensor; beta: number }) => LossParts): ComputeVaeLossFn {
  return (model, x, beta) =>
    tf.tidy(() => {
      const { mu, logVar } = model.encode(x);
      const xHat = model.decode(reparameterize(mu, logVar));
      return make({ recon: tf.mean(tf.squaredDifference(x, xHat)), klPerDim: gaussianKlPerDim(mu, logVar), x, xHat, beta });
    });
}

/** Detects a mistake by comparing with its implementation on both probes and two betas. */
function behavesLike(impl: ComputeVaeLossFn) {
  return (fn: ComputeVaeLossFn): boolean => {
    try {
      for (const [model, beta] of [[SHARP, 0.01], [WIDE, 1], [SHARP, 4]] as const) {
        const a = lossValues(fn, model, beta), b = lossValues(impl, model, beta);
        // On WIDE, recon and total depend on the random z: compare kl only there.
        const keys = model === WIDE ? (["kl"] as const) : (["total", "recon", "kl"] as const);
        if (!keys.every((k) => near(a[k], b[k]))) return false;
      }
      return true;
    } catch {
      return false;
    }
  };
}

function mistake(id: string, description: string, hint: string, implementation: ComputeVaeLossFn): Mistake<ComputeVaeLossFn> {
  return { id, description, hint, implementation, detect: behavesLike(implementation) };
}

export const computeVaeLossMistakes: Mistake<ComputeVaeLossFn>[] = [
  mistake("kl-sign-flipped", "KL with the wrong sign", "Your KL is negative: KL is never below 0. Check the sign: ½(mu² + exp(logVar) − logVar − 1), or equivalently −½(1 + logVar − mu² − exp(logVar)).",
    variant(({ recon, klPerDim, beta }) => { const kl = tf.neg(tf.mean(klPerDim)); return { recon, kl, total: tf.add(recon, tf.mul(beta, kl)) }; })),
  mistake("kl-half-dropped", "the ½ dropped from the KL", "Your KL is twice the right value: the closed form has a factor ½ in front, ½(mu² + exp(logVar) − logVar − 1).",
    variant(({ recon, klPerDim, beta }) => { const kl = tf.mul(2, tf.mean(klPerDim)); return { recon, kl, total: tf.add(recon, tf.mul(beta, kl)) }; })),
  mistake("kl-summed", "KL summed instead of averaged", "This lesson averages both terms over all elements (tf.mean), as the original lesson did; you summed the KL. The formula's Σ over dimensions becomes a mean here — see the note under the derivation.",
    variant(({ recon, klPerDim, beta }) => { const kl = tf.sum(klPerDim); return { recon, kl, total: tf.add(recon, tf.mul(beta, kl)) }; })),
  mistake("recon-summed", "reconstruction summed instead of averaged", "recon should be the mean squared error over all elements (tf.mean), not the sum.",
    variant(({ x, xHat, klPerDim, beta }) => { const recon = tf.sum(tf.squaredDifference(x, xHat)); const kl = tf.mean(klPerDim); return { recon, kl, total: tf.add(recon, tf.mul(beta, kl)) }; })),
  mistake("beta-on-recon", "β applied to the reconstruction term", "beta weighs the KL term: total = recon + beta·kl, not beta·recon + kl.",
    variant(({ recon, klPerDim, beta }) => { const kl = tf.mean(klPerDim); return { recon, kl, total: tf.add(tf.mul(beta, recon), kl) }; })),
  mistake("kl-sigma-not-variance", "σ instead of σ² in the KL", "In the KL, use the variance σ² = exp(logVar), not σ = exp(½·logVar): ½(mu² + exp(logVar) − logVar − 1).",
    (model, x, beta) => tf.tidy(() => {
      const { mu, logVar } = model.encode(x);
      const recon = tf.mean(tf.squaredDifference(x, model.decode(reparameterize(mu, logVar))));
      const kl = tf.mean(tf.mul(0.5, tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(tf.mul(0.5, logVar))), logVar), 1)));
      return { recon, kl, total: tf.add(recon, tf.mul(beta, kl)) };
    })),
];

export const computeVaeLossExercise: Exercise<ComputeVaeLossFn> = {
  id: "computeVaeLoss",
  lesson: 1,
  functionName: "computeVaeLoss",
  signature: "computeVaeLoss(model: Vae, x: tf.Tensor2D, beta: number): { total, recon, kl }",
  points: 4,
  statement:
    "Run the model on x (encode, reparameterize, decode), then return recon = mean((x − xHat)²) over all elements, " +
    "kl = the mean over all elements of ½(mu² + exp(logVar) − logVar − 1), and total = recon + beta·kl, each a scalar tensor.",
  reference,
  checks,
  mistakes: computeVaeLossMistakes,
};
