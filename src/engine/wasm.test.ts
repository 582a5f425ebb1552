import * as tf from "@tensorflow/tfjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../vae/random";
import { conv2dBackpropFilterWasm } from "./conv2dBackpropFilter";
import { conv2dBackpropInputWasm } from "./conv2dBackpropInput";
import { setNativeEnabled } from "./native";
import type { NativeWrapperMarks } from "./nativeConv";
import { registerWasmExtras } from "./wasm";

// The setup file selected WASM and registered the extra kernels. Reference: the CPU backend's kernels.
// Where the native path is active its convolutions (./nativeConv.ts) run first; it is switched off
// here, so that these tests run the WASM kernels, which it falls back to.
const rng = new Rng(17);
const rand = (shape: number[]) => Array.from(rng.normals(shape.reduce((a, b) => a * b, 1)));
type Shape4 = [number, number, number, number];
type Pad = "same" | "valid" | number | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  name: string;
  x: Shape4;
  w: Shape4;
  strides: number | [number, number];
  pad: Pad;
}

/** Output and gradients w.r.t. x and w of Σ conv(x, w)·r, computed on `backend`. r fixes dy. */
function conv2dWithGrads(backend: string, c: Case, values: { x: number[]; w: number[]; r: number[] }) {
  const prev = tf.getBackend();
  tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const x = tf.tensor4d(values.x, c.x);
      const w = tf.tensor4d(values.w, c.w);
      const y = tf.conv2d(x, w, c.strides, c.pad);
      const r = tf.tensor(values.r, y.shape);
      const [dx, dw] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, c.strides, c.pad), r)),
      )([x, w]);
      return { y: Array.from(y.dataSync()), dx: Array.from(dx.dataSync()), dw: Array.from(dw.dataSync()) };
    });
  } finally {
    tf.setBackend(prev);
  }
}

/** Output and gradients of Σ conv2dTranspose(x, w)·r on `backend`. */
function conv2dTransposeWithGrads(
  backend: string,
  x: Shape4,
  w: Shape4,
  out: Shape4,
  stride: number,
  pad: "same" | "valid",
  values: { x: number[]; w: number[]; r: number[] },
) {
  const prev = tf.getBackend();
  tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const f = (xi: tf.Tensor, wi: tf.Tensor) =>
        tf.conv2dTranspose(xi as tf.Tensor4D, wi as tf.Tensor4D, out, stride, pad);
      const xt = tf.tensor4d(values.x, x),
        wt = tf.tensor4d(values.w, w),
        r = tf.tensor4d(values.r, out);
      const [dx, dw] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.mul(f(xi, wi), r)))([xt, wt]);
      return { y: Array.from(f(xt, wt).dataSync()), dx: Array.from(dx.dataSync()), dw: Array.from(dw.dataSync()) };
    });
  } finally {
    tf.setBackend(prev);
  }
}

function outShape(c: Case): number[] {
  return tf.backend_util.computeConv2DInfo(c.x, c.w, c.strides, 1, c.pad).outShape;
}

function expectClose(actual: number[], expected: number[]) {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1, ...expected.map(Math.abs));
  let worst = 0;
  actual.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]))));
  expect(worst).toBeLessThan(1e-4 * scale);
}

const cases: Case[] = [
  { name: "stride 1, same", x: [2, 6, 6, 3], w: [3, 3, 3, 4], strides: 1, pad: "same" },
  {
    name: "stride 2, same, 28×28, batch 5 (the encoder's first layer)",
    x: [5, 28, 28, 1],
    w: [3, 3, 1, 8],
    strides: 2,
    pad: "same",
  },
  {
    name: "stride 2, same, 14×14 → 7×7 (the encoder's second layer)",
    x: [3, 14, 14, 8],
    w: [3, 3, 8, 16],
    strides: 2,
    pad: "same",
  },
  { name: "stride 2, same, odd sizes, batch 1", x: [1, 7, 9, 2], w: [3, 3, 2, 3], strides: 2, pad: "same" },
  { name: "stride 2, valid", x: [3, 9, 9, 2], w: [3, 3, 2, 2], strides: 2, pad: "valid" },
  { name: "stride 1, valid, 5×5 kernel", x: [2, 8, 7, 2], w: [5, 5, 2, 3], strides: 1, pad: "valid" },
  { name: "stride 3, valid, rows left unread", x: [1, 10, 10, 1], w: [3, 3, 1, 2], strides: 3, pad: "valid" },
  { name: "stride 3 > kernel 2 (phases without taps)", x: [2, 11, 8, 2], w: [2, 2, 2, 3], strides: 3, pad: "same" },
  { name: "strides [1, 2], 4×2 kernel", x: [2, 9, 10, 3], w: [4, 2, 3, 2], strides: [1, 2], pad: "same" },
  { name: "numeric padding 1", x: [2, 8, 8, 2], w: [3, 3, 2, 2], strides: 2, pad: 1 },
  {
    name: "explicit uneven padding",
    x: [2, 8, 9, 2],
    w: [3, 3, 2, 3],
    strides: 2,
    pad: [
      [0, 0],
      [2, 0],
      [1, 3],
      [0, 0],
    ],
  },
];

