import { describe, expect, it } from "vitest";
import { slerp } from "../../src/vae/latent";
import { check } from "../check";
import type { SlerpFn } from "./contract";

const norm = (v: number[]) => Math.hypot(...v);

describe("slerp checks", () => {
  it("accept an honest acos-based implementation with a clamp and a fallback for parallel, opposite and zero codes", () => {
    const mine: SlerpFn = (z0, z1, t) => {
      const cos = z0.reduce((s, a, i) => s + a * z1[i], 0) / (norm(z0) * norm(z1));
      const omega = Math.acos(Math.min(1, Math.max(-1, cos)));
      if (!(omega >= 1e-4 && Math.PI - omega >= 1e-4)) return z0.map((a, i) => (1 - t) * a + t * z1[i]);
      const s = Math.sin(omega);
      return z0.map((a, i) => (Math.sin((1 - t) * omega) / s) * a + (Math.sin(t * omega) / s) * z1[i]);
    };
    expect(check("slerp", mine).checks.filter((c) => !c.passed)).toEqual([]);
  });

  it("names a wrong return type and a wrong length", () => {
    expect(check("slerp", () => new Float32Array(3)).checks[0].message).toMatch(
      /^slerp should return an array of numbers/,
    );
    expect(check("slerp", () => [1, 2]).checks[0].message).toBe(
      "slerp should return 3 numbers for 3-D codes, but returned 2.",
    );
  });

  it("does not let a function that modifies its inputs disturb the checks", () => {
    const mutating: SlerpFn = (z0, z1, t) => {
      const out = slerp(z0, z1, t);
      z0.fill(0);
      z1.fill(0);
      return out;
    };
    expect(check("slerp", mutating).passed).toBe(true);
  });
});
