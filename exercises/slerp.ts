/**
 * Lesson 2: spherical interpolation between two latent codes (Shoemake 1985; White 2016):
 *   slerp(z0, z1, t) = sin((1−t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1,   Ω = angle between z0 and z1,
 * falling back to linear interpolation when z0 and z1 are (nearly) parallel, where sin Ω ≈ 0.
 */
import { slerp as librarySlerp } from "../src/latent";
import { slerpMistakes } from "./mistakes/slerp";
import type { Exercise, PublicCheck } from "./types";
import { allNear, CheckFailure, describeValue, fmt, fmtList } from "./util";

export type SlerpFn = (z0: number[], z1: number[], t: number) => number[];

export type SlerpSeen = {
  /** slerp(A, B, 0) and slerp(A, B, 1); A and B have norm 2 and are 90° apart. */
  ends: { t0: number[]; t1: number[] };
  /** slerp(A, B, t) for t in ARC_T. */
  arc: number[][];
  /** slerp([3, 4], [6, 8], 0.5): exactly parallel, so Ω = 0. */
  parallel: number[];
  /** 5-D codes of norms ≈ 1.9 and 3.1, 67° apart, at t = 0.3. */
  general: number[];
};

const A = [2, 0, 0], B = [0, 1.2, 1.6];
const ARC_T = [0.25, 0.5, 0.8];
const G0 = [0.8, -1.1, 0.3, 1.2, 0.5], G1 = [1.5, 0.4, -2.0, 1.0, 1.7];

const norm = (v: number[]) => Math.hypot(...v);
const angle = (a: number[], b: number[]) => Math.acos(Math.min(1, Math.max(-1, a.reduce((s, x, i) => s + x * b[i], 0) / (norm(a) * norm(b)))));

function call(fn: SlerpFn, z0: number[], z1: number[], t: number): number[] {
  const out = fn([...z0], [...z1], t) as unknown; // copies: a learner's function may modify its inputs
  if (!Array.isArray(out)) throw new CheckFailure(`slerp should return an array of numbers, but returned ${describeValue(out)}.`);
  if (out.length !== z0.length) throw new CheckFailure(`slerp should return ${z0.length} numbers for ${z0.length}-D codes, but returned ${out.length}.`);
  if (!out.every((v) => typeof v === "number")) throw new CheckFailure("slerp should return plain numbers (use Array.from(tensor.dataSync()) if you computed with tensors).");
  return out as number[];
}

const probes = {
  ends: (fn: SlerpFn) => ({ t0: call(fn, A, B, 0), t1: call(fn, A, B, 1) }),
  arc: (fn: SlerpFn) => ARC_T.map((t) => call(fn, A, B, t)),
  parallel: (fn: SlerpFn) => call(fn, [3, 4], [6, 8], 0.5),
  general: (fn: SlerpFn) => call(fn, G0, G1, 0.3),
};

const checks: PublicCheck<SlerpSeen>[] = [
  {
    name: "returns z0 at t = 0 and z1 at t = 1",
    needs: ["ends"],
    judge: ({ ends: { t0, t1 } }) =>
      allNear(t0, A, 0, 1e-6) && allNear(t1, B, 0, 1e-6) ? undefined : `slerp(z0, z1, 0) should be z0 = ${fmtList(A)} and slerp(z0, z1, 1) should be z1 = ${fmtList(B)}; got ${fmtList(t0)} and ${fmtList(t1)}.`,
  },
  {
    name: "stays on the arc: constant norm, angle from z0 proportional to t",
    needs: ["arc"],
    judge: ({ arc }) => {
      for (const [i, z] of arc.entries()) {
        const t = ARC_T[i];
        if (!(Math.abs(norm(z) - 2) <= 1e-4)) return `between z0 = ${fmtList(A)} and z1 = ${fmtList(B)} (both of norm 2, 90° apart), every point should have norm 2; at t = ${t} it is ${fmt(norm(z))}.`;
        if (!(Math.abs(angle(A, z) - (t * Math.PI) / 2) <= 1e-4)) return `at t = ${t} the angle from z0 should be ${fmt(t * 90)}°, but it is ${fmt((angle(A, z) * 180) / Math.PI)}°.`;
      }
      return undefined;
    },
  },
  {
    name: "follows the formula for codes of different norms",
    needs: ["general"],
    judge: ({ general }, { general: want }) =>
      allNear(general, want, 1e-6, 1e-6) ? undefined : `for z0 = ${fmtList(G0)}, z1 = ${fmtList(G1)}, t = 0.3, expected ${fmtList(want)}, got ${fmtList(general)}.`,
  },
  {
    name: "falls back to lerp for (nearly) parallel codes, without NaN",
    needs: ["parallel"],
    judge: ({ parallel: z }) => {
      if (!z.every(Number.isFinite)) return `for the parallel codes [3, 4] and [6, 8], slerp returned ${fmtList(z)}: sin Ω is 0 there, so fall back to linear interpolation.`;
      return allNear(z, [4.5, 6], 0, 1e-6) ? undefined : `for the parallel codes [3, 4] and [6, 8] at t = 0.5, expected the linear [4.5, 6], got ${fmtList(z)}.`;
    },
  },
];

export const slerpExercise: Exercise<SlerpFn, SlerpSeen> = {
  id: "slerp",
  lesson: 2,
  functionName: "slerp",
  signature: "slerp(z0: number[], z1: number[], t: number): number[]",
  points: 2,
  statement:
    "Interpolate along the great circle from z0 (t = 0) to z1 (t = 1): with Ω the angle between them, return sin((1−t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1, " +
    "and fall back to linear interpolation (1−t)·z0 + t·z1 when z0 and z1 are (nearly) parallel (Ω below about 1e-4).",
  reference: librarySlerp,
  probes,
  checks,
  mistakes: slerpMistakes,
};
