import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { classCounts } from "./dataset";
import {
  FASHION_MNIST_CLASSES,
  MNIST_CLASSES,
  findIdxFiles,
  loadIdxDataset,
  readIdxImages,
  readIdxLabels,
} from "./idx";
import { skipWithout } from "../../testing/guard";
skipWithout(import.meta.url, "fashion-mnist");

// Real IDX files from Debian's dataset-fashion-mnist package (.ci/run installs it). Missing files
// fail the tests with the fix, rather than skipping them: a skipped reader test hides a broken reader.
const FASHION_DIR = "/usr/share/datasets/fashion-mnist";
const FASHION_FILES = [
  "train-images-idx3-ubyte.gz",
  "train-labels-idx1-ubyte.gz",
  "t10k-images-idx3-ubyte.gz",
  "t10k-labels-idx1-ubyte.gz",
];

function fashionDir(): string {
  const missing = FASHION_FILES.filter((f) => !existsSync(join(FASHION_DIR, f)));
  if (missing.length > 0) {
    throw new Error(
      `The IDX tests read real Fashion-MNIST files, but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing from ${FASHION_DIR}. ` +
        "Install them with: apt-get install dataset-fashion-mnist (as .ci/run does).",
    );
  }
  return FASHION_DIR;
}
const realFile = (name: string) => join(fashionDir(), name);

function pixelRange(images: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of images) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

describe("IDX reader on real Fashion-MNIST files", () => {
  it("reads the 10,000 test images and labels: 28×28, pixels in [0, 1], 1,000 per class", () => {
    const ds = loadIdxDataset(fashionDir(), "test");
    expect([ds.n, ds.height, ds.width]).toEqual([10000, 28, 28]);
    expect(ds.images.length).toBe(10000 * 784);
    expect(ds.labels.length).toBe(10000);
    expect(pixelRange(ds.images)).toEqual([0, 1]);
    expect(classCounts(ds)).toEqual(new Array(10).fill(1000));
    expect(ds.classNames).toEqual(FASHION_MNIST_CLASSES);
    expect(ds.source).toMatch(/^Fashion-MNIST test set from .*fashion-mnist \(10,000 images\)$/);
  });

  it("reads the 60,000 training images and labels, 6,000 per class", () => {
    const ds = loadIdxDataset(fashionDir(), "train");
    expect([ds.n, ds.height, ds.width]).toEqual([60000, 28, 28]);
    expect(ds.images.length).toBe(60000 * 784);
    expect(pixelRange(ds.images)).toEqual([0, 1]);
    expect(classCounts(ds)).toEqual(new Array(10).fill(6000));
  });

  it("keeps the pixels exactly as the file's bytes divided by 255", () => {
    const bytes = gunzipSync(readFileSync(realFile("t10k-images-idx3-ubyte.gz")));
    const { images } = readIdxImages(realFile("t10k-images-idx3-ubyte.gz"));
    for (const i of [0, 400, 783, 5_000_000, 7_839_999]) expect(images[i]).toBeCloseTo(bytes[16 + i] / 255, 7);
  });

  it("detects gzip by its magic bytes, not by the file name", () => {
    const dir = mkdtempSync(join(tmpdir(), "idx-names-"));
    const plain = gunzipSync(readFileSync(realFile("t10k-labels-idx1-ubyte.gz")));
    writeFileSync(join(dir, "plain-named.gz"), plain);
    writeFileSync(join(dir, "gzipped-without-suffix"), readFileSync(realFile("t10k-labels-idx1-ubyte.gz")));
    const expected = Array.from(plain.subarray(8));
    expect(Array.from(readIdxLabels(join(dir, "plain-named.gz")))).toEqual(expected);
    expect(Array.from(readIdxLabels(join(dir, "gzipped-without-suffix")))).toEqual(expected);
  });

  it("finds the dotted file names (train-images.idx3-ubyte) and the test- prefix", () => {
    const dir = mkdtempSync(join(tmpdir(), "idx-dotted-"));
    copyFileSync(realFile("t10k-images-idx3-ubyte.gz"), join(dir, "test-images.idx3-ubyte.gz"));
    writeFileSync(join(dir, "test-labels.idx1-ubyte"), gunzipSync(readFileSync(realFile("t10k-labels-idx1-ubyte.gz"))));
    expect(findIdxFiles(dir, "test")).toEqual({
      images: join(dir, "test-images.idx3-ubyte.gz"),
      labels: join(dir, "test-labels.idx1-ubyte"),
    });
    expect(loadIdxDataset(dir, "test").n).toBe(10000);
  });

  it("names the classes as digits outside a fashion folder, or as the caller says", () => {
    const dir = mkdtempSync(join(tmpdir(), "idx-digits-"));
    copyFileSync(realFile("t10k-images-idx3-ubyte.gz"), join(dir, "t10k-images-idx3-ubyte.gz"));
    copyFileSync(realFile("t10k-labels-idx1-ubyte.gz"), join(dir, "t10k-labels-idx1-ubyte.gz"));
    expect(loadIdxDataset(dir, "test").classNames).toEqual(MNIST_CLASSES);
    expect(loadIdxDataset(dir, "test").source).toMatch(/^MNIST test set/);
    const names = "abcdefghij".split("");
    expect(loadIdxDataset(dir, "test", { classNames: names }).classNames).toEqual(names);
    expect(() => loadIdxDataset(dir, "test", { classNames: ["a", "b"] })).toThrow(
      /label \d at position \d+ is outside 0..1; pass classNames/,
    );
  });
});

