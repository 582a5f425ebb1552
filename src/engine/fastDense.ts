/**
 * The dense layer y = act(x·W + b) as one kernel, "VaeLabDense", with a registered gradient; and a
 * 2-D transpose kernel, "VaeLabTranspose". The fast path of src/vae/dense.ts (`fastDense`) on the WASM and CPU backends.
 *
 * Why, measured on this machine (WASM, one thread, batch 128):
 * - WASM's matmul with transposeA/transposeB runs a scalar loop: [128×256]·[256×256] 0.69 ms plain,
 *   9.6 ms transposed. The gradient never asks for a transposed matmul.
 * - XNNPACK repacks a matmul's right operand whenever it is a new tensor — and the weights are new
 *   after every optimiser step: packing W [1024×1024] costs ~7 ms next to ~10 ms of arithmetic (and
 *   packing is not multithreaded). The left operand is used as it lies. So for large layers
 *     forward  yᵀ = Wᵀ·xᵀ, then y = act(transpose(yᵀ) + b)    (packs xᵀ [in × batch] only)
 *     dx       dxᵀ = W·dyᵀ                                     (packs dyᵀ [out × batch] only)
 *     dW       dW = xᵀ·dy                                      (packs dy [batch × out] only)
 *   with transposes done by our SIMD loop (src/engine/fastWasm.ts; tfjs's Transpose takes ~6 ms
 *   for 1024×1024). Small layers use WASM's fused matmul + bias + activation directly.
 * - tf.fused.matMul does not fuse while a gradient is being recorded (it falls back to matMul, add
 *   and relu); this kernel always does.
 * - With a registered gradient, each input's gradient is computed only if it is needed: the first
 *   layer never computes the gradient with respect to the data (for MNIST's 784→400 layer that is
 *   an 80-MFLOP matmul per step).
 * - When the native path is active (./native: OpenBLAS on the WASM heap) none of the above is needed:
 *   forward is one sgemm with bias and ReLU applied on the way out; backward is one fused pass for
 *   dPre and db ("VaeLabDenseGradPre") and two matmuls with transposed operands, which BLAS reads in
 *   place. The transposes and the XNNPACK path remain the fallback.
 */
import * as tf from "@tensorflow/tfjs";
import { fastWasm } from "./fastWasm";
import { nativeFor } from "./native";
import type { Activation } from "../vae/dense";
import {
  memoryOffset,
  type KernelArgs,
  type TensorInfo as Info,
  type WasmBackendLike,
  type KernelFunc as RawKernel,
} from "./wasmOps";

export const DENSE_KERNEL = "VaeLabDense";
export const TRANSPOSE_KERNEL = "VaeLabTranspose";
/** dPre = dy·[y > 0] (ReLU) and db = Σ_rows dPre in one pass; native path only (./native). */
export const DENSE_GRAD_PRE_KERNEL = "VaeLabDenseGradPre";

/**
 * True when a layer is large enough that avoiding the weight repack pays for three small
 * transposes. Measured crossover on this machine: between 256×256 and 784×400 at batch 128.
 */
export function transposedProductPays(batch: number, inDim: number, outDim: number): boolean {
  return inDim * outDim >= 2 * batch * (inDim + outDim);
}

const kernel = (name: string, backendName: string) =>
  tf.getKernel(name, backendName)!.kernelFunc as unknown as RawKernel;

/** The backend's fused matmul + bias + activation on [1, batch, in]·[1, in, out] views. */
function fusedForward(args: KernelArgs, backendName: string): Info {
  const { x, w, b } = args.inputs;
  const [batch, inDim] = x.shape;
  const outDim = w.shape[1];
  // WASM takes its XNNPACK path only for rank-3 operands with batch 1.
  const out = kernel(
    "_FusedMatMul",
    backendName,
  )({
    inputs: { a: { ...x, shape: [1, batch, inDim] }, b: { ...w, shape: [1, inDim, outDim] }, bias: b },
    backend: args.backend,
    attrs: { transposeA: false, transposeB: false, activation: args.attrs!.activation, leakyreluAlpha: 0 },
  });
  const stored = (args.backend as Partial<WasmBackendLike>).dataIdMap?.get(out.dataId);
  if (stored) stored.shape = [batch, outDim];
  return { dataId: out.dataId, shape: [batch, outDim], dtype: out.dtype };
}

