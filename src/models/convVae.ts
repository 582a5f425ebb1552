/**
 * The convolutional VAE of the "Latent Space Navigator" demo, for 28×28 one-channel images:
 *
 *   encoder: x [B, 784] → [B, 28, 28, 1] → conv 3×3/2 (32) + ReLU → [B, 14, 14, 32]
 *            → conv 3×3/2 (64) + ReLU → [B, 7, 7, 64] → flatten 3136 → dense (denseUnits) + ReLU
 *            → (mu, logVar) [B, latentDim]
 *   decoder: z → dense (denseUnits) + ReLU → dense 3136 + ReLU → [B, 7, 7, 64]
 *            → conv-transpose 3×3/2 (32) + ReLU → [B, 14, 14, 32] → conv-transpose 3×3/2 (1)
 *            → logits [B, 784]
 *
 * With channels [32, 64] and 200 dense units: 1,296,709 parameters at latentDim 2 (about 1.3 M).
 * On WASM the filter gradients need the Conv2DBackpropFilter kernel from src/kernels/wasm.ts.
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../random";
import { createDense, dense, denseParamCount, denseVariableNames, type DenseLayer } from "./dense";
import type { ConvVaeConfig, LayerSummary, Vae } from "./types";

interface ConvLayer {
  name: string;
  /** conv: [kh, kw, inC, outC]; conv-transpose: [kh, kw, outC, inC] (TensorFlow's layouts). */
  w: tf.Variable;
  b: tf.Variable; // [outC]
  inC: number;
  outC: number;
}

/** PyTorch-style init, U(±1/√fanIn), fanIn = inC·kh·kw. */
function createConv(name: string, inC: number, outC: number, transposed: boolean, rng: Rng): ConvLayer {
  const k = 3;
  const bound = 1 / Math.sqrt(inC * k * k);
  const shape: [number, number, number, number] = transposed ? [k, k, outC, inC] : [k, k, inC, outC];
  const w = new Float32Array(k * k * inC * outC);
  for (let i = 0; i < w.length; i++) w[i] = (2 * rng.uniform() - 1) * bound;
  const b = new Float32Array(outC);
  for (let i = 0; i < outC; i++) b[i] = (2 * rng.uniform() - 1) * bound;
  return {
    name,
    w: tf.tidy(() => tf.variable(tf.tensor4d(w, shape), true)),
    b: tf.tidy(() => tf.variable(tf.tensor1d(b), true)),
    inC,
    outC,
  };
}

const convParams = (l: ConvLayer) => l.w.size + l.b.size;

export function validateConvConfig(config: ConvVaeConfig): void {
  const posInt = (v: number) => Number.isInteger(v) && v > 0;
  if (config.imageSize !== 28) throw new Error(`Conv VAE config: imageSize must be 28 (the decoder upsamples 7 → 14 → 28), got ${config.imageSize}.`);
  if (!Array.isArray(config.channels) || config.channels.length !== 2 || !config.channels.every(posInt)) {
    throw new Error(`Conv VAE config: channels must be two positive integers, got ${JSON.stringify(config.channels)}.`);
  }
  if (!posInt(config.denseUnits)) throw new Error(`Conv VAE config: denseUnits must be a positive integer, got ${config.denseUnits}.`);
  if (!posInt(config.latentDim)) throw new Error(`Conv VAE config: latentDim must be a positive integer, got ${config.latentDim}.`);
}

