/**
 * Extra kernels for the WASM backend (docs/design.md §4), so the convolutional VAE trains on WASM.
 *
 * - Conv2DBackpropFilter: `@tensorflow/tfjs-backend-wasm` 4.22 has none, so the filter gradient of
 *   conv2d and of conv2dTranspose threw "Kernel 'Conv2DBackpropFilter' not registered for backend
 *   'wasm'". Ours is one dilated XNNPACK convolution (./conv2dBackpropFilter).
 * - Conv2DBackpropInput: the stock kernel is a scalar loop, ~12× slower than the XNNPACK conv2d with
 *   the same arithmetic; it runs twice per step of the conv VAE (conv2dTranspose forward, conv2d input
 *   gradient). Ours splits it into stride² XNNPACK convolutions (./conv2dBackpropInput).
 *
 * Both are built only from kernels the WASM backend has, and free every intermediate buffer.
 *
 * Measured (this machine, 1 thread, the conv VAE's shapes at batch 128; ms per call):
 *   filter gradient  x [128,14,14,32], dy [128,7,7,64]    18 (dilated conv; im2col + matmul: ~450)
 *                    x [128,28,28,1],  dy [128,14,14,32]    8
 *   input gradient   dy [128,7,7,64] → [128,14,14,32]      15 (stock kernel: ~120)
 *                    dy [128,14,14,32] → [128,28,28,1]      5
 * A training step of the Navigator's conv VAE (batch 128): ~220 ms, ~380 ms with the stock input
 * gradient; the CPU backend takes ~50 s.
 */
import * as tf from "@tensorflow/tfjs";
import { conv2dBackpropFilterWasm } from "./conv2dBackpropFilter";
import { conv2dBackpropInputWasm } from "./conv2dBackpropInput";

/** `replace`: whether ours replaces a kernel the backend already has (else a native one wins). */
const EXTRAS: { kernelName: string; kernelFunc: (args: never) => tf.TensorInfo; replace: boolean }[] = [
  { kernelName: "Conv2DBackpropFilter", kernelFunc: conv2dBackpropFilterWasm, replace: false },
  { kernelName: "Conv2DBackpropInput", kernelFunc: conv2dBackpropInputWasm, replace: true },
];

/**
 * Registers the extra WASM kernels: Conv2DBackpropFilter if the backend lacks it (a later tfjs release
 * may ship its own), and our Conv2DBackpropInput in place of the stock one. Safe to call many times.
 * Call it after importing `@tensorflow/tfjs-backend-wasm`.
 */
export function registerWasmExtras(): void {
  for (const { kernelName, kernelFunc, replace } of EXTRAS) {
    const existing = tf.getKernel(kernelName, "wasm");
    if (existing?.kernelFunc === (kernelFunc as unknown)) continue;
    if (existing && !replace) continue;
    // registerKernel warns (console noise) on a duplicate, so a stock kernel is removed first.
    if (existing) tf.unregisterKernel(kernelName, "wasm");
    tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}
