/**
 * The Swiss roll (docs/design.md §5, as in the original lesson): t = 1.5π(1 + 2u) with u ~ U(0, 1),
 * x = t·cos t, y = t·sin t, both scaled by 1/15 so the roll fits in about [−1, 1]².
 */
import type { Rng } from "../random";

export interface SwissRoll {
  /** [n × 2] points (x, y), one after another. */
  points: Float32Array;
  /** [n] position along the roll, in [1.5π, 4.5π]: colour points by it. */
  t: Float32Array;
}

/**
 * `n` points on the Swiss roll.
 *
 * @example
 * swissRoll(2, new Rng(42)).points; //=> Float32Array [-0.042, -0.728, 0.367, -0.144] (rounded), on every run
 * swissRoll(2, new Rng(42)).t;      //=> Float32Array [10.939, 5.908]
 */
export function swissRoll(n: number, rng: Rng): SwissRoll {
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`swissRoll: n must be a whole number ≥ 0, got ${n}.`);
  const points = new Float32Array(2 * n);
  const t = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const ti = 1.5 * Math.PI * (1 + 2 * rng.uniform());
    t[i] = ti;
    points[2 * i] = (ti * Math.cos(ti)) / 15;
    points[2 * i + 1] = (ti * Math.sin(ti)) / 15;
  }
  return { points, t };
}

/** The Swiss roll as training data: a fresh batch for every step. */
export const swissRollSampler = {
  kind: "sampler" as const,
  dim: 2,
  sample: (batchSize: number, rng: Rng): Float32Array => swissRoll(batchSize, rng).points,
};
