/**
 * A convolution layer y = act(conv(x, W) + b), or act(conv2dTranspose(x, W) + b), as one kernel,
 * "VaeLabConvLayer", with a registered gradient: the conv VAE's layers (src/vae/convVae.ts) on the
 * native path (./native.ts, ./nativeConv.ts). Elsewhere the hook returns undefined and the layer is
 * plain tfjs ops.
 *
 * Why: under a gradient tfjs fuses neither the bias nor the ReLU into a convolution (tf.fused.conv2d
 * falls back to conv2d + add + relu, and there is no fused transposed convolution), and ReLU's
 * gradient is three more kernels, mul(dy, cast(step(y))), each a full pass over [B, H, W, C] in
 * WASM, plus a Sum for the bias gradient. Here the forward pass applies bias and ReLU in the
 * convolution's output loop, and the backward pass computes dPre = dy·[y > 0] and db = Σ dPre in one
 * pass (the dense layer's "VaeLabDenseGradPre", over B·H·W rows of C), then the two convolution
 * gradients — the same kernels tfjs's own gradients call.
 */
import * as tf from "@tensorflow/tfjs";
import { nativeGradPre } from "./fastDense";
import { nativeFor } from "./native";
import { addonSizes, registerNativeConv, size } from "./nativeConv";
import { type KernelArgs, type TensorInfo as Info, type WasmBackendLike } from "./wasmOps";

export const CONV_LAYER_KERNEL = "VaeLabConvLayer";

interface ConvLayerAttrs {
  transposed: boolean;
  strides: number;
  pad: "same" | "valid";
  relu: boolean;
  /** conv2dTranspose's output shape (the transposed layer only). */
  outShape?: [number, number, number, number];
}

function geometry(xShape: number[], wShape: number[], attrs: ConvLayerAttrs): number[] {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    wShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
  );
  return addonSizes(info);
}

function convLayerKernel({ inputs, backend, attrs }: KernelArgs): Info {
  const { x, w, b } = inputs;
  const a = attrs as unknown as ConvLayerAttrs;
  const be = backend as WasmBackendLike;
  // The transposed layer is conv2d's input gradient, for a conv2d from outShape to x's shape.
  const g = a.transposed ? geometry([...a.outShape!], w.shape, a) : geometry(x.shape, w.shape, a);
  const outShape = a.transposed ? [...a.outShape!] : [g[0], g[4], g[5], g[6]];
  const y = be.makeOutput(outShape, "float32");
  const nat = nativeFor(be);
  if (!nat) throw new Error(`${CONV_LAYER_KERNEL} runs only while the native path is active.`);
  const at = (t: Info) => be.dataIdMap.get(t.dataId).memoryOffset;
  if (a.transposed) {
    nat.native.conv2dBackpropInput(nat.mem, at(x), at(w), at(y), ...g);
    nat.native.biasRelu(nat.mem, at(y), at(b), size(outShape) / outShape[3], outShape[3], a.relu ? 1 : 0);
  } else {
    nat.native.conv2d(nat.mem, at(x), at(w), at(y), at(b), a.relu ? 1 : 0, ...g);
  }
  return y;
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  registerNativeConv(); // the convolution gradients below run natively too
  if (!tf.getKernel(CONV_LAYER_KERNEL, "wasm"))
    tf.registerKernel({
      kernelName: CONV_LAYER_KERNEL,
      backendName: "wasm",
      kernelFunc: convLayerKernel as unknown as tf.KernelFunc,
    });
  tf.registerGradient({
    kernelName: CONV_LAYER_KERNEL,
    inputsToSave: ["x", "w"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, w, y] = saved as tf.Tensor4D[];
      const a = attrs as unknown as ConvLayerAttrs;
      const g = dy as tf.Tensor4D;
      const c = g.shape[3];
      const rows = size(g.shape) / c;
      // dPre = dy·[y > 0] (ReLU) and db = Σ dPre over B, H, W, in one pass.
      const pre = nativeGradPre(tf.reshape(g, [rows, c]), tf.reshape(y, [rows, c]), a.relu);
      const dPre = tf.reshape(pre.dPre, g.shape) as tf.Tensor4D;
      const db = pre.db;
      const conv = { strides: a.strides, pad: a.pad, dataFormat: "NHWC" } as const;
      const filterGrad = (input: tf.Tensor4D, out: tf.Tensor4D) =>
        tf
          .engine()
          .runKernel(
            "Conv2DBackpropFilter",
            { x: input, dy: out } as unknown as tf.NamedTensorMap,
            { ...conv, filterShape: w.shape } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor4D;
      if (a.transposed) {
        // y = conv2dTranspose(x, W): x's gradient is conv2d(dPre, W); W's is that of conv2d from dPre to x.
        return { x: () => tf.conv2d(dPre, w, a.strides, a.pad), w: () => filterGrad(dPre, x), b: () => db };
      }
      return {
        x: () => tf.conv2dTranspose(dPre, w, x.shape, a.strides, a.pad),
        w: () => filterGrad(x, dPre),
        b: () => db,
      };
    },
  });
}

/**
 * act(conv2d(x, w) + b) — or act(conv2dTranspose(x, w, outShape) + b) when `transposed` — as one
 * native kernel with its gradient; undefined where the native path cannot run it (another backend,
 * the path off, non-float32 inputs, a bias that is not [C]), so the caller uses tfjs ops.
 * Shapes as tf.conv2d / tf.conv2dTranspose: x [B, H, W, C], w [KH, KW, inC, outC] (transposed:
 * [KH, KW, outC, inC]), b [outC].
 */
export function nativeConvLayer(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b: tf.Tensor1D,
  options: {
    transposed: boolean;
    strides: number;
    pad: "same" | "valid";
    activation: "relu" | "linear";
    outShape?: [number, number, number, number];
  },
): tf.Tensor4D | undefined {
  if (tf.getBackend() !== "wasm" || !nativeFor(tf.backend())) return undefined;
  if ([x, w, b].some((t) => t.dtype !== "float32") || x.rank !== 4 || w.rank !== 4 || b.rank !== 1) return undefined;
  const { transposed, strides, pad, outShape } = options;
  if (
    transposed
      ? !outShape || x.shape[3] !== w.shape[3] || outShape[3] !== w.shape[2] || b.shape[0] !== w.shape[2]
      : x.shape[3] !== w.shape[2] || b.shape[0] !== w.shape[3]
  )
    return undefined;
  if (transposed) {
    // The output shape must be the one whose conv2d gives x's shape back (tfjs's own check).
    const info = tf.backend_util.computeConv2DInfo(outShape!, w.shape, strides, 1, pad);
    if (info.outHeight !== x.shape[1] || info.outWidth !== x.shape[2] || info.batchSize !== x.shape[0])
      return undefined;
  }
  register();
  const attrs: ConvLayerAttrs = {
    transposed,
    strides,
    pad,
    relu: options.activation === "relu",
    ...(outShape ? { outShape } : {}),
  };
  return tf
    .engine()
    .runKernel(
      CONV_LAYER_KERNEL,
      { x, w, b } as unknown as tf.NamedTensorMap,
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor4D;
}
