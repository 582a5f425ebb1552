import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../random";
import { classCounts, splitDataset } from "./dataset";
import { loadEmbeddedMnist, readCache } from "./mnist";
import { swissRoll } from "./swissRoll";

describe("embedded MNIST", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "mnist-cache-")), "not-yet-created");

  it("loads 10,000 labelled 28×28 digits in [0, 1], building a compact cache the first time", () => {
    const ds = loadEmbeddedMnist({ cacheDir: dir });
    expect([ds.n, ds.height, ds.width]).toEqual([10000, 28, 28]);
    expect(classCounts(ds).reduce((a, b) => a + b, 0)).toBe(10000);
    expect(classCounts(ds).every((c) => c > 800)).toBe(true);
    expect(Math.max(...ds.images.subarray(0, 784 * 10))).toBeLessThanOrEqual(1);
    expect(Array.from(ds.labels.slice(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]); // interleaved by class
    expect(readFileSync(join(dir, "mnist-embedded.bin")).length).toBe(56 + 10000 * 785);
  });

  it("loads the same digits from the cache", () => {
    const first = loadEmbeddedMnist({ cacheDir: dir });
    const second = loadEmbeddedMnist({ cacheDir: dir });
    const bytes = (a: Float32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(second.images).equals(bytes(first.images))).toBe(true);
    expect(bytes(second.labels).equals(bytes(first.labels))).toBe(true);
  });

  it("detects a damaged cache file and rebuilds it", () => {
    const file = join(dir, "mnist-embedded.bin");
    const good = readFileSync(file);
    const bad = Buffer.from(good);
    bad[56 + 10000 + 500] ^= 0xff; // flip one pixel
    writeFileSync(file, bad);
    expect(readCache(file)).toBeUndefined();
    const ds = loadEmbeddedMnist({ cacheDir: dir });
    expect(ds.n).toBe(10000);
    expect(readFileSync(file).equals(good)).toBe(true);
    writeFileSync(file, good.subarray(0, 1000)); // truncated
    expect(readCache(file)).toBeUndefined();
  });

  it("splits stratified by class, repeatably under a seed", () => {
    const ds = loadEmbeddedMnist({ cacheDir: dir });
    const a = splitDataset(ds, 0.1, new Rng(1));
    const b = splitDataset(ds, 0.1, new Rng(1));
    expect(a.train.n + a.test.n).toBe(10000);
    expect(Math.abs(a.test.n - 1000)).toBeLessThanOrEqual(5);
    expect(a.test.labels).toEqual(b.test.labels);
    const counts = classCounts(a.test);
    expect(Math.min(...counts)).toBeGreaterThan(80);
  });
});

describe("swissRoll", () => {
  it("puts every point on the spiral r = t/15 with t in [1.5π, 4.5π]", () => {
    const { points, t } = swissRoll(1000, new Rng(3));
    for (let i = 0; i < 1000; i++) {
      expect(t[i]).toBeGreaterThanOrEqual(1.5 * Math.PI);
      expect(t[i]).toBeLessThanOrEqual(4.5 * Math.PI);
      expect(Math.hypot(points[2 * i], points[2 * i + 1])).toBeCloseTo(t[i] / 15, 5);
    }
  });

  it("repeats under the same seed", () => {
    expect(swissRoll(10, new Rng(5)).points).toEqual(swissRoll(10, new Rng(5)).points);
  });
});
