/**
 * Hidden tests of `computeVaeLoss` (lesson 1, means over elements): another linear probe model
 * (batch 6, inputDim 2, latentDim 4, so sum-vs-mean factors differ from the public ones), beta = 2.5
 * and beta = 0, a wide posterior for the KL, and gradients. As in the public probes, logVar ≈ −40
 * (sigma ≈ 2·10⁻⁹) makes z = mu whatever eps is drawn, so the values are deterministic.
 */
import * as tf from "@tensorflow/tfjs";
import { computeVaeLossExercise, type ComputeVaeLossFn } from "../../exercises/computeVaeLoss";
import { gradientOrNull, lossValues, near, type LossValues } from "../../exercises/util";
import type { Vae } from "../../src/models/types";
import { fraction, type HiddenSuite } from "./types";

const X = [[0.3, 0.8], [-1.2, 0.1], [0.6, -0.9], [1.4, 1.0], [-0.2, -0.5], [0.9, 0.2]]; // [6, 2]
const W_MU = [[0.7, -0.2, 0.4, 1.1], [0.5, 0.9, -0.8, 0.1]], B_MU = [0.1, 0.0, -0.2, 0.3];
const W_LV = [[0.2, 0.1, -0.3, 0.05], [-0.1, 0.25, 0.1, -0.2]];
const W_DEC = [[0.6, -0.3], [0.2, 0.8], [-0.7, 0.4], [0.5, 0.5]];
const SHARP = [-40, -40, -40, -40], WIDE = [0.9, -1.5, 0.2, -0.4];

type P = { wMu: tf.Tensor; wLv: tf.Tensor; bLv: tf.Tensor; wDec: tf.Tensor };
const params = (bLv: number[]): P => ({ wMu: tf.tensor2d(W_MU), wLv: tf.tensor2d(W_LV), bLv: tf.tensor1d(bLv), wDec: tf.tensor2d(W_DEC) });
const model = (p: P): Vae => ({
  config: { kind: "mlp", inputDim: 2, hiddenDims: [], latentDim: 4, likelihood: "gaussian" },
  variables: [],
  variableNames: [],
  encode: (x) => ({ mu: tf.add(tf.matMul(x, p.wMu), tf.tensor1d(B_MU)) as tf.Tensor2D, logVar: tf.add(tf.matMul(x, p.wLv), p.bLv) as tf.Tensor2D }),
  decode: (z) => tf.matMul(z, p.wDec) as tf.Tensor2D,
  summary: () => [],
  dispose: () => {},
});
const run = (fn: ComputeVaeLossFn, p: P, beta: number) => lossValues(fn(model(p), tf.tensor2d(X), beta), "computeVaeLoss");

export type ComputeVaeLossHiddenSeen = {
  beta25: LossValues;
  beta0: LossValues;
  wide: LossValues;
  grads: { wMu: number[] | null; wLv: number[] | null; wDec: number[] | null };
};

const probes = {
  beta25: (fn: ComputeVaeLossFn) => run(fn, params(SHARP), 2.5),
  beta0: (fn: ComputeVaeLossFn) => run(fn, params(SHARP), 0),
  wide: (fn: ComputeVaeLossFn) => run(fn, params(WIDE), 1),
  grads: (fn: ComputeVaeLossFn) => {
    const base = params(SHARP);
    const d = (k: "wMu" | "wLv" | "wDec") =>
      gradientOrNull((w) => {
        const out = fn(model({ ...base, [k]: w }), tf.tensor2d(X), 1.5);
        lossValues(out, "computeVaeLoss");
        return out.total;
      }, base[k]);
    return { wMu: d("wMu"), wLv: d("wLv"), wDec: d("wDec") };
  },
};

const close = (a: number, b: number) => near(a, b, 1e-4, 1e-5);
const vsRef = (got: LossValues, want: LossValues, what: string) =>
  (["recon", "kl", "total"] as const).map((k) => (close(got[k], want[k]) ? undefined : `${k} is wrong on a hidden batch ${what}.`));

export const computeVaeLossHidden: HiddenSuite<ComputeVaeLossFn, ComputeVaeLossHiddenSeen> = {
  exercise: { ...computeVaeLossExercise, id: "computeVaeLoss:hidden", probes, checks: [], mistakes: [] },
  checks: [
    { id: "values-beta", name: "recon, kl and total on another batch, model and beta", category: "values", needs: ["beta25"], judge: (s, r) => fraction(vsRef(s.beta25, r.beta25, "with another beta")) },
    {
      id: "beta-zero",
      name: "with beta = 0, total equals recon",
      category: "edge case",
      needs: ["beta0"],
      judge: ({ beta0 }, r) => fraction([close(beta0.total, r.beta0.total) ? undefined : "with beta = 0, total should equal recon.", close(beta0.recon, r.beta0.recon) ? undefined : "recon is wrong on a hidden batch."]),
    },
    { id: "kl-wide", name: "kl for a wide posterior (logVar away from 0)", category: "values", needs: ["wide"], judge: (s, r) => fraction([vsRef(s.wide, r.wide, "with a wide posterior")[1]]) },
    {
      id: "gradients",
      name: "gradients of total reach the encoder (mu and logVar) and the decoder",
      category: "gradients",
      needs: ["grads"],
      judge: ({ grads: g }, { grads: want }) =>
        fraction((["wMu", "wLv", "wDec"] as const).map((k) => {
          const got = g[k], w = want[k]!;
          if (got === null) return "no gradient of total reaches some of the model's weights: use tf operations only.";
          return got.length === w.length && got.every((v, i) => near(v, w[i], 1e-3, 1e-4)) ? undefined : "the gradient of total with respect to some of the model's weights is wrong.";
        })),
    },
  ],
};
