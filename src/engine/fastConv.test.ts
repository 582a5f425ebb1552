import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it } from "vitest";
import { nativeConvLayer } from "./fastConv";
import { nativeCallCount, setNativeEnabled } from "./native";
import { skipWithout } from "../testing/guard";
skipWithout(import.meta.url, "openblas");

// Reference: the same layer as plain tfjs ops (conv2d/conv2dTranspose + add + relu), on the CPU
// backend, which shares no code with the native kernels.
afterEach(() => setNativeEnabled(true));

type Shape4 = [number, number, number, number];
interface LayerCase {
  name: string;
  transposed: boolean;
  x: Shape4;
  w: Shape4;
  outShape?: Shape4;
  strides: number;
  pad: "same" | "valid";
  activation: "relu" | "linear";
}

const CASES: LayerCase[] = [
  {
    name: "the encoder's first layer (conv + ReLU)",
    transposed: false,
    x: [3, 28, 28, 1],
    w: [3, 3, 1, 32],
    strides: 2,
    pad: "same",
    activation: "relu",
  },
  {
    name: "odd sizes, linear, batch 1",
    transposed: false,
    x: [1, 9, 7, 3],
    w: [3, 3, 3, 4],
    strides: 2,
    pad: "same",
    activation: "linear",
  },
  {
    name: "the decoder's upsampling (transposed + ReLU)",
    transposed: true,
    x: [2, 7, 7, 64],
    w: [3, 3, 32, 64],
    outShape: [2, 14, 14, 32],
    strides: 2,
    pad: "same",
    activation: "relu",
  },
  {
    name: "the decoder's last layer (transposed, linear)",
    transposed: true,
    x: [1, 14, 14, 32],
    w: [3, 3, 1, 32],
    outShape: [1, 28, 28, 1],
    strides: 2,
    pad: "same",
    activation: "linear",
  },
  {
    name: "transposed, odd output, valid",
    transposed: true,
    x: [2, 4, 5, 3],
    w: [3, 3, 2, 3],
    outShape: [2, 9, 11, 2],
    strides: 2,
    pad: "valid",
    activation: "relu",
  },
];

/** The layer as plain tfjs ops. */
function plainLayer(c: LayerCase, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const pre = c.transposed
    ? tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, c.outShape!, c.strides, c.pad)
    : tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad);
  const y = tf.add(pre, b);
  return c.activation === "relu" ? tf.relu(y) : y;
}

const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);
const relDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => maxAbs(tf.sub(a, b)) / Math.max(maxAbs(b), 1e-12));

describe("the conv layer as one native kernel (VaeLabConvLayer)", () => {
  for (const c of CASES) {
    it(`its value and gradients (x, w, b) match tfjs ops on the CPU backend: ${c.name}`, async () => {
      const x = tf.randomNormal(c.x, 0, 1, "float32", 1),
        w = tf.randomNormal(c.w, 0, 1, "float32", 2);
      const b = tf.randomNormal([c.transposed ? c.w[2] : c.w[3]], 0, 1, "float32", 3);
      const opts = {
        transposed: c.transposed,
        strides: c.strides,
        pad: c.pad,
        activation: c.activation,
        outShape: c.outShape,
      };
      const layer = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
        nativeConvLayer(xi as tf.Tensor4D, wi as tf.Tensor4D, bi as tf.Tensor1D, opts)!;
      const y = layer(x, w, b);
      expect(y).toBeDefined();
      const dy = tf.randomNormal(y.shape, 0, 1, "float32", 4);
      const before = nativeCallCount();
      const grads = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(layer(xi, wi, bi), dy)))([
        x,
        w,
        b,
      ]);
      expect(nativeCallCount()).toBeGreaterThan(before);
      const values = await Promise.all([x, w, b, dy].map((t) => t.data()));
      await tf.setBackend("cpu");
      try {
        tf.tidy(() => {
          const [xc, wc, bc, dc] = [x, w, b, dy].map((t, i) => tf.tensor(values[i], t.shape));
          const ref = [
            plainLayer(c, xc, wc, bc),
            ...tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(plainLayer(c, xi, wi, bi), dc)))(
              [xc, wc, bc],
            ),
          ];
          [y, ...grads].forEach((t, i) => {
            expect(t.shape, `[${i}] shape`).toEqual(ref[i].shape);
            expect(relDiff(tf.tensor(t.dataSync(), t.shape), ref[i]), `[${i}]`).toBeLessThan(2e-5);
          });
        });
      } finally {
        await tf.setBackend("wasm");
      }
      tf.dispose([x, w, b, y, dy, ...grads]);
    });
  }

  it("declines (undefined) where it cannot run, so the caller uses tfjs ops", async () => {
    const x = tf.zeros([1, 8, 8, 2]) as tf.Tensor4D,
      w = tf.zeros([3, 3, 2, 4]) as tf.Tensor4D,
      b = tf.zeros([4]) as tf.Tensor1D;
    const opts = { transposed: false, strides: 2, pad: "same" as const, activation: "relu" as const };
    const wrongBias = tf.zeros([3]) as tf.Tensor1D;
    expect(nativeConvLayer(x, w, wrongBias, opts)).toBeUndefined();
    // conv2dTranspose whose output shape does not convolve back to x's shape.
    expect(
      nativeConvLayer(x, tf.zeros([3, 3, 4, 2]) as tf.Tensor4D, b, {
        ...opts,
        transposed: true,
        outShape: [1, 20, 20, 4],
      }),
    ).toBeUndefined();
    setNativeEnabled(false);
    expect(nativeConvLayer(x, w, b, opts)).toBeUndefined();
    setNativeEnabled(true);
    await tf.setBackend("cpu");
    try {
      const xc = tf.zeros([1, 8, 8, 2]) as tf.Tensor4D,
        wc = tf.zeros([3, 3, 2, 4]) as tf.Tensor4D,
        bc = tf.zeros([4]) as tf.Tensor1D;
      expect(nativeConvLayer(xc, wc, bc, opts)).toBeUndefined();
      tf.dispose([xc, wc, bc]);
    } finally {
      await tf.setBackend("wasm");
    }
    const y = nativeConvLayer(x, w, b, opts);
    expect(y?.shape).toEqual([1, 4, 4, 4]);
    tf.dispose([x, w, b, wrongBias, y!]);
  });

  it("leaves no tensors or WASM buffers behind across gradient steps", () => {
    const x = tf.randomNormal([2, 7, 7, 8]) as tf.Tensor4D,
      w = tf.variable(tf.randomNormal([3, 3, 4, 8])),
      b = tf.variable(tf.zeros([4]));
    const step = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(
          () =>
            tf.sum(
              nativeConvLayer(x, w as tf.Tensor as tf.Tensor4D, b as tf.Tensor as tf.Tensor1D, {
                transposed: true,
                strides: 2,
                pad: "same",
                activation: "relu",
                outShape: [2, 14, 14, 4],
              })!,
            ),
          [w, b],
        );
        tf.dispose(Object.values(grads));
      });
    step();
    const [tensors, ids] = [tf.memory().numTensors, tf.engine().backend.numDataIds()];
    step();
    step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(ids);
    tf.dispose([x, w, b]);
  });
});
