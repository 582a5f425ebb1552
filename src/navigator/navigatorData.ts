/**
 * What the latent navigator needs from a trained model, as plain JSON: the decoder's weights (so the
 * page decodes z → image by itself), the class centroids of held-out codes (for "jump to digit"), and
 * a sample of held-out codes for the latent map. Shared by lesson 2's notebook and `npm start`.
 */
import { classCentroids, encodeDataset } from "../vae/latent";
import type { Vae } from "../vae/types";
import { Rng } from "../vae/random";

/**
 * One decoder layer with its weights as base64 little-endian float32 (row-major, TensorFlow.js
 * layout), or IEEE float16 where `dtype` is "float16" (half the bytes; relative error ≤ 2⁻¹¹).
 */
export type DecoderLayerExport = { dtype?: "float16" } & (
  | { kind: "dense"; name: string; inDim: number; outDim: number; activation: "relu" | "linear"; w: string; b: string }
  | {
      kind: "deconv";
      name: string;
      /** Input is [inSize, inSize, inC] (NHWC, batch 1); output [outSize, outSize, outC]. */
      inSize: number;
      outSize: number;
      inC: number;
      outC: number;
      kernel: number;
      stride: number;
      padTop: number;
      padLeft: number;
      activation: "relu" | "linear";
      /** [kernel, kernel, outC, inC], tf.conv2dTranspose's filter layout. */
      w: string;
      b: string;
    }
);

export interface DecoderExport {
  layers: DecoderLayerExport[];
  /** "sigmoid" turns Bernoulli logits into pixel means; "clip" clamps a Gaussian mean to [0, 1]. */
  output: "sigmoid" | "clip";
}

export interface NavigatorData {
  latentDim: number;
  imageSize: number;
  likelihood: "bernoulli" | "gaussian";
  decoder: DecoderExport;
  classNames: string[];
  /** [class][latentDim]: mean mu of the held-out images of each class. */
  centroids: number[][];
  /** Held-out codes for the latent map (the page draws the first two dimensions). */
  points?: { z: number[][]; labels: number[] };
}

export interface NavigatorDataOptions {
  /** Codes drawn on the map (a fixed-seed random subset of the held-out set). Default 2000. */
  maxPoints?: number;
  /** Default: "0", "1", … one per class found in the labels. */
  classNames?: string[];
  /**
   * "float16" stores the decoder's weights in half the bytes (a notebook output of lesson 2's
   * decoder: 0.8 MB instead of 1.7 MB); images differ from TensorFlow.js's by ~1e-3. Default "float32".
   */
  precision?: "float32" | "float16";
}

const toBase64 = (values: Float32Array | Uint16Array): string =>
  Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString("base64");

/** IEEE 754 half precision, round to nearest even (client/core.js's halfToFloat reads it back). */
export function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const f = new Float32Array(1),
    u = new Uint32Array(f.buffer);
  for (let i = 0; i < values.length; i++) {
    f[0] = values[i];
    const x = u[0],
      sign = (x >>> 16) & 0x8000,
      exp = (x >>> 23) & 0xff,
      mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    } // Inf, NaN
    const e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    } // too large: Inf
    if (e <= 0) {
      // subnormal half (or 0)
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      const m = (mant | 0x800000) >>> (1 - e + 13),
        rest = (mant | 0x800000) & ((1 << (1 - e + 13)) - 1),
        half = 1 << (1 - e + 12);
      out[i] = sign | (m + (rest > half || (rest === half && m & 1) ? 1 : 0));
      continue;
    }
    const m = mant >>> 13,
      rest = mant & 0x1fff;
    out[i] = (sign | (e << 10) | m) + (rest > 0x1000 || (rest === 0x1000 && m & 1) ? 1 : 0); // a carry rounds into the exponent, as it should
  }
  return out;
}
const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * The decoder's layers in order, read from the model's stable variable names ("decoder/…/w",
 * "decoder/…/b") and its layer summary (activations, output shapes).
 */
