/**
 * Lesson 1, TODO 2: the VAE loss of the Swiss-roll lesson, with the lesson's reduction (means over
 * elements, as the original PyTorch lesson; see the header of src/vae/losses.ts):
 *   recon = mean over batch × coordinates of (x − xHat)²
 *   kl    = mean over batch × latentDim of ½(mu² + exp(logVar) − logVar − 1)
 *   total = recon + beta·kl
 *
 * The probes use small linear models (2 → 3 → 2, so sum-vs-mean mistakes give distinct factors).
 * With logVar ≈ −40, sigma ≈ 2·10⁻⁹: z = mu whatever eps the learner's reparameterize draws, and
 * the loss is deterministic. One probe has a wide posterior on 2,000 points instead, where recon is
 * compared with its expectation under sampled z (so decoding mu instead of z is caught).
 */
import * as tf from "@tensorflow/tfjs";
import { elbo } from "../../src/vae/losses";
import type { Vae } from "../../src/vae/types";
import { forward } from "../../src/vae/vae";
import { defaultRng, Rng } from "../../src/vae/random";
import type { Call } from "../harness";
import { computeVaeLossMistakes } from "./mistakes";
import { gradOut, lossOut, tensorArg } from "../raw";
import type { Exercise, Probe, Probes, PublicCheck } from "../types";
import { fmt, gradientMismatch, near, type LossValues } from "../util";

// A type alias, not an interface: only aliases are assignable to tf.tidy's TensorContainer.
export type LossParts = { total: tf.Tensor; recon: tf.Tensor; kl: tf.Tensor };
export type ComputeVaeLossFn = (model: Vae, x: tf.Tensor2D, beta: number) => LossParts;

export type ComputeVaeLossSeen = {
  /** sigma ≈ 0, beta = 0.01 and beta = 4: everything deterministic. */
  sharp: LossValues;
  sharpBeta4: LossValues;
  /** logVar spread around 0 (only kl is deterministic here). */
  wide: LossValues;
  /** mu = 0, logVar = 0: q equals the prior. */
  prior: LossValues;
  /** A wide posterior on 2,000 points: recon with z sampled, and what it should be on average (or if z were mu). */
  sampled: LossValues & { expected: number; se: number; ifMu: number };
  /** ∂total/∂(encoder mu weights, encoder logVar weights, decoder weights) at beta = 0.5; null where none reaches them. */
  grads: { wMu: number[] | null; wLv: number[] | null; wDec: number[] | null };
};

const X = [
  [0.5, -0.2],
  [1.1, 0.3],
  [-0.7, 0.9],
  [0.2, -1.4],
  [0.0, 0.6],
]; // [batch 5, inputDim 2]
const W_MU = [
    [1.0, 0.5, -0.4],
    [-0.3, 0.8, 0.6],
  ],
  B_MU = [0.2, -0.1, 0.3];
const W_LV = [
  [0.1, -0.2, 0.05],
  [0.0, 0.15, -0.1],
];
const W_DEC = [
  [0.9, -0.4],
  [0.3, 1.2],
  [-0.5, 0.2],
];
const SHARP_LV = [-40, -40, -40],
  WIDE_LV = [-1.2, 0.7, 0.3],
  SAMPLED_LV = [0.4, 0.1, 0.6];
/** Rows of the sampled probe: enough that recon's mean is within a few hundredths of its expectation. */
const SAMPLED_N = 2000;

/** A linear probe model's weights: mu = x·wMu + bMu, logVar = x·wLv + bLv, xHat = z·wDec. */
export type Weights = { wMu: number[][]; bMu: number[]; wLv: number[][]; bLv: number[]; wDec: number[][] };

const weights = (bLv: number[], scale = 1): Weights => ({
  wMu: W_MU.map((r) => r.map((v) => v * scale)),
  bMu: B_MU.map((v) => v * scale),
  wLv: W_LV.map((r) => r.map((v) => v * scale)),
  bLv,
  wDec: W_DEC,
});

