/**
 * The engine's one install step: registers every kernel of the fast path with TensorFlow.js and
 * switches the teaching core's one-line branches on (./fastPath.ts). `initBackend` (./backend.ts)
 * calls it after loading a backend's package and before starting it (a stock kernel's setup runs when
 * the backend starts, so replacements must be in place by then); calling it again registers only
 * what is still missing.
 *
 * What it registers, and where each kernel says why and what it measured:
 * - every backend: nothing; tfjs-node gets tf.fused.matMul and tf.train.adam through the hooks.
 * - WASM and CPU: the dense layer with its gradient (./fastDense.ts), the fused Adam (./fastAdam.ts).
 * - WASM: Conv2DBackpropFilter, which tfjs-backend-wasm 4.22 lacks, and a faster Conv2DBackpropInput
 *   (./wasm.ts) — the conv VAE cannot train on WASM without the first; an Identity that shares its
 *   buffer (./fastIdentity.ts); with the native addon active (./native.ts), OpenBLAS for tf's own
 *   matmuls (./nativeMatMul.ts) and a one-kernel Bernoulli NLL (./nativeLosses.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { fastAdam, registerAdamKernel } from "./fastAdam";
import { fastDense, registerDenseKernels } from "./fastDense";
import { registerSharedIdentity } from "./fastIdentity";
import { fastPath } from "./fastPath";
import { loadNativeAddon } from "./native";
import { nativeBernoulliNll, registerNativeLosses } from "./nativeLosses";
import { registerNativeMatMul } from "./nativeMatMul";
import { registerWasmExtras } from "./wasm";

/** Registers the engine's kernels and turns the core's fast path on. Idempotent. */
export function installEngine(): void {
  registerDenseKernels();
  registerAdamKernel();
  // WASM's own kernels must be registered first (the package imported), or ours would be replaced.
  if (tf.getKernel("Identity", "wasm")) {
    registerWasmExtras();
    registerSharedIdentity();
    if (loadNativeAddon().active) {
      registerNativeMatMul();
      registerNativeLosses();
    }
  }
  fastPath.hooks = { dense: fastDense, adam: fastAdam, bernoulliNll: nativeBernoulliNll };
}
