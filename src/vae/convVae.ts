/**
 * The convolutional VAE of the Latent Space Navigator. Its encoder is that of the Keras example
 * "Variational AutoEncoder" (F. Chollet, keras.io/examples/generative/vae: two 3×3 stride-2 "same"
 * convolutions with 32 and 64 channels), with a wider dense layer, and a decoder that mirrors it:
 *
 *   encoder: x [B, 784] → [B, 28, 28, 1] → conv 3×3/2 + ReLU → [B, 14, 14, 32]
 *            → conv 3×3/2 + ReLU → [B, 7, 7, 64] → flatten [B, 3136] → dense + ReLU [B, denseUnits]
 *            → (mu, logVar) [B, latentDim]
 *   decoder: z → dense + ReLU [B, denseUnits] → dense + ReLU [B, 3136] → [B, 7, 7, 64]
 *            → transposed conv 3×3/2 + ReLU → [B, 14, 14, 32] → transposed conv 3×3/2 → [B, 28, 28, 1]
 *            → logits (or xHat) [B, 784]
 *
 * All convolutions use "same" padding, so each stride-2 layer halves (or doubles) the image side:
 * imageSize must be a multiple of 4. Dense layers are the library's `dense` (fast gradients on WASM).
 *
 * Initialisation follows PyTorch's defaults for nn.Conv2d / nn.ConvTranspose2d: weights and biases
 * ~ U(−1/√fanIn, 1/√fanIn), where PyTorch computes fanIn from the weight tensor's second dimension ×
 * kernel area. For nn.ConvTranspose2d that dimension is the layer's OUTPUT channels, a PyTorch quirk we
 * copy so both frameworks start from the same distribution.
 *
 * On WASM, training needs the kernels of `../engine/wasm` (stock WASM has no Conv2DBackpropFilter and
 * a slow Conv2DBackpropInput); `initBackend` registers them. With the native path each layer is one
 * kernel each way (`fastPath.hooks.convLayer`, ../engine/fastConv.ts). Speed on each path, measured:
 * docs/design.md §4 (per step, beside PyTorch) and docs/notebooks.md (per epoch and per lesson).
 */
import * as tf from "@tensorflow/tfjs";
import { fastPath } from "../engine/fastPath";
import type { Rng } from "./random";
import { createDense, dense, denseSummary, denseVariableNames, type DenseLayer } from "./dense";
import type { ConvVaeConfig, LayerSummary, Vae } from "./types";

const KERNEL = 3;
const STRIDE = 2;

/** A 3×3 stride-2 "same" convolution, or its transpose (upsampling by 2). */
interface ConvLayer {
  name: string;
  kind: "conv" | "deconv";
  /** conv: [3, 3, inC, outC]; deconv: [3, 3, outC, inC] (tfjs' conv2dTranspose layout). */
  w: tf.Variable;
  b: tf.Variable; // [outC]
  inC: number;
  outC: number;
  relu: boolean;
}

export function validateConvConfig(config: ConvVaeConfig): void {
  const bad = (what: string) => {
    throw new Error(`Conv VAE config: ${what}`);
  };
  const posInt = (v: number) => Number.isInteger(v) && v > 0;
  if (!posInt(config.imageSize) || config.imageSize % 4 !== 0) {
    bad(`imageSize must be a positive multiple of 4 (two stride-2 layers halve it twice), got ${config.imageSize}.`);
  }
  if (!Array.isArray(config.channels) || config.channels.length !== 2 || !config.channels.every(posInt)) {
    bad(`channels must be two positive integers such as [32, 64], got ${JSON.stringify(config.channels)}.`);
  }
  if (!posInt(config.denseUnits)) bad(`denseUnits must be a positive integer, got ${config.denseUnits}.`);
  if (!posInt(config.latentDim)) bad(`latentDim must be a positive integer, got ${config.latentDim}.`);
  if (config.likelihood !== "gaussian" && config.likelihood !== "bernoulli") {
    bad(`likelihood must be "gaussian" or "bernoulli", got ${JSON.stringify(config.likelihood)}.`);
  }
}

function uniformTensor(shape: number[], bound: number, rng: Rng): tf.Variable {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = (2 * rng.uniform() - 1) * bound;
  return tf.tidy(() => tf.variable(tf.tensor(values, shape), true));
}

function createConv(
  name: string,
  kind: ConvLayer["kind"],
  inC: number,
  outC: number,
  relu: boolean,
  rng: Rng,
): ConvLayer {
  // PyTorch: Conv2d weight [outC, inC, k, k] → fanIn = inC·k²; ConvTranspose2d weight [inC, outC, k, k] → fanIn = outC·k².
  const fanIn = (kind === "conv" ? inC : outC) * KERNEL * KERNEL;
  const bound = 1 / Math.sqrt(fanIn);
  const wShape = kind === "conv" ? [KERNEL, KERNEL, inC, outC] : [KERNEL, KERNEL, outC, inC];
  const w = uniformTensor(wShape, bound, rng);
  const b = uniformTensor([outC], bound, rng);
  return { name, kind, w, b, inC, outC, relu };
}

