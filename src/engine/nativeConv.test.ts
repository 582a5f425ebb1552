import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it } from "vitest";
import { convMnistVae } from "../vae/presets";
import { createVae } from "../vae/vae";
import { Rng } from "../vae/random";
import { train, type TrainingData } from "../vae/train";
import { nativeCallCount, nativeStatus, setNativeEnabled } from "./native";
import { skipWithout } from "../testing/guard";
skipWithout(import.meta.url, "openblas");

// The setup file started WASM with the native path (addon built, OpenBLAS installed). Each kernel is
// checked against the pure-JS CPU backend, which shares no code with it, and against the WASM
// kernels that run when the native path is off.
afterEach(() => setNativeEnabled(true));

type Pad = "same" | "valid" | [[number, number], [number, number], [number, number], [number, number]];
type Shape4 = [number, number, number, number];

const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);
const relDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => maxAbs(tf.sub(a, b)) / Math.max(maxAbs(b), 1e-12));
const randn = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);

/** Runs `f` on fresh copies of `values` on the CPU backend; returns plain arrays. */
async function onCpu(
  values: { data: Float32Array; shape: number[] }[],
  f: (...xs: tf.Tensor[]) => tf.Tensor[],
): Promise<{ data: Float32Array; shape: number[] }[]> {
  await tf.setBackend("cpu");
  try {
    return tf.tidy(() =>
      f(...values.map((v) => tf.tensor(v.data, v.shape))).map((t) => ({
        data: t.dataSync() as Float32Array,
        shape: t.shape,
      })),
    );
  } finally {
    await tf.setBackend("wasm");
  }
}

const plain = async (ts: tf.Tensor[]) =>
  Promise.all(ts.map(async (t) => ({ data: (await t.data()) as Float32Array, shape: t.shape })));

/** Expects each of `ours` to equal the CPU backend's result to float32 rounding (relative to its largest entry). */
function expectClose(ours: tf.Tensor[], ref: { data: Float32Array; shape: number[] }[], what: string): void {
  expect(ours.length).toBe(ref.length);
  ours.forEach((t, i) => {
    expect(t.shape, `${what} [${i}] shape`).toEqual(ref[i].shape);
    const r = tf.tensor(ref[i].data, ref[i].shape);
    expect(relDiff(t, r), `${what} [${i}]`).toBeLessThan(2e-5);
    r.dispose();
  });
}

/** Whether `f` took the native path at least `n` times. */
function counting<T>(f: () => T): { value: T; calls: number } {
  const before = nativeCallCount();
  const value = f();
  return { value, calls: nativeCallCount() - before };
}

interface ConvCase {
  name: string;
  x: Shape4;
  w: Shape4;
  strides: number | [number, number];
  pad: Pad;
}

const CONV_CASES: ConvCase[] = [
  {
    name: "the conv VAE's first layer (28×28×1 → 14×14×32, stride 2, same)",
    x: [2, 28, 28, 1],
    w: [3, 3, 1, 32],
    strides: 2,
    pad: "same",
  },
  {
    name: "the conv VAE's second layer (14×14×32 → 7×7×64, stride 2, same)",
    x: [3, 14, 14, 32],
    w: [3, 3, 32, 64],
    strides: 2,
    pad: "same",
  },
  { name: "odd sizes, stride 1, valid", x: [2, 7, 9, 3], w: [3, 2, 3, 5], strides: 1, pad: "valid" },
  { name: "odd sizes, stride 2, same, batch 1", x: [1, 9, 7, 2], w: [3, 3, 2, 4], strides: 2, pad: "same" },
  { name: "odd sizes, strides [2, 1], valid", x: [2, 11, 10, 3], w: [3, 3, 3, 2], strides: [2, 1], pad: "valid" },
  {
    name: "5×5 filter, stride 2, same (asymmetric padding)",
    x: [1, 8, 8, 2],
    w: [5, 5, 2, 3],
    strides: 2,
    pad: "same",
  },
  { name: "1×1 filter, stride 1 (no patch matrix)", x: [2, 5, 5, 4], w: [1, 1, 4, 6], strides: 1, pad: "valid" },
  {
    name: "explicit padding",
    x: [1, 6, 6, 2],
    w: [3, 3, 2, 2],
    strides: 1,
    pad: [
      [0, 0],
      [2, 1],
      [0, 2],
      [0, 0],
    ],
  },
  { name: "stride larger than the filter", x: [1, 9, 9, 2], w: [2, 2, 2, 3], strides: 3, pad: "valid" },
];

