import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../random";
import { classCounts, splitDataset } from "./dataset";
import { EMBEDDED_MNIST_FILE, EMBEDDED_MNIST_SOURCE, loadEmbeddedMnist, readCache } from "./mnist";

const HEADER_BYTES = 56;

describe("embedded MNIST", () => {
  // A cache folder of our own, not yet created: the first load must create it and the file.
  const dir = join(mkdtempSync(join(tmpdir(), "mnist-cache-")), "not-yet-created");
  const file = join(dir, EMBEDDED_MNIST_FILE);

  it("loads 10,000 labelled 28×28 digits in [0, 1], building a compact cache the first time", () => {
    const ds = loadEmbeddedMnist({ cacheDir: dir });
    expect([ds.n, ds.height, ds.width]).toEqual([10000, 28, 28]);
    expect(ds.images.length).toBe(10000 * 784);
    expect(ds.classNames).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(ds.source).toBe(EMBEDDED_MNIST_SOURCE);
    // The package's own class sizes.
    expect(classCounts(ds)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    expect(ds.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(readFileSync(file).length).toBe(HEADER_BYTES + 10000 * 785);
  });

  it("interleaves the classes, so any prefix is class-balanced", () => {
    const ds = loadEmbeddedMnist({ cacheDir: dir });
    expect(Array.from(ds.labels.slice(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  });

  it("keeps the package's pixel values to the package's 3 decimals", () => {
    const ds = loadEmbeddedMnist({ cacheDir: dir });
    const req = createRequire(join(process.cwd(), "package.json"));
    const threes: number[] = req("mnist/src/digits/3.json").data;
    // Row 3 is the first 3, row 13 the second (interleaved by class).
    for (const [row, k] of [
      [3, 0],
      [13, 1],
    ]) {
      for (let p = 0; p < 784; p++)
        expect(Math.abs(ds.images[row * 784 + p] - threes[k * 784 + p])).toBeLessThanOrEqual(0.0005 + 1e-7);
    }
  });

  // Load time is measured by npm run bench, not asserted here: timed unit tests flake on a shared machine.
  it("loads the same digits from the cache", () => {
    const first = loadEmbeddedMnist({ cacheDir: dir });
    const second = loadEmbeddedMnist({ cacheDir: dir });
    const bytes = (a: Float32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(second.images).equals(bytes(first.images))).toBe(true);
    expect(bytes(second.labels).equals(bytes(first.labels))).toBe(true);
  });

  it("refuses a cache file with a flipped pixel, then rebuilds it", () => {
    loadEmbeddedMnist({ cacheDir: dir });
    const good = readFileSync(file);
    const bad = Buffer.from(good);
    bad[HEADER_BYTES + 10000 + 500] ^= 0xff;
    writeFileSync(file, bad);
    expect(readCache(file)).toBeUndefined();
    expect(loadEmbeddedMnist({ cacheDir: dir }).n).toBe(10000);
    expect(readFileSync(file).equals(good)).toBe(true);
  });

  it("refuses truncated, foreign, other-version and relabelled cache files", () => {
    loadEmbeddedMnist({ cacheDir: dir });
    const good = readFileSync(file);
    const variants: Record<string, Buffer> = {
      truncated: good.subarray(0, good.length - 1),
      "header only": good.subarray(0, HEADER_BYTES),
      empty: Buffer.alloc(0),
      "wrong magic": Buffer.concat([Buffer.from("NOTMNIST"), good.subarray(8)]),
      "other version": (() => {
        const b = Buffer.from(good);
        b.writeUInt32LE(99, 8);
        return b;
      })(),
      "flipped label": (() => {
        const b = Buffer.from(good);
        b[HEADER_BYTES + 7] ^= 1;
        return b;
      })(),
    };
    for (const [what, bytes] of Object.entries(variants)) {
      writeFileSync(file, bytes);
      expect(readCache(file), what).toBeUndefined();
      expect(loadEmbeddedMnist({ cacheDir: dir }).n, what).toBe(10000);
      expect(readFileSync(file).equals(good), what).toBe(true);
    }
    expect(readCache(join(dir, "no-such-file.bin"))).toBeUndefined();
  });

  it("still returns the digits when the cache file cannot be written", () => {
    const blocked = mkdtempSync(join(tmpdir(), "mnist-blocked-"));
    mkdirSync(join(blocked, EMBEDDED_MNIST_FILE)); // a folder where the file should go
    expect(loadEmbeddedMnist({ cacheDir: blocked }).n).toBe(10000);
    expect(existsSync(join(blocked, `${EMBEDDED_MNIST_FILE}.${process.pid}.tmp`))).toBe(false);
  });

  it("splits stratified by class, repeatably under a seed", () => {
    const ds = loadEmbeddedMnist({ cacheDir: dir });
    const a = splitDataset(ds, 0.1, new Rng(1));
    const b = splitDataset(ds, 0.1, new Rng(1));
    expect(a.train.n + a.test.n).toBe(10000);
    expect(Math.abs(a.test.n - 1000)).toBeLessThanOrEqual(5);
    expect(a.test.labels).toEqual(b.test.labels);
    expect(Math.min(...classCounts(a.test))).toBeGreaterThan(80);
  });
});
