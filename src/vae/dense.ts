/**
 * A fully connected layer, y = act(x·W + b), fast on WASM.
 *
 * On WASM and CPU the layer runs as one kernel with a hand-written gradient (src/engine/fastDense.ts
 * says why and what it measured: no transposed matmuls on WASM, no repacking of large weights, the
 * fused bias + activation kept while recording gradients, no gradient for the data). Other backends
 * (tfjs-node's TensorFlow kernels) use tf.fused.matMul and tf's own gradients.
 *
 * Initialisation follows PyTorch's `nn.Linear` (W, b ~ U(−1/√fanIn, 1/√fanIn)), so our models and the
 * PyTorch reference in `bench/` start from the same distribution.
 */
import * as tf from "@tensorflow/tfjs";
import { DENSE_KERNEL, registerDenseKernels, type Activation } from "../engine/fastDense";
import { registerSharedIdentity } from "../engine/fastIdentity";
import type { Rng } from "./random";

export type { Activation };

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

let registered = false;

/** Applies the layer: x [batch, inDim] → [batch, outDim]. */
export function dense(x: tf.Tensor2D, layer: DenseLayer): tf.Tensor2D {
  if (!registered) {
    registered = true;
    registerDenseKernels();
    // Saving x, w and y for the backward pass clones them, and WASM's stock Identity copies.
    registerSharedIdentity();
  }
  if (tf.getKernel(DENSE_KERNEL, tf.getBackend()) && x.dtype === "float32") {
    const inputs = { x, w: layer.w, b: layer.b } as unknown as tf.NamedTensorMap;
    return tf.engine().runKernel(DENSE_KERNEL, inputs, { activation: layer.activation } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  // tfjs-node (TensorFlow's own kernels) fuses and differentiates matmuls well by itself.
  return tf.fused.matMul({ a: x, b: layer.w, bias: layer.b, activation: layer.activation }) as tf.Tensor2D;
}

/** Stable names of a layer's variables, in the order [w, b]. */
export function denseVariableNames(layer: DenseLayer): string[] {
  return [`${layer.name}/w`, `${layer.name}/b`];
}

export function denseParamCount(layer: DenseLayer): number {
  return layer.w.size + layer.b.size;
}