/** One call of computeVaeLoss(model, x, beta) on a linear model; `grad`: ∂total/∂ that weight. */
export function lossCall(w: Weights, x: number[][], beta: number, grad?: "wMu" | "wLv" | "wDec"): Call {
  const linearVae = {
    wMu: tensorArg(w.wMu).tensor,
    bMu: tensorArg(w.bMu).tensor,
    wLv: tensorArg(w.wLv).tensor,
    bLv: tensorArg(w.bLv).tensor,
    wDec: tensorArg(w.wDec).tensor,
  };
  return {
    args: [{ linearVae }, tensorArg(x), { number: beta }],
    fields: ["total", "recon", "kl"],
    ...(grad ? { grad: { arg: 0, param: grad } } : {}),
  };
}

const matVec = (row: number[], m: number[][], b?: number[]) =>
  m[0].map((_, j) => row.reduce((s, v, i) => s + v * m[i][j], b ? b[j] : 0));

/**
 * What recon should be on average when z is sampled, and its standard error: per element
 * E[(x − (mu + sigma·eps)·wDec)²] = (x − mu·wDec)² + Σ_j sigma_j²·wDec_jd², with variance 4a²v + 2v²
 * (a = x − mu·wDec, v = the sum); elements of a row share eps, so a row's spread is bounded by the mean of its elements' ones.
 */
export function sampledRecon(w: Weights, x: number[][]): { expected: number; se: number; ifMu: number } {
  let sum = 0,
    sumMu = 0,
    rowVar = 0;
  const d = w.wDec[0].length;
  for (const row of x) {
    const mu = matVec(row, w.wMu, w.bMu),
      lv = matVec(row, w.wLv, w.bLv),
      xHat = matVec(mu, w.wDec);
    let sd = 0;
    for (let k = 0; k < d; k++) {
      const a = row[k] - xHat[k],
        v = lv.reduce((s, l, j) => s + Math.exp(l) * w.wDec[j][k] ** 2, 0);
      sum += a * a + v;
      sumMu += a * a;
      sd += Math.sqrt(4 * a * a * v + 2 * v * v) / d;
    }
    rowVar += sd * sd;
  }
  const n = x.length * d;
  return { expected: sum / n, ifMu: sumMu / n, se: Math.sqrt(rowVar) / x.length };
}

/** `n` rows of 2-D inputs, standard normal. */
export const normalRows = (rng: Rng, n: number): number[][] =>
  Array.from({ length: n }, () => [rng.normal(), rng.normal()]);

const loss1 = (w: Weights, x: number[][], beta: number): Probe<LossValues> => ({
  calls: [lossCall(w, x, beta)],
  reduce: ([o]) => lossOut(o.out, "computeVaeLoss"),
});

export function lossGradsProbe(w: Weights, x: number[][], beta: number): Probe<ComputeVaeLossSeen["grads"]> {
  const keys = ["wMu", "wLv", "wDec"] as const;
  return {
    calls: keys.map((k) => lossCall(w, x, beta, k)),
    reduce: (os) => {
      os.forEach((o) => lossOut(o.out, "computeVaeLoss")); // friendly errors for wrong return values
      const [wMu, wLv, wDec] = os.map((o, i) => gradOut(o.grad, w[keys[i]].flat().length));
      return { wMu, wLv, wDec };
    },
  };
}

/** recon with z sampled from a wide posterior, next to what it should be on average. */
export function sampledProbe(w: Weights, x: number[][]): Probe<ComputeVaeLossSeen["sampled"]> {
  return {
    calls: [lossCall(w, x, 1)],
    reduce: ([o]) => ({ ...lossOut(o.out, "computeVaeLoss"), ...sampledRecon(w, x) }),
  };
}

const probes: Probes<ComputeVaeLossFn, ComputeVaeLossSeen> = {
  sharp: () => loss1(weights(SHARP_LV), X, 0.01),
  sharpBeta4: () => loss1(weights(SHARP_LV), X, 4),
  wide: () => loss1(weights(WIDE_LV), X, 1),
  prior: () => loss1(weights([0, 0, 0], 0), X, 1),
  sampled: () => sampledProbe(weights(SAMPLED_LV), normalRows(new Rng(PUBLIC_ROWS_SEED), SAMPLED_N)),
  grads: () => lossGradsProbe(weights(SHARP_LV), X, 0.5),
};
const PUBLIC_ROWS_SEED = 7;

