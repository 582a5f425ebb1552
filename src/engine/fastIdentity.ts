/**
 * Identity on WASM without a copy: the output shares the input's buffer (reference-counted), as the
 * CPU backend's Identity and every backend's Reshape already do.
 *
 * Why: tfjs clones every tensor it saves for the backward pass (engine.saveTensorsForBackwardMode →
 * clone → Identity), and the stock WASM Identity copies the buffer. A training step therefore copied
 * each layer's weights and activations once more: ~2.5 ms of a 42 ms MNIST step, ~3.7 ms of the
 * 1024-wide Swiss-roll step. Tensors are immutable, so sharing is safe; the one kernel here that
 * writes in place (fastAdam's moments) only touches buffers nothing else holds.
 */
import * as tf from "@tensorflow/tfjs";

interface RefCountingBackend {
  incRef(dataId: object): void;
}

function identityShared(args: { inputs: { x: tf.TensorInfo }; backend: unknown }): tf.TensorInfo {
  const { x } = args.inputs;
  (args.backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Replaces WASM's Identity with the sharing one (idempotent; strings keep the stock kernel). */
export function registerSharedIdentity(): void {
  const stock = tf.getKernel("Identity", "wasm");
  if ((stock?.kernelFunc as { sharesBuffers?: boolean } | undefined)?.sharesBuffers) return;
  const fallback = stock?.kernelFunc;
  const identity = (args: { inputs: { x: tf.TensorInfo }; backend: unknown; attrs: unknown }): tf.TensorInfo => {
    if (args.inputs.x.dtype === "string" && fallback) return fallback(args as never) as tf.TensorInfo;
    return identityShared(args);
  };
  identity.sharesBuffers = true;
  if (stock) tf.unregisterKernel("Identity", "wasm");
  tf.registerKernel({ kernelName: "Identity", backendName: "wasm", kernelFunc: identity as unknown as tf.KernelFunc });
}
