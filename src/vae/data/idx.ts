/**
 * Reader for the IDX files of MNIST and Fashion-MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/;
 * Xiao, Rasul & Vollgraf, "Fashion-MNIST", 2017, which keeps the same format and file names).
 *
 * Format: a big-endian header — magic 0x00000803 for images (unsigned bytes, 3 dimensions) or
 * 0x00000801 for labels (unsigned bytes, 1 dimension) — then one 32-bit size per dimension, then the
 * bytes, row-major. Files may be plain or gzip-compressed; gzip is detected by its magic bytes 1f 8b,
 * not by the file name. Every error names the file, the problem and what to do.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { ImageDataset } from "./dataset";

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

/** Fashion-MNIST's classes, in label order (from the dataset's README). */
export const FASHION_MNIST_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];
export const MNIST_CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

export type IdxSplit = "train" | "test";

export class IdxError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = "IdxError";
  }
}

function readMaybeGzip(path: string): Buffer {
  if (!existsSync(path)) throw new IdxError(path, "file not found.");
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    throw new IdxError(path, `cannot read the file (${(err as Error).message}).`);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw);
    } catch (err) {
      throw new IdxError(path, `the gzip stream is corrupt (${(err as Error).message}). Download the file again.`);
    }
  }
  return raw;
}

function hex(n: number): string {
  return "0x" + n.toString(16).padStart(8, "0");
}

function parse(path: string, expectedMagic: number, what: string): { dims: number[]; data: Buffer } {
  const buf = readMaybeGzip(path);
  if (buf.length < 4)
    throw new IdxError(path, `truncated: ${buf.length} bytes, too short for an IDX header. Download the file again.`);
  const magic = buf.readUInt32BE(0);
  if (magic !== expectedMagic) {
    const other =
      magic === IDX_IMAGES_MAGIC
        ? " (that is an images file)"
        : magic === IDX_LABELS_MAGIC
          ? " (that is a labels file)"
          : "";
    throw new IdxError(
      path,
      `wrong magic number ${hex(magic)}${other}; an IDX ${what} file starts with ${hex(expectedMagic)}.`,
    );
  }
  const nDims = expectedMagic & 0xff; // the magic's last byte is the number of dimensions
  const headerBytes = 4 + 4 * nDims;
  if (buf.length < headerBytes) {
    throw new IdxError(
      path,
      `truncated: ${buf.length} bytes, but the header alone needs ${headerBytes}. Download the file again.`,
    );
  }
  const dims = Array.from({ length: nDims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1);
  if (buf.length < expected) {
    throw new IdxError(
      path,
      `truncated: the header says ${dims.join(" × ")} values (${expected} bytes in all), but the file has ${buf.length}. Download it again.`,
    );
  }
  if (buf.length > expected) {
    throw new IdxError(
      path,
      `${buf.length - expected} unexpected bytes after the ${dims.join(" × ")} values the header announces; the file is not a valid IDX file.`,
    );
  }
  return { dims, data: buf.subarray(headerBytes) };
}

/** byte → byte/255, looked up rather than divided (47 million pixels in the training set). */
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/**
 * An IDX images file as [n × height × width] floats in [0, 1].
 *
 * @example
 * readIdxImages("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").n; //=> 10000
 */
export function readIdxImages(path: string): { images: Float32Array; n: number; height: number; width: number } {
  const { dims, data } = parse(path, IDX_IMAGES_MAGIC, "images");
  const [n, height, width] = dims;
  const images = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) images[i] = BYTE_TO_UNIT[data[i]];
  return { images, n, height, width };
}

/**
 * An IDX labels file as [n] bytes.
 *
 * @example
 * readIdxLabels("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz").length; //=> 10000
 */
export function readIdxLabels(path: string): Uint8Array {
  const { data } = parse(path, IDX_LABELS_MAGIC, "labels");
  return new Uint8Array(data);
}

/**
 * The images and labels files of one split in `folder`, trying the usual names, plain before .gz:
 * train-images-idx3-ubyte (and train-images.idx3-ubyte, as some downloads spell it), and t10k-… or
 * test-… for the test split.
 *
 * @example
 * findIdxFiles("/usr/share/datasets/fashion-mnist", "test").labels; //=> "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
 */
export function findIdxFiles(folder: string, split: IdxSplit): { images: string; labels: string } {
  if (split !== "train" && split !== "test")
    throw new Error(`findIdxFiles: split must be "train" or "test", got ${JSON.stringify(split)}.`);
  if (!existsSync(folder)) {
    throw new IdxError(
      folder,
      "folder not found. Pass a folder that holds the IDX files (e.g. /usr/share/datasets/fashion-mnist).",
    );
  }
  const prefixes = split === "train" ? ["train"] : ["t10k", "test"];
  const find = (kind: "images-idx3" | "labels-idx1"): string => {
    const names = prefixes
      .flatMap((p) => [`${p}-${kind}-ubyte`, `${p}-${kind.replace("-", ".")}-ubyte`])
      .flatMap((name) => [name, `${name}.gz`]);
    for (const name of names) if (existsSync(join(folder, name))) return join(folder, name);
    throw new IdxError(folder, `no ${split} ${kind.split("-")[0]} file found; looked for ${names.join(", ")}.`);
  };
  return { images: find("images-idx3"), labels: find("labels-idx1") };
}

export interface IdxDatasetOptions {
  /** Names for labels 0, 1, …; default: Fashion-MNIST's when the folder's path says "fashion", else the digits. */
  classNames?: string[];
}

/**
 * One split of a folder of IDX files as an ImageDataset (pixels /255, file order kept).
 *
 * @example
 * const test = loadIdxDataset("/usr/share/datasets/fashion-mnist", "test");
 * [test.n, test.height, test.width]; //=> [10000, 28, 28]
 * test.classNames[9];                //=> "Ankle boot"
 */
export function loadIdxDataset(folder: string, split: IdxSplit, options: IdxDatasetOptions = {}): ImageDataset {
  const files = findIdxFiles(folder, split);
  const { images, n, height, width } = readIdxImages(files.images);
  const labels = readIdxLabels(files.labels);
  if (labels.length !== n) {
    throw new IdxError(
      files.labels,
      `has ${labels.length} labels but ${basename(files.images)} has ${n} images; they must come from the same split (download both again).`,
    );
  }
  const fashion = /fashion/i.test(folder);
  const classNames = [...(options.classNames ?? (fashion ? FASHION_MNIST_CLASSES : MNIST_CLASSES))];
  for (let i = 0; i < n; i++) {
    if (labels[i] >= classNames.length) {
      throw new IdxError(
        files.labels,
        `label ${labels[i]} at position ${i} is outside 0..${classNames.length - 1}; pass classNames with one name per label.`,
      );
    }
  }
  const name = options.classNames ? "IDX" : fashion ? "Fashion-MNIST" : "MNIST";
  return {
    images,
    labels,
    n,
    height,
    width,
    classNames,
    source: `${name} ${split} set from ${folder} (${n.toLocaleString("en-US")} images)`,
  };
}
