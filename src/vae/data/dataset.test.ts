import { describe, expect, it } from "vitest";
import { Rng } from "../random";
import { batchIndices, classCounts, gatherRows, splitDataset, takeRows, type ImageDataset } from "./dataset";

/** n 2×2 "images" whose pixels all equal their row index / 100, labelled row % 3. */
function toyDataset(n: number): ImageDataset {
  const images = new Float32Array(n * 4);
  const labels = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    images.fill(r / 100, r * 4, (r + 1) * 4);
    labels[r] = r % 3;
  }
  return { images, labels, n, height: 2, width: 2, classNames: ["a", "b", "c"], source: "toy" };
}

describe("gatherRows", () => {
  it("copies the rows at the indices, in that order, repeats allowed", () => {
    const values = new Float32Array([0, 1, 2, 3, 4, 5]);
    expect(Array.from(gatherRows(values, 2, [2, 0, 2]))).toEqual([4, 5, 0, 1, 4, 5]);
    expect(gatherRows(values, 3, []).length).toBe(0);
  });

  it("rejects an index outside the rows", () => {
    expect(() => gatherRows(new Float32Array(6), 2, [3])).toThrow("gatherRows: row index 3 is outside 0..2.");
    expect(() => gatherRows(new Float32Array(6), 2, [-1])).toThrow(/row index -1/);
    expect(() => gatherRows(new Float32Array(6), 0, [0])).toThrow(/rowSize must be a positive integer/);
  });
});

describe("takeRows", () => {
  it("returns a dataset of the chosen images and labels, keeping classes and source", () => {
    const sub = takeRows(toyDataset(10), [7, 2]);
    expect(sub.n).toBe(2);
    expect(Array.from(sub.labels)).toEqual([1, 2]);
    expect(Array.from(sub.images)).toEqual([0.07, 0.07, 0.07, 0.07, 0.02, 0.02, 0.02, 0.02].map(Math.fround));
    expect(sub.classNames).toEqual(["a", "b", "c"]);
    expect(sub.source).toBe("toy");
  });
});

describe("splitDataset", () => {
  const ds = toyDataset(300);

  it("holds out the fraction from every class and keeps the original order in each part", () => {
    const { train, test } = splitDataset(ds, 0.2, new Rng(4));
    expect([train.n, test.n]).toEqual([240, 60]);
    expect(classCounts(test)).toEqual([20, 20, 20]);
    const rowsOf = (part: ImageDataset) =>
      Array.from({ length: part.n }, (_, i) => Math.round(part.images[4 * i] * 100));
    const trainRows = rowsOf(train);
    const testRows = rowsOf(test);
    expect(trainRows).toEqual([...trainRows].sort((a, b) => a - b));
    expect(new Set([...trainRows, ...testRows]).size).toBe(300); // disjoint and complete
    for (let i = 0; i < test.n; i++) expect(test.labels[i]).toBe(testRows[i] % 3); // labels follow their images
  });

  it("repeats under the same seed and changes under another", () => {
    const a = splitDataset(ds, 0.2, new Rng(4)).test.images;
    expect(splitDataset(ds, 0.2, new Rng(4)).test.images).toEqual(a);
    expect(splitDataset(ds, 0.2, new Rng(5)).test.images).not.toEqual(a);
  });

  it("rejects a fraction outside (0, 1)", () => {
    expect(() => splitDataset(ds, 1, new Rng(0))).toThrow(
      "splitDataset: heldOutFraction must be between 0 and 1 (e.g. 0.1), got 1.",
    );
    expect(() => splitDataset(ds, 0, new Rng(0))).toThrow(/got 0/);
  });
});

describe("batchIndices", () => {
  it("covers every row once per epoch, keeping the last partial batch", () => {
    const batches = batchIndices(10, 4, new Rng(1));
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(batches.flatMap((b) => Array.from(b)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("shuffles: a fresh order for each epoch from the same stream, the same order under the same seed", () => {
    const flat = (rng: Rng) => batchIndices(100, 32, rng).flatMap((b) => Array.from(b));
    const rng = new Rng(2);
    const epoch1 = flat(rng);
    const epoch2 = flat(rng);
    expect(epoch1).not.toEqual(epoch2);
    expect(epoch1).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(flat(new Rng(2))).toEqual(epoch1);
  });

  it("gives no batches for no rows, and rejects a bad batch size", () => {
    expect(batchIndices(0, 8, new Rng(0))).toEqual([]);
    expect(() => batchIndices(10, 0, new Rng(0))).toThrow("batchIndices: batchSize must be a positive integer, got 0.");
  });
});
