import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import {
  classCentroids,
  clusterSeparation,
  encodeDataset,
  interpolationPath,
  latentGrid,
  lerp,
  morphPath,
  slerp,
  SLERP_PARALLEL_THRESHOLD,
} from "./latent";
import { mnistVae } from "./presets";
import { createVae } from "./vae";
import { Rng } from "./random";

const norm = (v: number[]) => Math.hypot(...v);
const angle = (a: number[], b: number[]) =>
  Math.acos(Math.min(1, Math.max(-1, a.reduce((s, x, i) => s + x * b[i], 0) / (norm(a) * norm(b)))));
/** A unit vector in the plane at angle `theta` from the x axis. */
const at = (theta: number) => [Math.cos(theta), Math.sin(theta)];

describe("slerp", () => {
  it("stays on the arc: constant norm and angle proportional to t for equal-norm endpoints", () => {
    const z0 = [2, 0, 0],
      z1 = [0, 1.2, 1.6]; // both of norm 2, 90° apart
    for (const t of [0.1, 0.25, 0.5, 0.9]) {
      const z = slerp(z0, z1, t);
      expect(norm(z)).toBeCloseTo(2, 10);
      expect(angle(z0, z)).toBeCloseTo((t * Math.PI) / 2, 10);
      expect(angle(z, z1)).toBeCloseTo(((1 - t) * Math.PI) / 2, 10);
    }
  });

  it("interpolates on the arc in many dimensions, for random codes of equal norm", () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 20; trial++) {
      const a = Array.from(rng.normals(16)),
        b = Array.from(rng.normals(16));
      const bScaled = b.map((v) => (v * norm(a)) / norm(b));
      const omega = angle(a, bScaled);
      const z = slerp(a, bScaled, 0.3);
      expect(norm(z)).toBeCloseTo(norm(a), 9);
      expect(angle(a, z)).toBeCloseTo(0.3 * omega, 9);
    }
  });

  it("hits both endpoints exactly", () => {
    const z0 = [0.3, -1.2, 0.1],
      z1 = [1.5, 0.4, -0.7];
    expect(slerp(z0, z1, 0)).toEqual(z0);
    expect(slerp(z0, z1, 1)).toEqual(z1);
    expect(lerp(z0, z1, 0)).toEqual(z0);
    expect(lerp(z0, z1, 1)).toEqual(z1);
  });

  it("falls back to lerp for (nearly) parallel codes, and is continuous across the threshold", () => {
    expect(slerp([3, 4], [6, 8], 0.5)).toEqual([4.5, 6]);
    const tiny = SLERP_PARALLEL_THRESHOLD / 10;
    expect(slerp(at(0), at(tiny), 0.3)).toEqual(lerp(at(0), at(tiny), 0.3));
    // Just above the threshold slerp itself runs, and agrees with lerp to within Ω²/8: no jump.
    const z1 = at(SLERP_PARALLEL_THRESHOLD * 1.001);
    const arc = slerp(at(0), z1, 0.5),
      line = lerp(at(0), z1, 0.5);
    expect(norm(arc)).toBeCloseTo(1, 14);
    arc.forEach((v, i) => expect(Math.abs(v - line[i])).toBeLessThan(2e-9));
  });

  it("measures small angles accurately just above the threshold (no acos round-off)", () => {
    const omega = 10 * SLERP_PARALLEL_THRESHOLD;
    const z = slerp(at(0), at(omega), 0.25);
    expect(Math.atan2(z[1], z[0])).toBeCloseTo(0.25 * omega, 14);
    expect(norm(z)).toBeCloseTo(1, 14);
  });

  it("falls back to lerp for opposite codes and zero codes instead of returning NaN", () => {
    expect(slerp([1, 0], [-1, 0], 0.25)).toEqual([0.5, 0]);
    expect(slerp([0, 0], [1, 2], 0.5)).toEqual([0.5, 1]);
    expect(slerp([0, 0], [0, 0], 0.5)).toEqual([0, 0]);
  });

  it("still follows an arc for nearly opposite codes above the threshold", () => {
    const z = slerp(at(0), at(Math.PI - 0.01), 0.5);
    expect(norm(z)).toBeCloseTo(1, 10);
  });

  it("differs from lerp in the middle of a wide arc", () => {
    expect(norm(slerp([1, 0], [0, 1], 0.5))).toBeCloseTo(1, 12);
    expect(norm(lerp([1, 0], [0, 1], 0.5))).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it("refuses codes of different lengths", () => {
    expect(() => slerp([1, 0], [1, 0, 0], 0.5)).toThrow(/different lengths \(2 and 3\)/);
  });
});

