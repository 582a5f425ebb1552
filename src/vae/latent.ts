/**
 * Tools for exploring a trained VAE's latent space: encode a dataset, class centroids, paths between
 * codes (linear and spherical), a morph toward a target, a grid for manifold plots, and how well the
 * classes separate. Everything here is a pure function over plain arrays, except `encodeDataset`,
 * which runs the encoder.
 *
 * Spherical interpolation: Shoemake, "Animating rotation with quaternion curves" (SIGGRAPH 1985),
 * applied to latent codes by White, "Sampling Generative Networks" (2016): under a Gaussian prior,
 * codes of typical norm lie near a sphere of radius ≈ √latentDim, and the straight line between two
 * of them passes through low-probability codes near the origin; the arc stays at typical norms.
 */
import * as tf from "@tensorflow/tfjs";
import type { Vae, VaeConfig } from "./types";

/** Values per example the model's encoder takes (784 for MNIST models, 2 for the Swiss roll). */
function inputDimOf(config: VaeConfig): number {
  return config.kind === "mlp" ? config.inputDim : config.imageSize * config.imageSize;
}

/**
 * The encoder's mean mu for every row, [n × latentDim] row-major. The posterior's mean is the
 * customary "position" of an example in latent space (log σ² is dropped). Runs in batches of
 * `batchSize`, each inside `tf.tidy`, so no tensors are left behind.
 *
 * @example
 * const mu = encodeDataset(model, test.images, test.n, 784); //=> Float32Array of test.n × 2 values for a 2-D model
 */
export function encodeDataset(model: Vae, rows: Float32Array, n: number, dim: number, batchSize = 512): Float32Array {
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`encodeDataset: n must be a whole number ≥ 0, got ${n}.`);
  if (rows.length !== n * dim)
    throw new Error(`encodeDataset: rows hold ${rows.length} values, expected n × dim = ${n} × ${dim} = ${n * dim}.`);
  const expected = inputDimOf(model.config);
  if (dim !== expected)
    throw new Error(`encodeDataset: the rows have ${dim} values each, but the model's encoder takes ${expected}.`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1))
    throw new Error(`encodeDataset: batchSize must be a whole number ≥ 1, got ${batchSize}.`);
  const latentDim = model.config.latentDim;
  const out = new Float32Array(n * latentDim);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const mu = tf.tidy(() => model.encode(tf.tensor2d(rows.subarray(start * dim, (start + m) * dim), [m, dim])).mu); // [m, latentDim]
    out.set(mu.dataSync(), start * latentDim);
    mu.dispose();
  }
  return out;
}

/** Labels must be whole numbers in 0..numClasses−1, one per point. */
function checkLabels(
  fn: string,
  points: ArrayLike<number>,
  labels: ArrayLike<number>,
  latentDim: number,
  numClasses: number,
): void {
  if (!(Number.isInteger(latentDim) && latentDim >= 1))
    throw new Error(`${fn}: latentDim must be a whole number ≥ 1, got ${latentDim}.`);
  if (!(Number.isInteger(numClasses) && numClasses >= 1))
    throw new Error(`${fn}: numClasses must be a whole number ≥ 1, got ${numClasses}.`);
  if (points.length !== labels.length * latentDim) {
    throw new Error(
      `${fn}: ${labels.length} labels need ${labels.length} × ${latentDim} = ${labels.length * latentDim} coordinates, got ${points.length}.`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!(Number.isInteger(c) && c >= 0 && c < numClasses))
      throw new Error(`${fn}: label ${i} is ${c}; labels must be whole numbers from 0 to ${numClasses - 1}.`);
  }
}

/**
 * Mean code of each class, [numClasses × latentDim] row-major. Throws if a class has no points,
 * rather than returning a NaN centroid that would silently poison a plot or a morph.
 *
 * @example
 * classCentroids(new Float32Array([0, 0, 2, 2, 10, 10]), [0, 0, 1], 2, 2); //=> Float32Array [1, 1, 10, 10]
 */
export function classCentroids(
  points: ArrayLike<number>,
  labels: ArrayLike<number>,
  latentDim: number,
  numClasses: number,
): Float32Array {
  checkLabels("classCentroids", points, labels, latentDim, numClasses);
  const sums = new Float64Array(numClasses * latentDim); // float64: 60k float32 codes summed lose digits
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    counts[c]++;
    for (let j = 0; j < latentDim; j++) sums[c * latentDim + j] += points[i * latentDim + j];
  }
  const empty = counts.flatMap((k, c) => (k === 0 ? [c] : []));
  if (empty.length > 0) {
    throw new Error(
      `classCentroids: no points for class ${empty.join(", ")}. Pass points of every class, or a smaller numClasses if the labels only use 0..k−1.`,
    );
  }
  const out = new Float32Array(numClasses * latentDim);
  for (let c = 0; c < numClasses; c++)
    for (let j = 0; j < latentDim; j++) out[c * latentDim + j] = sums[c * latentDim + j] / counts[c];
  return out;
}

