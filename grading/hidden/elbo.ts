/**
 * Hidden tests of lesson 2's `elbo` (Bernoulli NLL summed over pixels, KL summed over latent
 * dimensions, both averaged over the batch): another batch (4 images of 6 pixels, latentDim 3,
 * with grey-level targets), logits of ±500 (sigmoid saturates: only the stable form stays exact),
 * and gradients. All inputs are given, so everything is deterministic.
 */
import * as tf from "@tensorflow/tfjs";
import { elboExercise, type ElboFn } from "../../exercises/elbo";
import { gradientOrNull, lossValues, near, type LossValues } from "../../exercises/util";
import { fraction, type HiddenSuite } from "./types";

const X = [[0, 0.3, 1, 1, 0, 0.7], [1, 0, 0, 0.5, 1, 1], [0.2, 0.2, 0.9, 0, 0, 1], [1, 1, 1, 0, 0.1, 0]];
const LOGITS = [[-1.1, 0.4, 2.5, 1.7, -3.2, 0.9], [2.0, -0.6, -1.8, 0.2, 1.4, 3.1], [-0.5, -0.9, 1.1, -2.4, -0.3, 2.2], [1.6, 0.8, 2.9, -1.3, -0.7, -2.6]];
const MU = [[0.4, -0.7, 1.3], [-1.1, 0.2, 0.5], [0.9, 0.9, -0.3], [0.0, -1.6, 0.8]];
const LOGVAR = [[-0.8, 0.4, 0.1], [0.6, -1.5, -0.2], [0.0, 0.3, -0.9], [-0.4, 1.1, 0.5]];
const inputs = () => ({ x: tf.tensor2d(X), logits: tf.tensor2d(LOGITS), mu: tf.tensor2d(MU), logVar: tf.tensor2d(LOGVAR) });
type I = ReturnType<typeof inputs>;
const run = (fn: ElboFn, i: I) => lossValues(fn(i.x, i.logits, i.mu, i.logVar), "elbo");

export type ElboHiddenSeen = {
  values: LossValues;
  saturated: LossValues;
  grads: { logits: number[] | null; mu: number[] | null; logVar: number[] | null };
};

const probes = {
  values: (fn: ElboFn) => run(fn, inputs()),
  saturated: (fn: ElboFn) => {
    const i = inputs();
    const sign = tf.sub(tf.mul(tf.greater(tf.tensor2d(X), 0.5).toFloat(), 2), 1); // +1 where x > 0.5, else −1
    return run(fn, { ...i, x: tf.round(tf.tensor2d(X)) as tf.Tensor2D, logits: tf.mul(sign, 500) as tf.Tensor2D });
  },
  grads: (fn: ElboFn) => {
    const base = inputs();
    const d = (k: "logits" | "mu" | "logVar") =>
      gradientOrNull((v) => {
        const out = fn(...([base.x, base.logits, base.mu, base.logVar].map((t, j) => (["x", "logits", "mu", "logVar"][j] === k ? v : t)) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]));
        lossValues(out, "elbo");
        return out.total;
      }, base[k]);
    return { logits: d("logits"), mu: d("mu"), logVar: d("logVar") };
  },
};

const close = (a: number, b: number) => near(a, b, 1e-4, 1e-3);

export const elboHidden: HiddenSuite<ElboFn, ElboHiddenSeen> = {
  exercise: { ...elboExercise, id: "elbo:hidden", probes, checks: [], mistakes: [] },
  checks: [
    {
      id: "values",
      name: "recon, kl and total on another batch (grey-level targets, another latentDim)",
      category: "values",
      needs: ["values"],
      judge: ({ values: v }, { values: w }) => fraction((["recon", "kl", "total"] as const).map((k) => (close(v[k], w[k]) ? undefined : `${k} is wrong on a hidden batch.`))),
    },
    {
      id: "saturated-logits",
      name: "recon stays finite and exact when the decoder is very confident",
      category: "numerical stability",
      needs: ["saturated"],
      judge: ({ saturated: v }, { saturated: w }) =>
        Number.isFinite(v.recon) && close(v.recon, w.recon) ? { score: 1 } : { score: 0, message: "recon is NaN, Infinity or inexact for very confident logits: compute it from the logits in the stable form." },
    },
    {
      id: "gradients",
      name: "gradients of total with respect to logits, mu and logVar",
      category: "gradients",
      needs: ["grads"],
      judge: ({ grads: g }, { grads: want }) =>
        fraction((["logits", "mu", "logVar"] as const).map((k) => {
          const got = g[k], w = want[k]!;
          if (got === null) return `no gradient of total reaches ${k}: use tf operations only.`;
          return got.length === w.length && got.every((v, i) => near(v, w[i], 1e-3, 1e-4)) ? undefined : `the gradient of total with respect to ${k} is wrong on a hidden batch.`;
        })),
    },
  ],
};
