import { describe, expect, it } from "vitest";
import { Rng } from "../random";
import { swissRoll, swissRollSampler } from "./swissRoll";

describe("swissRoll", () => {
  it("puts every point on the spiral r = t/15 at angle t, with t in [1.5π, 4.5π]", () => {
    const { points, t } = swissRoll(1000, new Rng(3));
    expect(points.length).toBe(2000);
    expect(t.length).toBe(1000);
    for (let i = 0; i < 1000; i++) {
      expect(t[i]).toBeGreaterThanOrEqual(1.5 * Math.PI);
      expect(t[i]).toBeLessThanOrEqual(4.5 * Math.PI);
      const [x, y] = [points[2 * i], points[2 * i + 1]];
      expect(Math.hypot(x, y)).toBeCloseTo(t[i] / 15, 5);
      expect(x).toBeCloseTo((t[i] / 15) * Math.cos(t[i]), 5);
      expect(y).toBeCloseTo((t[i] / 15) * Math.sin(t[i]), 5);
    }
  });

  it("stays within the radius 4.5π/15 ≈ 0.94 and spreads t over its whole range", () => {
    const { points, t } = swissRoll(5000, new Rng(8));
    for (const v of points) expect(Math.abs(v)).toBeLessThanOrEqual((4.5 * Math.PI) / 15 + 1e-6);
    // u ~ U(0, 1), so t is uniform on [1.5π, 4.5π]: mean 3π, and both ends reached.
    const mean = t.reduce((a, b) => a + b, 0) / t.length;
    expect(Math.abs(mean - 3 * Math.PI)).toBeLessThan(0.1);
    expect(Math.min(...t)).toBeLessThan(1.5 * Math.PI + 0.05);
    expect(Math.max(...t)).toBeGreaterThan(4.5 * Math.PI - 0.05);
  });

  it("repeats under the same seed and differs under another", () => {
    expect(swissRoll(10, new Rng(5))).toEqual(swissRoll(10, new Rng(5)));
    expect(swissRoll(10, new Rng(6)).points).not.toEqual(swissRoll(10, new Rng(5)).points);
  });

  it("rejects a count that is not a whole number", () => {
    expect(() => swissRoll(2.5, new Rng(0))).toThrow("swissRoll: n must be a whole number ≥ 0, got 2.5.");
    expect(swissRoll(0, new Rng(0)).points.length).toBe(0);
  });

  it("serves training batches of [batchSize × 2] through the sampler", () => {
    expect(swissRollSampler.dim).toBe(2);
    expect(swissRollSampler.sample(7, new Rng(1)).length).toBe(14);
  });
});
