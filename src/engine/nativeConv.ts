/**
 * TensorFlow.js's convolution kernels on the WASM backend — "Conv2D", "FusedConv2D",
 * "Conv2DBackpropInput" (the input gradient, and the forward pass of conv2dTranspose) and
 * "Conv2DBackpropFilter" — run by OpenBLAS through our addon (./native.ts) as im2col + sgemm
 * (native/vae_lab_native.c explains the method). So tf.conv2d, tf.fused.conv2d, tf.conv2dTranspose,
 * tf.layers.conv2d and their gradients take the native path, as the matmuls do (./nativeMatMul.ts).
 *
 * Covered: float32, NHWC, dilation 1, any stride and padding ("same", "valid", explicit), batch ≥ 1;
 * FusedConv2D with no bias or a bias of [Co] and activation linear or relu. Everything else — NCHW,
 * dilation > 1, other activations, PReLU weights, empty tensors, shapes that do not fit together —
 * and every call while the native path is off, goes to the kernel that ran before: WASM's own
 * Conv2D and FusedConv2D, and our WASM backprop kernels (./conv2dBackpropFilter.ts,
 * ./conv2dBackpropInput.ts), which also produce tfjs's own errors.
 *
 * Sum over every axis but the last (the layers' bias gradients) is here too: WASM's Sum transposes
 * first, which made it the largest item after the convolutions. The conv VAE's own layers go one step
 * further (./fastConv.ts). Measured speed, against WASM's kernels and PyTorch: docs/design.md §4.
 */
import * as tf from "@tensorflow/tfjs";
import { conv2dBackpropFilterWasm } from "./conv2dBackpropFilter";
import { conv2dBackpropInputWasm } from "./conv2dBackpropInput";
import { nativeFor, type NativeAddon } from "./native";
import {
  memoryOffset as offset,
  type KernelArgs,
  type TensorInfo as Info,
  type WasmBackendLike,
  type KernelFunc as RawKernel,
  type Conv2DBackpropAttrs,
} from "./wasmOps";

type Shape4 = [number, number, number, number];

interface ConvAttrs extends Conv2DBackpropAttrs {
  dilations?: number | [number, number];
  activation?: string;
  inputShape?: Shape4;
  filterShape?: Shape4;
}

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * The 13 sizes the addon takes — B, H, W, Ci, OH, OW, Co, KH, KW, sh, sw, top, left — for input
 * `xShape` and filter `wShape`, or null when the native kernels do not cover the call.
 */
function geometry(xShape: number[], wShape: number[], attrs: ConvAttrs): number[] | null {
  if (xShape.length !== 4 || wShape.length !== 4 || xShape[3] !== wShape[2]) return null;
  if (attrs.dataFormat === "NCHW") return null;
  const d = attrs.dilations ?? 1;
  if (!(d === 1 || (Array.isArray(d) && d[0] === 1 && d[1] === 1))) return null;
  if (size(xShape) === 0 || size(wShape) === 0) return null;
  let info: tf.backend_util.Conv2DInfo;
  try {
    info = tf.backend_util.computeConv2DInfo(
      xShape as Shape4,
      wShape as Shape4,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      "channelsLast",
    );
  } catch {
    return null; // the fallback kernel reports the problem
  }
  if (info.outHeight <= 0 || info.outWidth <= 0 || info.padInfo.top < 0 || info.padInfo.left < 0) return null;
  return addonSizes(info);
}

/** The 13 sizes the addon takes for a convolution, in its order (see geometry). */
export function addonSizes(info: tf.backend_util.Conv2DInfo): number[] {
  const { padInfo } = info;
  return [
    ...[info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels],
    ...[info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, padInfo.top, padInfo.left],
  ];
}

const float32 = (...xs: (Info | undefined)[]) => xs.every((x) => !x || x.dtype === "float32");

/**
 * Allocates the output, then runs `body` with the addon on the backend's memory (taken after the
 * allocation, which may grow it); null (output freed) when the native path is off.
 */
function runNative(
  backend: unknown,
  shape: number[],
  body: (native: NativeAddon, mem: ArrayBuffer, at: (t: Info) => number, out: Info) => void,
): Info | null {
  const be = backend as WasmBackendLike;
  if (!be.makeOutput || !be.dataIdMap) return null;
  const out = be.makeOutput(shape, "float32");
  const nat = nativeFor(be);
  if (!nat) {
    be.disposeData(out.dataId);
    return null;
  }
  body(nat.native, nat.mem, (t) => offset(be, t), out);
  return out;
}

/** Conv2D and FusedConv2D: y = act(conv(x, filter) + bias). */
function conv2dNative(args: KernelArgs, fused: boolean): Info | null {
  const { x, filter, bias, preluActivationWeights } = args.inputs;
  const attrs = (args.attrs ?? {}) as unknown as ConvAttrs;
  const activation = fused ? (attrs.activation ?? "linear") : "linear";
  if (preluActivationWeights || (activation !== "linear" && activation !== "relu") || !float32(x, filter, bias))
    return null;
  const g = geometry(x.shape, filter.shape, attrs);
  if (!g) return null;
  const [b, , , , oh, ow, co] = g;
  if (bias && (size(bias.shape) !== co || bias.shape[bias.shape.length - 1] !== co)) return null; // broadcast biases: stock kernel
  return runNative(args.backend, [b, oh, ow, co], (native, mem, at, y) =>
    native.conv2d(mem, at(x), at(filter), at(y), bias ? at(bias) : -1, activation === "relu" ? 1 : 0, ...g),
  );
}

