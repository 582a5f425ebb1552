/** Wrong answers learners write for `slerp`, with detectors on the probes' observations (../slerp.ts). */
import { lerp, slerp } from "../../src/vae/latent";
import type { SlerpFn, SlerpSeen } from "./contract";
import type { Mistake } from "../types";
import { allNear } from "../util";

type M = Mistake<SlerpFn, SlerpSeen>;

const norm = (v: number[]) => Math.hypot(...v);
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

export const slerpMistakes: M[] = [
  {
    id: "lerp-not-slerp",
    description: "linear interpolation: leaves the arc",
    hint: "That is linear interpolation: halfway between two codes of norm 2 that are 90° apart it cuts inside the sphere (norm 1.41). Weight z0 by sin((1−t)Ω)/sin Ω and z1 by sin(tΩ)/sin Ω, with Ω the angle between them.",
    implementation: lerp,
    needs: ["arc", "ends"],
    detect: ({ arc, ends }, own) => allNear(arc[1], own.arc[1], 0, 1e-4) && allNear(ends.t0, own.ends.t0, 0, 1e-6),
  },
  {
    id: "no-parallel-fallback",
    description: "no fallback for parallel codes: 0/0 = NaN",
    hint: "For (nearly) parallel codes, Ω ≈ 0 and sin Ω ≈ 0, so the formula divides 0 by 0 and gives NaN. When Ω is tiny (say below 1e-4), return the linear interpolation (1−t)·z0 + t·z1 instead.",
    implementation: (z0, z1, t) => {
      const omega = Math.acos(dot(z0, z1) / (norm(z0) * norm(z1)));
      return z0.map((v, i) => (Math.sin((1 - t) * omega) * v + Math.sin(t * omega) * z1[i]) / Math.sin(omega));
    },
    needs: ["parallel", "arc"],
    detect: ({ parallel, arc }) => !parallel.every(Number.isFinite) && Math.abs(norm(arc[1]) - 2) < 1e-4,
  },
  {
    id: "unclamped-acos",
    description: "Math.acos of an unclamped cosine: NaN when rounding pushes it above 1",
    hint: "For parallel codes the cosine z0·z1/(|z0||z1|) can come out as 1.0000000000000002 after rounding, and Math.acos of that is NaN, which slips past a test like omega < 1e-4. Clamp it first: Math.acos(Math.min(1, Math.max(-1, cos))).",
    implementation: (z0, z1, t) => {
      const omega = Math.acos(dot(z0, z1) / (norm(z0) * norm(z1)));
      if (omega < 1e-4) return lerp(z0, z1, t);
      return z0.map((v, i) => (Math.sin((1 - t) * omega) * v + Math.sin(t * omega) * z1[i]) / Math.sin(omega));
    },
    needs: ["parallel", "rounding", "arc"],
    detect: ({ parallel, rounding, arc }) =>
      parallel.every(Number.isFinite) && !rounding.every(Number.isFinite) && Math.abs(norm(arc[1]) - 2) < 1e-4,
  },
  {
    id: "no-degenerate-fallback",
    description: "no fallback for a zero code or opposite codes",
    hint: "Two cases have no single arc: a zero code (no direction: the cosine is 0/0 = NaN) and opposite codes (Ω = π, sin Ω ≈ 0). As the lesson says, return the linear interpolation there too: fall back unless 1e-4 < Ω < π − 1e-4 (a NaN Ω fails that test as well).",
    implementation: (z0, z1, t) => {
      const omega = Math.acos(Math.min(1, Math.max(-1, dot(z0, z1) / (norm(z0) * norm(z1)))));
      if (omega < 1e-4) return lerp(z0, z1, t);
      return z0.map((v, i) => (Math.sin((1 - t) * omega) * v + Math.sin(t * omega) * z1[i]) / Math.sin(omega));
    },
    needs: ["degenerate", "parallel", "rounding"],
    detect: ({ degenerate, parallel, rounding }, own) =>
      parallel.every(Number.isFinite) &&
      rounding.every(Number.isFinite) &&
      allNear(degenerate.zero, own.degenerate.zero, 1e-6, 1e-6) &&
      allNear(degenerate.opposite, own.degenerate.opposite, 1e-6, 1e-6),
  },
  {
    id: "weights-swapped",
    description: "the two weights swapped: the path runs from z1 to z0",
    hint: "Your path runs backwards: z0 takes the weight sin((1−t)Ω)/sin Ω and z1 the weight sin(tΩ)/sin Ω, so that t = 0 gives z0 and t = 1 gives z1.",
    implementation: (z0, z1, t) => slerp(z1, z0, t),
    needs: ["ends"],
    detect: ({ ends }, own) => allNear(ends.t0, own.ends.t0, 0, 1e-6) && allNear(ends.t1, own.ends.t1, 0, 1e-6),
  },
  {
    id: "unit-directions",
    description: "interpolates the unit directions and drops the norms",
    hint: "You interpolated the directions z0/|z0| and z1/|z1| and dropped the norms, so every point has norm 1. Normalise only to compute Ω; apply the weights to z0 and z1 themselves.",
    implementation: (z0, z1, t) =>
      slerp(
        z0.map((v) => v / norm(z0)),
        z1.map((v) => v / norm(z1)),
        t,
      ),
    needs: ["arc", "general"],
    detect: ({ arc, general }) => arc.every((z) => Math.abs(norm(z) - 1) < 1e-4) && Math.abs(norm(general) - 1) < 1e-4,
  },
];
