/**
 * Identity on WASM without a copy: the output shares the input's buffer (reference-counted), as the
 * CPU backend's Identity and every backend's Reshape already do. And the tensors tfjs saves for the
 * backward pass made the same way, without a kernel call (`installDirectSaves`).
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

/** The parts of tfjs-core 4.x's Engine that `installDirectSaves` uses (not in its public types). */
interface EngineInternals {
  state: { gradientDepth: number };
  backendName: string;
  backend: RefCountingBackend;
  keep<T extends tf.Tensor>(t: T): T;
  makeTensorFromTensorInfo(info: tf.TensorInfo): tf.Tensor;
  saveTensorsForBackwardMode(tensors: tf.Tensor[]): tf.Tensor[];
  directSaves?: boolean;
}

/** Backends whose Identity shares its input's buffer: a saved tensor made directly is the same thing. */
const SHARING_BACKENDS = new Set(["wasm", "cpu"]);
let directSaves = true;

/**
 * Saved tensors without a kernel call: while a gradient is recorded, tfjs keeps a clone of every
 * input and output a kernel's gradient needs (Engine.saveTensorsForBackwardMode → clone → an
 * Identity kernel call plus a tape entry nothing reads). Here a saved tensor is a new tensor on the
 * same buffer with its reference count raised — what the sharing Identity returns, minus the
 * dispatch. Measured on our shared 2-core machine while busy (WASM, 8 tiny dense layers forward and
 * backward, 3 saves each):
 * 480–517 → 305–333 µs CPU per step, about 7 µs per saved tensor; a Swiss-roll step saves 48.
 *
 * Only for one level of gradient (gradientDepth 1): under nested gradients (tf.grad of tf.grad) the
 * clone's tape entry links a saved tensor to its source, so higher-order gradients flow through it;
 * there tfjs's own clone runs. Another tfjs version without these internals keeps its own code.
 */
export function installDirectSaves(): void {
  const engine = tf.engine() as unknown as Partial<EngineInternals>;
  const stock = engine.saveTensorsForBackwardMode;
  if (engine.directSaves || typeof stock !== "function") return;
  if (typeof engine.makeTensorFromTensorInfo !== "function" || typeof engine.state?.gradientDepth !== "number") return;
  engine.saveTensorsForBackwardMode = function (this: EngineInternals, tensors: tf.Tensor[]): tf.Tensor[] {
    const direct =
      directSaves &&
      this.state.gradientDepth === 1 &&
      SHARING_BACKENDS.has(this.backendName) &&
      tensors.every((t) => t.dtype !== "string");
    if (!direct) return stock.call(this, tensors);
    return tensors.map((t) => {
      this.backend.incRef(t.dataId);
      return this.keep(this.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }));
    });
  };
  engine.directSaves = true;
}

/** Switches direct saves off (tfjs's clone for every saved tensor) or on again; for tests. */
export function setDirectSaves(on: boolean): void {
  directSaves = on;
}
