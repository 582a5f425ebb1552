/**
 * Hidden tests of lesson 2's `elbo` (Bernoulli NLL summed over pixels, KL summed over latent
 * dimensions, both averaged over the batch), on a batch drawn per grading run (4 images of 6
 * pixels, latentDim 3, grey-level targets): values, logits of ±500 (sigmoid saturates: only the
 * stable form stays exact), and gradients. Compared with our reference on the same inputs.
 */
import { elboExercise, elboGrads, elboValues, type ElboFn, type ElboInputs } from "../../exercises/elbo/contract";
import { uniformIn } from "../../exercises/raw";
import type { Probes } from "../../exercises/types";
import { near, type LossValues } from "../../exercises/util";
import type { Rng } from "../../src/vae/random";
import { fraction, type HiddenSuite } from "./types";

const B = 4,
  P = 6,
  L = 3;
const matrix = (rng: Rng, rows: number, cols: number, lo: number, hi: number) =>
  Array.from({ length: rows }, () => uniformIn(rng, cols, lo, hi));
const draw = (rng: Rng): ElboInputs => ({
  x: matrix(rng, B, P, 0, 1),
  logits: matrix(rng, B, P, -3, 3),
  mu: matrix(rng, B, L, -1.5, 1.5),
  logVar: matrix(rng, B, L, -1.5, 1.2),
});

export type ElboHiddenSeen = {
  values: LossValues;
  saturated: LossValues;
  grads: { logits: number[] | null; mu: number[] | null; logVar: number[] | null };
};

const probes: Probes<ElboFn, ElboHiddenSeen> = {
  values: (rng) => elboValues(draw(rng)),
  saturated: (rng) => {
    const i = draw(rng);
    const x = i.x.map((r) => r.map(Math.round));
    return elboValues({ ...i, x, logits: x.map((r) => r.map((v) => (v > 0.5 ? 500 : -500))) });
  },
  grads: (rng) => elboGrads(draw(rng)),
};

const close = (a: number, b: number) => near(a, b, 1e-4, 1e-3);

export const elboHidden: HiddenSuite<ElboFn, ElboHiddenSeen> = {
  exercise: { ...elboExercise, id: "elbo:hidden", probes, checks: [], mistakes: [] },
  checks: [
    {
      id: "values",
      points: 1,
      name: "recon, kl and total on another batch (grey-level targets, another latentDim)",
      category: "values",
      needs: ["values"],
      judge: ({ values: v }, { values: w }) =>
        fraction(
          (["recon", "kl", "total"] as const).map((k) =>
            close(v[k], w[k]) ? undefined : `${k} is wrong on a hidden batch.`,
          ),
        ),
    },
    {
      id: "saturated-logits",
      points: 0.5,
      name: "recon stays finite and exact when the decoder is very confident",
      category: "numerical stability",
      needs: ["saturated"],
      judge: ({ saturated: v }, { saturated: w }) =>
        Number.isFinite(v.recon) && close(v.recon, w.recon)
          ? { score: 1 }
          : {
              score: 0,
              message:
                "recon is NaN, Infinity or inexact for very confident logits: compute it from the logits in the stable form.",
            },
    },
    {
      id: "gradients",
      points: 1,
      name: "gradients of total with respect to logits, mu and logVar",
      category: "gradients",
      needs: ["grads"],
      judge: ({ grads: g }, { grads: want }) =>
        fraction(
          (["logits", "mu", "logVar"] as const).map((k) => {
            const got = g[k],
              w = want[k]!;
            if (got === null) return `no gradient of total reaches ${k}: use tf operations only.`;
            return got.length === w.length && got.every((v, i) => near(v, w[i], 1e-3, 1e-4))
              ? undefined
              : `the gradient of total with respect to ${k} is wrong on a hidden batch.`;
          }),
        ),
    },
  ],
};
