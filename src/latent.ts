/**
 * Tools for exploring a trained VAE's latent space: encode a dataset, class centroids, paths between
 * points (linear and spherical), a morph toward a target, a grid for manifold plots, and how well the
 * classes separate.
 *
 * Spherical interpolation: Shoemake, "Animating rotation with quaternion curves" (1985), applied to
 * latent codes by White, "Sampling Generative Networks" (2016): under a Gaussian prior, codes of
 * typical norm lie near a sphere, and the straight line between two of them passes through
 * low-probability codes close to the origin; the arc stays at typical norms.
 */
import * as tf from "@tensorflow/tfjs";
import type { Vae } from "./models/types";

/** mu of every row: [n × latentDim]. Batched, no tensors left behind. */
export function encodeDataset(model: Vae, rows: Float32Array, n: number, dim: number, batchSize = 512): Float32Array {
  if (rows.length !== n * dim) throw new Error(`encodeDataset: rows hold ${rows.length} values, expected n × dim = ${n * dim}.`);
  const latentDim = model.config.latentDim;
  const out = new Float32Array(n * latentDim);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const mu = tf.tidy(() => model.encode(tf.tensor2d(rows.subarray(start * dim, (start + m) * dim), [m, dim])).mu);
    out.set(mu.dataSync(), start * latentDim);
    mu.dispose();
  }
  return out;
}

/** Mean point of each class: [numClasses × latentDim]. Throws if a class has no points. */
export function classCentroids(points: Float32Array, labels: ArrayLike<number>, latentDim: number, numClasses: number): Float32Array {
  const sums = new Float64Array(numClasses * latentDim);
  const counts = new Array(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    counts[c]++;
    for (let j = 0; j < latentDim; j++) sums[c * latentDim + j] += points[i * latentDim + j];
  }
  const empty = counts.map((k, c) => (k === 0 ? c : -1)).filter((c) => c >= 0);
  if (empty.length > 0) throw new Error(`classCentroids: no points for class ${empty.join(", ")}.`);
  const out = new Float32Array(numClasses * latentDim);
  for (let c = 0; c < numClasses; c++) for (let j = 0; j < latentDim; j++) out[c * latentDim + j] = sums[c * latentDim + j] / counts[c];
  return out;
}

/** (1 − t)·z0 + t·z1. */
export function lerp(z0: number[], z1: number[], t: number): number[] {
  sameLength(z0, z1, "lerp");
  return z0.map((a, i) => a + t * (z1[i] - a));
}

/** Below this angle between z0 and z1 (radians), slerp falls back to lerp: sin Ω ≈ 0 there. */
export const SLERP_PARALLEL_THRESHOLD = 1e-4;

/**
 * Spherical interpolation: sin((1−t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1, Ω the angle between z0 and z1.
 * For equal norms it moves along the arc at constant angular speed. It falls back to lerp when the
 * vectors are (nearly) parallel or one is zero — the formula divides by sin Ω — and, for exactly
 * opposite vectors, where the arc is not unique, also returns lerp.
 *
 * @example
 * slerp([1, 0], [0, 1], 0.5); //=> [0.7071, 0.7071]  (lerp would give [0.5, 0.5])
 */
export function slerp(z0: number[], z1: number[], t: number): number[] {
  sameLength(z0, z1, "slerp");
  const n0 = Math.hypot(...z0), n1 = Math.hypot(...z1);
  if (n0 === 0 || n1 === 0) return lerp(z0, z1, t);
  const cos = Math.min(1, Math.max(-1, z0.reduce((s, a, i) => s + a * z1[i], 0) / (n0 * n1)));
  const omega = Math.acos(cos);
  const sinOmega = Math.sin(omega);
  if (omega < SLERP_PARALLEL_THRESHOLD || Math.PI - omega < SLERP_PARALLEL_THRESHOLD || sinOmega === 0) return lerp(z0, z1, t);
  const a = Math.sin((1 - t) * omega) / sinOmega, b = Math.sin(t * omega) / sinOmega;
  return z0.map((v, i) => a * v + b * z1[i]);
}

