/**
 * Lesson 3: counting active latent units (Burda, Grosse & Salakhutdinov, "Importance Weighted
 * Autoencoders", ICLR 2016). For the encoder's means mu of n held-out images ([n][latentDim]):
 *   variance[d] = (1/n) Σ_i (mu[i][d] − mean_d)²,   unit d is active when variance[d] > threshold,
 * with threshold 0.01 in that paper. A collapsed unit (posterior collapse) has the same mu for every
 * image: its variance is ≈ 0, and the decoder can read nothing from it.
 */
import { activeUnits } from "../../src/vae/latentStats";
import type { Call, Raw } from "../harness";
import { describeOut, numberOut, rowsUnchanged } from "../raw";
import type { Exercise, Probe, Probes, PublicCheck } from "../types";
import { CheckFailure, fmt, fmtList, near } from "../util";
import { activeUnitsMistakes } from "./mistakes";

export type ActiveUnitsFn = (mu: number[][], threshold: number) => { variance: number[]; count: number };
export type ActiveUnitsOut = { variance: number[]; count: number };

export type ActiveUnitsSeen = {
  /** activeUnits(MU, 0.01): 6 images, 4 latent dimensions (one collapsed near 0.5, one of mean 0). */
  basic: ActiveUnitsOut;
  /** activeUnits(MU, 0.025): the threshold is the caller's, not a constant. */
  threshold: ActiveUnitsOut;
  /** activeUnits(EDGE, 0.0625): one unit's variance is exactly the threshold (0.0625), one is 0. */
  boundary: ActiveUnitsOut;
  /** Whether mu was left as it was by activeUnits(MU, 0.01). */
  unchanged: boolean;
};

/** 6 images × 4 latent dimensions: variances 0.392, 0.000167 (collapsed, mean 0.5), 0.0292 (mean 0), 0.0189. */
export const MU = [
  [1.2, 0.5, -0.2, 0.3],
  [0.4, 0.52, 0.1, 0.45],
  [-0.3, 0.49, 0.05, 0.2],
  [0.9, 0.51, -0.15, 0.5],
  [1.5, 0.5, 0.3, 0.35],
  [0.1, 0.48, -0.1, 0.1],
];
/** ±0.25 (variance exactly 0.0625 in floating point), ±1, and a constant column. */
const EDGE = [
  [0.25, 1, 0.5],
  [-0.25, -1, 0.5],
  [0.25, 1, 0.5],
  [-0.25, -1, 0.5],
];

/** One call of activeUnits(mu, threshold) (on copies: a learner's function may modify its inputs). */
export const unitsCall = (mu: number[][], threshold: number, argsAfter = false): Call => ({
  args: [{ rows: mu }, { number: threshold }],
  fields: ["variance", "count"],
  ...(argsAfter ? { argsAfter } : {}),
});

/**
 * { variance, count } as returned, or a CheckFailure saying what came back instead. The length of
 * variance is the checks' to judge (a wrong axis gives one per image).
 */
export function unitsOut(r: Raw): ActiveUnitsOut {
  if (r.kind !== "object")
    throw new CheckFailure(`activeUnits should return { variance, count }, but returned ${describeOut(r)}.`);
  const v = r.fields.variance;
  if (!v) throw new CheckFailure(`the result has no "variance": return { variance, count }.`);
  if (v.kind === "tensor")
    throw new CheckFailure(
      `variance should be an array of plain numbers, but is ${describeOut(v)}: return Array.from(tensor.dataSync()) if you computed with tensors.`,
    );
  if (v.kind !== "array" || !v.numbers)
    throw new CheckFailure(
      `variance should be an array of plain numbers, one per latent dimension, but is ${v.kind === "array" ? "an array of something else" : describeOut(v)}.`,
    );
  if (!r.fields.count) throw new CheckFailure(`the result has no "count": return { variance, count }.`);
  return { variance: v.numbers, count: numberOut(r.fields.count, "count") };
}