describe("native convolutions (im2col + OpenBLAS sgemm)", () => {
  it("run here: the addon is built and OpenBLAS is installed", () => {
    const s = nativeStatus();
    expect(s.active, `native path off: ${s.reason}`).toBe(true);
  });

  for (const c of CONV_CASES) {
    it(`conv2d and its gradients (input and filter) match the CPU backend: ${c.name}`, async () => {
      const x = randn(c.x, 1),
        w = randn(c.w, 2);
      const conv = (xi: tf.Tensor, wi: tf.Tensor) => tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, c.strides, c.pad);
      const y = counting(() => conv(x, w));
      expect(y.calls, "Conv2D ran natively").toBeGreaterThan(0);
      const dyValues = randn(y.value.shape, 3);
      const loss = (xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.mul(conv(xi, wi), dyValues));
      const g = counting(() => tf.grads(loss)([x, w]));
      expect(g.calls, "forward + Conv2DBackpropInput + Conv2DBackpropFilter natively").toBeGreaterThanOrEqual(3);
      const ref = await onCpu(await plain([x, w, dyValues]), (xc, wc, dc) => [
        conv(xc, wc),
        ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), dc)))([xc, wc]),
      ]);
      expectClose([y.value, ...g.value], ref, c.name);
      tf.dispose([x, w, y.value, dyValues, ...g.value]);
    });
  }

  const TRANSPOSE_CASES: { name: string; x: Shape4; w: Shape4; out: Shape4; strides: number; pad: Pad }[] = [
    {
      name: "the conv VAE's first upsampling (7×7×64 → 14×14×32)",
      x: [2, 7, 7, 64],
      w: [3, 3, 32, 64],
      out: [2, 14, 14, 32],
      strides: 2,
      pad: "same",
    },
    {
      name: "the conv VAE's last layer (14×14×32 → 28×28×1), batch 1",
      x: [1, 14, 14, 32],
      w: [3, 3, 1, 32],
      out: [1, 28, 28, 1],
      strides: 2,
      pad: "same",
    },
    {
      name: "odd sizes, stride 2, valid",
      x: [2, 4, 5, 3],
      w: [3, 3, 2, 3],
      out: [2, 9, 11, 2],
      strides: 2,
      pad: "valid",
    },
    {
      name: "odd output, stride 2, same",
      x: [1, 4, 3, 2],
      w: [3, 3, 3, 2],
      out: [1, 7, 5, 3],
      strides: 2,
      pad: "same",
    },
  ];
  for (const c of TRANSPOSE_CASES) {
    it(`conv2dTranspose and its gradients match the CPU backend: ${c.name}`, async () => {
      const x = randn(c.x, 4),
        w = randn(c.w, 5);
      const deconv = (xi: tf.Tensor, wi: tf.Tensor) =>
        tf.conv2dTranspose(xi as tf.Tensor4D, wi as tf.Tensor4D, c.out, c.strides, c.pad);
      const y = counting(() => deconv(x, w));
      expect(y.calls, "Conv2DBackpropInput ran natively").toBeGreaterThan(0);
      const dyValues = randn(c.out, 6);
      const loss = (xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.mul(deconv(xi, wi), dyValues));
      const g = counting(() => tf.grads(loss)([x, w]));
      expect(g.calls).toBeGreaterThanOrEqual(3);
      const ref = await onCpu(await plain([x, w, dyValues]), (xc, wc, dc) => [
        deconv(xc, wc),
        ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(deconv(a, b), dc)))([xc, wc]),
      ]);
      expectClose([y.value, ...g.value], ref, c.name);
      tf.dispose([x, w, y.value, dyValues, ...g.value]);
    });
  }

  it("fused conv2d with bias and ReLU (inference) and with bias alone (training) match the CPU backend", async () => {
    const x = randn([2, 9, 9, 3], 7),
      w = randn([3, 3, 3, 4], 8),
      bias = randn([4], 9),
      dy = randn([2, 5, 5, 4], 10);
    const fused = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor, activation: "relu" | "linear") =>
      tf.fused.conv2d({
        x: xi as tf.Tensor4D,
        filter: wi as tf.Tensor4D,
        strides: 2,
        pad: "same",
        bias: bi,
        activation,
      });
    const relu = counting(() => fused(x, w, bias, "relu"));
    expect(relu.calls).toBe(1); // one FusedConv2D kernel: bias and ReLU applied natively
    // A bias shaped [1, 1, 1, Co] is the same bias.
    const bias4 = tf.reshape(bias, [1, 1, 1, 4]);
    const relu4 = counting(() => fused(x, w, bias4, "relu"));
    expect(relu4.calls).toBe(1);
    expect(relDiff(relu4.value, relu.value)).toBe(0);
    tf.dispose([bias4, relu4.value]);
    // Under a gradient tfjs fuses only the linear activation (FusedConv2D, with its own gradient).
    const g = counting(() =>
      tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(fused(a, b, c, "linear"), dy)))([
        x,
        w,
        bias,
      ]),
    );
    expect(g.calls).toBeGreaterThanOrEqual(3);
    const ref = await onCpu(await plain([x, w, bias, dy]), (xc, wc, bc, dc) => [
      fused(xc, wc, bc, "relu"),
      ...tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(fused(a, b, c, "linear"), dc)))([
        xc,
        wc,
        bc,
      ]),
    ]);
    expectClose([relu.value, ...g.value], ref, "fused conv2d");
    tf.dispose([x, w, bias, dy, relu.value, ...g.value]);
  });

  it("agrees with the WASM kernels that run when the native path is off", () => {
    const x = randn([4, 14, 14, 32], 11),
      w = randn([3, 3, 32, 64], 12),
      dy = randn([4, 7, 7, 64], 13);
    const run = () => {
      const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, "same");
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same"), dy)),
      )([x, w]);
      return [y, dx, dw];
    };
    const native = counting(run);
    setNativeEnabled(false);
    const wasm = counting(run);
    setNativeEnabled(true);
    expect(native.calls).toBeGreaterThan(0);
    expect(wasm.calls).toBe(0);
    native.value.forEach((t, i) => expect(relDiff(t, wasm.value[i])).toBeLessThan(2e-5));
    tf.dispose([x, w, dy, ...native.value, ...wasm.value]);
  });
});

