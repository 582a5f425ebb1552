import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it } from "vitest";
import { Rng } from "../random";

// The setup file selected WASM and registered the extra kernels. Reference: the CPU backend.
const rng = new Rng(17);
const rand = (shape: number[]) => Array.from(rng.normals(shape.reduce((a, b) => a * b, 1)));

type Pad = "same" | "valid";
function filterGrad(backend: string, kind: "conv" | "transpose", xShape: number[], wShape: number[], stride: number, pad: Pad, xv: number[], wv: number[], outShape?: number[]) {
  const prev = tf.getBackend();
  tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const x = tf.tensor4d(xv, xShape as [number, number, number, number]);
      const w = tf.tensor4d(wv, wShape as [number, number, number, number]);
      const f = (wt: tf.Tensor) =>
        kind === "conv"
          ? tf.sum(tf.square(tf.conv2d(x, wt as tf.Tensor4D, stride, pad)))
          : tf.sum(tf.square(tf.conv2dTranspose(x, wt as tf.Tensor4D, outShape as [number, number, number, number], stride, pad)));
      return Array.from(tf.grad(f)(w).dataSync());
    });
  } finally {
    tf.setBackend(prev);
  }
}

describe("Conv2DBackpropFilter on WASM", () => {
  afterEach(() => expect(tf.getBackend()).toBe("wasm"));

  const cases: [string, number[], number[], number, Pad][] = [
    ["stride 1, same", [2, 6, 6, 3], [3, 3, 3, 4], 1, "same"],
    ["stride 2, same, even size", [5, 28, 28, 1], [3, 3, 1, 8], 2, "same"],
    ["stride 2, same, odd size", [1, 7, 9, 2], [3, 3, 2, 3], 2, "same"],
    ["stride 2, valid", [3, 9, 9, 2], [3, 3, 2, 2], 2, "valid"],
    ["stride 1, valid, 5×5 kernel", [2, 8, 7, 2], [5, 5, 2, 3], 1, "valid"],
    ["stride 3, valid, rows left unread", [1, 10, 10, 1], [3, 3, 1, 2], 3, "valid"],
  ];
  for (const [name, xShape, wShape, stride, pad] of cases) {
    it(`matches the CPU backend's conv2d filter gradient (${name})`, () => {
      const xv = rand(xShape), wv = rand(wShape);
      const cpu = filterGrad("cpu", "conv", xShape, wShape, stride, pad, xv, wv);
      const wasm = filterGrad("wasm", "conv", xShape, wShape, stride, pad, xv, wv);
      expect(wasm.length).toBe(cpu.length);
      const scale = Math.max(...cpu.map(Math.abs));
      wasm.forEach((v, i) => expect(Math.abs(v - cpu[i])).toBeLessThan(1e-4 * scale + 1e-4));
    });
  }

  it("matches the CPU backend's conv2dTranspose filter gradient (the decoder's upsampling)", () => {
    const xShape = [4, 7, 7, 6], wShape = [3, 3, 5, 6], outShape = [4, 14, 14, 5];
    const xv = rand(xShape), wv = rand(wShape);
    const cpu = filterGrad("cpu", "transpose", xShape, wShape, 2, "same", xv, wv, outShape);
    const wasm = filterGrad("wasm", "transpose", xShape, wShape, 2, "same", xv, wv, outShape);
    const scale = Math.max(...cpu.map(Math.abs));
    wasm.forEach((v, i) => expect(Math.abs(v - cpu[i])).toBeLessThan(1e-4 * scale + 1e-4));
  });

  it("leaves no tensors or WASM buffers behind", () => {
    const xv = rand([2, 8, 8, 2]), wv = rand([3, 3, 2, 2]);
    filterGrad("wasm", "conv", [2, 8, 8, 2], [3, 3, 2, 2], 2, "same", xv, wv);
    const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const [tensorsBefore, idsBefore] = [tf.memory().numTensors, dataIds()];
    filterGrad("wasm", "conv", [2, 8, 8, 2], [3, 3, 2, 2], 2, "same", xv, wv);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(dataIds()).toBe(idsBefore); // the kernel's intermediate buffers were freed
  });
});
