/**
 * A fully connected layer, y = act(x·W + b), with act = ReLU or the identity.
 *
 * The fast path (src/engine/fastDense.ts: one kernel with a hand-written gradient on WASM and CPU,
 * tf.fused.matMul on tfjs-node) computes the same function; it is one line below, and the plain
 * TensorFlow.js after it is the layer itself, what runs when the engine is not installed.
 *
 * Initialisation follows PyTorch's `nn.Linear` (W, b ~ U(−1/√fanIn, 1/√fanIn)), so our models and the
 * PyTorch reference in `bench/` start from the same distribution.
 */
import * as tf from "@tensorflow/tfjs";
import { fastPath } from "../engine/fastPath";
import type { Rng } from "./random";

export type Activation = "relu" | "linear";

export interface DenseLayer {
  name: string;
  w: tf.Variable; // [inDim, outDim]
  b: tf.Variable; // [outDim]
  activation: Activation;
}

/** Creates a dense layer's variables, initialised from `rng`. */
export function createDense(name: string, inDim: number, outDim: number, activation: Activation, rng: Rng): DenseLayer {
  const bound = 1 / Math.sqrt(inDim);
  const wValues = new Float32Array(inDim * outDim);
  for (let i = 0; i < wValues.length; i++) wValues[i] = (2 * rng.uniform() - 1) * bound;
  const bValues = new Float32Array(outDim);
  for (let i = 0; i < outDim; i++) bValues[i] = (2 * rng.uniform() - 1) * bound;
  return {
    name,
    // tidy frees the initial tensors; the variables keep their own reference to the data.
    // tfjs variable names must be unique per process, so they are left automatic; `name` is the
    // stable name (see Vae.variableNames).
    w: tf.tidy(() => tf.variable(tf.tensor2d(wValues, [inDim, outDim]), true)),
    b: tf.tidy(() => tf.variable(tf.tensor1d(bValues), true)),
    activation,
  };
}

/** Applies the layer: x [batch, inDim] → [batch, outDim]. */
export function dense(x: tf.Tensor2D, layer: DenseLayer): tf.Tensor2D {
  if (fastPath.hooks) return fastPath.hooks.dense(x, layer.w as tf.Tensor2D, layer.b as tf.Tensor1D, layer.activation);
  const pre = tf.add(tf.matMul(x, layer.w), layer.b) as tf.Tensor2D; // [batch, outDim]
  return layer.activation === "relu" ? tf.relu(pre) : pre;
}

/** Stable names of a layer's variables, in the order [w, b]. */
export function denseVariableNames(layer: DenseLayer): string[] {
  return [`${layer.name}/w`, `${layer.name}/b`];
}

export function denseParamCount(layer: DenseLayer): number {
  return layer.w.size + layer.b.size;
}
