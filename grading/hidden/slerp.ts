/**
 * Hidden tests of `slerp` (Shoemake 1985), on codes drawn per grading run: 6-D codes of different
 * norms at several t, nearly parallel codes (Ω ≈ 1e-7, where the formula is 0/0 in floating point)
 * and exactly parallel ones whose cosine rounds above 1 (an unclamped Math.acos gives NaN), a zero
 * code and opposite codes (the lesson asks for the line there), and that the learner's function
 * leaves its inputs unchanged (the navigator reuses them).
 */
import { uniformIn } from "../../exercises/raw";
import { pathOut, slerpAt, slerpCall, slerpExercise, type SlerpFn } from "../../exercises/slerp/contract";
import type { Probes } from "../../exercises/types";
import { allNear } from "../../exercises/util";
import type { Rng } from "../../src/vae/random";
import { fraction, type HiddenSuite } from "./types";

const TS = [0.1, 0.35, 0.5, 0.9];

export type SlerpHiddenSeen = {
  path: number[][];
  nearParallel: number[][];
  degenerate: number[][];
  unchanged: boolean;
};

/** Two codes at least 30° and at most 150° apart. */
function apart(rng: Rng, n: number): [number[], number[]] {
  for (;;) {
    const a = uniformIn(rng, n, -2, 2),
      b = uniformIn(rng, n, -2, 2);
    const c = a.reduce((s, v, i) => s + v * b[i], 0) / (Math.hypot(...a) * Math.hypot(...b));
    if (Math.abs(c) < Math.cos(Math.PI / 6)) return [a, b];
  }
}
const cosine = (a: number[], b: number[]) =>
  a.reduce((s, v, i) => s + v * b[i], 0) / (Math.hypot(...a) * Math.hypot(...b));
const cosineBySqrt = (a: number[], b: number[]) =>
  a.reduce((s, v, i) => s + v * b[i], 0) /
  (Math.sqrt(a.reduce((s, v) => s + v * v, 0)) * Math.sqrt(b.reduce((s, v) => s + v * v, 0)));
/** A code and a multiple of it whose cosine rounds above 1 both ways learners compute it (about 1 draw in 7). */
function roundsAboveOne(rng: Rng): [number[], number[]] {
  for (let k = 0; ; k++) {
    const a = uniformIn(rng, 6, -2, 2),
      b = a.map((v) => 2 * v);
    if ((cosine(a, b) > 1 && cosineBySqrt(a, b) > 1) || k > 500) return [a, b];
  }
}

const probes: Probes<SlerpFn, SlerpHiddenSeen> = {
  path: (rng) => {
    const [p, q] = apart(rng, 6);
    return slerpAt(p, q, TS);
  },
  nearParallel: (rng) => {
    const a = uniformIn(rng, 3, 0.5, 2),
      b = [a[0] + 1e-7, a[1], a[2] - 1e-7];
    const [r0, r1] = roundsAboveOne(rng);
    return {
      calls: [slerpCall(a, b, 0.4), slerpCall(r0, r1, 0.6)],
      reduce: ([x, y]) => [pathOut(x.out, 3), pathOut(y.out, 6)],
    };
  },
  degenerate: (rng) => {
    const a = uniformIn(rng, 4, -2, 2);
    return {
      calls: [
        slerpCall([0, 0, 0, 0], a, 0.3),
        slerpCall(
          a,
          a.map((v) => -0.8 * v),
          0.7,
        ),
      ],
      reduce: ([x, y]) => [pathOut(x.out, 4), pathOut(y.out, 4)],
    };
  },
  unchanged: (rng) => {
    const [p, q] = apart(rng, 6);
    return {
      calls: [slerpCall(p, q, 0.3, true)],
      reduce: ([o]) => (
        pathOut(o.out, 6),
        o.argsAfter!.length === 2 && allNear(o.argsAfter![0], p, 0, 0) && allNear(o.argsAfter![1], q, 0, 0)
      ),
    };
  },
};

const exact = (got: number[][], want: number[][], message: string) =>
  got.map((z, i) => (z.every(Number.isFinite) && allNear(z, want[i], 1e-6, 1e-6) ? undefined : message));

export const slerpHidden: HiddenSuite<SlerpFn, SlerpHiddenSeen> = {
  exercise: { ...slerpExercise, id: "slerp:hidden", probes, checks: [], mistakes: [] },
  checks: [
    {
      id: "path",
      points: 0.3,
      name: "follows the formula for higher-dimensional codes of different norms at several t",
      category: "values",
      needs: ["path"],
      judge: ({ path }, { path: want }) =>
        fraction(exact(path, want, "the path between two hidden codes is off the great circle's formula.")),
    },
    {
      id: "nearly-parallel",
      points: 0.25,
      name: "no NaN for (nearly) parallel codes, even when the cosine rounds above 1",
      category: "numerical stability",
      needs: ["nearParallel"],
      judge: ({ nearParallel: z }, { nearParallel: w }) =>
        fraction(
          exact(
            z,
            w,
            "for (nearly) parallel codes the result should be the linear interpolation, without NaN (clamp the cosine to [−1, 1] before Math.acos).",
          ),
        ),
    },
    {
      id: "degenerate",
      points: 0.2,
      name: "the line for a zero code and for opposite codes",
      category: "edge case",
      needs: ["degenerate"],
      judge: ({ degenerate: z }, { degenerate: w }) =>
        fraction(
          exact(
            z,
            w,
            "for a zero code, or codes pointing in opposite directions, the result should be the linear interpolation (no single arc is shortest).",
          ),
        ),
    },
    {
      id: "inputs-unchanged",
      points: 0.25,
      name: "leaves z0 and z1 unchanged",
      category: "side effects",
      needs: ["unchanged"],
      judge: ({ unchanged }) =>
        unchanged
          ? { score: 1 }
          : { score: 0, message: "slerp modified the arrays it was given: compute into a new array." },
    },
  ],
};
