/**
 * Hidden tests of `computeVaeLoss` (lesson 1, means over elements), on a linear probe model drawn
 * per grading run (batch 6, inputDim 2, latentDim 4, so sum-vs-mean factors differ from the public
 * ones): another beta and beta = 0 with logVar ≈ −40 (sigma ≈ 2·10⁻⁹, so z = mu and the values are
 * deterministic), a wide posterior for the KL, recon under sampled z on 1,500 points (compared with
 * its expectation, so decoding mu instead of z fails), and gradients. In the jail, the learner's
 * `reparameterize` is replaced by ours (docs/grading.md), so a wrong one is not charged twice.
 */
import {
  computeVaeLossExercise,
  lossCall,
  lossGradsProbe,
  normalRows,
  sampledProbe,
  type ComputeVaeLossFn,
  type ComputeVaeLossSeen,
  type Weights,
} from "../../exercises/computeVaeLoss/contract";
import { lossOut, uniformIn } from "../../exercises/raw";
import type { Probe, Probes } from "../../exercises/types";
import { near, type LossValues } from "../../exercises/util";
import type { Rng } from "../../src/vae/random";
import { fraction, type HiddenSuite } from "./types";

const LATENT = 4;
const matrix = (rng: Rng, rows: number, cols: number, lo: number, hi: number) =>
  Array.from({ length: rows }, () => uniformIn(rng, cols, lo, hi));
/** A probe model: the same draw for every probe of a run (each probe's rng is its own fork, so draw from a fixed fork). */
function drawWeights(rng: Rng, bLv: number[]): Weights {
  return {
    wMu: matrix(rng, 2, LATENT, -1.2, 1.2),
    bMu: uniformIn(rng, LATENT, -0.3, 0.3),
    wLv: matrix(rng, 2, LATENT, -0.3, 0.3),
    bLv,
    wDec: matrix(rng, LATENT, 2, -1, 1),
  };
}
const sharp = () => new Array<number>(LATENT).fill(-40);

export type ComputeVaeLossHiddenSeen = {
  beta: LossValues & { beta: number };
  beta0: LossValues;
  wide: LossValues;
  sampled: ComputeVaeLossSeen["sampled"];
  grads: { wMu: number[] | null; wLv: number[] | null; wDec: number[] | null };
};

const values = (w: Weights, x: number[][], beta: number): Probe<LossValues> => ({
  calls: [lossCall(w, x, beta)],
  reduce: ([o]) => lossOut(o.out, "computeVaeLoss"),
});

const probes: Probes<ComputeVaeLossFn, ComputeVaeLossHiddenSeen> = {
  beta: (rng) => {
    const beta = 1.5 + 2 * rng.uniform();
    const p = values(drawWeights(rng, sharp()), normalRows(rng, 6), beta);
    return { calls: p.calls, reduce: (os) => ({ ...p.reduce(os), beta }) };
  },
  beta0: (rng) => values(drawWeights(rng, sharp()), normalRows(rng, 6), 0),
  wide: (rng) => values(drawWeights(rng, uniformIn(rng, LATENT, -1.5, 1)), normalRows(rng, 6), 1),
  sampled: (rng) => sampledProbe(drawWeights(rng, uniformIn(rng, LATENT, 0.2, 0.8)), normalRows(rng, 1500)),
  grads: (rng) => lossGradsProbe(drawWeights(rng, sharp()), normalRows(rng, 6), 1.5),
};

const close = (a: number, b: number) => near(a, b, 1e-4, 1e-5);
const vsRef = (got: LossValues, want: LossValues, what: string) =>
  (["recon", "kl", "total"] as const).map((k) =>
    close(got[k], want[k]) ? undefined : `${k} is wrong on a hidden batch ${what}.`,
  );

export const computeVaeLossHidden: HiddenSuite<ComputeVaeLossFn, ComputeVaeLossHiddenSeen> = {
  exercise: { ...computeVaeLossExercise, id: "computeVaeLoss:hidden", probes, checks: [], mistakes: [] },
  checks: [
    {
      id: "values-beta",
      points: 0.5,
      name: "recon, kl and total on another batch, model and beta",
      category: "values",
      needs: ["beta"],
      judge: (s, r) => fraction(vsRef(s.beta, r.beta, "with another beta")),
    },
    {
      id: "beta-zero",
      points: 0.5,
      name: "with beta = 0, total equals recon",
      category: "edge case",
      needs: ["beta0"],
      // Two questions apart: is total recon (whatever recon is), and is recon right.
      judge: ({ beta0 }, r) =>
        fraction([
          close(beta0.total, beta0.recon) ? undefined : "with beta = 0, total should equal recon.",
          close(beta0.recon, r.beta0.recon) ? undefined : "recon is wrong on a hidden batch.",
        ]),
    },
    {
      id: "kl-wide",
      points: 0.25,
      name: "kl for a wide posterior (logVar away from 0)",
      category: "values",
      needs: ["wide"],
      judge: (s, r) => fraction([vsRef(s.wide, r.wide, "with a wide posterior")[1]]),
    },
    {
      id: "sampled-z",
      points: 0.5,
      name: "recon decodes a sampled z (a wide posterior on many points)",
      category: "statistics",
      needs: ["sampled"],
      judge: ({ sampled: s }) =>
        Number.isFinite(s.recon) && Math.abs(s.recon - s.expected) <= 6 * s.se
          ? { score: 1 }
          : {
              score: 0,
              message:
                "with a wide posterior, recon is not what decoding z = reparameterize(mu, logVar) gives on average: decode the sampled z, not mu.",
            },
    },
    {
      id: "gradients",
      points: 0.5,
      name: "gradients of total reach the encoder (mu and logVar) and the decoder",
      category: "gradients",
      needs: ["grads"],
      judge: ({ grads: g }, { grads: want }) =>
        fraction(
          (["wMu", "wLv", "wDec"] as const).map((k) => {
            const got = g[k],
              w = want[k]!;
            if (got === null)
              return "no gradient of total reaches some of the model's weights: use tf operations only.";
            return got.length === w.length && got.every((v, i) => near(v, w[i], 1e-3, 1e-4))
              ? undefined
              : "the gradient of total with respect to some of the model's weights is wrong.";
          }),
        ),
    },
  ],
};
