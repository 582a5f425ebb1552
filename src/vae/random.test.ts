import { describe, expect, it } from "vitest";
import { Rng } from "./random";

describe("Rng", () => {
  it("repeats exactly under the same seed", () => {
    const a = new Rng(7),
      b = new Rng(7);
    expect(Array.from(a.normals(100))).toEqual(Array.from(b.normals(100)));
  });

  it("gives different streams for different seeds", () => {
    expect(new Rng(1).uniform()).not.toBe(new Rng(2).uniform());
  });

  it("draws uniforms in [0, 1) with mean 1/2 and variance 1/12", () => {
    const u = new Rng(3).uniforms(200_000);
    let m = 0,
      v = 0;
    let lo = Infinity,
      hi = -Infinity;
    for (const x of u) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
      m += x;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    m /= u.length;
    for (const x of u) v += (x - m) ** 2;
    v /= u.length;
    expect(m).toBeCloseTo(0.5, 2);
    expect(v).toBeCloseTo(1 / 12, 2);
  });

  it("draws standard normals with mean 0 and variance 1", () => {
    const z = new Rng(4).normals(200_000);
    let m = 0,
      v = 0;
    for (const x of z) m += x;
    m /= z.length;
    for (const x of z) v += (x - m) ** 2;
    v /= z.length;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.02);
  });

  it("forks streams that do not depend on how much the parent drew", () => {
    const a = new Rng(9),
      b = new Rng(9);
    b.normals(17);
    expect(a.fork("eps").uniform()).toBe(b.fork("eps").uniform());
    expect(a.fork("eps").uniform()).not.toBe(a.fork("data").uniform());
  });

  it("makes permutations of 0..n-1", () => {
    const p = Array.from(new Rng(5).permutation(50)).sort((x, y) => x - y);
    expect(p).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("rejects a non-finite seed with a clear message", () => {
    expect(() => new Rng(NaN)).toThrow(/seed must be a finite number/);
  });
});