describe("native sum over every axis but the last (a convolution's bias gradient)", () => {
  const SUMS: { name: string; shape: number[]; axis: number[]; keepDims?: boolean }[] = [
    { name: "[B, H, W, C] → [C]", shape: [3, 5, 7, 4], axis: [0, 1, 2] },
    { name: "keepDims, negative and unordered axes", shape: [3, 5, 7, 4], axis: [-2, 0, 1], keepDims: true },
    { name: "one channel, 300 rows (more than one block)", shape: [2, 10, 15, 1], axis: [0, 1, 2] },
    { name: "rank 2", shape: [9, 6], axis: [0] },
  ];
  for (const c of SUMS) {
    it(`matches the CPU backend: ${c.name}`, async () => {
      const x = randn(c.shape, 30);
      const y = counting(() => tf.sum(x, c.axis, c.keepDims));
      expect(y.calls).toBe(1);
      const ref = await onCpu(await plain([x]), (xc) => [tf.sum(xc, c.axis, c.keepDims)]);
      expectClose([y.value], ref, c.name);
      tf.dispose([x, y.value]);
    });
  }

  it("other reductions and int32 fall through to WASM's Sum, with the CPU backend's values", async () => {
    const x = randn([3, 5, 4], 31),
      n = tf.tensor3d(
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
        [1, 2, 2],
        "int32",
      );
    const r = counting(() => [tf.sum(x, 1), tf.sum(x, [1, 2]), tf.sum(x), tf.sum(n, [0, 1])]);
    expect(r.calls).toBe(0);
    expect(Array.from(r.value[3].dataSync())).toEqual([4, 6]);
    const ref = await onCpu(await plain([x]), (xc) => [tf.sum(xc, 1), tf.sum(xc, [1, 2]), tf.sum(xc)]);
    expectClose(r.value.slice(0, 3), ref, "fall-through sums");
    tf.dispose([x, n, ...r.value]);
  });
});

