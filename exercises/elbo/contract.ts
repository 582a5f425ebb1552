/**
 * Lesson 2: the negative ELBO for images, as published MNIST results report it (src/vae/losses.ts,
 * reduction "sum"):
 *   recon = Bernoulli negative log-likelihood of x under the decoder's logits, summed over pixels
 *   kl    = ½ Σ_j (mu_j² + exp(logVar_j) − logVar_j − 1), summed over latent dimensions
 *   both averaged over the batch; total = recon + kl (nats per image).
 * All inputs are given, so the probes are deterministic.
 */
import * as tf from "@tensorflow/tfjs";
import { elbo as libraryElbo } from "../../src/vae/losses";
import { elboMistakes } from "./mistakes";
import type { Call } from "../harness";
import { gradOut, lossOut, tensorArg } from "../raw";
import type { Exercise, Probe, Probes, PublicCheck } from "../types";
import { fmt, gradientMismatch, near, type LossValues } from "../util";

export type ElboResult = { total: tf.Tensor; recon: tf.Tensor; kl: tf.Tensor };
export type ElboFn = (x: tf.Tensor2D, logits: tf.Tensor2D, mu: tf.Tensor2D, logVar: tf.Tensor2D) => ElboResult;

export type ElboSeen = {
  /** A batch of 3 images of 5 pixels, latentDim 2. */
  small: LossValues;
  /** The same with logits × 60 (±180): sigmoid saturates to exactly 0 or 1 in float32. */
  big: LossValues;
  /** ∂total/∂(logits, mu, logVar) on the small batch; null where none reaches the input. */
  grads: { logits: number[] | null; mu: number[] | null; logVar: number[] | null };
};

const X = [
  [0, 1, 1, 0, 0.5],
  [1, 1, 0, 0, 0.2],
  [0, 0, 1, 1, 0.9],
];
const LOGITS = [
  [-2.0, 1.5, 0.3, -0.7, 0.1],
  [0.8, 2.2, -1.1, -3.0, -0.4],
  [-0.2, -1.6, 2.4, 0.9, 1.3],
];
const MU = [
  [0.5, -1.0],
  [1.2, 0.3],
  [-0.4, 0.8],
];
const LOGVAR = [
  [-0.5, 0.3],
  [0.0, -1.2],
  [0.7, -0.1],
];

/** The four inputs of elbo(x, logits, mu, logVar), as nested numbers. */
export type ElboInputs = { x: number[][]; logits: number[][]; mu: number[][]; logVar: number[][] };
const KEYS = ["x", "logits", "mu", "logVar"] as const;

/** One call of elbo; `grad`: ∂total/∂ that input. */
export function elboCall(i: ElboInputs, grad?: "logits" | "mu" | "logVar"): Call {
  return {
    args: KEYS.map((k) => tensorArg(i[k])),
    fields: ["total", "recon", "kl"],
    ...(grad ? { grad: { arg: KEYS.indexOf(grad) } } : {}),
  };
}
export const elboValues = (i: ElboInputs): Probe<LossValues> => ({
  calls: [elboCall(i)],
  reduce: ([o]) => lossOut(o.out, "elbo"),
});
export function elboGrads(i: ElboInputs): Probe<ElboSeen["grads"]> {
  const keys = ["logits", "mu", "logVar"] as const;
  return {
    calls: keys.map((k) => elboCall(i, k)),
    reduce: (os) => {
      os.forEach((o) => lossOut(o.out, "elbo")); // friendly errors for wrong return values
      const [logits, mu, logVar] = os.map((o, j) => gradOut(o.grad, i[keys[j]].flat().length));
      return { logits, mu, logVar };
    },
  };
}

const SMALL: ElboInputs = { x: X, logits: LOGITS, mu: MU, logVar: LOGVAR };
const probes: Probes<ElboFn, ElboSeen> = {
  small: () => elboValues(SMALL),
  big: () => elboValues({ ...SMALL, logits: LOGITS.map((r) => r.map((v) => v * 60)) }),
  grads: () => elboGrads(SMALL),
};

const close = (a: number, b: number) => near(a, b, 1e-4, 1e-3);
const fix = (got: number, want: number, what: string) =>
  close(got, want) ? undefined : `${what} should be ${fmt(want)} on a fixed batch, but it is ${fmt(got)}.`;

const checks: PublicCheck<ElboSeen>[] = [
  {
    id: "returns",
    name: "returns { total, recon, kl } as scalar tensors",
    points: 0.25,
    needs: ["small"],
    judge: () => undefined,
  },
  {
    id: "recon",
    name: "recon is the Bernoulli NLL from logits, summed over pixels, averaged over the batch",
    points: 0.25,
    needs: ["small"],
    judge: (s, r) => fix(s.small.recon, r.small.recon, "recon (nats per image)"),
  },
  {
    id: "kl",
    name: "kl is the closed-form KL, summed over latent dimensions, averaged over the batch",
    points: 0.25,
    needs: ["small"],
    judge: (s, r) => fix(s.small.kl, r.small.kl, "kl"),
  },
  {
    id: "total",
    name: "total = recon + kl",
    points: 0.25,
    needs: ["small"],
    judge: ({ small: v }) =>
      close(v.total, v.recon + v.kl)
        ? undefined
        : `total (${fmt(v.total)}) should equal recon + kl (${fmt(v.recon + v.kl)}).`,
  },
  {
    id: "confident-logits",
    name: "stays finite and exact for confident logits (±180)",
    points: 0.25,
    needs: ["big"],
    judge: ({ big }, { big: want }) =>
      Number.isFinite(big.recon) && close(big.recon, want.recon)
        ? undefined
        : `with logits of ±180, recon should be ${fmt(want.recon)}, but it is ${fmt(big.recon)}. Compute it from the logits stably: max(l, 0) − l·x + log(1 + exp(−|l|)).`,
  },
  {
    id: "gradients",
    name: "gradients of total reach logits, mu and logVar",
    points: 0.25,
    needs: ["grads"],
    judge: ({ grads: g }, { grads: want }) => {
      for (const k of ["logits", "mu", "logVar"] as const) {
        const got = g[k];
        if (got === null)
          return `no gradient of total reaches ${k}: compute the loss with tf operations only (no dataSync, arraySync or tf.scalar of read-back numbers).`;
        const wrong = gradientMismatch(got, want[k]!, k);
        if (wrong) return wrong;
      }
      return undefined;
    },
  },
];

export const elboExercise: Exercise<ElboFn, ElboSeen> = {
  id: "elbo",
  lesson: 2,
  functionName: "elbo",
  signature: "elbo(x: tf.Tensor2D, logits: tf.Tensor2D, mu: tf.Tensor2D, logVar: tf.Tensor2D): { total, recon, kl }",
  points: 4,
  statement:
    "Return three scalar tensors: recon = the Bernoulli negative log-likelihood of x under the logits, summed over pixels and averaged over the batch " +
    "(computed stably from the logits), kl = ½ Σ_j (mu² + exp(logVar) − logVar − 1) summed over latent dimensions and averaged over the batch, and total = recon + kl.",
  reference: (x, logits, mu, logVar) => ({
    ...libraryElbo(x, logits, mu, logVar, { likelihood: "bernoulli", reduction: "sum" }),
  }),
  probes,
  checks,
  mistakes: elboMistakes,
};