/** Applies a conv layer: [B, H, W, inC] → [B, H/2, W/2, outC] (conv) or [B, 2H, 2W, outC] (deconv). */
function applyConv(x: tf.Tensor4D, layer: ConvLayer): tf.Tensor4D {
  const [batch, h, w] = x.shape;
  const transposed = layer.kind === "deconv";
  const outShape: [number, number, number, number] | undefined = transposed
    ? [batch, h * STRIDE, w * STRIDE, layer.outC]
    : undefined;
  const fast = fastPath.hooks?.convLayer(x, layer.w as tf.Tensor4D, layer.b as tf.Tensor1D, {
    transposed,
    strides: STRIDE,
    pad: "same",
    activation: layer.relu ? "relu" : "linear",
    outShape,
  });
  if (fast) return fast;
  if (layer.kind === "conv") {
    return tf.fused.conv2d({
      x,
      filter: layer.w as tf.Tensor4D,
      strides: STRIDE,
      pad: "same",
      bias: layer.b,
      activation: layer.relu ? "relu" : "linear",
    });
  }
  // tfjs has no fused transposed convolution; bias and ReLU are separate ops.
  const y = tf.add(
    tf.conv2dTranspose(x, layer.w as tf.Tensor4D, [batch, h * STRIDE, w * STRIDE, layer.outC], STRIDE, "same"),
    layer.b,
  ) as tf.Tensor4D;
  return layer.relu ? tf.relu(y) : y;
}

/** A conv layer's row in a model summary (formatSummary); its output is [B, outSide, outSide, outC]. */
function convSummary(l: ConvLayer, outSide: number): LayerSummary {
  const op = l.kind === "conv" ? "conv" : "transposed conv";
  return {
    name: l.name,
    description: `${op} ${KERNEL}×${KERNEL} stride ${STRIDE} ${l.inC}→${l.outC}` + (l.relu ? " + ReLU" : ""),
    outputShape: [-1, outSide, outSide, l.outC],
    params: l.w.size + l.b.size,
  };
}

export function createConvVae(config: ConvVaeConfig, rng: Rng): Vae {
  validateConvConfig(config);
  const { imageSize, channels, denseUnits, latentDim } = config;
  const [c1, c2] = channels;
  const side = imageSize / 4; // after two stride-2 convolutions: 28 → 14 → 7
  const flat = side * side * c2; // 7·7·64 = 3136
  const initRng = rng.fork("init");

  const conv1 = createConv("encoder/conv1", "conv", 1, c1, true, initRng);
  const conv2 = createConv("encoder/conv2", "conv", c1, c2, true, initRng);
  const encDense = createDense("encoder/dense1", flat, denseUnits, "relu", initRng);
  const muHead = createDense("encoder/mu", denseUnits, latentDim, "linear", initRng);
  const logVarHead = createDense("encoder/logVar", denseUnits, latentDim, "linear", initRng);
  const decDense1 = createDense("decoder/dense1", latentDim, denseUnits, "relu", initRng);
  const decDense2 = createDense("decoder/dense2", denseUnits, flat, "relu", initRng);
  const deconv1 = createConv("decoder/deconv1", "deconv", c2, c1, true, initRng);
  const deconv2 = createConv("decoder/deconv2", "deconv", c1, 1, false, initRng);

  type Layer = { kind: "dense"; layer: DenseLayer } | { kind: "conv"; layer: ConvLayer };
  const layers: Layer[] = [
    { kind: "conv", layer: conv1 },
    { kind: "conv", layer: conv2 },
    { kind: "dense", layer: encDense },
    { kind: "dense", layer: muHead },
    { kind: "dense", layer: logVarHead },
    { kind: "dense", layer: decDense1 },
    { kind: "dense", layer: decDense2 },
    { kind: "conv", layer: deconv1 },
    { kind: "conv", layer: deconv2 },
  ];
  const variables = layers.flatMap((l) => [l.layer.w, l.layer.b]);
  const variableNames = layers.flatMap((l) =>
    l.kind === "dense" ? denseVariableNames(l.layer) : [`${l.layer.name}/w`, `${l.layer.name}/b`],
  );

  return {
    config,
    variables,
    variableNames,
    encode(x) {
      return tf.tidy(() => {
        const batch = x.shape[0];
        const img = tf.reshape(x, [batch, imageSize, imageSize, 1]) as tf.Tensor4D; // [B, 28, 28, 1]
        const h1 = applyConv(img, conv1); // [B, 14, 14, c1]
        const h2 = applyConv(h1, conv2); // [B, 7, 7, c2]
        const h = dense(tf.reshape(h2, [batch, flat]) as tf.Tensor2D, encDense); // [B, denseUnits]
        return { mu: dense(h, muHead), logVar: dense(h, logVarHead) }; // [B, latentDim] each
      });
    },
    decode(z) {
      return tf.tidy(() => {
        const batch = z.shape[0];
        const h = dense(dense(z, decDense1), decDense2); // [B, 3136]
        const g1 = applyConv(tf.reshape(h, [batch, side, side, c2]) as tf.Tensor4D, deconv1); // [B, 14, 14, c1]
        const g2 = applyConv(g1, deconv2); // [B, 28, 28, 1]
        return tf.reshape(g2, [batch, imageSize * imageSize]) as tf.Tensor2D; // [B, 784]
      });
    },
    summary(): LayerSummary[] {
      return [
        convSummary(conv1, imageSize / 2),
        convSummary(conv2, side),
        ...[encDense, muHead, logVarHead, decDense1, decDense2].map(denseSummary),
        convSummary(deconv1, imageSize / 2),
        convSummary(deconv2, imageSize),
      ];
    },
    dispose() {
      for (const v of variables) v.dispose();
    },
  };
}
