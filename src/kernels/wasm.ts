/**
 * Extra kernels for the WASM backend (DESIGN §4).
 *
 * `@tensorflow/tfjs-backend-wasm` 4.22 has no Conv2DBackpropFilter kernel, so the filter gradient of
 * conv2d (and of conv2dTranspose, which uses the same kernel) throws "Kernel 'Conv2DBackpropFilter'
 * not registered for backend 'wasm'". We register one built from kernels WASM has.
 *
 * The filter gradient is itself a convolution. For NHWC x [B, H, W, Ci], dy [B, OH, OW, Co], stride s
 * and padding (top, left):
 *
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, s·oh + kh − top, s·ow + kw − left, ci] · dy[b, oh, ow, co]
 *
 * which is conv2d(x', dy') with x' = x transposed to [Ci, H, W, B] (batch ↔ channels), dy' = dy
 * transposed to [OH, OW, B, Co] used as the filter, stride 1, dilation s, and padding chosen so the
 * output is exactly [Ci, KH, KW, Co]; a last transpose gives the filter layout [KH, KW, Ci, Co].
 * All three steps run on WASM's own (XNNPACK) kernels.
 */
import * as tf from "@tensorflow/tfjs";

type TensorInfo = tf.TensorInfo;
interface WasmBackendLike {
  disposeData(dataId: object): boolean;
}

function kernel(name: string) {
  const k = tf.getKernel(name, "wasm");
  if (!k) throw new Error(`The WASM backend has no ${name} kernel; cannot build Conv2DBackpropFilter.`);
  return k.kernelFunc as (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: Record<string, unknown> }) => TensorInfo;
}

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

function conv2dBackpropFilterWasm(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: Record<string, unknown> }): TensorInfo {
  const { x, dy } = args.inputs;
  const backend = args.backend as WasmBackendLike;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as BackpropFilterAttrs;
  if (dataFormat === "NCHW") throw new Error("Conv2DBackpropFilter on WASM supports NHWC only.");
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    "channelsLast",
  );
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [inH, inW] = [info.inHeight, info.inWidth];
  const [outH, outW] = [info.outHeight, info.outWidth];
  const { top, left } = info.padInfo;

  const transpose = kernel("Transpose");
  const conv2d = kernel("Conv2D");
  const slice = kernel("Slice");
  const temps: TensorInfo[] = [];
  try {
    // Rows/cols of x the gradient touches: (out − 1)·s + k, starting `top` rows above the image.
    const needH = (outH - 1) * sh + kh;
    const needW = (outW - 1) * sw + kw;
    let xs = x;
    const keepH = Math.min(inH, needH - top), keepW = Math.min(inW, needW - left);
    if (keepH < inH || keepW < inW) {
      // Rows past what the forward pass read do not contribute: drop them (padding cannot be negative).
      xs = slice({ inputs: { x }, backend, attrs: { begin: [0, 0, 0, 0], size: [-1, keepH, keepW, -1] } });
      temps.push(xs);
    }
    const bottom = needH - top - keepH;
    const right = needW - left - keepW;
    const xT = transpose({ inputs: { x: xs }, backend, attrs: { perm: [3, 1, 2, 0] } }); // [Ci, H, W, B]
    temps.push(xT);
    const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }); // [OH, OW, B, Co]
    temps.push(dyT);
    const g = conv2d({
      inputs: { x: xT, filter: dyT },
      backend,
      attrs: { strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: "NHWC", dilations: [sh, sw], dimRoundingMode },
    }); // [Ci, KH, KW, Co]
    temps.push(g);
    return transpose({ inputs: { x: g }, backend, attrs: { perm: [1, 2, 0, 3] } }); // [KH, KW, Ci, Co]
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** Registers the extra WASM kernels once. Safe to call many times. */
export function registerWasmExtras(): void {
  if (tf.getKernel("Conv2DBackpropFilter", "wasm")) return;
  tf.registerKernel({ kernelName: "Conv2DBackpropFilter", backendName: "wasm", kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc });
}
