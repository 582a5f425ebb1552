import { describe, expect, it } from "vitest";
import { activeUnits, centroidDirection } from "./latentStats";

describe("activeUnits", () => {
  it("takes each dimension's variance over the images, dividing by n, and counts those above the threshold", () => {
    const mu = [
      [1, 5, 0.3],
      [3, 5, 0.1],
      [2, 5, 0.2],
    ];
    const { variance, count } = activeUnits(mu, 0.01);
    expect(variance[0]).toBeCloseTo(2 / 3, 12);
    expect(variance[1]).toBe(0);
    expect(variance[2]).toBeCloseTo(0.02 / 3, 12);
    expect(count).toBe(1);
  });

  it("does not count a unit whose variance equals the threshold", () => {
    expect(activeUnits([[0.25], [-0.25]], 0.0625)).toEqual({ variance: [0.0625], count: 0 });
  });

  it("names empty and ragged codes", () => {
    expect(() => activeUnits([], 0.01)).toThrow(/mu must hold at least one code/);
    expect(() => activeUnits([[1, 2], [3]], 0.01)).toThrow(/mu\[1\] has 1 values, but mu\[0\] has 2/);
  });
});

describe("centroidDirection", () => {
  it("is mean(codesTo) − mean(codesFrom), for groups of different sizes", () => {
    expect(
      centroidDirection(
        [
          [0, 0],
          [2, 0],
        ],
        [[1, 3]],
      ),
    ).toEqual([0, 3]);
    expect(
      centroidDirection(
        [[1, 1]],
        [
          [0, 2],
          [2, 2],
          [4, 5],
        ],
      ),
    ).toEqual([1, 2]);
  });

  it("names codes of different latent spaces", () => {
    expect(() => centroidDirection([[0, 0]], [[1, 2, 3]])).toThrow(/2 values and codesTo's have 3/);
  });
});