describe("paths and grids", () => {
  it("builds linear interpolation paths with exact endpoints", () => {
    const p = interpolationPath([0, 0], [1, 2], 5, "linear");
    expect(p).toHaveLength(5);
    expect(p[0]).toEqual([0, 0]);
    expect(p[4]).toEqual([1, 2]);
    expect(p[2]).toEqual([0.5, 1]);
  });

  it("builds spherical paths that keep the norm of equal-norm endpoints, in equal angular steps", () => {
    const z0 = [3, 0],
      z1 = [0, -3];
    const p = interpolationPath(z0, z1, 7, "spherical");
    expect(p[0]).toEqual(z0);
    expect(p[6]).toEqual(z1);
    for (let i = 1; i < 7; i++) {
      expect(norm(p[i])).toBeCloseTo(3, 10);
      expect(angle(p[i - 1], p[i])).toBeCloseTo(Math.PI / 2 / 6, 10);
    }
  });

  it("refuses fewer than two steps and unknown kinds", () => {
    expect(() => interpolationPath([0], [1], 1, "linear")).toThrow(/steps must be a whole number ≥ 2/);
    expect(() => interpolationPath([0], [1], 3, "cubic" as "linear")).toThrow(/kind must be "linear" or "spherical"/);
  });

  it("morphs toward the target, leaving out the start and ending exactly on the target", () => {
    expect(morphPath([0, 0], [4, -2], 4)).toEqual([
      [1, -0.5],
      [2, -1],
      [3, -1.5],
      [4, -2],
    ]);
    const target = [0.1, 0.7];
    expect(morphPath([0.3, 0.3], target, 1)).toEqual([target]);
    expect(morphPath([0.3, 0.3], target, 3)[2]).toEqual(target);
  });

  it("lays the grid out row-major from the top-left, z₁ to the right and z₂ upwards", () => {
    const g = Array.from(latentGrid(3, [-1, 1]));
    expect(g).toHaveLength(18);
    expect(g.slice(0, 6)).toEqual([-1, 1, 0, 1, 1, 1]); // top row: z₂ = 1
    expect(g.slice(6, 12)).toEqual([-1, 0, 0, 0, 1, 0]);
    expect(g.slice(12, 18)).toEqual([-1, -1, 0, -1, 1, -1]); // bottom row: z₂ = −1
  });

  it("spans [-3, 3] by default", () => {
    const g = latentGrid(5);
    expect([g[0], g[1]]).toEqual([-3, 3]);
    expect([g[g.length - 2], g[g.length - 1]]).toEqual([3, -3]);
  });

  it("refuses latent spaces that are not 2-D, and bad sizes or ranges", () => {
    expect(() => latentGrid(10, [-3, 3], 8)).toThrow(/2-D latent space, but this one has 8 dimensions/);
    expect(() => latentGrid(1)).toThrow(/perSide must be a whole number ≥ 2/);
    expect(() => latentGrid(4, [2, -2])).toThrow(/lo < hi/);
  });
});

/** Gaussian blobs in 2-D around `centres`, `perClass` points each, labelled by centre. */
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

describe("class centroids", () => {
  it("averages each class's codes", () => {
    const c = classCentroids(new Float32Array([0, 0, 2, 2, 10, 10]), [0, 0, 1], 2, 2);
    expect(Array.from(c)).toEqual([1, 1, 10, 10]);
  });

  it("refuses an empty class instead of returning a NaN centroid", () => {
    expect(() => classCentroids(new Float32Array([0, 0]), [0], 2, 3)).toThrow(/no points for class 1, 2/);
  });

  it("refuses labels out of range and point counts that do not match the labels", () => {
    expect(() => classCentroids(new Float32Array([0, 0, 1, 1]), [0, 3], 2, 2)).toThrow(
      /label 1 is 3; labels must be whole numbers from 0 to 1/,
    );
    expect(() => classCentroids(new Float32Array([0, 0, 1]), [0, 1], 2, 2)).toThrow(
      /2 labels need 2 × 2 = 4 coordinates, got 3/,
    );
  });
});