/** Native path (./native): one OpenBLAS sgemm with bias and ReLU applied on the way out. */
function denseNative(args: KernelArgs): Info | null {
  if (!nativeFor(args.backend)) return null;
  const { x, w, b } = args.inputs;
  const [batch, inDim] = x.shape;
  const outDim = w.shape[1];
  const be = args.backend as WasmBackendLike;
  const y = be.makeOutput([batch, outDim], "float32");
  const nat = nativeFor(be)!; // after the allocation, which may have grown the memory
  nat.native.gemm(
    nat.mem,
    0,
    0,
    batch,
    outDim,
    inDim,
    memoryOffset(be, x),
    memoryOffset(be, w),
    0,
    memoryOffset(be, y),
    memoryOffset(be, b),
    args.attrs!.activation === "relu" ? 1 : 0,
  );
  return y;
}

function denseWasm(args: KernelArgs): Info {
  const native = denseNative(args);
  if (native) return native;
  const { x, w, b } = args.inputs;
  const [batch, inDim] = x.shape;
  const outDim = w.shape[1];
  const be = args.backend as WasmBackendLike;
  const fw = fastWasm(be);
  if (!fw || !transposedProductPays(batch, inDim, outDim)) return fusedForward(args, "wasm");
  const at = (info: Info) => memoryOffset(be, info);
  const xT = be.makeOutput([inDim, batch], "float32");
  const wT = be.makeOutput([outDim, inDim], "float32");
  fw.transpose(at(x), at(xT), batch, inDim, 0, 0);
  fw.transpose(at(w), at(wT), inDim, outDim, 0, 0);
  const yT = kernel(
    "BatchMatMul",
    "wasm",
  )({ inputs: { a: wT, b: xT }, backend: be, attrs: { transposeA: false, transposeB: false } }); // [out, batch]
  const y = be.makeOutput([batch, outDim], "float32");
  fw.transpose(at(yT), at(y), outDim, batch, at(b), args.attrs!.activation === "relu" ? 1 : 0);
  for (const t of [xT, wT, yT]) be.disposeData(t.dataId);
  return y;
}

function transposeWasm(args: KernelArgs): Info {
  const { x } = args.inputs;
  const be = args.backend as WasmBackendLike;
  const fw = fastWasm(be);
  if (!fw) return kernel("Transpose", "wasm")({ inputs: { x }, backend: be, attrs: { perm: [1, 0] } });
  const [rows, cols] = x.shape;
  const out = be.makeOutput([cols, rows], "float32");
  fw.transpose(be.dataIdMap.get(x.dataId).memoryOffset, be.dataIdMap.get(out.dataId).memoryOffset, rows, cols, 0, 0);
  return out;
}

function denseGradPreNative(args: KernelArgs): Info[] {
  const { dy, y } = args.inputs;
  const relu = !!args.attrs!.relu;
  const [batch, outDim] = dy.shape;
  const be = args.backend as WasmBackendLike;
  const dPre = relu ? be.makeOutput([batch, outDim], "float32") : null;
  const db = be.makeOutput([outDim], "float32");
  const nat = nativeFor(be);
  if (!nat) throw new Error(`${DENSE_GRAD_PRE_KERNEL} runs only while the native path is active.`);
  nat.native.denseGradPre(
    nat.mem,
    memoryOffset(be, dy),
    relu ? memoryOffset(be, y) : 0,
    dPre ? memoryOffset(be, dPre) : 0,
    memoryOffset(be, db),
    batch,
    outDim,
    relu ? 1 : 0,
  );
  return dPre ? [dPre, db] : [db];
}

/**
 * dPre = dy·[y > 0] (dy itself without ReLU) and db = Σ_rows dPre, in one native pass over
 * dy, y [rows, cols] ("VaeLabDenseGradPre"); native path only. Also the conv layers' (./fastConv.ts).
 */
