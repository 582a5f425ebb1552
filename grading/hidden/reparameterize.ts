/**
 * Hidden tests of `reparameterize`: per-dimension moments on a wide batch where every latent
 * dimension has its own mu and logVar (catches broadcasts and swapped axes the public shapes miss),
 * gradients at another point (∂z/∂mu = 1, ∂z/∂logVar = ½(z − mu)), and a one-row, 16-wide input.
 * Tolerances are ≥ 5 standard errors over 8,000 seeded draws, so honest answers never fail by chance.
 */
import * as tf from "@tensorflow/tfjs";
import { reparameterizeExercise, type ReparameterizeFn } from "../../exercises/reparameterize";
import { gradientOrNull, near, tensorValues } from "../../exercises/util";
import { fraction, type HiddenSuite } from "./types";

const N = 8000;
const MU = [2, -1, 0.5, 0], LOGVAR = [Math.log(0.09), Math.log(2.25), 0, -3];
const G_MU = [[0.1, -2, 0.7, 1.5], [0, 0.3, -0.4, 2]], G_LV = [[-1, 0.5, 0, 1.2], [0.3, -2, 0.9, -0.5]];

export type ReparameterizeHiddenSeen = {
  perDim: { mean: number[]; std: number[]; nonFinite: number };
  grads: { z: number[]; dMu: number[] | null; dLogVar: number[] | null };
  wide: { finite: boolean; distinct: number };
};

const call = (fn: ReparameterizeFn, mu: tf.Tensor, lv: tf.Tensor) => fn(mu as tf.Tensor2D, lv as tf.Tensor2D) as unknown;

const probes = {
  perDim: (fn: ReparameterizeFn) => {
    const mu = tf.mul(tf.ones([N, 4]), tf.tensor1d(MU)), lv = tf.mul(tf.ones([N, 4]), tf.tensor1d(LOGVAR));
    const z = tensorValues(call(fn, mu, lv), [N, 4], "z");
    const mean = [0, 0, 0, 0], sq = [0, 0, 0, 0];
    let nonFinite = 0;
    z.forEach((v, i) => (Number.isFinite(v) ? ((mean[i % 4] += v / N), (sq[i % 4] += (v * v) / N)) : nonFinite++));
    return { mean, std: mean.map((m, j) => Math.sqrt(Math.max(0, sq[j] - m * m))), nonFinite };
  },
  grads: (fn: ReparameterizeFn) => {
    const mu = tf.tensor2d(G_MU), lv = tf.tensor2d(G_LV);
    let z: number[] = [];
    const zOf = (m: tf.Tensor, l: tf.Tensor) => {
      const out = call(fn, m, l) as tf.Tensor;
      z = tensorValues(out, [2, 4], "z");
      return out;
    };
    const dMu = gradientOrNull((m) => zOf(m, lv), mu);
    const dLogVar = gradientOrNull((l) => zOf(mu, l), lv);
    return { z, dMu, dLogVar };
  },
  wide: (fn: ReparameterizeFn) => {
    const z = tensorValues(call(fn, tf.zeros([1, 16]), tf.fill([1, 16], 0.3)), [1, 16], "z");
    return { finite: z.every(Number.isFinite), distinct: new Set(z).size };
  },
};

export const reparameterizeHidden: HiddenSuite<ReparameterizeFn, ReparameterizeHiddenSeen> = {
  exercise: { ...reparameterizeExercise, id: "reparameterize:hidden", probes, checks: [], mistakes: [] },
  checks: [
    {
      id: "moments-per-dimension",
      name: "z has mean mu and standard deviation exp(½·logVar) in every latent dimension",
      category: "statistics",
      needs: ["perDim"],
      judge: ({ perDim: s }) => {
        if (s.nonFinite > 0) return { score: 0, message: "some values of z are NaN or Infinity." };
        return fraction(MU.map((mu, j) => {
          const sigma = Math.exp(0.5 * LOGVAR[j]);
          if (!near(s.mean[j], mu, 0, 0.06 * sigma)) return `in latent dimension ${j + 1} of a batch where each dimension has its own mu and logVar, the mean of z is not mu.`;
          if (!near(s.std[j], sigma, 0.05, 0)) return `in latent dimension ${j + 1} of a batch where each dimension has its own mu and logVar, the standard deviation of z is not exp(½·logVar).`;
          return undefined;
        }));
      },
    },
    {
      id: "gradients",
      name: "gradients ∂z/∂mu = 1 and ∂z/∂logVar = ½(z − mu) at another point",
      category: "gradients",
      needs: ["grads"],
      judge: ({ grads: g }) => {
        if (g.dMu === null || g.dLogVar === null) return { score: 0, message: "no gradient reaches mu or logVar: build z with tf operations only." };
        const muOk = g.dMu.every((d) => near(d, 1));
        const want = g.z.map((z, i) => 0.5 * (z - G_MU.flat()[i]));
        const lvOk = g.dLogVar.every((d, i) => near(d, want[i], 1e-3, 1e-3));
        return fraction([muOk ? undefined : "∂z/∂mu is not 1 everywhere.", lvOk ? undefined : "∂z/∂logVar is not ½(z − mu)."]);
      },
    },
    {
      id: "one-wide-row",
      name: "works for a single row with many latent dimensions",
      category: "shapes",
      needs: ["wide"],
      judge: ({ wide }) => (wide.finite && wide.distinct === 16 ? { score: 1 } : { score: 0, message: "for a single wide row, every element of z should be a different finite value." }),
    },
  ],
};
