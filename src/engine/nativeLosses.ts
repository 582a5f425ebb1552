/**
 * The Bernoulli negative log-likelihood (src/vae/losses.ts `bernoulliNll`) as one native kernel,
 * "VaeLabBernoulliNll", with a one-kernel gradient — on the WASM backend while the native path
 * (./native) is active.
 *
 * Why: written with tensor ops, the stable form max(l, 0) − l·x + log1p(e^(−|l|)) summed over 784
 * pixels is 9 kernels forward and ~15 backward, each a full pass over [batch × 784] (two of them
 * scalar exp/log1p loops in WASM). For the MNIST model that was the largest item after the matrix
 * products. PyTorch's binary_cross_entropy_with_logits is one fused kernel each way; so is this.
 *
 * Same formula, float32; the row sums run in SIMD lanes (tfjs's Sum adds in another order), so
 * results agree to float32 rounding, not bit for bit (tests: src/engine/native.test.ts). The whole
 * ELBO, of which this is the reconstruction term, is one kernel of its own (./fusedElbo.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { nativeFor } from "./native";
import { memoryOffset, type KernelArgs, type TensorInfo as Info, type WasmBackendLike } from "./wasmOps";

export const BERNOULLI_NLL_KERNEL = "VaeLabBernoulliNll";
const BERNOULLI_NLL_GRAD_KERNEL = "VaeLabBernoulliNllGrad";

function forwardKernel({ inputs, backend }: KernelArgs): Info {
  const { x, logits } = inputs;
  const [rows, cols] = logits.shape;
  const be = backend as WasmBackendLike;
  const out = be.makeOutput([rows], "float32");
  const nat = nativeFor(be);
  if (!nat) throw new Error(`${BERNOULLI_NLL_KERNEL} runs only while the native path is active.`);
  nat.native.bernoulliNll(nat.mem, memoryOffset(be, x), memoryOffset(be, logits), memoryOffset(be, out), rows, cols);
  return out;
}

function gradKernel({ inputs, backend }: KernelArgs): Info {
  const { dy, x, logits } = inputs;
  const [rows, cols] = logits.shape;
  const be = backend as WasmBackendLike;
  const out = be.makeOutput([rows, cols], "float32");
  const nat = nativeFor(be);
  if (!nat) throw new Error(`${BERNOULLI_NLL_GRAD_KERNEL} runs only while the native path is active.`);
  nat.native.bernoulliNllGrad(
    nat.mem,
    memoryOffset(be, dy),
    memoryOffset(be, x),
    memoryOffset(be, logits),
    memoryOffset(be, out),
    rows,
    cols,
  );
  return out;
}

let registered = false;

/** Registers the kernels and the gradient for wasm (by installEngine, ./install.ts); idempotent. */
export function registerNativeLosses(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, kernelFunc] of [
    [BERNOULLI_NLL_KERNEL, forwardKernel],
    [BERNOULLI_NLL_GRAD_KERNEL, gradKernel],
  ] as const) {
    if (!tf.getKernel(kernelName, "wasm"))
      tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  tf.registerGradient({
    kernelName: BERNOULLI_NLL_KERNEL,
    inputsToSave: ["x", "logits"],
    gradFunc: (dy, saved) => {
      const [x, logits] = saved as tf.Tensor2D[];
      const g = dy as tf.Tensor1D; // [rows]
      return {
        logits: () =>
          tf
            .engine()
            .runKernel(BERNOULLI_NLL_GRAD_KERNEL, { dy: g, x, logits } as unknown as tf.NamedTensorMap) as tf.Tensor2D,
        // ∂/∂x = −l per pixel (only when x itself is trained, e.g. an input-optimisation exercise).
        x: () => tf.mul(tf.neg(logits), tf.expandDims(g, 1)),
      };
    },
  });
}

/**
 * Σ over each row of the stable Bernoulli NLL, natively; undefined when the native path cannot run
 * it (another backend, the path off, non-float32 or non-2-D inputs), so the caller uses tensor ops.
 */
export function nativeBernoulliNll(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D | undefined {
  if (tf.getBackend() !== "wasm" || !nativeFor(tf.backend()) || !tf.getKernel(BERNOULLI_NLL_KERNEL, "wasm"))
    return undefined;
  if (
    x.dtype !== "float32" ||
    logits.dtype !== "float32" ||
    x.rank !== 2 ||
    !tf.util.arraysEqual(x.shape, logits.shape)
  )
    return undefined;
  return tf.engine().runKernel(BERNOULLI_NLL_KERNEL, { x, logits } as unknown as tf.NamedTensorMap) as tf.Tensor1D;
}