/**
 * Linear interpolation (1 − t)·z0 + t·z1; t = 0 and t = 1 give the endpoints exactly.
 *
 * @example
 * lerp([0, 0], [2, 4], 0.25); //=> [0.5, 1]
 */
export function lerp(z0: number[], z1: number[], t: number): number[] {
  sameLength(z0, z1, "lerp");
  return z0.map((a, i) => (1 - t) * a + t * z1[i]);
}

/**
 * Angles (radians) within this of 0 or of π make slerp fall back to lerp. Near 0 the two agree to
 * within a relative Ω²/8 ≈ 1e-9, and sin Ω → 0 would turn rounding into noise; near π the arc is
 * not unique (see `slerp`). 1e-4 is also the threshold lesson 2's exercise suggests.
 */
export const SLERP_PARALLEL_THRESHOLD = 1e-4;

/**
 * Spherical interpolation (Shoemake 1985; White 2016):
 *   slerp(z0, z1, t) = sin((1−t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1,   Ω = angle between z0 and z1.
 * For codes of equal norm it moves along the great circle at constant angular speed, so the norm
 * stays put and the angle from z0 is t·Ω; t = 0 and t = 1 give the endpoints exactly.
 *
 * Falls back to `lerp` (documented cases, never NaN):
 * - (nearly) parallel codes, Ω < SLERP_PARALLEL_THRESHOLD: the two paths coincide there;
 * - a zero code: it has no direction, so there is no angle;
 * - (nearly) opposite codes, π − Ω < SLERP_PARALLEL_THRESHOLD: every great circle through both is
 *   equally short, and picking one arbitrarily would be a hidden choice. The straight line runs
 *   through the origin; to stay at typical norms, interpolate in two legs via a third code.
 *
 * Ω is computed as 2·atan2(|ẑ0 − ẑ1|, |ẑ0 + ẑ1|) (Kahan), which stays accurate near 0 and π where
 * acos of the cosine loses half its digits. The navigator's browser code (src/navigator/client/core.js)
 * repeats this function statement for statement; src/navigator/client.test.ts holds the two equal.
 *
 * @example
 * slerp([1, 0], [0, 1], 0.5); //=> [0.7071, 0.7071]  (lerp gives [0.5, 0.5]: norm 0.71 instead of 1)
 */
export function slerp(z0: number[], z1: number[], t: number): number[] {
  sameLength(z0, z1, "slerp");
  const n0 = Math.hypot(...z0),
    n1 = Math.hypot(...z1);
  if (n0 === 0 || n1 === 0) return lerp(z0, z1, t);
  let diff = 0,
    sum = 0;
  for (let i = 0; i < z0.length; i++) {
    const a = z0[i] / n0,
      b = z1[i] / n1;
    diff += (a - b) * (a - b);
    sum += (a + b) * (a + b);
  }
  const omega = 2 * Math.atan2(Math.sqrt(diff), Math.sqrt(sum));
  if (omega < SLERP_PARALLEL_THRESHOLD || Math.PI - omega < SLERP_PARALLEL_THRESHOLD) return lerp(z0, z1, t);
  const sinOmega = Math.sin(omega);
  const a = Math.sin((1 - t) * omega) / sinOmega,
    b = Math.sin(t * omega) / sinOmega;
  return z0.map((v, i) => a * v + b * z1[i]);
}

/**
 * `steps` codes from z0 to z1, both included, evenly spaced in t.
 *
 * @example
 * interpolationPath([0, 0], [1, 2], 3, "linear"); //=> [[0, 0], [0.5, 1], [1, 2]]
 */
export function interpolationPath(z0: number[], z1: number[], steps: number, kind: "linear" | "spherical"): number[][] {
  if (!(Number.isInteger(steps) && steps >= 2))
    throw new Error(`interpolationPath: steps must be a whole number ≥ 2, got ${steps}.`);
  if (kind !== "linear" && kind !== "spherical")
    throw new Error(`interpolationPath: kind must be "linear" or "spherical", got ${JSON.stringify(kind)}.`);
  const f = kind === "linear" ? lerp : slerp;
  return Array.from({ length: steps }, (_, i) => f(z0, z1, i / (steps - 1)));
}

/**
 * The frames of a morph from the current code `from` to `target` (say, a class centroid): `steps`
 * codes evenly spaced along the straight line, `from` itself excluded (it is already on screen) and
 * the last one exactly `target`.
 *
 * @example
 * morphPath([0, 0], [4, -2], 4); //=> [[1, -0.5], [2, -1], [3, -1.5], [4, -2]]
 */
export function morphPath(from: number[], target: number[], steps: number): number[][] {
  sameLength(from, target, "morphPath");
  if (!(Number.isInteger(steps) && steps >= 1))
    throw new Error(`morphPath: steps must be a whole number ≥ 1, got ${steps}.`);
  return Array.from({ length: steps }, (_, i) => (i === steps - 1 ? [...target] : lerp(from, target, (i + 1) / steps)));
}