const fix = (got: number, want: number, what: string) =>
  near(got, want) ? undefined : `on a fixed test batch ${what} should be ${fmt(want)}, but it is ${fmt(got)}.`;

const checks: PublicCheck<ComputeVaeLossSeen>[] = [
  {
    id: "returns",
    name: "returns { total, recon, kl } as scalar tensors",
    points: 0.25,
    needs: ["sharp"],
    judge: () => undefined,
  },
  {
    id: "recon",
    name: "recon is the mean squared error over all elements",
    points: 0.25,
    needs: ["sharp"],
    judge: (s, r) => {
      const m = fix(s.sharp.recon, r.sharp.recon, "recon");
      return m && `${m} (It uses your reparameterize: make sure its check passes first.)`;
    },
  },
  {
    id: "kl-prior",
    name: "kl is 0 when mu = 0 and logVar = 0",
    points: 0.25,
    needs: ["prior"],
    judge: ({ prior: { kl } }) =>
      Math.abs(kl) < 1e-6
        ? undefined
        : `kl should be 0 when mu = 0 and logVar = 0 (q(z|x) is then the prior), but it is ${fmt(kl)}.`,
  },
  {
    id: "kl",
    name: "kl is the mean over all elements of ½(mu² + exp(logVar) − logVar − 1)",
    points: 0.25,
    needs: ["wide"],
    judge: (s, r) => fix(s.wide.kl, r.wide.kl, "kl"),
  },
  {
    id: "sampled-z",
    name: "recon decodes a sampled z, not mu",
    points: 0.25,
    needs: ["sampled"],
    judge: ({ sampled: s }) =>
      Math.abs(s.recon - s.expected) <= 6 * s.se
        ? undefined
        : `with a wide posterior on ${SAMPLED_N} points, recon should be about ${fmt(s.expected)} (± ${fmt(6 * s.se)}) when z = reparameterize(mu, logVar) is decoded, but it is ${fmt(s.recon)}. (It uses your reparameterize: make sure its check passes first.)`,
  },
  {
    id: "total",
    name: "total = recon + beta·kl",
    points: 0.25,
    needs: ["sharp", "sharpBeta4"],
    judge: (s, r) =>
      fix(s.sharp.total, r.sharp.total, "total (beta = 0.01)") ??
      fix(s.sharpBeta4.total, r.sharpBeta4.total, "total (beta = 4)"),
  },
  {
    id: "gradients",
    name: "gradients of total reach the encoder and the decoder",
    points: 0.25,
    needs: ["grads"],
    judge: ({ grads: g }, { grads: want }) => {
      for (const [k, what] of [
        ["wMu", "the encoder's mu weights"],
        ["wLv", "the encoder's logVar weights"],
        ["wDec", "the decoder's weights"],
      ] as const) {
        const got = g[k];
        if (got === null)
          return `no gradient of total reaches ${what}: build the loss from model.encode/model.decode outputs with tf operations only (no dataSync, arraySync or tf.scalar of read-back numbers).`;
        const wrong = gradientMismatch(got, want[k]!, what);
        if (wrong) return wrong;
      }
      return undefined;
    },
  },
];

export const computeVaeLossExercise: Exercise<ComputeVaeLossFn, ComputeVaeLossSeen> = {
  id: "computeVaeLoss",
  lesson: 1,
  functionName: "computeVaeLoss",
  signature: "computeVaeLoss(model: Vae, x: tf.Tensor2D, beta: number): { total, recon, kl }",
  points: 4,
  statement:
    "Run the model on x (mu and logVar from model.encode(x), z from your reparameterize, xHat = model.decode(z)), then return three scalar tensors: " +
    "recon = the mean of (x − xHat)² over all elements, kl = the mean over all elements of ½(mu² + exp(logVar) − logVar − 1), and total = recon + beta·kl.",
  reference: (model, x, beta) =>
    tf.tidy(() => {
      const { mu, logVar, out } = forward(model, x, { rng: defaultRng() });
      return { ...elbo(x, out, mu, logVar, { likelihood: "gaussian", reduction: "mean", beta }) };
    }),
  probes,
  checks,
  mistakes: computeVaeLossMistakes,
};