export function nativeGradPre(dy: tf.Tensor2D, y: tf.Tensor2D, relu: boolean): { dPre: tf.Tensor2D; db: tf.Tensor1D } {
  registerDenseKernels();
  const inputs = (relu ? { dy, y } : { dy }) as unknown as tf.NamedTensorMap;
  const parts = tf
    .engine()
    .runKernel(DENSE_GRAD_PRE_KERNEL, inputs, { relu } as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return relu
    ? { dPre: parts[0] as tf.Tensor2D, db: parts[1] as tf.Tensor1D }
    : { dPre: dy, db: parts[0] as tf.Tensor1D };
}

/** xᵀ of a 2-D float32 tensor: our SIMD loop on WASM, tf.transpose elsewhere. */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  if (tf.getBackend() === "wasm" && x.dtype === "float32")
    return tf.engine().runKernel(TRANSPOSE_KERNEL, { x }) as tf.Tensor2D;
  return tf.transpose(x);
}

/** dx = dPre·Wᵀ: [batch, out]·[out, in] → [batch, in]. */
function inputGrad(dPre: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  if (tf.getBackend() !== "wasm") return tf.matMul(dPre, w, false, true);
  const [batch, outDim] = dPre.shape;
  if (transposedProductPays(batch, w.shape[0], outDim)) return transpose2d(tf.matMul(w, transpose2d(dPre)));
  return tf.matMul(dPre, transpose2d(w));
}

/** dW = xᵀ·dPre: [in, batch]·[batch, out] → [in, out]. */
function weightGrad(x: tf.Tensor2D, dPre: tf.Tensor2D): tf.Tensor2D {
  if (tf.getBackend() !== "wasm") return tf.matMul(x, dPre, true, false);
  return tf.matMul(transpose2d(x), dPre);
}

/**
 * The layer act(x·W + b) on the fast path: our kernel where the backend has it (WASM, CPU), else
 * tf.fused.matMul (tfjs-node: TensorFlow's own kernels fuse and differentiate matmuls well).
 */
export function fastDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  if (tf.getKernel(DENSE_KERNEL, tf.getBackend()) && x.dtype === "float32") {
    return tf
      .engine()
      .runKernel(
        DENSE_KERNEL,
        { x, w, b } as unknown as tf.NamedTensorMap,
        { activation } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor2D;
  }
  return tf.fused.matMul({ a: x, b: w, bias: b, activation }) as tf.Tensor2D;
}

let registered = false;

/** Registers the kernels (wasm, cpu) and the gradient (by installEngine, ./install.ts); idempotent. */
export function registerDenseKernels(): void {
  if (registered) return;
  registered = true;
  const kernels: [string, string, (args: KernelArgs) => Info][] = [
    [DENSE_KERNEL, "wasm", denseWasm],
    [DENSE_KERNEL, "cpu", (args) => fusedForward(args, "cpu")],
    [TRANSPOSE_KERNEL, "wasm", transposeWasm],
  ];
  for (const [kernelName, backendName, kernelFunc] of kernels) {
    if (!tf.getKernel(kernelName, backendName))
      tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  if (!tf.getKernel(DENSE_GRAD_PRE_KERNEL, "wasm")) {
    tf.registerKernel({
      kernelName: DENSE_GRAD_PRE_KERNEL,
      backendName: "wasm",
      kernelFunc: denseGradPreNative as unknown as tf.KernelFunc,
    });
  }

  tf.registerGradient({
    kernelName: DENSE_KERNEL,
    inputsToSave: ["x", "w"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, w, y] = saved as tf.Tensor2D[];
      const relu = (attrs as { activation: Activation }).activation === "relu";
      if (tf.getBackend() === "wasm" && nativeFor(tf.backend())) {
        // Native: dPre and db in one pass; then dx = dPre·Wᵀ and dW = xᵀ·dPre, each only if needed,
        // as plain tf.matMul calls with transposes (native too: BLAS reads transposed operands in place).
        const { dPre, db } = nativeGradPre(dy as tf.Tensor2D, y, relu);
        // Methods, not arrow-valued properties: under tsx each of those costs a defineProperty per step.
        return {
          x() {
            return tf.matMul(dPre, w, false, true);
          },
          w() {
            return tf.matMul(x, dPre, true, false);
          },
          b() {
            return db;
          },
        };
      }
      // ReLU'(pre) = 1 where y > 0. Shared by the three gradients, each computed only if needed.
      const dPre = relu ? (tf.mul(dy as tf.Tensor, tf.step(y)) as tf.Tensor2D) : (dy as tf.Tensor2D);
      return { x: () => inputGrad(dPre, w), w: () => weightGrad(x, dPre), b: () => tf.sum(dPre, 0) };
    },
  });
}
