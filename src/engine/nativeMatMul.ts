/**
 * TensorFlow.js's own matmul kernels, "BatchMatMul" and "_FusedMatMul", on the WASM backend, run by
 * OpenBLAS through our addon (./native.ts) — so every tf.matMul, tf.fused.matMul, tf.layers.dense
 * and their gradients in learners' ordinary TensorFlow.js code take the native path, with transposed
 * operands at no extra cost (BLAS reads them in place; WASM's transposed matmul is a scalar loop).
 *
 * Covered: float32, rank ≥ 2, batch dimensions broadcast as NumPy does, fused bias of [n] (any
 * leading 1s) and activation linear or relu. Everything else — and every call while the native path
 * is off — goes to the stock WASM kernel, which also produces tfjs's own errors for mismatched shapes.
 * (The stock kernel leaves part of the output unwritten when both sides broadcast, e.g. [2,1,5,7]·
 * [1,3,7,4]: tfjs-backend-wasm 4.22 loops over max(batchA, batchB) products only. Ours does not.)
 */
import * as tf from "@tensorflow/tfjs";
import { nativeFor } from "./native";
import { memoryOffset, type TensorInfo as Info, type WasmBackendLike, type KernelFunc as RawKernel } from "./wasmOps";

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** NumPy-style broadcast of two batch shapes, or null when they are incompatible. */
function broadcastShape(a: number[], b: number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1,
      db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Maps a flat batch index of the broadcast shape `outer` to the flat batch index in `shape`. */
function batchIndex(shape: number[], outer: number[]): (i: number) => number {
  if (size(shape) === size(outer)) return (i) => i;
  if (size(shape) === 1) return () => 0;
  const padded = [...Array(outer.length - shape.length).fill(1), ...shape];
  return (i) => {
    let index = 0,
      stride = 1;
    for (let d = outer.length - 1; d >= 0; d--) {
      const coord = i % outer[d];
      i = Math.floor(i / outer[d]);
      if (padded[d] !== 1) index += coord * stride;
      stride *= padded[d];
    }
    return index;
  };
}

/**
 * The native product, or null when it does not cover the call. `bias` must be [n] (with leading 1s).
 */
function nativeMatMul(
  backend: unknown,
  a: Info,
  b: Info,
  transposeA: boolean,
  transposeB: boolean,
  bias: Info | undefined,
  relu: boolean,
): Info | null {
  if (!nativeFor(backend)) return null;
  if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length,
    rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return null; // the stock kernel reports the mismatch
  const outer = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (!outer) return null; // incompatible batch dimensions: the stock kernel reports them
  if (bias && (bias.dtype !== "float32" || size(bias.shape) !== n || bias.shape[bias.shape.length - 1] !== n))
    return null;
  const be = backend as WasmBackendLike;
  const out = be.makeOutput([...outer, m, n], "float32");
  const nat = nativeFor(backend)!; // after the allocation, which may have grown the memory
  const batch = size(outer);
  const biasAt = bias ? memoryOffset(be, bias) : -1;
  const aIndex = batchIndex(a.shape.slice(0, -2), outer),
    bIndex = batchIndex(b.shape.slice(0, -2), outer);
  for (let i = 0; i < batch; i++) {
    nat.native.gemm(
      nat.mem,
      transposeA ? 1 : 0,
      transposeB ? 1 : 0,
      m,
      n,
      k,
      memoryOffset(be, a) + aIndex(i) * m * k * 4,
      memoryOffset(be, b) + bIndex(i) * k * n * 4,
      0,
      memoryOffset(be, out) + i * m * n * 4,
      biasAt,
      relu ? 1 : 0,
    );
  }
  return out;
}

function wrap(kernelName: string, fused: boolean, stock: RawKernel): RawKernel {
  const kernelFunc: RawKernel = (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs;
    const attrs = args.attrs ?? {};
    const activation = fused ? ((attrs.activation as string | undefined) ?? "linear") : "linear";
    const covered = !preluActivationWeights && (activation === "linear" || activation === "relu");
    const out = covered
      ? nativeMatMul(
          args.backend,
          a,
          b,
          !!attrs.transposeA,
          !!attrs.transposeB,
          fused ? bias : undefined,
          activation === "relu",
        )
      : null;
    return out ?? stock(args);
  };
  (kernelFunc as { nativeWrapper?: string }).nativeWrapper = kernelName;
  return kernelFunc;
}

/**
 * Replaces WASM's BatchMatMul and _FusedMatMul by the native-first versions (stock kernels kept as
 * the fallback). Idempotent; call after importing @tensorflow/tfjs-backend-wasm.
 */
export function registerNativeMatMul(): void {
  for (const [kernelName, fused] of [
    ["BatchMatMul", false],
    ["_FusedMatMul", true],
  ] as const) {
    const stock = tf.getKernel(kernelName, "wasm");
    if (!stock || (stock.kernelFunc as { nativeWrapper?: string }).nativeWrapper) continue;
    tf.unregisterKernel(kernelName, "wasm");
    // The stock kernel's setupFunc (binding its WASM function) must still run when the backend starts.
    tf.registerKernel({
      ...stock,
      kernelFunc: wrap(kernelName, fused, stock.kernelFunc as unknown as RawKernel) as unknown as tf.KernelFunc,
    });
  }
}
