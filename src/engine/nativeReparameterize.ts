/**
 * The reparameterization step z = mu + exp(½·logVar)·eps (src/vae/reparameterize.ts) as one native
 * kernel, "VaeLabReparameterize", with a one-kernel gradient — on the WASM backend while the native
 * path (./native) is active.
 *
 * Why: written with tensor ops it is 4 kernels forward (Mul, Exp, Mul, Add) and ~7 backward, each a
 * full round of tfjs's dispatch and tape bookkeeping for a [batch × latentDim] tensor that takes
 * nanoseconds to compute.
 *
 * eps is drawn by the caller exactly as before (tf.randomNormal with the run's seeded stream), so
 * the random numbers, and with them training runs and checkpoints, do not change. The kernels do the
 * core's float32 operations in its order with the same expf as the WASM backend's Exp, so z and both
 * gradients are bit-identical to the tensor-op code there (tests: ./nativeReparameterize.test.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { nativeFor } from "./native";
import { type KernelArgs, type TensorInfo as Info, type WasmBackendLike } from "./wasmOps";

export const REPARAMETERIZE_KERNEL = "VaeLabReparameterize";
const REPARAMETERIZE_GRAD_KERNEL = "VaeLabReparameterizeGrad";

function forwardKernel({ inputs, backend }: KernelArgs): Info {
  const { mu, logVar, eps } = inputs;
  const be = backend as WasmBackendLike;
  const z = be.makeOutput(mu.shape, "float32");
  const nat = nativeFor(be);
  if (!nat) throw new Error(`${REPARAMETERIZE_KERNEL} runs only while the native path is active.`);
  const at = (info: Info) => be.dataIdMap.get(info.dataId).memoryOffset;
  nat.native.reparameterize(nat.mem, at(mu), at(logVar), at(eps), at(z), tf.util.sizeFromShape(mu.shape));
  return z;
}

function gradKernel({ inputs, backend }: KernelArgs): Info[] {
  const { dz, logVar, eps } = inputs;
  const be = backend as WasmBackendLike;
  const grads = [be.makeOutput(dz.shape, "float32"), be.makeOutput(dz.shape, "float32")];
  const nat = nativeFor(be);
  if (!nat) throw new Error(`${REPARAMETERIZE_GRAD_KERNEL} runs only while the native path is active.`);
  const at = (info: Info) => be.dataIdMap.get(info.dataId).memoryOffset;
  const [dMu, dLogVar] = grads.map(at);
  nat.native.reparameterizeGrad(nat.mem, at(dz), at(logVar), at(eps), dMu, dLogVar, tf.util.sizeFromShape(dz.shape));
  return grads;
}

let registered = false;

/** Registers the kernels and the gradient for wasm (by installEngine, ./install.ts); idempotent. */
export function registerNativeReparameterize(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, kernelFunc] of [
    [REPARAMETERIZE_KERNEL, forwardKernel],
    [REPARAMETERIZE_GRAD_KERNEL, gradKernel],
  ] as const) {
    if (!tf.getKernel(kernelName, "wasm"))
      tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  tf.registerGradient({
    kernelName: REPARAMETERIZE_KERNEL,
    inputsToSave: ["logVar", "eps"],
    gradFunc: (dz, saved) => {
      const [logVar, eps] = saved as tf.Tensor2D[];
      // Both gradients in one kernel, run here (the tape frees what each closure creates but does not return).
      const [dMu, dLogVar] = tf
        .engine()
        .runKernel(REPARAMETERIZE_GRAD_KERNEL, { dz, logVar, eps } as unknown as tf.NamedTensorMap) as tf.Tensor2D[];
      return {
        mu: () => dMu,
        logVar: () => dLogVar,
        // ∂z/∂eps = sigma, only when eps itself is differentiated.
        eps: () => tf.mul(dz as tf.Tensor, tf.exp(tf.mul(0.5, logVar))),
      };
    },
  });
}

/**
 * z = mu + exp(½·logVar)·eps natively; undefined where the native path cannot run it (another
 * backend, the path off, non-float32 inputs, shapes that differ), so the caller uses tensor ops.
 */
export function nativeReparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor): tf.Tensor2D | undefined {
  if (tf.getBackend() !== "wasm" || !nativeFor(tf.backend()) || !tf.getKernel(REPARAMETERIZE_KERNEL, "wasm"))
    return undefined;
  if ([mu, logVar, eps].some((t) => t.dtype !== "float32")) return undefined;
  if (!tf.util.arraysEqual(mu.shape, logVar.shape) || !tf.util.arraysEqual(mu.shape, eps.shape)) return undefined;
  return tf
    .engine()
    .runKernel(REPARAMETERIZE_KERNEL, { mu, logVar, eps } as unknown as tf.NamedTensorMap) as tf.Tensor2D;
}