/** Conv2DBackpropInput: dx [inputShape] from dy and the filter. */
function backpropInputNative(args: KernelArgs): Info | null {
  const { dy, filter } = args.inputs;
  const attrs = (args.attrs ?? {}) as unknown as ConvAttrs;
  if (!attrs.inputShape || !float32(dy, filter)) return null;
  const g = geometry([...attrs.inputShape], filter.shape, attrs);
  if (!g || !tf.util.arraysEqual(dy.shape, [g[0], g[4], g[5], g[6]])) return null;
  return runNative(args.backend, [...attrs.inputShape], (native, mem, at, dx) =>
    native.conv2dBackpropInput(mem, at(dy), at(filter), at(dx), ...g),
  );
}

/** Conv2DBackpropFilter: dW [filterShape] from x and dy. */
function backpropFilterNative(args: KernelArgs): Info | null {
  const { x, dy } = args.inputs;
  const attrs = (args.attrs ?? {}) as unknown as ConvAttrs;
  if (!attrs.filterShape || !float32(x, dy)) return null;
  const g = geometry(x.shape, [...attrs.filterShape], attrs);
  if (!g || !tf.util.arraysEqual(dy.shape, [g[0], g[4], g[5], g[6]])) return null;
  return runNative(args.backend, [...attrs.filterShape], (native, mem, at, dw) =>
    native.conv2dBackpropFilter(mem, at(x), at(dy), at(dw), ...g),
  );
}

/**
 * Sum over every axis but the last (e.g. a convolution's bias gradient, dy [B, H, W, C] → [C]).
 * WASM transposes the reduced axes to the end first; at [128, 14, 14, 32] that took ~4 ms of a
 * ~5 ms call. Other reductions, and other dtypes, go to WASM's Sum.
 */
function sumLeadingNative(args: KernelArgs): Info | null {
  const { x } = args.inputs;
  const attrs = (args.attrs ?? {}) as { axis?: number | number[]; keepDims?: boolean };
  const rank = x.shape.length;
  if (x.dtype !== "float32" || rank < 2 || size(x.shape) === 0 || attrs.axis === undefined || attrs.axis === null)
    return null;
  const axes = new Set((Array.isArray(attrs.axis) ? attrs.axis : [attrs.axis]).map((a) => (a < 0 ? a + rank : a)));
  if (axes.size !== rank - 1 || [...axes].some((a) => !Number.isInteger(a) || a < 0 || a >= rank - 1)) return null;
  const cols = x.shape[rank - 1];
  const shape = attrs.keepDims ? [...Array(rank - 1).fill(1), cols] : [cols];
  return runNative(args.backend, shape, (native, mem, at, out) =>
    native.sumRows(mem, at(x), at(out), size(x.shape) / cols, cols),
  );
}

/** What a native-first kernel carries: its kernel name, and the kernel it falls back to. */
export interface NativeWrapperMarks {
  nativeWrapper: string;
  nativeFallback: RawKernel;
}

const NATIVE: Record<string, (args: KernelArgs) => Info | null> = {
  Conv2D: (args) => conv2dNative(args, false),
  FusedConv2D: (args) => conv2dNative(args, true),
  Conv2DBackpropInput: backpropInputNative,
  Conv2DBackpropFilter: backpropFilterNative,
  Sum: sumLeadingNative,
};

/** What runs when ours does not: the backprop kernels of ./wasm.ts, else the kernel registered before. */
const WASM_FALLBACK: Record<string, RawKernel> = {
  Conv2DBackpropInput: conv2dBackpropInputWasm,
  Conv2DBackpropFilter: conv2dBackpropFilterWasm,
};

/**
 * Replaces WASM's convolution kernels by the native-first versions, the previous kernel kept as the
 * fallback (for the backprop kernels: ours from ./wasm.ts, which stock WASM lacks or runs slowly).
 * Idempotent; call after importing @tensorflow/tfjs-backend-wasm, when the native path is active.
 */
export function registerNativeConv(): void {
  for (const [kernelName, native] of Object.entries(NATIVE)) {
    const previous = tf.getKernel(kernelName, "wasm");
    if ((previous?.kernelFunc as { nativeWrapper?: string } | undefined)?.nativeWrapper) continue;
    const fallback = WASM_FALLBACK[kernelName] ?? (previous?.kernelFunc as unknown as RawKernel | undefined);
    if (!fallback) continue; // a WASM build without this kernel: nothing to fall back to
    const kernelFunc: RawKernel = (args) => native(args) ?? fallback(args);
    Object.assign(kernelFunc, { nativeWrapper: kernelName, nativeFallback: fallback } satisfies NativeWrapperMarks);
    if (previous) tf.unregisterKernel(kernelName, "wasm");
    // The stock kernel's setupFunc (binding its WASM function) must still run when the backend starts.
    tf.registerKernel({
      ...(previous ?? {}),
      kernelName,
      backendName: "wasm",
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    });
  }
}
