/**
 * The reparameterization step z = mu + exp(½·logVar)·eps (src/vae/reparameterize.ts) as one kernel,
 * "VaeLabReparameterize", with a one-kernel gradient. On WASM with the native addon active
 * (./native) both are C; on WASM without it and on the CPU backend, JavaScript loops
 * (./fusedLoops.ts).
 *
 * Why: written with tensor ops it is 4 kernels forward (Mul, Exp, Mul, Add) and ~7 backward, each a
 * full round of tfjs's dispatch and tape bookkeeping for a [batch × latentDim] tensor that takes
 * nanoseconds to compute.
 *
 * eps is drawn by the caller exactly as before (tf.randomNormal with the run's seeded stream), so
 * the random numbers, and with them training runs and checkpoints, do not change. The kernels do the
 * core's float32 operations in its order; natively with the same expf as the WASM backend's Exp, so
 * z and both gradients are bit-identical to the tensor-op code there (tests:
 * ./fusedReparameterize.test.ts).
 */
import * as tf from "@tensorflow/tfjs";
import {
  nativeRuns,
  registerOnWasmAndCpu,
  reparameterizeGradLoop,
  reparameterizeLoop,
  withFloatViews,
} from "./fusedLoops";
import { nativeFor } from "./native";
import { memoryOffset, type KernelArgs, type TensorInfo as Info, type WasmBackendLike } from "./wasmOps";

export const REPARAMETERIZE_KERNEL = "VaeLabReparameterize";
const REPARAMETERIZE_GRAD_KERNEL = "VaeLabReparameterizeGrad";

function forwardKernel(backendName: string) {
  return ({ inputs, backend }: KernelArgs): Info => {
    const { mu, logVar, eps } = inputs;
    if (nativeRuns(backend, backendName)) {
      const be = backend as WasmBackendLike;
      const z = be.makeOutput(mu.shape, "float32");
      const nat = nativeFor(be)!; // after the allocation, which may grow the memory
      nat.native.reparameterize(
        nat.mem,
        memoryOffset(be, mu),
        memoryOffset(be, logVar),
        memoryOffset(be, eps),
        memoryOffset(be, z),
        tf.util.sizeFromShape(mu.shape),
      );
      return z;
    }
    return withFloatViews(backend, backendName, [mu, logVar, eps], [mu.shape], (v, [z]) =>
      reparameterizeLoop(v[0], v[1], v[2], z),
    )[0];
  };
}

function gradKernel(backendName: string) {
  return ({ inputs, backend }: KernelArgs): Info[] => {
    const { dz, logVar, eps } = inputs;
    if (nativeRuns(backend, backendName)) {
      const be = backend as WasmBackendLike;
      const grads = [be.makeOutput(dz.shape, "float32"), be.makeOutput(dz.shape, "float32")];
      const nat = nativeFor(be)!;
      const [dMu, dLogVar] = grads.map((t) => memoryOffset(be, t));
      nat.native.reparameterizeGrad(
        nat.mem,
        memoryOffset(be, dz),
        memoryOffset(be, logVar),
        memoryOffset(be, eps),
        dMu,
        dLogVar,
        tf.util.sizeFromShape(dz.shape),
      );
      return grads;
    }
    return withFloatViews(backend, backendName, [dz, logVar, eps], [dz.shape, dz.shape], (v, g) =>
      reparameterizeGradLoop(v[0], v[1], v[2], g[0], g[1]),
    );
  };
}

let registered = false;

/** Registers the kernels (wasm, cpu) and the gradient (by installEngine, ./install.ts); idempotent. */
export function registerFusedReparameterize(): void {
  if (registered) return;
  registered = true;
  registerOnWasmAndCpu([
    [REPARAMETERIZE_KERNEL, forwardKernel],
    [REPARAMETERIZE_GRAD_KERNEL, gradKernel],
  ]);
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
 * z = mu + exp(½·logVar)·eps as one kernel; undefined where it cannot run (a backend other than
 * WASM or CPU, non-float32 inputs, shapes that differ), so the caller uses tensor ops.
 */
export function fusedReparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor): tf.Tensor2D | undefined {
  if (!tf.getKernel(REPARAMETERIZE_KERNEL, tf.getBackend())) return undefined;
  if ([mu, logVar, eps].some((t) => t.dtype !== "float32")) return undefined;
  if (!tf.util.arraysEqual(mu.shape, logVar.shape) || !tf.util.arraysEqual(mu.shape, eps.shape)) return undefined;
  return tf
    .engine()
    .runKernel(REPARAMETERIZE_KERNEL, { mu, logVar, eps } as unknown as tf.NamedTensorMap) as tf.Tensor2D;
}
