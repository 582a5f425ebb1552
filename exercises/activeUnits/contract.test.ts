import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { check } from "../check";
import type { ActiveUnitsFn } from "./contract";

describe("activeUnits checks", () => {
  it("accept honest alternative implementations: E[mu²] − E[mu]², and tf.moments in float32", () => {
    const moments: ActiveUnitsFn = (mu, threshold) => {
      const n = mu.length;
      const variance = mu[0].map(
        (_, d) => mu.reduce((s, z) => s + z[d] * z[d], 0) / n - (mu.reduce((s, z) => s + z[d], 0) / n) ** 2,
      );
      return { variance, count: variance.filter((v) => v > threshold).length };
    };
    const withTf: ActiveUnitsFn = (mu, threshold) => {
      const variance = tf.tidy(() => Array.from(tf.moments(tf.tensor2d(mu), 0).variance.dataSync()));
      return { variance, count: variance.filter((v) => v > threshold).length };
    };
    for (const fn of [moments, withTf]) expect(check("activeUnits", fn).checks.filter((c) => !c.passed)).toEqual([]);
  });

  it("name a tensor returned for variance, and a missing count", () => {
    const tensor = check("activeUnits", (mu: number[][]) => ({
      variance: tf.moments(tf.tensor2d(mu), 0).variance,
      count: 1,
    }));
    expect(tensor.checks[0].message).toMatch(
      /^variance should be an array of plain numbers, but is a float32 tensor of shape \[4\]: return Array.from/,
    );
    expect(check("activeUnits", () => ({ variance: [0, 0, 0, 0] })).checks[0].message).toBe(
      'the result has no "count": return { variance, count }.',
    );
    expect(check("activeUnits", () => [1, 2]).checks[0].message).toBe(
      "activeUnits should return { variance, count }, but returned an array of 2 items.",
    );
  });
});
