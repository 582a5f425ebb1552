/**
 * Lesson 1, TODO 2: the VAE loss of the Swiss-roll lesson, with the lesson's reduction (means over
 * elements, as the original PyTorch lesson; see the header of src/losses.ts):
 *   recon = mean over batch × coordinates of (x − xHat)²
 *   kl    = mean over batch × latentDim of ½(mu² + exp(logVar) − logVar − 1)
 *   total = recon + beta·kl
 *
 * The probes use small linear models (2 → 3 → 2, so sum-vs-mean mistakes give distinct factors).
 * With logVar ≈ −40, sigma ≈ 2·10⁻⁹: z = mu whatever eps the learner's reparameterize draws, and
 * the loss is deterministic.
 */
import * as tf from "@tensorflow/tfjs";
import { elbo } from "../src/losses";
import type { Vae } from "../src/models/types";
import { forward } from "../src/models/vae";
import { defaultRng } from "../src/random";
import { computeVaeLossMistakes } from "./mistakes/computeVaeLoss";
import type { Exercise, PublicCheck } from "./types";
import { fmt, gradientMismatch, gradientOrNull, lossValues, near, type LossValues } from "./util";

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
  /** ∂total/∂(encoder mu weights, encoder logVar weights, decoder weights) at beta = 0.5; null where none reaches them. */
  grads: { wMu: number[] | null; wLv: number[] | null; wDec: number[] | null };
};

const X = [[0.5, -0.2], [1.1, 0.3], [-0.7, 0.9], [0.2, -1.4], [0.0, 0.6]]; // [batch 5, inputDim 2]
const W_MU = [[1.0, 0.5, -0.4], [-0.3, 0.8, 0.6]], B_MU = [0.2, -0.1, 0.3];
const W_LV = [[0.1, -0.2, 0.05], [0.0, 0.15, -0.1]];
const W_DEC = [[0.9, -0.4], [0.3, 1.2], [-0.5, 0.2]];
type Params = { wMu: tf.Tensor; bMu: tf.Tensor; wLv: tf.Tensor; bLv: tf.Tensor; wDec: tf.Tensor };

/** mu = x·wMu + bMu, logVar = x·wLv + bLv, xHat = z·wDec. */
function probeModel(p: Params): Vae {
  return {
    config: { kind: "mlp", inputDim: 2, hiddenDims: [], latentDim: 3, likelihood: "gaussian" },
    variables: [],
    variableNames: [],
    encode: (x) => ({ mu: tf.add(tf.matMul(x, p.wMu), p.bMu) as tf.Tensor2D, logVar: tf.add(tf.matMul(x, p.wLv), p.bLv) as tf.Tensor2D }),
    decode: (z) => tf.matMul(z, p.wDec) as tf.Tensor2D,
    summary: () => [],
    dispose: () => {},
  };
}
const params = (bLv: number[], scale = 1): Params => ({
  wMu: tf.mul(tf.tensor2d(W_MU), scale), bMu: tf.mul(tf.tensor1d(B_MU), scale),
  wLv: tf.mul(tf.tensor2d(W_LV), scale), bLv: tf.tensor1d(bLv), wDec: tf.tensor2d(W_DEC),
});
const SHARP_LV = [-40, -40, -40], WIDE_LV = [-1.2, 0.7, 0.3];

const run = (fn: ComputeVaeLossFn, p: Params, beta: number) => lossValues(fn(probeModel(p), tf.tensor2d(X), beta), "computeVaeLoss");

function grads(fn: ComputeVaeLossFn): ComputeVaeLossSeen["grads"] {
  const base = params(SHARP_LV);
  const d = (k: "wMu" | "wLv" | "wDec") =>
    gradientOrNull((w) => {
      const out = fn(probeModel({ ...base, [k]: w }), tf.tensor2d(X), 0.5);
      lossValues(out, "computeVaeLoss"); // friendly errors for wrong return values
      return out.total;
    }, base[k]);
  return { wMu: d("wMu"), wLv: d("wLv"), wDec: d("wDec") };
}

const probes = {
  sharp: (fn: ComputeVaeLossFn) => run(fn, params(SHARP_LV), 0.01),
  sharpBeta4: (fn: ComputeVaeLossFn) => run(fn, params(SHARP_LV), 4),
  wide: (fn: ComputeVaeLossFn) => run(fn, params(WIDE_LV), 1),
  prior: (fn: ComputeVaeLossFn) => run(fn, params([0, 0, 0], 0), 1),
  grads,
};

const fix = (got: number, want: number, what: string) => (near(got, want) ? undefined : `on a fixed test batch ${what} should be ${fmt(want)}, but it is ${fmt(got)}.`);

const checks: PublicCheck<ComputeVaeLossSeen>[] = [
  { name: "returns { total, recon, kl } as scalar tensors", needs: ["sharp"], judge: () => undefined },
  {
    name: "recon is the mean squared error over all elements",
    needs: ["sharp"],
    judge: (s, r) => {
      const m = fix(s.sharp.recon, r.sharp.recon, "recon");
      return m && `${m} (It uses your reparameterize: make sure its check passes first.)`;
    },
  },
  {
    name: "kl is 0 when mu = 0 and logVar = 0",
    needs: ["prior"],
    judge: ({ prior: { kl } }) => (Math.abs(kl) < 1e-6 ? undefined : `kl should be 0 when mu = 0 and logVar = 0 (q(z|x) is then the prior), but it is ${fmt(kl)}.`),
  },
  { name: "kl is the mean over all elements of ½(mu² + exp(logVar) − logVar − 1)", needs: ["wide"], judge: (s, r) => fix(s.wide.kl, r.wide.kl, "kl") },
  {
    name: "total = recon + beta·kl",
    needs: ["sharp", "sharpBeta4"],
    judge: (s, r) => fix(s.sharp.total, r.sharp.total, "total (beta = 0.01)") ?? fix(s.sharpBeta4.total, r.sharpBeta4.total, "total (beta = 4)"),
  },
  {
    name: "gradients of total reach the encoder and the decoder",
    needs: ["grads"],
    judge: ({ grads: g }, { grads: want }) => {
      for (const [k, what] of [["wMu", "the encoder's mu weights"], ["wLv", "the encoder's logVar weights"], ["wDec", "the decoder's weights"]] as const) {
        const got = g[k];
        if (got === null) return `no gradient of total reaches ${what}: build the loss from model.encode/model.decode outputs with tf operations only (no dataSync, arraySync or tf.scalar of read-back numbers).`;
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
