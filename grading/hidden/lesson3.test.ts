/**
 * Lesson 3's hidden suites in-process, over many hidden seeds (a grading run draws a fresh one):
 * honest implementations written several ways (loops, E[x²] − E[x]², tf in float32) get full marks
 * on every seed, and every catalogued mistake loses points on every seed, on the hidden tests alone.
 */
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { ActiveUnitsFn } from "../../exercises/activeUnits/contract";
import type { BetaScheduleFn } from "../../exercises/betaSchedule/contract";
import type { CentroidDirectionFn } from "../../exercises/centroidDirection/contract";
import { exercises } from "../../exercises/index";
import { observe } from "../../exercises/observe";
import { hiddenSuites } from "./index";

const SEEDS = Array.from({ length: 12 }, (_, i) => 1000 + 7919 * i);

/** The hidden score of `fn` (0..the exercise's hidden points) for one hidden seed. */
function hiddenScore(id: string, fn: unknown, seed: number): number {
  const suite = hiddenSuites[id];
  const seen = observe(suite.exercise, fn, undefined, seed),
    ref = observe(suite.exercise, suite.exercise.reference, undefined, seed);
  return suite.checks.reduce((s, c) => {
    const needs = c.needs as string[];
    if (!needs.every((k) => seen[k]?.ok && ref[k]?.ok)) return s;
    const value = (o: typeof seen) => Object.fromEntries(needs.map((k) => [k, (o[k] as { value: unknown }).value]));
    return s + c.points * c.judge(value(seen), value(ref)).score;
  }, 0);
}
const hiddenMax = (id: string) => hiddenSuites[id].checks.reduce((s, c) => s + c.points, 0);

const honest: Record<string, unknown[]> = {
  betaSchedule: [
    ((e, b, w) => (w === 0 || e >= w ? b : (b * e) / w)) as BetaScheduleFn,
    ((e, b, w) => b * (w > 0 ? Math.min(e / w, 1) : 1)) as BetaScheduleFn,
  ],
  activeUnits: [
    ((mu, t) => {
      const n = mu.length;
      const variance = mu[0].map((_, d) => {
        let mean = 0;
        for (const z of mu) mean += z[d] / n;
        return mu.reduce((s, z) => s + (z[d] - mean) ** 2, 0) / n;
      });
      return { variance, count: variance.filter((v) => v > t).length };
    }) as ActiveUnitsFn,
    ((mu, t) => {
      const n = mu.length;
      const variance = mu[0].map(
        (_, d) => mu.reduce((s, z) => s + z[d] * z[d], 0) / n - (mu.reduce((s, z) => s + z[d], 0) / n) ** 2,
      );
      return { variance, count: variance.filter((v) => v > t).length };
    }) as ActiveUnitsFn,
    ((mu, t) => {
      const variance = tf.tidy(() => Array.from(tf.moments(tf.tensor2d(mu), 0).variance.dataSync()));
      return { variance, count: variance.filter((v) => v > t).length };
    }) as ActiveUnitsFn,
  ],
  centroidDirection: [
    ((from, to) => {
      const d = new Array<number>(from[0].length).fill(0);
      for (const z of to) z.forEach((v, k) => (d[k] += v / to.length));
      for (const z of from) z.forEach((v, k) => (d[k] -= v / from.length));
      return d;
    }) as CentroidDirectionFn,
    ((from, to) =>
      tf.tidy(() =>
        Array.from(tf.sub(tf.mean(tf.tensor2d(to), 0), tf.mean(tf.tensor2d(from), 0)).dataSync()),
      )) as CentroidDirectionFn,
  ],
};

describe.each(["betaSchedule", "activeUnits", "centroidDirection"])("the hidden suite of %s", (id) => {
  it("gives the reference and honest implementations full marks on every seed", () => {
    for (const fn of [exercises[id].reference, ...honest[id]])
      for (const seed of SEEDS) expect(hiddenScore(id, fn, seed), `seed ${seed}`).toBeCloseTo(hiddenMax(id), 9);
  });

  it("takes points from every catalogued mistake on every seed", () => {
    for (const m of exercises[id].mistakes)
      for (const seed of SEEDS)
        expect(hiddenScore(id, m.implementation, seed), `${m.id}, seed ${seed}`).toBeLessThan(hiddenMax(id) - 1e-9);
  });
});