export function exportDecoder(model: Vae, precision: "float32" | "float16" = "float32"): DecoderExport {
  const byName = new Map(model.variableNames.map((n, i) => [n, model.variables[i]!] as const));
  const rows = model.summary();
  const layerNames = model.variableNames
    .filter((n) => n.startsWith("decoder/") && n.endsWith("/w"))
    .map((n) => n.slice(0, -2));
  if (layerNames.length === 0)
    throw new Error("exportDecoder: the model has no variables named decoder/…/w; is it a vae-lab model?");
  const layers = layerNames.map((name, index): DecoderLayerExport => {
    const w = byName.get(`${name}/w`)!;
    const b = byName.get(`${name}/b`);
    const row = rows.find((r) => r.name === name);
    if (!b || !row) throw new Error(`exportDecoder: layer ${name} lacks its bias or its summary row.`);
    const last = index === layerNames.length - 1;
    const activation = row.description.includes("ReLU") ? "relu" : "linear";
    if (last && activation !== "linear")
      throw new Error(`exportDecoder: the output layer ${name} should be linear (logits or xHat).`);
    const pack = (t: typeof w) =>
      toBase64(precision === "float16" ? toFloat16(t.dataSync() as Float32Array) : (t.dataSync() as Float32Array));
    const wData = pack(w);
    const bData = pack(b);
    const dtype = precision === "float16" ? { dtype: "float16" as const } : {};
    if (w.rank === 2)
      return { kind: "dense", name, inDim: w.shape[0]!, outDim: w.shape[1]!, activation, w: wData, b: bData, ...dtype };
    if (w.rank === 4 && row.outputShape.length === 4) {
      const [kernel, , outC, inC] = w.shape as [number, number, number, number];
      const outSize = row.outputShape[1]!;
      const stride = 2;
      // TensorFlow's "same" padding for the convolution this layer transposes: total = max((in−1)·s + k − out, 0),
      // split with the smaller half first.
      const inSize = outSize / stride;
      const pad = Math.max((inSize - 1) * stride + kernel - outSize, 0);
      return {
        kind: "deconv",
        name,
        inSize,
        outSize,
        inC,
        outC,
        kernel,
        stride,
        padTop: Math.floor(pad / 2),
        padLeft: Math.floor(pad / 2),
        activation,
        w: wData,
        b: bData,
        ...dtype,
      };
    }
    throw new Error(
      `exportDecoder: layer ${name} has weights of shape [${w.shape.join(", ")}], which the navigator cannot decode.`,
    );
  });
  return { layers, output: model.config.likelihood === "bernoulli" ? "sigmoid" : "clip" };
}

function imageSizeOf(model: Vae): number {
  const c = model.config;
  if (c.kind === "conv") return c.imageSize;
  const side = Math.round(Math.sqrt(c.inputDim));
  if (side * side !== c.inputDim)
    throw new Error(`navigatorData: the model's inputs (${c.inputDim} values) are not square images.`);
  return side;
}

/**
 * Encodes the held-out images `x` ([n × imageSize²], values in [0, 1]) and packs everything the
 * navigator page needs.
 *
 * @example
 * const nav = navigatorData(model, test.images, test.labels); //=> { latentDim: 2, imageSize: 28, centroids: [[…], …], … }
 */
export function navigatorData(
  model: Vae,
  x: Float32Array,
  labels: ArrayLike<number>,
  options: NavigatorDataOptions = {},
): NavigatorData {
  const imageSize = imageSizeOf(model);
  const dim = imageSize * imageSize;
  const n = labels.length;
  if (n === 0)
    throw new Error("navigatorData: no held-out images were given; pass the test split's images and labels.");
  if (x.length !== n * dim)
    throw new Error(`navigatorData: ${n} labels need ${n} × ${dim} pixel values, got ${x.length}.`);
  const numClasses = options.classNames?.length ?? Math.max(...Array.from(labels)) + 1;
  const classNames = options.classNames ?? Array.from({ length: numClasses }, (_, k) => String(k));
  const L = model.config.latentDim;
  const mu = encodeDataset(model, x, n, dim); // [n, L]
  const centroidsFlat = classCentroids(mu, labels, L, numClasses); // [numClasses, L]
  const centroids = classNames.map((_, k) => Array.from(centroidsFlat.subarray(k * L, (k + 1) * L), round));
  const maxPoints = Math.min(n, options.maxPoints ?? 2000);
  // A fixed-seed random subset: a stride would alias with data stored in class order or cycles.
  const picked = Array.from(new Rng(0).permutation(n).subarray(0, maxPoints)).sort((a, b) => a - b);
  const z = picked.map((i) => Array.from(mu.subarray(i * L, (i + 1) * L), round));
  const pointLabels = picked.map((i) => labels[i]!);
  return {
    latentDim: L,
    imageSize,
    likelihood: model.config.likelihood,
    decoder: exportDecoder(model, options.precision),
    classNames,
    centroids,
    points: { z, labels: pointLabels },
  };
}