export function createConvVae(config: ConvVaeConfig, rng: Rng): Vae {
  validateConvConfig(config);
  const [c1, c2] = config.channels;
  const { denseUnits, latentDim } = config;
  const flat = 7 * 7 * c2;
  const r = rng.fork("init");

  const conv1 = createConv("encoder/conv1", 1, c1, false, r);
  const conv2 = createConv("encoder/conv2", c1, c2, false, r);
  const encDense = createDense("encoder/dense", flat, denseUnits, "relu", r);
  const muHead = createDense("encoder/mu", denseUnits, latentDim, "linear", r);
  const logVarHead = createDense("encoder/logVar", denseUnits, latentDim, "linear", r);
  const decDense1 = createDense("decoder/dense1", latentDim, denseUnits, "relu", r);
  const decDense2 = createDense("decoder/dense2", denseUnits, flat, "relu", r);
  const deconv1 = createConv("decoder/deconv1", c2, c1, true, r);
  const deconv2 = createConv("decoder/deconv2", c1, 1, true, r);

  const convs = [conv1, conv2, deconv1, deconv2];
  const denses: DenseLayer[] = [encDense, muHead, logVarHead, decDense1, decDense2];
  const ordered: (ConvLayer | DenseLayer)[] = [conv1, conv2, encDense, muHead, logVarHead, decDense1, decDense2, deconv1, deconv2];
  const variables = ordered.flatMap((l) => [l.w, l.b]);
  const variableNames = ordered.flatMap((l) => ("inC" in l ? [`${l.name}/w`, `${l.name}/b`] : denseVariableNames(l)));

  const conv = (x: tf.Tensor4D, l: ConvLayer) => tf.relu(tf.add(tf.conv2d(x, l.w as tf.Tensor4D, 2, "same"), l.b)) as tf.Tensor4D;
  const deconv = (x: tf.Tensor4D, l: ConvLayer, size: number) =>
    tf.add(tf.conv2dTranspose(x, l.w as tf.Tensor4D, [x.shape[0], size, size, l.outC], 2, "same"), l.b) as tf.Tensor4D;

  return {
    config,
    variables,
    variableNames,
    encode(x) {
      return tf.tidy(() => {
        const img = tf.reshape(x, [-1, 28, 28, 1]) as tf.Tensor4D; // [B, 28, 28, 1]
        const h1 = conv(img, conv1); // [B, 14, 14, c1]
        const h2 = conv(h1, conv2); // [B, 7, 7, c2]
        const h = dense(tf.reshape(h2, [-1, flat]) as tf.Tensor2D, encDense); // [B, denseUnits]
        return { mu: dense(h, muHead), logVar: dense(h, logVarHead) }; // [B, latentDim]
      });
    },
    decode(z) {
      return tf.tidy(() => {
        const h = dense(dense(z, decDense1), decDense2); // [B, flat]
        const g1 = tf.relu(deconv(tf.reshape(h, [-1, 7, 7, c2]) as tf.Tensor4D, deconv1, 14)) as tf.Tensor4D; // [B, 14, 14, c1]
        const logits = deconv(g1, deconv2, 28); // [B, 28, 28, 1]
        return tf.reshape(logits, [-1, 784]) as tf.Tensor2D;
      });
    },
    summary(): LayerSummary[] {
      return [
        { name: conv1.name, description: `conv 3×3 stride 2, 1→${c1} + ReLU`, outputShape: [-1, 14, 14, c1], params: convParams(conv1) },
        { name: conv2.name, description: `conv 3×3 stride 2, ${c1}→${c2} + ReLU`, outputShape: [-1, 7, 7, c2], params: convParams(conv2) },
        { name: encDense.name, description: `dense ${flat}→${denseUnits} + ReLU`, outputShape: [-1, denseUnits], params: denseParamCount(encDense) },
        { name: muHead.name, description: `dense ${denseUnits}→${latentDim}`, outputShape: [-1, latentDim], params: denseParamCount(muHead) },
        { name: logVarHead.name, description: `dense ${denseUnits}→${latentDim}`, outputShape: [-1, latentDim], params: denseParamCount(logVarHead) },
        { name: decDense1.name, description: `dense ${latentDim}→${denseUnits} + ReLU`, outputShape: [-1, denseUnits], params: denseParamCount(decDense1) },
        { name: decDense2.name, description: `dense ${denseUnits}→${flat} + ReLU`, outputShape: [-1, flat], params: denseParamCount(decDense2) },
        { name: deconv1.name, description: `conv-transpose 3×3 stride 2, ${c2}→${c1} + ReLU`, outputShape: [-1, 14, 14, c1], params: convParams(deconv1) },
        { name: deconv2.name, description: `conv-transpose 3×3 stride 2, ${c1}→1 (logits)`, outputShape: [-1, 28, 28, 1], params: convParams(deconv2) },
      ];
    },
    dispose() {
      for (const l of [...convs, ...denses]) {
        l.w.dispose();
        l.b.dispose();
      }
    },
  };
}
