/**
 * Hidden tests of `slerp` (Shoemake 1985): 6-D codes of different norms at several t, nearly
 * parallel codes (Ω ≈ 1e-7, where the formula is 0/0 in floating point), and that the learner's
 * function leaves its inputs unchanged (the navigator reuses them).
 */
import { slerpExercise, type SlerpFn } from "../../exercises/slerp";
import { allNear } from "../../exercises/util";
import { fraction, type HiddenSuite } from "./types";

const P = [1.2, -0.4, 0.9, 2.1, -1.3, 0.2], Q = [-0.6, 1.8, 0.3, 0.4, 2.2, -1.0];
const TS = [0.1, 0.35, 0.5, 0.9];
const NEAR0 = [1, 2, 3], NEAR1 = [1 + 1e-7, 2, 3 - 1e-7];

export type SlerpHiddenSeen = { path: number[][]; nearParallel: number[]; unchanged: boolean };

const asNumbers = (v: unknown, n: number): number[] => {
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === "number")) throw new Error(`slerp should return ${n} numbers.`);
  return v as number[];
};

const probes = {
  path: (fn: SlerpFn) => TS.map((t) => asNumbers(fn([...P], [...Q], t), 6)),
  nearParallel: (fn: SlerpFn) => asNumbers(fn([...NEAR0], [...NEAR1], 0.4), 3),
  unchanged: (fn: SlerpFn) => {
    const a = [...P], b = [...Q];
    fn(a, b, 0.3);
    return a.every((v, i) => v === P[i]) && b.every((v, i) => v === Q[i]);
  },
};

export const slerpHidden: HiddenSuite<SlerpFn, SlerpHiddenSeen> = {
  exercise: { ...slerpExercise, id: "slerp:hidden", probes, checks: [], mistakes: [] },
  checks: [
    {
      id: "path",
      name: "follows the formula for higher-dimensional codes of different norms at several t",
      category: "values",
      needs: ["path"],
      judge: ({ path }, { path: want }) => fraction(path.map((z, i) => (allNear(z, want[i], 1e-6, 1e-6) ? undefined : "the path between two hidden codes is off the great circle's formula."))),
    },
    {
      id: "nearly-parallel",
      name: "no NaN for nearly parallel codes",
      category: "numerical stability",
      needs: ["nearParallel"],
      judge: ({ nearParallel: z }, { nearParallel: w }) =>
        z.every(Number.isFinite) && allNear(z, w, 1e-6, 1e-6) ? { score: 1 } : { score: 0, message: "for nearly parallel codes (angle far below 1e-4) the result should be the linear interpolation, without NaN." },
    },
    {
      id: "inputs-unchanged",
      name: "leaves z0 and z1 unchanged",
      category: "side effects",
      needs: ["unchanged"],
      judge: ({ unchanged }) => (unchanged ? { score: 1 } : { score: 0, message: "slerp modified the arrays it was given: compute into a new array." }),
    },
  ],
};
