/**
 * Conv2DBackpropFilter for the WASM backend, which ships without one: the gradient of conv2d with
 * respect to its filter (and of conv2dTranspose, whose filter gradient is the same kernel).
 *
 * For NHWC x [B, H, W, Ci], dy [B, OH, OW, Co], strides (sh, sw) and padding (top, left):
 *
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, sh·oh + kh − top, sw·ow + kw − left, ci] · dy[b, oh, ow, co]
 *
 * Read with ci as the batch, b as the input channel and (oh, ow) as the filter taps, this is itself a
 * convolution: conv2d of x' = x transposed to [Ci, H, W, B] with the "filter" dy' = dy transposed to
 * [OH, OW, B, Co], stride 1, dilation (sh, sw), and padding (top, bottom, left, right) chosen so that
 * the output is exactly [Ci, KH, KW, Co]. A last transpose gives the filter layout [KH, KW, Ci, Co].
 * The convolution runs on XNNPACK, which gathers the shifted windows itself.
 *
 * Measured against an im2col + matmul version (this machine, 1 thread, x [128,14,14,32],
 * dy [128,7,7,64]): this ~18 ms per call (12 of them the convolution, ~4 the transpose of x), im2col
 * ~450 ms — building the patch matrix takes strided slices, and WASM's StridedSlice needs ~23 ms for
 * each of the 9 taps.
 */
import * as tf from "@tensorflow/tfjs";
import { withWasmOps, type Conv2DBackpropAttrs, type KernelArgs, type Paddings4, type TensorInfo } from "./wasmOps";

interface BackpropFilterAttrs extends Conv2DBackpropAttrs {
  filterShape: [number, number, number, number];
}

/** The kernel function registered for "Conv2DBackpropFilter" on "wasm". */
export function conv2dBackpropFilterWasm(args: KernelArgs): TensorInfo {
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  if (attrs.dataFormat === "NCHW") throw new Error("Conv2DBackpropFilter on WASM supports NHWC only.");
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  // The forward pass read (out − 1)·s + k rows/cols, starting `top`/`left` before the image.
  const needH = (oh - 1) * sh + kh;
  const needW = (ow - 1) * sw + kw;
  // Rows/cols past those never met a filter tap; they are cut, since padding cannot be negative.
  const keepH = Math.min(h, needH - top);
  const keepW = Math.min(w, needW - left);

  return withWasmOps(args.backend, (ops) => {
    if (keepH <= 0 || keepW <= 0) return ops.zeros(attrs.filterShape); // only padding was read
    const xs = keepH < h || keepW < w ? ops.slice(x, [0, 0, 0, 0], [-1, keepH, keepW, -1]) : x;
    const xT = ops.transpose(xs, [3, 1, 2, 0]); // [Ci, H, W, B]
    const dyT = ops.transpose(dy, [1, 2, 0, 3]); // [OH, OW, B, Co]
    const pad: Paddings4 = [
      [0, 0],
      [top, needH - top - keepH],
      [left, needW - left - keepW],
      [0, 0],
    ];
    const g = ops.conv2d(xT, dyT, [1, 1], pad, [sh, sw]); // [Ci, KH, KW, Co]
    return ops.transpose(g, [1, 2, 0, 3]); // [KH, KW, Ci, Co]
  });
}
