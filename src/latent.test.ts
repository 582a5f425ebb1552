import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { classCentroids, clusterSeparation, encodeDataset, interpolationPath, latentGrid, lerp, morphPath, slerp } from "./latent";
import { mnistVae } from "./models/presets";
import { createVae } from "./models/vae";
import { Rng } from "./random";

const norm = (v: number[]) => Math.hypot(...v);
const angle = (a: number[], b: number[]) => Math.acos(a.reduce((s, x, i) => s + x * b[i], 0) / (norm(a) * norm(b)));

describe("slerp", () => {
  it("stays on the arc: constant norm and angle proportional to t for equal-norm endpoints", () => {
    const z0 = [2, 0, 0], z1 = [0, 1.2, 1.6]; // both of norm 2, 90° apart
    for (const t of [0.1, 0.25, 0.5, 0.9]) {
      const z = slerp(z0, z1, t);
      expect(norm(z)).toBeCloseTo(2, 6);
      expect(angle(z0, z)).toBeCloseTo(t * Math.PI / 2, 6);
    }
  });

  it("hits both endpoints exactly", () => {
    const z0 = [0.3, -1.2], z1 = [1.5, 0.4];
    slerp(z0, z1, 0).forEach((v, i) => expect(v).toBeCloseTo(z0[i], 12));
    slerp(z0, z1, 1).forEach((v, i) => expect(v).toBeCloseTo(z1[i], 12));
  });

  it("falls back to lerp for parallel, opposite and zero vectors instead of returning NaN", () => {
    expect(slerp([1, 1], [2, 2], 0.5)).toEqual(lerp([1, 1], [2, 2], 0.5));
    expect(slerp([1, 0], [-1, 0], 0.25)).toEqual([0.5, 0]);
    expect(slerp([0, 0], [1, 2], 0.5)).toEqual([0.5, 1]);
  });

  it("differs from lerp in the middle of a wide arc", () => {
    expect(norm(slerp([1, 0], [0, 1], 0.5))).toBeCloseTo(1, 6);
    expect(norm(lerp([1, 0], [0, 1], 0.5))).toBeCloseTo(Math.SQRT1_2, 6);
  });
});

describe("paths and grids", () => {
  it("builds interpolation paths with exact endpoints", () => {
    const p = interpolationPath([0, 0], [1, 2], 5, "linear");
    expect(p).toHaveLength(5);
    expect(p[0]).toEqual([0, 0]);
    expect(p[4]).toEqual([1, 2]);
    expect(p[2]).toEqual([0.5, 1]);
  });

  it("morphs toward the target, ending exactly on it", () => {
    const p = morphPath([0, 0], [4, -2], 4);
    expect(p).toEqual([[1, -0.5], [2, -1], [3, -1.5], [4, -2]]);
  });

  it("lays the grid out row-major from the top-left, z₁ to the right and z₂ upwards", () => {
    const g = Array.from(latentGrid(3, [-1, 1]));
    expect(g.slice(0, 6)).toEqual([-1, 1, 0, 1, 1, 1]); // top row: z₂ = 1
    expect(g.slice(12, 18)).toEqual([-1, -1, 0, -1, 1, -1]); // bottom row: z₂ = −1
  });
});

function blobs(centres: number[][], perClass: number, spread: number, seed: number) {
  const rng = new Rng(seed);
  const points = new Float32Array(centres.length * perClass * 2);
  const labels = new Uint8Array(centres.length * perClass);
  centres.forEach(([x, y], c) => {
    for (let i = 0; i < perClass; i++) {
      const k = c * perClass + i;
      points[2 * k] = x + spread * rng.normal();
      points[2 * k + 1] = y + spread * rng.normal();
      labels[k] = c;
    }
  });
  return { points, labels };
}

describe("clusters", () => {
  it("finds class centroids", () => {
    const c = classCentroids(new Float32Array([0, 0, 2, 2, 10, 10]), [0, 0, 1], 2, 2);
    expect(Array.from(c)).toEqual([1, 1, 10, 10]);
    expect(() => classCentroids(new Float32Array([0, 0]), [0], 2, 3)).toThrow(/no points for class 1, 2/);
  });

  it("counts well-separated blobs as distinct clusters", () => {
    const { points, labels } = blobs([[-5, 0], [5, 0], [0, 5], [0, -5]], 200, 0.5, 1);
    const s = clusterSeparation(points, labels, 2, 4);
    expect(s.distinctFraction).toBe(1);
    expect(Math.min(...s.perClass)).toBeGreaterThan(0.99);
  });

  it("names the pair of overlapping classes as the most confused", () => {
    const { points, labels } = blobs([[-6, 0], [6, 0], [0, 0.2], [0, -0.2]], 300, 1, 2);
    const s = clusterSeparation(points, labels, 2, 4);
    expect(s.mostConfused).toEqual([2, 3]);
    expect(s.perClass[2]).toBeLessThan(0.7);
    expect(s.perClass[0]).toBeGreaterThan(0.95);
  });
});

describe("encodeDataset", () => {
  it("matches model.encode batch by batch and leaves no tensors behind", () => {
    const model = createVae(mnistVae(3, 16), new Rng(1));
    const n = 7;
    const rows = new Rng(2).uniforms(n * 784);
    const before = tf.memory().numTensors;
    const mu = encodeDataset(model, rows, n, 784, 3);
    expect(tf.memory().numTensors).toBe(before);
    const direct = model.encode(tf.tensor2d(rows, [n, 784])).mu.dataSync();
    expect(mu.length).toBe(n * 3);
    mu.forEach((v, i) => expect(v).toBeCloseTo(direct[i], 5));
    model.dispose();
  });
});