/** activeUnits(mu, threshold), reduced. */
export const unitsProbe = (mu: number[][], threshold: number): Probe<ActiveUnitsOut> => ({
  calls: [unitsCall(mu, threshold)],
  reduce: ([o]) => unitsOut(o.out),
});

/** Same variances: float64 sums here, float32 if the learner used tf (relative 1e-3 still tells n from n − 1 for n ≤ 100). */
export const sameVariance = (got: number[], want: number[]) =>
  got.length === want.length && got.every((v, i) => Number.isFinite(v) && near(v, want[i], 1e-3, 1e-7));

const probes: Probes<ActiveUnitsFn, ActiveUnitsSeen> = {
  basic: () => unitsProbe(MU, 0.01),
  threshold: () => unitsProbe(MU, 0.025),
  boundary: () => unitsProbe(EDGE, 0.0625),
  unchanged: () => ({
    calls: [unitsCall(MU, 0.01, true)],
    reduce: ([o]) => (unitsOut(o.out), rowsUnchanged(o.argsAfter?.[0], MU)),
  }),
};

const checks: PublicCheck<ActiveUnitsSeen>[] = [
  {
    id: "shape",
    name: "returns { variance, count } with one variance per latent dimension",
    points: 0.1,
    needs: ["basic"],
    judge: ({ basic: { variance } }) =>
      variance.length === MU[0].length
        ? undefined
        : `for mu of ${MU.length} images × ${MU[0].length} latent dimensions, variance should have ${MU[0].length} numbers (one per dimension, over the images), but has ${variance.length}.`,
  },
  {
    id: "variance",
    name: "variance[d] is the variance of mu[·][d] over the n images (divide by n)",
    points: 0.15,
    needs: ["basic"],
    judge: ({ basic: { variance } }, { basic: want }) =>
      sameVariance(variance, want.variance)
        ? undefined
        : `for the 6 × 4 mu of this check, variance should be ${fmtList(want.variance)}, but it is ${fmtList(variance)}.`,
  },
  {
    id: "count",
    name: "count is the number of units whose variance is above the threshold",
    points: 0.1,
    needs: ["basic", "threshold"],
    judge: ({ basic, threshold }, ref) => {
      if (basic.count !== ref.basic.count)
        return `with threshold 0.01, ${ref.basic.count} of the 4 units are active, but count is ${fmt(basic.count)}.`;
      return threshold.count === ref.threshold.count
        ? undefined
        : `with threshold 0.025 (the threshold argument, not always 0.01), ${ref.threshold.count} of the 4 units are active, but count is ${fmt(threshold.count)}.`;
    },
  },
  {
    id: "boundary",
    name: "a unit whose variance equals the threshold is not active (variance > threshold)",
    points: 0.1,
    needs: ["boundary"],
    judge: ({ boundary }, { boundary: want }) =>
      boundary.count === want.count
        ? undefined
        : `for variances [0.0625, 1, 0] and threshold 0.0625, only the unit of variance 1 is active (0.0625 is not above 0.0625), so count should be ${want.count}, but it is ${fmt(boundary.count)}.`,
  },
  {
    id: "inputs-unchanged",
    name: "leaves mu unchanged",
    points: 0.05,
    needs: ["unchanged"],
    judge: ({ unchanged }) =>
      unchanged
        ? undefined
        : "activeUnits modified the mu it was given (the lesson uses mu again afterwards): compute into new arrays.",
  },
];

export const activeUnitsExercise: Exercise<ActiveUnitsFn, ActiveUnitsSeen> = {
  id: "activeUnits",
  lesson: 3,
  functionName: "activeUnits",
  signature: "activeUnits(mu: number[][], threshold: number): { variance: number[]; count: number }",
  points: 2,
  statement:
    "mu holds the encoder's means for n held-out images ([n][latentDim]). Return variance, where variance[d] is the variance over the n images of mu[·][d] (divide by n), " +
    "and count, the number of active units: those with variance[d] > threshold (Burda et al. 2016 use 0.01). Leave mu unchanged.",
  reference: activeUnits,
  probes,
  checks,
  mistakes: activeUnitsMistakes,
};