describe("IDX reader on damaged files", () => {
  let dir: string;
  let images: Buffer; // uncompressed t10k images
  let labels: Buffer; // uncompressed t10k labels
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
    expect(() => readIdxImages(path)).toThrow(
      `${path}: wrong magic number 0x00000abc; an IDX images file starts with 0x00000803.`,
    );
    expect(() => readIdxLabels(path)).toThrow(
      `${path}: wrong magic number 0x00000abc; an IDX labels file starts with 0x00000801.`,
    );
  });

  it("says when a labels file is passed as images, and the other way round", () => {
    const labelsPath = write("labels-as-images", labels);
    expect(() => readIdxImages(labelsPath)).toThrow(
      /labels-as-images: wrong magic number 0x00000801 \(that is a labels file\)/,
    );
    const imagesPath = write("images-as-labels", images);
    expect(() => readIdxLabels(imagesPath)).toThrow(
      /images-as-labels: wrong magic number 0x00000803 \(that is an images file\)/,
    );
  });

  it("reports a truncated file with the sizes expected and found", () => {
    const path = write("truncated", images.subarray(0, 5000));
    expect(() => readIdxImages(path)).toThrow(
      `${path}: truncated: the header says 10000 × 28 × 28 values (7840016 bytes in all), but the file has 5000. Download it again.`,
    );
    expect(() => readIdxImages(write("header-only", images.subarray(0, 10)))).toThrow(
      /header-only: truncated: 10 bytes, but the header alone needs 16/,
    );
    expect(() => readIdxLabels(write("empty", Buffer.alloc(0)))).toThrow(
      /empty: truncated: 0 bytes, too short for an IDX header/,
    );
  });

  it("reports a gzipped file that is truncated inside the gzip stream", () => {
    const gz = gzipSync(images);
    const path = write("truncated.gz", gz.subarray(0, gz.length >> 1));
    expect(() => readIdxImages(path)).toThrow(
      new RegExp(`^${path}: the gzip stream is corrupt \\(.+\\)\\. Download the file again\\.$`),
    );
  });

  it("reports a gzipped file whose compressed bytes are damaged", () => {
    const gz = Buffer.from(gzipSync(labels));
    for (let i = 20; i < 60; i++) gz[i] ^= 0x5a;
    const path = write("damaged.gz", gz);
    expect(() => readIdxLabels(path)).toThrow(/damaged\.gz: the gzip stream is corrupt/);
  });

  it("reports extra bytes after the data the header announces", () => {
    const path = write("too-long", Buffer.concat([labels, Buffer.from([1, 2, 3])]));
    expect(() => readIdxLabels(path)).toThrow(/too-long: 3 unexpected bytes after the 10000 values/);
  });

  it("reports images and labels that do not match in count", () => {
    const sub = join(dir, "mismatch");
    mkdirSync(sub);
    copyFileSync(realFile("t10k-images-idx3-ubyte.gz"), join(sub, "t10k-images-idx3-ubyte.gz"));
    const short = Buffer.from(labels.subarray(0, 8 + 9000));
    short.writeUInt32BE(9000, 4);
    writeFileSync(join(sub, "t10k-labels-idx1-ubyte"), short);
    expect(() => loadIdxDataset(sub, "test")).toThrow(
      `${join(sub, "t10k-labels-idx1-ubyte")}: has 9000 labels but t10k-images-idx3-ubyte.gz has 10000 images; they must come from the same split`,
    );
  });

  it("lists the file names it looked for when a file is missing", () => {
    const sub = join(dir, "missing");
    mkdirSync(sub);
    copyFileSync(realFile("t10k-images-idx3-ubyte.gz"), join(sub, "t10k-images-idx3-ubyte.gz"));
    expect(() => loadIdxDataset(sub, "test")).toThrow(
      `${sub}: no test labels file found; looked for t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte.gz, t10k-labels.idx1-ubyte, t10k-labels.idx1-ubyte.gz, ` +
        "test-labels-idx1-ubyte, test-labels-idx1-ubyte.gz, test-labels.idx1-ubyte, test-labels.idx1-ubyte.gz.",
    );
    expect(() => loadIdxDataset(sub, "train")).toThrow(
      /no train images file found; looked for train-images-idx3-ubyte, /,
    );
    expect(() => loadIdxDataset(join(dir, "nowhere"), "test")).toThrow(/nowhere: folder not found/);
    expect(() => readIdxImages(join(dir, "nope.gz"))).toThrow(`${join(dir, "nope.gz")}: file not found.`);
  });
});
