/**
 * Lesson 2: spherical interpolation between two latent codes (Shoemake 1985; White 2016):
 *   slerp(z0, z1, t) = sin((1−t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1,   Ω = angle between z0 and z1,
 * falling back to linear interpolation when z0 and z1 are (nearly) parallel, where sin Ω ≈ 0.
 */
import { slerp as librarySlerp } from "../../src/vae/latent";
import { slerpMistakes } from "./mistakes";
import type { Call, Raw } from "../harness";
import { describeOut } from "../raw";
import type { Exercise, Probe, Probes, PublicCheck } from "../types";
import { allNear, CheckFailure, fmt, fmtList } from "../util";

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
  /** slerp(R, 2R, 0.3) for a code R where the cosine rounds to 1.0000000000000002 (acos of it is NaN). */
  rounding: number[];
  /** slerp with a zero code, and with opposite codes, at t = 0.4: no single arc, so the line. */
  degenerate: { zero: number[]; opposite: number[] };
};

const A = [2, 0, 0],
  B = [0, 1.2, 1.6];
const ARC_T = [0.25, 0.5, 0.8];
const G0 = [0.8, -1.1, 0.3, 1.2, 0.5],
  G1 = [1.5, 0.4, -2.0, 1.0, 1.7];
/** z0 · z1 / (|z0| |z1|) is 1.0000000000000002 here, with Math.hypot or with sqrt of the dot product. */
const R = [1.7, -0.3, 0.8],
  R2 = R.map((v) => 2 * v);
const Z0 = [0, 0, 0],
  Z1 = [1.2, -0.5, 2.0],
  OPP = Z1.map((v) => -1.5 * v);
const lerpOf = (a: number[], b: number[], t: number) => a.map((v, i) => (1 - t) * v + t * b[i]);

const norm = (v: number[]) => Math.hypot(...v);
const angle = (a: number[], b: number[]) =>
  Math.acos(Math.min(1, Math.max(-1, a.reduce((s, x, i) => s + x * b[i], 0) / (norm(a) * norm(b)))));

/** One call of slerp(z0, z1, t) (on copies: a learner's function may modify its inputs). */
export const slerpCall = (z0: number[], z1: number[], t: number, argsAfter = false): Call => ({
  args: [{ numbers: z0 }, { numbers: z1 }, { number: t }],
  ...(argsAfter ? { argsAfter } : {}),
});

/** The path slerp returned, or a CheckFailure saying what came back instead. */
export function pathOut(r: Raw, n: number): number[] {
  if (r.kind !== "array")
    throw new CheckFailure(`slerp should return an array of numbers, but returned ${describeOut(r)}.`);
  if (r.length !== n)
    throw new CheckFailure(`slerp should return ${n} numbers for ${n}-D codes, but returned ${r.length}.`);
  if (!r.numbers)
    throw new CheckFailure(
      "slerp should return plain numbers (use Array.from(tensor.dataSync()) if you computed with tensors).",
    );
  return r.numbers;
}

/** slerp at each t between z0 and z1. */
export const slerpAt = (z0: number[], z1: number[], ts: number[]): Probe<number[][]> => ({
  calls: ts.map((t) => slerpCall(z0, z1, t)),
  reduce: (os) => os.map((o) => pathOut(o.out, z0.length)),
});

const probes: Probes<SlerpFn, SlerpSeen> = {
  ends: () => ({
    calls: [slerpCall(A, B, 0), slerpCall(A, B, 1)],
    reduce: ([a, b]) => ({ t0: pathOut(a.out, 3), t1: pathOut(b.out, 3) }),
  }),
  arc: () => slerpAt(A, B, ARC_T),
  parallel: () => ({ calls: [slerpCall([3, 4], [6, 8], 0.5)], reduce: ([o]) => pathOut(o.out, 2) }),
  general: () => ({ calls: [slerpCall(G0, G1, 0.3)], reduce: ([o]) => pathOut(o.out, 5) }),
  rounding: () => ({ calls: [slerpCall(R, R2, 0.3)], reduce: ([o]) => pathOut(o.out, 3) }),
  degenerate: () => ({
    calls: [slerpCall(Z0, Z1, 0.4), slerpCall(Z1, OPP, 0.4)],
    reduce: ([a, b]) => ({ zero: pathOut(a.out, 3), opposite: pathOut(b.out, 3) }),
  }),
};

