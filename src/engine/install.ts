/**
 * The engine's one install step: registers every kernel of the fast path with TensorFlow.js and
 * switches the teaching core's one-line branches on (./fastPath.ts). `initBackend` (./backend.ts)
 * calls it after loading a backend's package and before starting it (a stock kernel's setup runs when
 * the backend starts, so replacements must be in place by then); calling it again registers only
 * what is still missing.
 *
 * `VAE_LAB_ENGINE=0` (or off) leaves the fast path out: the core runs alone, as plain TensorFlow.js,
 * with only the WASM convolution kernels below (the conv VAE cannot train on WASM without them).
 *
 * What it registers, and where each kernel says why and what it measured:
 * - every backend: nothing; tfjs-node gets tf.fused.matMul and tf.train.adam through the hooks.
 * - WASM and CPU: the dense layer with its gradient (./fastDense.ts), the fused Adam (./fastAdam.ts),
 *   the whole negative ELBO (./fusedElbo.ts) and z = mu + sigma·eps (./fusedReparameterize.ts) as one
 *   kernel each way — native code while the addon is active, JavaScript loops otherwise — and tensors
 *   saved for the backward pass without a kernel call each (./fastIdentity.ts).
 * - WASM: Conv2DBackpropFilter, which tfjs-backend-wasm 4.22 lacks, and a faster Conv2DBackpropInput
 *   (./wasm.ts) — the conv VAE cannot train on WASM without the first; an Identity that shares its
 *   buffer (./fastIdentity.ts); with the native addon active (./native.ts), OpenBLAS for tf's own
 *   matmuls (./nativeMatMul.ts), a one-kernel Bernoulli NLL (./nativeLosses.ts), and im2col + sgemm
 *   for the convolutions and their gradients, plus the bias gradients' Sum (./nativeConv.ts), and the
 *   conv VAE's layers as one kernel each way (./fastConv.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { fastAdam, registerAdamKernel } from "./fastAdam";
import { nativeConvLayer } from "./fastConv";
import { fastDense, registerDenseKernels } from "./fastDense";
import { installDirectSaves, registerSharedIdentity } from "./fastIdentity";
import { fastPath, type FastHooks } from "./fastPath";
import { fusedElbo, registerFusedElbo } from "./fusedElbo";
import { fusedReparameterize, registerFusedReparameterize } from "./fusedReparameterize";
import { loadNativeAddon } from "./native";
import { registerNativeConv } from "./nativeConv";
import { nativeBernoulliNll, registerNativeLosses } from "./nativeLosses";
import { registerNativeMatMul } from "./nativeMatMul";
import { registerWasmExtras } from "./wasm";

export const ENGINE_ENV_VAR = "VAE_LAB_ENGINE";

/** False when VAE_LAB_ENGINE is 0, off, false or no. */
export function engineRequested(env: Record<string, string | undefined> = process.env): boolean {
  return !["0", "off", "false", "no"].includes((env[ENGINE_ENV_VAR] ?? "").trim().toLowerCase());
}

/** Registers the engine's kernels and turns the core's fast path on (unless VAE_LAB_ENGINE=0). Idempotent. */
export function installEngine(env: Record<string, string | undefined> = process.env): void {
  // WASM's own kernels must be registered first (the package imported), or ours would be replaced.
  const wasm = tf.getKernel("Identity", "wasm") != null;
  if (wasm) registerWasmExtras();
  if (!engineRequested(env)) {
    fastPath.installed = fastPath.hooks = null;
    return;
  }
  registerDenseKernels();
  registerAdamKernel();
  registerFusedElbo();
  registerFusedReparameterize();
  installDirectSaves();
  if (wasm) {
    registerSharedIdentity();
    if (loadNativeAddon().active) {
      registerNativeMatMul();
      registerNativeLosses();
      registerNativeConv();
    }
  }
  const hooks: FastHooks = {
    dense: fastDense,
    adam: fastAdam,
    bernoulliNll: nativeBernoulliNll,
    elbo: fusedElbo,
    reparameterize: fusedReparameterize,
    convLayer: nativeConvLayer,
  };
  fastPath.installed = fastPath.hooks = hooks;
}

/**
 * Turns the fast path off (the teaching core runs alone, plain TensorFlow.js) or on again. Kernels
 * the engine registered in place of stock ones stay registered: they compute the same function, and
 * tests compare them with the stock kernels (./native.test.ts, ./wasm.test.ts).
 */
export function useFastPath(on: boolean): void {
  fastPath.hooks = on ? fastPath.installed : null;
}

/** Runs `fn` (synchronous) with the fast path off, then restores it: how tests run the core alone. */
export function withoutFastPath<T>(fn: () => T): T {
  const saved = fastPath.hooks;
  fastPath.hooks = null;
  try {
    return fn();
  } finally {
    fastPath.hooks = saved;
  }
}
