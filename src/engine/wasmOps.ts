/**
 * Calling the WASM backend's own kernels from inside another kernel, with intermediates freed.
 *
 * A kernel function receives and returns TensorInfos (data ids on the backend), not tf.Tensors, so
 * tf.tidy cannot clean up after it. `withWasmOps` hands the body a small set of ops that record every
 * buffer they create and frees all of them except the one the body returns. Buffers are refcounted by
 * the backend (Reshape shares its input's buffer), so freeing a reshaped buffer's source is safe.
 */
import * as tf from "@tensorflow/tfjs";

export type TensorInfo = tf.TensorInfo;

/**
 * What our kernels use of tfjs-backend-wasm's backend object (the package exports no type for it):
 * outputs, freeing, each tensor's offset in the WASM heap, and the heap itself.
 */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  disposeData(dataId: object): boolean;
  dataIdMap: { get(dataId: object): { memoryOffset: number; shape: number[] } };
  wasm: { HEAPF32: Float32Array; asm?: { memory?: WebAssembly.Memory } };
}

/**
 * A tensor's byte offset in the WASM heap. A module-level function on purpose: a closure made per
 * call (`const at = (t) => …`) costs a defineProperty per call under tsx (esbuild's keepNames).
 */
export function memoryOffset(be: WasmBackendLike, info: TensorInfo): number {
  return be.dataIdMap.get(info.dataId).memoryOffset;
}

export type KernelArgs = { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: Record<string, unknown> };
/** A kernel function as tfjs calls it, with named inputs. */
export type KernelFunc = (args: KernelArgs) => TensorInfo;
type RawKernel = (args: {
  inputs: Record<string, TensorInfo> | TensorInfo[];
  backend: unknown;
  attrs?: Record<string, unknown>;
}) => TensorInfo;

/** The WASM backend's kernel `name`, looked up at call time. */
export function wasmKernel(name: string): RawKernel {
  const k = tf.getKernel(name, "wasm");
  if (!k) throw new Error(`The WASM backend has no ${name} kernel.`);
  return k.kernelFunc as unknown as RawKernel;
}

export type Paddings4 = [[number, number], [number, number], [number, number], [number, number]];

export interface WasmOps {
  reshape(x: TensorInfo, shape: number[]): TensorInfo;
  transpose(x: TensorInfo, perm: number[]): TensorInfo;
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo;
  stridedSlice(x: TensorInfo, begin: number[], end: number[], strides: number[]): TensorInfo;
  reverse(x: TensorInfo, dims: number[]): TensorInfo;
  zeros(shape: number[]): TensorInfo;
  concat(xs: TensorInfo[], axis: number): TensorInfo;
  /** NHWC conv2d with explicit padding. */
  conv2d(
    x: TensorInfo,
    filter: TensorInfo,
    strides: [number, number],
    pad: Paddings4,
    dilations?: [number, number],
  ): TensorInfo;
}

/** Runs `body` with ops on `backend`; frees every buffer the ops created except the returned one. */
export function withWasmOps(backend: unknown, body: (ops: WasmOps) => TensorInfo): TensorInfo {
  const created: TensorInfo[] = [];
  const run = (
    name: string,
    inputs: Record<string, TensorInfo> | TensorInfo[],
    attrs: Record<string, unknown>,
  ): TensorInfo => {
    const out = wasmKernel(name)({ inputs, backend, attrs });
    created.push(out);
    return out;
  };
  const ops: WasmOps = {
    reshape: (x, shape) => run("Reshape", { x }, { shape }),
    transpose: (x, perm) => run("Transpose", { x }, { perm }),
    slice: (x, begin, size) => run("Slice", { x }, { begin, size }),
    stridedSlice: (x, begin, end, strides) =>
      run(
        "StridedSlice",
        { x },
        { begin, end, strides, beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 },
      ),
    reverse: (x, dims) => run("Reverse", { x }, { dims }),
    zeros: (shape) => run("Fill", {}, { shape, value: 0, dtype: "float32" }),
    concat: (xs, axis) => run("Concat", xs, { axis }),
    conv2d: (x, filter, strides, pad, dilations = [1, 1]) =>
      run("Conv2D", { x, filter }, { strides, pad, dataFormat: "NHWC", dilations, dimRoundingMode: undefined }),
  };
  let result: TensorInfo | undefined;
  try {
    result = body(ops);
    return result;
  } finally {
    const b = backend as WasmBackendLike;
    for (const t of created) if (t !== result) b.disposeData(t.dataId);
  }
}

/** The attributes tfjs passes to both conv2d backprop kernels (filter and input gradients). */
export interface Conv2DBackpropAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | Paddings4;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}