/**
 * A perSide × perSide grid of 2-D latent codes over [lo, hi]², for decoding a manifold picture.
 * Order: row-major from the TOP-left, z₁ growing to the right and z₂ growing upwards, so point
 * k = r·perSide + c is the image drawn in row r (from the top), column c. Returns [perSide² × 2].
 * Pass the model's latentDim as the third argument to get a clear error for a model that is not 2-D.
 *
 * @example
 * latentGrid(2, [-1, 1]); //=> Float32Array [-1, 1,  1, 1,  -1, -1,  1, -1]
 */
export function latentGrid(perSide: number, range: [number, number] = [-3, 3], latentDim = 2): Float32Array {
  if (latentDim !== 2) {
    throw new Error(
      `latentGrid: a grid covers a 2-D latent space, but this one has ${latentDim} dimensions. Train with latentDim = 2, or decode an interpolationPath instead.`,
    );
  }
  if (!(Number.isInteger(perSide) && perSide >= 2))
    throw new Error(`latentGrid: perSide must be a whole number ≥ 2, got ${perSide}.`);
  const [lo, hi] = range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi))
    throw new Error(`latentGrid: range must be [lo, hi] with lo < hi, got [${range}].`);
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
  /** Per class: the fraction of its points whose nearest class centroid is its own (0..1). */
  perClass: number[];
  /** A class counts as a distinct cluster when perClass ≥ threshold (default 0.5). */
  threshold: number;
  /** Which classes count as distinct. */
  distinct: boolean[];
  /** Fraction of classes that form distinct clusters, e.g. 0.8 for 8 of 10 digits. */
  distinctFraction: number;
  /** Nearest-centroid accuracy over all points. */
  overall: number;
  /** confusion[a][b]: fraction of class a's points nearest to class b's centroid (rows sum to 1). */
  confusion: number[][];
  /** The pair most often mistaken for each other, e.g. [4, 9]; smaller class first. */
  mostConfused: [number, number];
  /** Pairs with any confusion, most confused first; rate = confusion[a][b] + confusion[b][a]. */
  confusedPairs: { pair: [number, number]; rate: number }[];
}

/**
 * How well the classes separate in latent space, by nearest-centroid assignment. Each point is
 * assigned to the class whose centroid (mean code, `classCentroids`) is nearest in Euclidean
 * distance, ties to the lower class number. A class's score is the fraction of its points assigned
 * to itself, and it "forms a distinct cluster" when that score is at least `threshold` (0.5: most of
 * its points sit closer to its own centre than to any other). Simple to explain in class, and it
 * tracks what a scatter plot shows; it ignores cluster shape, so a ring around another class's
 * blob scores low even if a curved boundary would separate them.
 *
 * Pairs are ranked by the symmetric confusion confusion[a][b] + confusion[b][a], which names the
 * pairs that "stay close" (on MNIST typically 4/9 and 3/5/8).
 *
 * @example
 * const s = clusterSeparation(mu, test.labels, 2, 10);
 * s.distinctFraction; //=> 0.8   (8 of 10 digits form distinct clusters)
 * s.mostConfused;     //=> [4, 9]
 */
export function clusterSeparation(
  points: ArrayLike<number>,
  labels: ArrayLike<number>,
  latentDim: number,
  numClasses: number,
  threshold = 0.5,
): ClusterSeparation {
  if (!(Number.isInteger(numClasses) && numClasses >= 2))
    throw new Error(`clusterSeparation: needs at least 2 classes, got ${numClasses}.`);
  if (!(threshold >= 0 && threshold <= 1))
    throw new Error(`clusterSeparation: threshold must be between 0 and 1, got ${threshold}.`);
  const centroids = classCentroids(points, labels, latentDim, numClasses); // also checks the inputs
  const counts = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0,
      bestD = Infinity;
    for (let c = 0; c < numClasses; c++) {
      let d = 0;
      for (let j = 0; j < latentDim; j++) d += (points[i * latentDim + j] - centroids[c * latentDim + j]) ** 2;
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    counts[labels[i]][best]++;
    if (best === labels[i]) hits++;
  }
  const confusion = counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / total); // total > 0: classCentroids refused empty classes
  });
  const perClass = confusion.map((row, c) => row[c]);
  const distinct = perClass.map((p) => p >= threshold);
  const pairs: { pair: [number, number]; rate: number }[] = [];
  for (let a = 0; a < numClasses; a++) {
    for (let b = a + 1; b < numClasses; b++) pairs.push({ pair: [a, b], rate: confusion[a][b] + confusion[b][a] });
  }
  pairs.sort((p, q) => q.rate - p.rate); // stable: ties keep (a, b) order
  return {
    perClass,
    threshold,
    distinct,
    distinctFraction: distinct.filter(Boolean).length / numClasses,
    overall: hits / labels.length,
    confusion,
    mostConfused: pairs[0].pair,
    confusedPairs: pairs.filter((p) => p.rate > 0),
  };
}

function sameLength(a: number[], b: number[], fn: string): void {
  if (a.length !== b.length)
    throw new Error(`${fn}: the two codes have different lengths (${a.length} and ${b.length}).`);
}
