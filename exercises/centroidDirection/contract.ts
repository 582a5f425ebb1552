/**
 * Lesson 3: a semantic direction in latent space — the vector from the centroid of one group of
 * codes (say, the 3s) to the centroid of another (the 8s):
 *   d = mean(codesTo) − mean(codesFrom),
 * so that walking z + α·d from a "from" code turns it into a "to" digit (attribute vectors: White,
 * "Sampling Generative Networks", 2016). Not normalised: α = 1 moves the "from" centroid exactly
 * onto the "to" centroid.
 */
import { centroidDirection } from "../../src/vae/latentStats";
import type { Call, Raw } from "../harness";
import { describeOut, rowsUnchanged } from "../raw";
import type { Exercise, Probe, Probes, PublicCheck } from "../types";
import { allNear, CheckFailure, fmtList } from "../util";
import { centroidDirectionMistakes } from "./mistakes";

export type CentroidDirectionFn = (codesFrom: number[][], codesTo: number[][]) => number[];

export type CentroidDirectionSeen = {
  /** 3 "from" codes and 5 "to" codes, 2-D. */
  basic: number[];
  /** 2 "from" codes and 3 "to" codes, 4-D. */
  dims: number[];
  /** One code each: the direction is their difference. */
  single: number[];
  /** Whether codesFrom and codesTo were left as they were. */
  unchanged: boolean;
};

export const FROM = [
  [-1.0, 0.5],
  [-1.4, 0.2],
  [-0.7, 0.9],
];
export const TO = [
  [1.2, 1.5],
  [0.8, 2.1],
  [1.5, 1.6],
  [1.1, 1.8],
  [0.9, 2.5],
];
const FROM4 = [
  [0.3, -1.2, 0.8, 2.0],
  [0.5, -0.8, 1.0, 1.6],
];
const TO4 = [
  [-0.4, 0.6, 0.9, 0.2],
  [-0.1, 1.0, 1.3, -0.2],
  [-0.7, 0.8, 0.5, 0.3],
];
const ONE_FROM = [[0.2, -0.5, 1.1]],
  ONE_TO = [[1.0, 0.3, -0.4]];

/** One call of centroidDirection(codesFrom, codesTo) (on copies: a learner's function may modify its inputs). */
export const directionCall = (from: number[][], to: number[][], argsAfter = false): Call => ({
  args: [{ rows: from }, { rows: to }],
  ...(argsAfter ? { argsAfter } : {}),
});

/**
 * The direction as returned (any length: the checks judge it), or a CheckFailure saying what came
 * back instead of an array of plain numbers.
 */
export function directionOut(r: Raw): number[] {
  if (r.kind === "tensor")
    throw new CheckFailure(
      `centroidDirection should return an array of plain numbers, but returned ${describeOut(r)}: return Array.from(tensor.dataSync()) if you computed with tensors.`,
    );
  if (r.kind !== "array")
    throw new CheckFailure(`centroidDirection should return an array of numbers, but returned ${describeOut(r)}.`);
  if (!r.numbers)
    throw new CheckFailure(
      "centroidDirection should return plain numbers (one per latent dimension), but returned an array of something else.",
    );
  return r.numbers;
}

export const directionProbe = (from: number[][], to: number[][]): Probe<number[]> => ({
  calls: [directionCall(from, to)],
  reduce: ([o]) => directionOut(o.out),
});

/** The same direction (relative 1e-4: a learner may have used float32 tensors). */
export const sameDirection = (got: number[], want: number[]) =>
  got.every(Number.isFinite) && allNear(got, want, 1e-4, 1e-5);

const probes: Probes<CentroidDirectionFn, CentroidDirectionSeen> = {
  basic: () => directionProbe(FROM, TO),
  dims: () => directionProbe(FROM4, TO4),
  single: () => directionProbe(ONE_FROM, ONE_TO),
  unchanged: () => ({
    calls: [directionCall(FROM, TO, true)],
    reduce: ([o]) => (
      directionOut(o.out),
      rowsUnchanged(o.argsAfter?.[0], FROM) && rowsUnchanged(o.argsAfter?.[1], TO)
    ),
  }),
};

const checks: PublicCheck<CentroidDirectionSeen>[] = [
  {
    id: "shape",
    name: "returns one number per latent dimension",
    points: 0.1,
    needs: ["basic"],
    judge: ({ basic }) =>
      basic.length === 2
        ? undefined
        : `for 2-D codes (3 in codesFrom, 5 in codesTo) the direction should have 2 numbers, one per latent dimension (average over the codes, not over a code's dimensions), but has ${basic.length}.`,
  },
  {
    id: "formula",
    name: "is mean(codesTo) − mean(codesFrom), for groups of different sizes",
    points: 0.2,
    needs: ["basic", "dims"],
    judge: ({ basic, dims }, ref) => {
      if (!sameDirection(basic, ref.basic))
        return `for the 3 codes of codesFrom and the 5 of codesTo in this check, the direction should be ${fmtList(ref.basic)}, but it is ${fmtList(basic)}.`;
      return sameDirection(dims, ref.dims)
        ? undefined
        : `for 4-D codes (2 in codesFrom, 3 in codesTo), the direction should be ${fmtList(ref.dims)}, but it is ${fmtList(dims)}.`;
    },
  },
  {
    id: "single",
    name: "for one code each, is codesTo[0] − codesFrom[0]",
    points: 0.1,
    needs: ["single"],
    judge: ({ single }, ref) =>
      sameDirection(single, ref.single)
        ? undefined
        : `from ${fmtList(ONE_FROM[0])} to ${fmtList(ONE_TO[0])}, the direction should be ${fmtList(ref.single)}, but it is ${fmtList(single)}.`,
  },
  {
    id: "inputs-unchanged",
    name: "leaves codesFrom and codesTo unchanged",
    points: 0.1,
    needs: ["unchanged"],
    judge: ({ unchanged }) =>
      unchanged
        ? undefined
        : "centroidDirection modified the codes it was given (did you sum into codesFrom[0] or codesTo[0]?): start the sums from new arrays of zeros.",
  },
];

export const centroidDirectionExercise: Exercise<CentroidDirectionFn, CentroidDirectionSeen> = {
  id: "centroidDirection",
  lesson: 3,
  functionName: "centroidDirection",
  signature: "centroidDirection(codesFrom: number[][], codesTo: number[][]): number[]",
  points: 2,
  statement:
    "codesFrom and codesTo are latent codes ([n][latentDim]) of two groups of images (say, the 3s and the 8s; the groups may differ in size). " +
    "Return the direction from the first group's centroid to the second's: mean(codesTo) − mean(codesFrom), one number per latent dimension, not normalised. Leave the inputs unchanged.",
  reference: centroidDirection,
  probes,
  checks,
  mistakes: centroidDirectionMistakes,
};
