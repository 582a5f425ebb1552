import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { classCounts } from "./dataset";
import { FASHION_MNIST_CLASSES, loadIdxDataset, readIdxImages, readIdxLabels } from "./idx";

// Real IDX files from Debian's dataset-fashion-mnist package (.ci/run installs it).
const FASHION = "/usr/share/datasets/fashion-mnist";
const realFile = (name: string) => {
  const path = join(FASHION, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: install it with apt-get install dataset-fashion-mnist (as .ci/run does).`);
  return path;
};

describe("IDX reader on real Fashion-MNIST files", () => {
  it("reads the 10,000 test images and labels: 28×28, pixels in [0, 1], 1,000 per class", () => {
    const ds = loadIdxDataset(FASHION, "test");
    realFile("t10k-images-idx3-ubyte.gz");
    expect([ds.n, ds.height, ds.width]).toEqual([10000, 28, 28]);
    expect(ds.images.length).toBe(10000 * 784);
    let lo = Infinity, hi = -Infinity;
    for (const v of ds.images) { if (v < lo) lo = v; if (v > hi) hi = v; }
    expect(lo).toBe(0);
    expect(hi).toBe(1);
    expect(classCounts(ds)).toEqual(new Array(10).fill(1000));
    expect(ds.classNames).toEqual(FASHION_MNIST_CLASSES);
    expect(ds.source).toMatch(/Fashion-MNIST test set/);
  });

  it("reads the 60,000 training images", () => {
    const ds = loadIdxDataset(FASHION, "train");
    expect(ds.n).toBe(60000);
    expect(classCounts(ds)).toEqual(new Array(10).fill(6000));
  });

  it("reads plain (uncompressed) files the same as gzipped ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "idx-plain-"));
    writeFileSync(join(dir, "t10k-labels-idx1-ubyte"), gunzipSync(readFileSync(realFile("t10k-labels-idx1-ubyte.gz"))));
    expect(Array.from(readIdxLabels(join(dir, "t10k-labels-idx1-ubyte")).slice(0, 20))).toEqual(
      Array.from(readIdxLabels(realFile("t10k-labels-idx1-ubyte.gz")).slice(0, 20)),
    );
  });
});

describe("IDX reader on damaged files", () => {
  let dir: string;
  let images: Buffer; // uncompressed t10k images
  let labels: Buffer;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "idx-bad-"));
    images = gunzipSync(readFileSync(realFile("t10k-images-idx3-ubyte.gz")));
    labels = gunzipSync(readFileSync(realFile("t10k-labels-idx1-ubyte.gz")));
  });
  const write = (name: string, data: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, data);
    return path;
  };

  it("names the file and the magic number it found when the magic is wrong", () => {
    const bad = Buffer.from(images);
    bad.writeUInt32BE(0x00000abc, 0);
    const path = write("wrong-magic", bad);
    expect(() => readIdxImages(path)).toThrow(`${path}: wrong magic number 0x00000abc; an IDX images file starts with 0x00000803.`);
  });

  it("says when a labels file is passed as images", () => {
    const path = write("labels-as-images", labels);
    expect(() => readIdxImages(path)).toThrow(/wrong magic number 0x00000801 \(that is a labels file\)/);
  });

  it("reports a truncated file with the sizes expected and found", () => {
    const path = write("truncated", images.subarray(0, 5000));
    expect(() => readIdxImages(path)).toThrow(/truncated: the header says 10000 × 28 × 28 values \(7840016 bytes in all\), but the file has 5000/);
  });

  it("reports a truncated gzip stream as corrupt", () => {
    const gz = gzipSync(images);
    const path = write("truncated.gz", gz.subarray(0, gz.length >> 1));
    expect(() => readIdxImages(path)).toThrow(/the gzip stream is corrupt/);
  });

  it("reports images and labels that do not match in count", () => {
    const sub = join(dir, "mismatch");
    mkdirSync(sub);
    copyFileSync(realFile("t10k-images-idx3-ubyte.gz"), join(sub, "t10k-images-idx3-ubyte.gz"));
    const short = Buffer.from(labels.subarray(0, 8 + 9000));
    short.writeUInt32BE(9000, 4);
    writeFileSync(join(sub, "t10k-labels-idx1-ubyte"), short);
    expect(() => loadIdxDataset(sub, "test")).toThrow(/has 9000 labels but t10k-images-idx3-ubyte.gz has 10000 images/);
  });

  it("lists the file names it looked for when a file is missing", () => {
    const sub = join(dir, "missing");
    mkdirSync(sub);
    copyFileSync(realFile("t10k-images-idx3-ubyte.gz"), join(sub, "t10k-images-idx3-ubyte.gz"));
    expect(() => loadIdxDataset(sub, "test")).toThrow(/no test labels file found; looked for t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte.gz/);
    expect(() => loadIdxDataset(join(dir, "nowhere"), "test")).toThrow(/folder not found/);
    expect(() => readIdxImages(join(dir, "nope.gz"))).toThrow(/nope.gz: file not found/);
  });
});
