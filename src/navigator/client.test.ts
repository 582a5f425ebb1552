/**
 * The navigator's browser code (client/core.js) interpolates with its own copy of the library's maths
 * (it runs in a page, without the library). These tests run both on the same cases — random codes of
 * many sizes and norms and every degenerate case slerp treats specially — and require them to agree.
 */
import { describe, expect, it } from "vitest";
import { interpolationPath, lerp, morphPath, slerp, SLERP_PARALLEL_THRESHOLD } from "../vae/latent";
import { Rng } from "../vae/random";
import { navigatorClientSource } from "./navigatorHtml";

interface ClientMaths {
  SLERP_PARALLEL_THRESHOLD: number;
  lerp(a: number[], b: number[], t: number): number[];
  slerp(a: number[], b: number[], t: number): number[];
  path(a: number[], b: number[], steps: number, kind: string): number[][];
  morph(from: number[], target: number[], steps: number): number[][];
}
const client = new Function(`${navigatorClientSource()}\nreturn vaeLabNavigatorCore;`)() as ClientMaths;

const rng = new Rng(2024);
const code = (n: number, scale = 1) => Array.from({ length: n }, () => scale * rng.normal());
/** z rotated by `angle` in the plane of its first two coordinates (the rest kept). */
const rotated = (z: number[], angle: number) => [
  z[0] * Math.cos(angle) - z[1] * Math.sin(angle),
  z[0] * Math.sin(angle) + z[1] * Math.cos(angle),
  ...z.slice(2),
];

const cases: [string, number[], number[]][] = [
  ["zero and a code", [0, 0], [1, 2]],
  ["a code and zero", [3, -1, 2], [0, 0, 0]],
  ["both zero", [0, 0, 0, 0], [0, 0, 0, 0]],
  ["opposite codes", [1, 0], [-1, 0]],
  ["opposite codes of different norms", [2, -3, 1], [-4, 6, -2]],
  ["parallel codes", [3, 4], [6, 8]],
  ["equal codes", [0.3, -0.7, 1.1], [0.3, -0.7, 1.1]],
  ["nearly parallel (below the threshold)", [1, 0, 0], rotated([1, 0, 0], SLERP_PARALLEL_THRESHOLD / 2)],
  ["nearly parallel (just above the threshold)", [1, 0, 0], rotated([2, 0, 0], SLERP_PARALLEL_THRESHOLD * 2)],
  ["nearly opposite (below the threshold)", [1, 0], rotated([-1, 0], SLERP_PARALLEL_THRESHOLD / 2)],
  ["nearly opposite (just above the threshold)", [1, 0], rotated([-3, 0], SLERP_PARALLEL_THRESHOLD * 2)],
  ["a right angle", [1, 0], [0, 1]],
  ["tiny codes", [1e-300, 0], [0, 1e-300]],
  ["huge codes", [1e150, 2e150], [-3e150, 1e150]],
];
for (let i = 0; i < 60; i++) {
  const n = 1 + (i % 12) * 3;
  cases.push([`random ${n}-D codes #${i}`, code(n, 0.1 + (i % 5)), code(n, 0.1 + (i % 7))]);
}
const ts = [0, 1e-9, 0.1, 0.25, 0.5, 0.73, 0.999, 1, -0.5, 1.5];

/** Agreement to within rounding: 1e-12 of the codes' size. */
function expectSame(got: number[], want: number[], scale: number): void {
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => {
    expect(Number.isFinite(v)).toBe(Number.isFinite(want[i]));
    expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-12 * scale);
  });
}
const scaleOf = (a: number[], b: number[]) => Math.max(Math.hypot(...a), Math.hypot(...b), Number.MIN_VALUE);

describe("the navigator client's interpolation", () => {
  it("uses the library's threshold for (nearly) parallel and opposite codes", () => {
    expect(client.SLERP_PARALLEL_THRESHOLD).toBe(SLERP_PARALLEL_THRESHOLD);
  });

  it.each(cases)("agrees with the library's lerp and slerp: %s", (_what, z0, z1) => {
    for (const t of ts) {
      expectSame(client.lerp(z0, z1, t), lerp(z0, z1, t), scaleOf(z0, z1));
      expectSame(client.slerp(z0, z1, t), slerp(z0, z1, t), scaleOf(z0, z1));
    }
  });

  it("draws the library's interpolation paths and morphs", () => {
    for (const [, z0, z1] of cases.slice(0, 30)) {
      for (const kind of ["linear", "spherical"] as const) {
        const got = client.path(z0, z1, 8, kind),
          want = interpolationPath(z0, z1, 8, kind);
        got.forEach((z, i) => expectSame(z, want[i], scaleOf(z0, z1)));
      }
      const got = client.morph(z0, z1, 12),
        want = morphPath(z0, z1, 12);
      expect(got).toHaveLength(12);
      got.forEach((z, i) => expectSame(z, want[i], scaleOf(z0, z1)));
      expect(got.at(-1)).toEqual(z1); // a morph ends exactly on its target
    }
  });
});