const checks: PublicCheck<SlerpSeen>[] = [
  {
    id: "ends",
    name: "returns z0 at t = 0 and z1 at t = 1",
    points: 0.2,
    needs: ["ends"],
    judge: ({ ends: { t0, t1 } }) =>
      allNear(t0, A, 0, 1e-6) && allNear(t1, B, 0, 1e-6)
        ? undefined
        : `slerp(z0, z1, 0) should be z0 = ${fmtList(A)} and slerp(z0, z1, 1) should be z1 = ${fmtList(B)}; got ${fmtList(t0)} and ${fmtList(t1)}.`,
  },
  {
    id: "arc",
    name: "stays on the arc: constant norm, angle from z0 proportional to t",
    points: 0.2,
    needs: ["arc"],
    judge: ({ arc }) => {
      for (const [i, z] of arc.entries()) {
        const t = ARC_T[i];
        if (!(Math.abs(norm(z) - 2) <= 1e-4))
          return `between z0 = ${fmtList(A)} and z1 = ${fmtList(B)} (both of norm 2, 90° apart), every point should have norm 2; at t = ${t} it is ${fmt(norm(z))}.`;
        if (!(Math.abs(angle(A, z) - (t * Math.PI) / 2) <= 1e-4))
          return `at t = ${t} the angle from z0 should be ${fmt(t * 90)}°, but it is ${fmt((angle(A, z) * 180) / Math.PI)}°.`;
      }
      return undefined;
    },
  },
  {
    id: "formula",
    name: "follows the formula for codes of different norms",
    points: 0.2,
    needs: ["general"],
    judge: ({ general }, { general: want }) =>
      allNear(general, want, 1e-6, 1e-6)
        ? undefined
        : `for z0 = ${fmtList(G0)}, z1 = ${fmtList(G1)}, t = 0.3, expected ${fmtList(want)}, got ${fmtList(general)}.`,
  },
  {
    id: "parallel",
    name: "falls back to lerp for (nearly) parallel codes, without NaN",
    points: 0.2,
    needs: ["parallel", "rounding"],
    judge: ({ parallel: z, rounding: r }) => {
      if (!z.every(Number.isFinite))
        return `for the parallel codes [3, 4] and [6, 8], slerp returned ${fmtList(z)}: sin Ω is 0 there, so fall back to linear interpolation.`;
      if (!allNear(z, [4.5, 6], 0, 1e-6))
        return `for the parallel codes [3, 4] and [6, 8] at t = 0.5, expected the linear [4.5, 6], got ${fmtList(z)}.`;
      const want = lerpOf(R, R2, 0.3);
      if (!r.every(Number.isFinite))
        return `for the parallel codes ${fmtList(R)} and ${fmtList(R2)}, slerp returned ${fmtList(r)}: there the cosine rounds to 1.0000000000000002 and Math.acos of it is NaN. Clamp the cosine to [−1, 1] before Math.acos.`;
      return allNear(r, want, 0, 1e-6)
        ? undefined
        : `for the parallel codes ${fmtList(R)} and ${fmtList(R2)} at t = 0.3, expected the linear ${fmtList(want)}, got ${fmtList(r)}.`;
    },
  },
  {
    id: "degenerate",
    name: "falls back to lerp for a zero code and for opposite codes",
    points: 0.2,
    needs: ["degenerate"],
    judge: ({ degenerate: { zero, opposite } }) => {
      const wz = lerpOf(Z0, Z1, 0.4),
        wo = lerpOf(Z1, OPP, 0.4);
      if (!allNear(zero, wz, 0, 1e-6))
        return `with the zero code ${fmtList(Z0)} (it has no direction, so no angle) and ${fmtList(Z1)} at t = 0.4, expected the linear ${fmtList(wz)}, got ${fmtList(zero)}.`;
      return allNear(opposite, wo, 0, 1e-6)
        ? undefined
        : `for the opposite codes ${fmtList(Z1)} and ${fmtList(OPP)} (no single arc is shortest) at t = 0.4, expected the linear ${fmtList(wo)}, got ${fmtList(opposite)}.`;
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
