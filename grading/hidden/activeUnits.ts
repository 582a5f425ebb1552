/**
 * Hidden tests of `activeUnits`, on encoder means drawn per grading run: 20–60 images of 3–10
 * latent dimensions, each dimension collapsed (spread 0.02), weak (0.2) or active (0.5–1.5) around
 * a mean in [−1, 1]; thresholds 0.01 and one in [0.08, 0.2], with no variance within 10 % of
 * either; the edge cases one image, every unit collapsed (identical codes, exactly representable so
 * the variance is exactly 0 however it is computed) with threshold 0, and one latent dimension;
 * and that mu is left unchanged.
 */
import {
  activeUnitsExercise,
  sameVariance,
  unitsCall,
  unitsOut,
  type ActiveUnitsFn,
  type ActiveUnitsOut,
} from "../../exercises/activeUnits/contract";
import { eachCall, rowsUnchanged } from "../../exercises/raw";
import type { Probe, Probes } from "../../exercises/types";
import type { Rng } from "../../src/vae/random";
import { activeUnits } from "../../src/vae/latentStats";
import { fraction, type HiddenSuite } from "./types";

export type ActiveUnitsHiddenSeen = { cases: ActiveUnitsOut[]; edge: ActiveUnitsOut[]; unchanged: boolean };

/** [n][latentDim] means with at least one collapsed, one weak and one active unit, in random order. */
function drawMu(rng: Rng, n: number, latentDim: number): number[][] {
  const kinds = [0, 1, 2, ...Array.from({ length: latentDim - 3 }, () => rng.int(3))];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  const spread = kinds.map((k) => (k === 0 ? 0.02 : k === 1 ? 0.2 : 0.5 + rng.uniform()));
  const centre = kinds.map(() => -1 + 2 * rng.uniform());
  return Array.from({ length: n }, () => centre.map((c, d) => c + spread[d] * rng.normal()));
}

/** Means and a threshold where no unit's variance is within 10 % of it (nor of 0.01). */
function drawCase(rng: Rng, threshold: () => number): { mu: number[][]; t: number } {
  for (;;) {
    const n = 20 + rng.int(41),
      latentDim = 3 + rng.int(8);
    const mu = drawMu(rng, n, latentDim),
      t = threshold();
    const { variance } = activeUnits(mu, t);
    if (variance.every((v) => Math.abs(v - t) > 0.1 * t && Math.abs(v - 0.01) > 0.001)) return { mu, t };
  }
}

const several = (calls: { mu: number[][]; t: number }[]): Probe<ActiveUnitsOut[]> =>
  eachCall(
    calls.map(({ mu, t }) => unitsCall(mu, t)),
    unitsOut,
  );

const probes: Probes<ActiveUnitsFn, ActiveUnitsHiddenSeen> = {
  cases: (rng) =>
    several([
      drawCase(rng, () => 0.01),
      drawCase(rng, () => 0.08 + 0.12 * rng.uniform()),
      drawCase(rng, () => 0.08 + 0.12 * rng.uniform()),
    ]),
  edge: (rng) => {
    const one = [drawMu(rng, 1, 4)[0]];
    // Identical codes of eighths, 8 of them: every way of computing the mean is exact, so the variance is exactly 0.
    const z = Array.from({ length: 5 }, () => (rng.int(33) - 16) / 8),
      same = Array.from({ length: 8 }, () => [...z]);
    const column = drawMu(rng, 30, 3).map((r) => [r[2]]);
    return several([
      { mu: one, t: 0.01 },
      { mu: same, t: 0 },
      { mu: column, t: 0.01 },
    ]);
  },
  unchanged: (rng) => {
    const mu = drawMu(rng, 25, 6);
    return {
      calls: [unitsCall(mu, 0.01, true)],
      reduce: ([o]) => (unitsOut(o.out), rowsUnchanged(o.argsAfter?.[0], mu)),
    };
  },
};

export const activeUnitsHidden: HiddenSuite<ActiveUnitsFn, ActiveUnitsHiddenSeen> = {
  exercise: { ...activeUnitsExercise, id: "activeUnits:hidden", probes, checks: [], mistakes: [] },
  checks: [
    {
      id: "variance",
      points: 0.5,
      name: "variance over the images, per latent dimension, for encoders of several sizes",
      category: "values",
      needs: ["cases"],
      judge: ({ cases }, { cases: want }) =>
        fraction(
          cases.map((c, i) =>
            sameVariance(c.variance, want[i].variance)
              ? undefined
              : "for hidden means, variance[d] should be the variance of mu[·][d] over the n images (divide by n), one per latent dimension.",
          ),
        ),
    },
    {
      id: "count",
      points: 0.5,
      name: "counts the units above the threshold, for thresholds 0.01 and larger",
      category: "values",
      needs: ["cases"],
      judge: ({ cases }, { cases: want }) =>
        fraction(
          cases.map((c, i) =>
            c.count === want[i].count
              ? undefined
              : "for hidden means, count should be the number of units whose variance is above the given threshold.",
          ),
        ),
    },
    {
      id: "edge-cases",
      points: 0.25,
      name: "one image, every unit collapsed with threshold 0, one latent dimension",
      category: "edge case",
      needs: ["edge"],
      judge: ({ edge }, { edge: want }) =>
        fraction(
          edge.map((c, i) =>
            sameVariance(c.variance, want[i].variance) && c.count === want[i].count
              ? undefined
              : "for one image, for identical codes with threshold 0 (variance 0 is not above 0), or for a single latent dimension, the variances or the count are wrong.",
          ),
        ),
    },
    {
      id: "inputs-unchanged",
      points: 0.25,
      name: "leaves mu unchanged",
      category: "side effects",
      needs: ["unchanged"],
      judge: ({ unchanged }) =>
        unchanged
          ? { score: 1 }
          : { score: 0, message: "activeUnits modified the mu it was given: compute into new arrays." },
    },
  ],
};