describe("cluster separation", () => {
  it("counts well-separated blobs as distinct clusters", () => {
    const { points, labels } = blobs(
      [
        [-5, 0],
        [5, 0],
        [0, 5],
        [0, -5],
      ],
      200,
      0.5,
      1,
    );
    const s = clusterSeparation(points, labels, 2, 4);
    expect(s.distinctFraction).toBe(1);
    expect(s.distinct).toEqual([true, true, true, true]);
    expect(Math.min(...s.perClass)).toBeGreaterThan(0.99);
    expect(s.overall).toBeGreaterThan(0.99);
    s.confusion.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12));
  });

  it("names the pair of overlapping classes as the most confused", () => {
    const { points, labels } = blobs(
      [
        [-6, 0],
        [6, 0],
        [0, 0.2],
        [0, -0.2],
      ],
      300,
      1,
      2,
    );
    const s = clusterSeparation(points, labels, 2, 4);
    expect(s.mostConfused).toEqual([2, 3]);
    expect(s.confusedPairs[0].pair).toEqual([2, 3]);
    expect(s.confusedPairs[0].rate).toBeGreaterThan(0.6);
    expect(s.perClass[2]).toBeLessThan(0.7);
    expect(s.perClass[0]).toBeGreaterThan(0.95);
  });

  it("ranks two overlapping pairs above the separated classes, and counts only separated classes as distinct at a strict threshold", () => {
    // 0/1 overlap completely (same centre), 2/3 overlap partly, 4 stands alone.
    const { points, labels } = blobs(
      [
        [0, 0],
        [0, 0],
        [8, 0],
        [9, 0],
        [0, 9],
      ],
      400,
      0.7,
      3,
    );
    const s = clusterSeparation(points, labels, 2, 5, 0.9);
    expect(s.confusedPairs.slice(0, 2).map((p) => p.pair)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(s.distinct).toEqual([false, false, false, false, true]);
    expect(s.distinctFraction).toBeCloseTo(0.2, 12);
  });

  it("refuses a single class and thresholds outside 0..1", () => {
    expect(() => clusterSeparation(new Float32Array([0, 0]), [0], 2, 1)).toThrow(/at least 2 classes/);
    expect(() => clusterSeparation(new Float32Array([0, 0, 1, 1]), [0, 1], 2, 2, 1.5)).toThrow(
      /threshold must be between 0 and 1/,
    );
  });
});

describe("encodeDataset", () => {
  it("matches model.encode over uneven batches and leaves no tensors behind", () => {
    const model = createVae(mnistVae(3, 16), new Rng(1));
    const n = 7;
    const rows = new Rng(2).uniforms(n * 784);
    const before = tf.memory().numTensors;
    const mu = encodeDataset(model, rows, n, 784, 3); // batches of 3, 3, 1
    expect(tf.memory().numTensors).toBe(before);
    const direct = tf.tidy(() => model.encode(tf.tensor2d(rows, [n, 784])).mu.dataSync());
    expect(mu.length).toBe(n * 3);
    mu.forEach((v, i) => expect(v).toBeCloseTo(direct[i], 5));
    expect(encodeDataset(model, new Float32Array(0), 0, 784)).toEqual(new Float32Array(0));
    model.dispose();
  });

  it("refuses rows of the wrong width or count", () => {
    const model = createVae(mnistVae(2, 8), new Rng(1));
    expect(() => encodeDataset(model, new Float32Array(10), 5, 2)).toThrow(
      /rows have 2 values each, but the model's encoder takes 784/,
    );
    expect(() => encodeDataset(model, new Float32Array(784), 2, 784)).toThrow(
      /rows hold 784 values, expected n × dim = 2 × 784/,
    );
    model.dispose();
  });
});