describe("calls the native kernels do not cover fall through to the WASM kernels", () => {
  it("dilated conv2d: stock WASM computes it, with the CPU backend's values", async () => {
    const x = randn([1, 9, 9, 2], 14),
      w = randn([3, 3, 2, 3], 15);
    const y = counting(() => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same", "NHWC", 2));
    expect(y.calls).toBe(0);
    const ref = await onCpu(await plain([x, w]), (xc, wc) => [
      tf.conv2d(xc as tf.Tensor4D, wc as tf.Tensor4D, 1, "same", "NHWC", 2),
    ]);
    expectClose([y.value], ref, "dilated conv2d");
    tf.dispose([x, w, y.value]);
  });

  it("fused conv2d with another activation: the WASM kernel, right values", async () => {
    const x = randn([1, 6, 6, 2], 16),
      w = randn([3, 3, 2, 3], 17),
      bias = randn([3], 18);
    const f = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
      tf.fused.conv2d({
        x: xi as tf.Tensor4D,
        filter: wi as tf.Tensor4D,
        strides: 1,
        pad: "same",
        bias: bi,
        activation: "sigmoid",
      });
    const sig = counting(() => f(x, w, bias));
    expect(sig.calls).toBe(0);
    const ref = await onCpu(await plain([x, w, bias]), (xc, wc, bc) => [f(xc, wc, bc)]);
    expectClose([sig.value], ref, "fused sigmoid");
    tf.dispose([x, w, bias, sig.value]);
  });

  it("fused conv2d with a bias per pixel: the WASM kernel's own error, not a wrong answer", () => {
    const x = randn([1, 6, 6, 2], 16),
      w = randn([3, 3, 2, 3], 17),
      wide = randn([1, 6, 6, 3], 19);
    const r = counting(
      () => () =>
        tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: "same", bias: wide }),
    );
    expect(r.value).toThrow(/rank-1 bias/);
    tf.dispose([x, w, wide]);
  });

  it("NCHW: the WASM kernel's own error, not a wrong answer", () => {
    const x = randn([1, 2, 6, 6], 20),
      w = randn([3, 3, 2, 3], 21);
    expect(() => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same", "NCHW")).toThrow(
      /NCHW|channelsLast|dataFormat/,
    );
    tf.dispose([x, w]);
  });

  it("the native path off: every convolution kernel runs on WASM", () => {
    setNativeEnabled(false);
    const x = randn([1, 6, 6, 2], 22),
      w = randn([3, 3, 2, 3], 23);
    const r = counting(() =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.conv2dTranspose(
            tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same"),
            b as tf.Tensor4D,
            [1, 6, 6, 2],
            2,
            "same",
          ),
        ),
      )([x, w]),
    );
    expect(r.calls).toBe(0);
    expect(r.value.map((t) => t.shape)).toEqual([
      [1, 6, 6, 2],
      [3, 3, 2, 3],
    ]);
    tf.dispose([x, w, ...r.value]);
  });
});

describe("the conv VAE on the native path", () => {
  /** A fixed set of 256 blurry blobs, the same for both runs. */
  function blobs(): TrainingData {
    const rng = new Rng(5);
    const images = new Float32Array(256 * 784);
    for (let n = 0; n < 256; n++) {
      const cx = 6 + rng.uniform() * 16,
        cy = 6 + rng.uniform() * 16,
        r = 3 + rng.uniform() * 5;
      for (let i = 0; i < 28; i++)
        for (let j = 0; j < 28; j++)
          images[n * 784 + i * 28 + j] = Math.exp(-((i - cy) ** 2 + (j - cx) ** 2) / (r * r));
    }
    return {
      kind: "sampler",
      dim: 784,
      sample: (batch, r) => {
        const out = new Float32Array(batch * 784);
        for (let b = 0; b < batch; b++) {
          const k = Math.floor(r.uniform() * 256);
          out.set(images.subarray(k * 784, (k + 1) * 784), b * 784);
        }
        return out;
      },
    };
  }

  it("trains to the same losses as on the WASM kernels, with a constant number of tensors", async () => {
    const run = async (native: boolean) => {
      setNativeEnabled(native);
      const model = createVae(convMnistVae(2), new Rng(1));
      const counts: number[] = [];
      const before = nativeCallCount();
      const r = await train(
        model,
        blobs(),
        { steps: 6, batchSize: 32, learningRate: 1e-3, beta: 1, reduction: "sum", seed: 1 },
        {
          onStep: () => {
            counts.push(tf.memory().numTensors);
          },
        },
      );
      const ran = nativeCallCount() > before;
      model.dispose();
      setNativeEnabled(true);
      return { losses: r.history.map((h) => h.total), counts, ran };
    };
    const native = await run(true);
    const wasm = await run(false);
    expect(native.ran).toBe(true);
    expect(wasm.ran).toBe(false);
    expect(native.losses).toHaveLength(6);
    // Different summation orders (BLAS blocks vs XNNPACK), so float32 rounding differs slightly.
    native.losses.forEach((l, i) => expect(Math.abs(l - wasm.losses[i]) / Math.abs(wasm.losses[i])).toBeLessThan(1e-3));
    expect(native.losses[5]).toBeLessThan(native.losses[0]);
    // From the third step on (Adam's moments exist), the number of live tensors stays put.
    expect(new Set(native.counts.slice(2)).size).toBe(1);
  });

  it("frees every buffer of a gradient computation (WASM heap and tensors)", () => {
    const x = randn([2, 14, 14, 32], 24),
      w = randn([3, 3, 32, 64], 25);
    const f = () =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same"))),
      )([x, w]);
    tf.dispose(f()); // first call: lazily created kernels and buffers
    const tensors = tf.memory().numTensors;
    const ids = tf.engine().backend.numDataIds();
    tf.dispose(f());
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(ids);
    tf.dispose([x, w]);
  });
});
