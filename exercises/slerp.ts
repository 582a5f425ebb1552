/**
 * Lesson 2: spherical interpolation between two latent codes (Shoemake 1985; White 2016):
 *   slerp(z0, z1, t) = sin((1−t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1,   Ω = angle between z0 and z1,
 * falling back to linear interpolation when z0 and z1 are (nearly) parallel, where sin Ω ≈ 0.
 */
import { slerp as librarySlerp, lerp } from "../src/latent";
import type { Exercise, Mistake, PublicCheck } from "./types";
import { CheckFailure, describeValue } from "./util";

export type SlerpFn = (z0: number[], z1: number[], t: number) => number[];

const norm = (v: number[]) => Math.hypot(...v);
const angle = (a: number[], b: number[]) => Math.acos(Math.min(1, Math.max(-1, a.reduce((s, x, i) => s + x * b[i], 0) / (norm(a) * norm(b)))));

function call(fn: SlerpFn, z0: number[], z1: number[], t: number): number[] {
  const out = fn([...z0], [...z1], t) as unknown;
  if (!Array.isArray(out)) throw new CheckFailure(`slerp should return an array of numbers, but returned ${describeValue(out)}.`);
  if (out.length !== z0.length) throw new CheckFailure(`slerp should return ${z0.length} numbers for ${z0.length}-D codes, but returned ${out.length}.`);
  if (!out.every((v) => typeof v === "number")) throw new CheckFailure("slerp should return plain numbers.");
  return out as number[];
}

const A = [2, 0, 0], B = [0, 1.2, 1.6]; // both of norm 2, 90° apart

const checks: PublicCheck<SlerpFn>[] = [
  {
    name: "returns z0 at t = 0 and z1 at t = 1",
    run: (fn) => {
      const a = call(fn, A, B, 0), b = call(fn, A, B, 1);
      return a.every((v, i) => Math.abs(v - A[i]) < 1e-6) && b.every((v, i) => Math.abs(v - B[i]) < 1e-6) ? undefined : `slerp(z0, z1, 0) should be z0 and slerp(z0, z1, 1) should be z1; got [${a.map((v) => v.toFixed(3))}] and [${b.map((v) => v.toFixed(3))}].`;
    },
  },
  {
    name: "stays on the arc: constant norm, angle proportional to t",
    run: (fn) => {
      for (const t of [0.25, 0.5, 0.8]) {
        const z = call(fn, A, B, t);
        if (Math.abs(norm(z) - 2) > 1e-4) return `between two codes of norm 2, every point should have norm 2; at t = ${t} it is ${norm(z).toFixed(4)}.`;
        if (Math.abs(angle(A, z) - (t * Math.PI) / 2) > 1e-4) return `at t = ${t} the angle from z0 should be ${((t * 90)).toFixed(1)}°, but it is ${((angle(A, z) * 180) / Math.PI).toFixed(1)}°.`;
      }
      return undefined;
    },
  },
  {
    name: "falls back to lerp for (nearly) parallel codes, without NaN",
    run: (fn) => {
      // Norms 5 and 10 are exact in floating point, so cos Ω is exactly 1 and Ω exactly 0.
      const z = call(fn, [3, 4], [6, 8], 0.5);
      if (!z.every(Number.isFinite)) return `for parallel codes slerp returned [${z}]: sin Ω is 0 there, so fall back to linear interpolation.`;
      return z.every((v, i) => Math.abs(v - [4.5, 6][i]) < 1e-6) ? undefined : `for parallel codes [3, 4] and [6, 8] at t = 0.5, expected the linear [4.5, 6], got [${z.map((v) => v.toFixed(3))}].`;
    },
  },
];

export const slerpMistakes: Mistake<SlerpFn>[] = [
  {
    id: "lerp-not-slerp",
    description: "linear interpolation: leaves the arc",
    hint: "That is linear interpolation: halfway between two codes of norm 2 it cuts inside the sphere (norm 1.41 here). Spherical interpolation weights z0 and z1 by sin((1−t)Ω)/sin Ω and sin(tΩ)/sin Ω.",
    implementation: (z0, z1, t) => lerp(z0, z1, t),
    detect: (fn) => { const z = call(fn, A, B, 0.5); return Math.abs(norm(z) - Math.SQRT2) < 1e-3; },
  },
  {
    id: "no-parallel-fallback",
    description: "no fallback for parallel vectors: NaN",
    hint: "For (nearly) parallel codes, Ω ≈ 0 and sin Ω ≈ 0, so the formula divides by zero. Fall back to linear interpolation when Ω is tiny (say below 1e-4).",
    implementation: (z0, z1, t) => {
      const n0 = norm(z0), n1 = norm(z1);
      const omega = Math.acos(z0.reduce((s, a, i) => s + a * z1[i], 0) / (n0 * n1));
      return z0.map((v, i) => (Math.sin((1 - t) * omega) * v + Math.sin(t * omega) * z1[i]) / Math.sin(omega));
    },
    detect: (fn) => { try { return !call(fn, [3, 4], [6, 8], 0.5).every(Number.isFinite) && Math.abs(norm(call(fn, A, B, 0.5)) - 2) < 1e-4; } catch { return false; } },
  },
  {
    id: "weights-swapped",
    description: "the two weights swapped (runs from z1 to z0)",
    hint: "Your path runs backwards: z0 takes the weight sin((1−t)Ω)/sin Ω and z1 the weight sin(tΩ)/sin Ω, so t = 0 gives z0.",
    implementation: (z0, z1, t) => librarySlerp(z1, z0, t),
    detect: (fn) => { const z = call(fn, A, B, 0); return z.every((v, i) => Math.abs(v - B[i]) < 1e-6); },
  },
];

export const slerpExercise: Exercise<SlerpFn> = {
  id: "slerp",
  lesson: 2,
  functionName: "slerp",
  signature: "slerp(z0: number[], z1: number[], t: number): number[]",
  points: 2,
  statement:
    "Interpolate along the great circle from z0 (t = 0) to z1 (t = 1): with Ω the angle between them, return sin((1−t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1, " +
    "and fall back to linear interpolation when z0 and z1 are (nearly) parallel.",
  reference: librarySlerp,
  checks,
  mistakes: slerpMistakes,
};