/** `steps` points from z0 to z1 inclusive. */
export function interpolationPath(z0: number[], z1: number[], steps: number, kind: "linear" | "spherical"): number[][] {
  if (!(Number.isInteger(steps) && steps >= 2)) throw new Error(`interpolationPath: steps must be a whole number ≥ 2, got ${steps}.`);
  const f = kind === "linear" ? lerp : slerp;
  return Array.from({ length: steps }, (_, i) => f(z0, z1, i / (steps - 1)));
}

/** `steps` points moving from `from` toward `target`, the last one exactly `target`. */
export function morphPath(from: number[], target: number[], steps: number): number[][] {
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`morphPath: steps must be a whole number ≥ 1, got ${steps}.`);
  return Array.from({ length: steps }, (_, i) => (i === steps - 1 ? [...target] : lerp(from, target, (i + 1) / steps)));
}

/**
 * A perSide × perSide grid of 2-D latent points over [lo, hi]², row-major from the TOP-left
 * (z₂ = hi first), so row r, column c decodes to the image drawn at that place in a figure.
 * Returns [perSide² × 2].
 */
export function latentGrid(perSide: number, range: [number, number] = [-3, 3]): Float32Array {
  if (!(Number.isInteger(perSide) && perSide >= 2)) throw new Error(`latentGrid: perSide must be a whole number ≥ 2, got ${perSide}.`);
  const [lo, hi] = range;
  const out = new Float32Array(perSide * perSide * 2);
  for (let r = 0; r < perSide; r++) {
    for (let c = 0; c < perSide; c++) {
      const k = r * perSide + c;
      out[2 * k] = lo + ((hi - lo) * c) / (perSide - 1); // z₁ grows to the right
      out[2 * k + 1] = hi - ((hi - lo) * r) / (perSide - 1); // z₂ grows upwards
    }
  }
  return out;
}

export interface ClusterSeparation {
  /** Per class: the fraction of its points whose nearest class centroid is its own. */
  perClass: number[];
  /** Classes with perClass ≥ threshold count as forming a distinct cluster. */
  threshold: number;
  distinctFraction: number;
  /** confusion[a][b]: fraction of class a's points nearest to b's centroid. */
  confusion: number[][];
  /** The pair of classes most often mistaken for each other (symmetrised), e.g. [4, 9]. */
  mostConfused: [number, number];
}

/**
 * How well classes separate in latent space, by nearest-centroid assignment: a class "forms a
 * distinct cluster" when at least `threshold` of its points lie closer to its own centroid than to
 * any other class's. Simple to explain in class, and it tracks what a scatter plot shows.
 */
export function clusterSeparation(points: Float32Array, labels: ArrayLike<number>, latentDim: number, numClasses: number, threshold = 0.5): ClusterSeparation {
  const centroids = classCentroids(points, labels, latentDim, numClasses);
  const counts = Array.from({ length: numClasses }, () => new Array(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    let best = 0, bestD = Infinity;
    for (let c = 0; c < numClasses; c++) {
      let d = 0;
      for (let j = 0; j < latentDim; j++) d += (points[i * latentDim + j] - centroids[c * latentDim + j]) ** 2;
      if (d < bestD) { bestD = d; best = c; }
    }
    counts[labels[i]][best]++;
  }
  const confusion = counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / total);
  });
  const perClass = confusion.map((row, c) => row[c]);
  let mostConfused: [number, number] = [0, 1], worst = -1;
  for (let a = 0; a < numClasses; a++) {
    for (let b = a + 1; b < numClasses; b++) {
      const v = confusion[a][b] + confusion[b][a];
      if (v > worst) { worst = v; mostConfused = [a, b]; }
    }
  }
  return { perClass, threshold, distinctFraction: perClass.filter((p) => p >= threshold).length / numClasses, confusion, mostConfused };
}

function sameLength(a: number[], b: number[], fn: string): void {
  if (a.length !== b.length) throw new Error(`${fn}: the two points have different lengths (${a.length} and ${b.length}).`);
}