// These compare WASM with CPU, so they run when the suite runs on WASM (the default).
describe.runIf(tf.getBackend() === "wasm")("WASM conv kernels (Conv2DBackpropFilter, Conv2DBackpropInput)", () => {
  beforeAll(() => setNativeEnabled(false));
  afterAll(() => setNativeEnabled(true));
  afterEach(() => expect(tf.getBackend()).toBe("wasm"));

  /** Our WASM kernel: the registered one, or the one the native-first kernel falls back to. */
  const wasmKernelOf = (name: string) => {
    const k = tf.getKernel(name, "wasm")?.kernelFunc as (tf.KernelFunc & Partial<NativeWrapperMarks>) | undefined;
    return k?.nativeFallback ?? k;
  };

  it("are registered for the wasm backend by our functions", () => {
    expect(wasmKernelOf("Conv2DBackpropFilter")).toBe(conv2dBackpropFilterWasm);
    expect(wasmKernelOf("Conv2DBackpropInput")).toBe(conv2dBackpropInputWasm);
  });

  it("registers idempotently (a second call changes nothing and prints nothing)", () => {
    const before = ["Conv2DBackpropFilter", "Conv2DBackpropInput"].map((k) => tf.getKernel(k, "wasm")?.kernelFunc);
    registerWasmExtras();
    registerWasmExtras();
    expect(["Conv2DBackpropFilter", "Conv2DBackpropInput"].map((k) => tf.getKernel(k, "wasm")?.kernelFunc)).toEqual(
      before,
    );
    expect(wasmKernelOf("Conv2DBackpropFilter")).toBe(conv2dBackpropFilterWasm);
    expect(wasmKernelOf("Conv2DBackpropInput")).toBe(conv2dBackpropInputWasm);
  });

  for (const c of cases) {
    it(`match the CPU backend's conv2d gradients for x and the filter (${c.name})`, () => {
      const values = { x: rand(c.x), w: rand(c.w), r: rand(outShape(c)) };
      const cpu = conv2dWithGrads("cpu", c, values);
      const wasm = conv2dWithGrads("wasm", c, values);
      expectClose(wasm.y, cpu.y);
      expectClose(wasm.dx, cpu.dx);
      expectClose(wasm.dw, cpu.dw);
    });
  }

  const transposeCases: [string, Shape4, Shape4, Shape4, number, "same" | "valid"][] = [
    ["the decoder's 7×7×64 → 14×14×32 upsampling, batch 4", [4, 7, 7, 6], [3, 3, 5, 6], [4, 14, 14, 5], 2, "same"],
    ["14×14 → 28×28×1, batch 1", [1, 14, 14, 3], [3, 3, 1, 3], [1, 28, 28, 1], 2, "same"],
    ["odd output 13×13", [2, 7, 7, 2], [3, 3, 3, 2], [2, 13, 13, 3], 2, "same"],
    ["valid padding, 15×15", [2, 7, 7, 2], [3, 3, 2, 2], [2, 15, 15, 2], 2, "valid"],
  ];
  for (const [name, x, w, out, stride, pad] of transposeCases) {
    it(`match the CPU backend's conv2dTranspose output and gradients (${name})`, () => {
      const values = { x: rand(x), w: rand(w), r: rand(out) };
      const cpu = conv2dTransposeWithGrads("cpu", x, w, out, stride, pad, values);
      const wasm = conv2dTransposeWithGrads("wasm", x, w, out, stride, pad, values);
      expectClose(wasm.y, cpu.y);
      expectClose(wasm.dx, cpu.dx);
      expectClose(wasm.dw, cpu.dw);
    });
  }

  it("leave no tensors or WASM buffers behind", () => {
    const c = cases[2];
    const values = { x: rand(c.x), w: rand(c.w), r: rand(outShape(c)) };
    const tValues = { x: rand([2, 7, 7, 4]), w: rand([3, 3, 3, 4]), r: rand([2, 14, 14, 3]) };
    const run = () => {
      conv2dWithGrads("wasm", c, values);
      conv2dTransposeWithGrads("wasm", [2, 7, 7, 4], [3, 3, 3, 4], [2, 14, 14, 3], 2, "same", tValues);
    };
    run();
    const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const [tensorsBefore, idsBefore] = [tf.memory().numTensors, dataIds()];
    run();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(dataIds()).toBe(idsBefore); // the kernels' intermediate buffers were freed
  });
});
