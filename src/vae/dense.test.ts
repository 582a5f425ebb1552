import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { transpose2d, transposedProductPays } from "../engine/fastDense";
import { fastPath } from "../engine/fastPath";
import { withoutFastPath } from "../engine/install";
import { adam } from "./optim";
import { Rng } from "./random";
import { gradCheck } from "../testing/gradcheck";
import { createDense, dense, type Activation } from "./dense";

/** The core's own layer (plain tf ops, differentiated by tf itself), the engine off: the reference. */
function plainDense(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, activation: Activation): tf.Tensor {
  const layer = { name: "plain", w: w as tf.Variable, b: b as tf.Variable, activation };
  return withoutFastPath(() => dense(x as tf.Tensor2D, layer));
}

const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);
const maxRelDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => maxAbs(tf.sub(a, b)) / Math.max(maxAbs(b), 1e-12));

// Both code paths of the WASM kernel: fused matmul for small layers, transposed products for large.
const SHAPES: [batch: number, inDim: number, outDim: number][] = [
  [6, 3, 5],
  [4, 24, 20],
  [128, 256, 256],
  [128, 784, 400],
];

describe("dense layer", () => {
  it("runs the engine's fast path here, and plain tf ops without it", () => {
    expect(fastPath.hooks).not.toBeNull(); // installed by initBackend (src/testing/setup.ts)
    withoutFastPath(() => expect(fastPath.hooks).toBeNull());
    expect(fastPath.hooks).not.toBeNull();
  });

  it("uses both kernel paths in these tests", () => {
    expect(SHAPES.map(([b, i, o]) => transposedProductPays(b, i, o))).toEqual([false, true, false, true]);
  });

  for (const [batch, inDim, outDim] of SHAPES) {
    for (const activation of ["relu", "linear"] as const) {
      it(`gives the core's values and gradients on the fast path for ${activation} ${inDim}→${outDim}, batch ${batch}`, () => {
        const layer = createDense("t", inDim, outDim, activation, new Rng(inDim + outDim));
        const x = tf.randomNormal([batch, inDim], 0, 1, "float32", 3) as tf.Tensor2D;
        const c = tf.randomNormal([batch, outDim], 0, 1, "float32", 4); // a fixed linear read-out
        const ours = (xi: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(dense(xi as tf.Tensor2D, { ...layer, w: w as tf.Variable, b: b as tf.Variable }), c));
        const ref = (xi: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(plainDense(xi, w, b, activation), c));
        const y = dense(x, layer);
        const yRef = plainDense(x, layer.w, layer.b, activation);
        expect(maxRelDiff(y, yRef)).toBeLessThan(1e-5);
        const g = tf.grads(ours)([x, layer.w, layer.b]);
        const gRef = tf.grads(ref)([x, layer.w, layer.b]);
        for (let k = 0; k < 3; k++) expect(maxRelDiff(g[k], gRef[k])).toBeLessThan(1e-5);
        tf.dispose([x, c, y, yRef, ...g, ...gRef, layer.w, layer.b]);
      });
    }
  }

  it("has gradients that match finite differences on the large-layer path", () => {
    for (const activation of ["relu", "linear"] as const) {
      const layer = createDense("fd", 24, 20, activation, new Rng(5));
      const x = tf.randomNormal([4, 24], 0, 1, "float32", 6);
      const c = tf.randomNormal([4, 20], 0, 1, "float32", 7);
      const f = (xi: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(dense(xi as tf.Tensor2D, { ...layer, w: w as tf.Variable, b: b as tf.Variable }), c),
        ) as tf.Scalar;
      // A ReLU kink within h of a pre-activation would spoil the central difference: h is small.
      for (const k of [0, 1, 2]) expect(gradCheck(f, [x, layer.w, layer.b], k, 1e-3).maxAbsError).toBeLessThan(3e-3);
      tf.dispose([x, c, layer.w, layer.b]);
    }
  });

  it("never computes the gradient with respect to the data when only the weights are trained", async () => {
    const [batch, inDim, outDim] = [16, 96, 80];
    const layer = createDense("first", inDim, outDim, "relu", new Rng(8));
    const x = tf.randomNormal([batch, inDim]) as tf.Tensor2D;
    const profile = await tf.profile(() =>
      tf.tidy(() => tf.variableGrads(() => tf.sum(dense(x, layer)), [layer.w, layer.b]).value),
    );
    // Outputs of arithmetic kernels (Identity merely clones the saved input x).
    const shapes = profile.kernels
      .filter((k) => k.name !== "Identity")
      .flatMap((k) => k.outputShapes.map((s) => JSON.stringify(s)));
    expect(shapes).toContain(JSON.stringify([inDim, outDim])); // dW
    expect(shapes).not.toContain(JSON.stringify([batch, inDim])); // dx
    tf.dispose([x, layer.w, layer.b]);
  });

  it("keeps the number of live tensors constant across training steps", () => {
    const layers = [
      createDense("a", 30, 300, "relu", new Rng(1)),
      createDense("b", 300, 300, "relu", new Rng(2)),
      createDense("c", 300, 2, "linear", new Rng(3)),
    ];
    const x = tf.randomNormal([64, 30]);
    const opt = adam(1e-3);
    const step = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(
          () => tf.mean(tf.square(layers.reduce((h, l) => dense(h as tf.Tensor2D, l), x))) as tf.Scalar,
          layers.flatMap((l) => [l.w, l.b]),
        );
        opt.applyGradients(grads);
      });
    step();
    const n = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(n);
    opt.dispose();
    tf.dispose([x, ...layers.flatMap((l) => [l.w, l.b])]);
  });

  it("computes the same layer on the CPU backend", async () => {
    const before = tf.getBackend();
    await tf.setBackend("cpu");
    try {
      const layer = createDense("cpu", 24, 20, "relu", new Rng(9));
      const x = tf.randomNormal([4, 24], 0, 1, "float32", 10);
      const g = tf.grads((w: tf.Tensor) => tf.sum(dense(x as tf.Tensor2D, { ...layer, w: w as tf.Variable })))([
        layer.w,
      ]);
      const gRef = tf.grads((w: tf.Tensor) => tf.sum(plainDense(x, w, layer.b, "relu")))([layer.w]);
      expect(maxRelDiff(dense(x as tf.Tensor2D, layer), plainDense(x, layer.w, layer.b, "relu"))).toBeLessThan(1e-6);
      expect(maxRelDiff(g[0], gRef[0])).toBeLessThan(1e-6);
    } finally {
      await tf.setBackend(before);
    }
  });
});

describe("transpose2d", () => {
  it("transposes any 2-D shape, including sizes that are not multiples of 4", () => {
    for (const [r, c] of [
      [1, 1],
      [3, 5],
      [4, 8],
      [9, 7],
      [130, 33],
    ]) {
      const x = tf.randomNormal([r, c]) as tf.Tensor2D;
      expect(maxAbs(tf.sub(transpose2d(x), tf.transpose(x)))).toBe(0);
    }
  });
});

describe("tensors saved for the backward pass", () => {
  it("keep their values after the caller disposes the originals (shared, reference-counted buffers)", () => {
    const layer = createDense("keep", 5, 4, "relu", new Rng(11));
    const values = Array.from({ length: 15 }, (_, i) => i / 10 - 0.7);
    const f = (w: tf.Tensor) => {
      const x = tf.tensor2d(values, [3, 5]);
      const y = tf.sum(dense(x, { ...layer, w: w as tf.Variable }));
      x.dispose(); // the tape holds its own reference
      return y;
    };
    const [g] = tf.grads(f)([layer.w]);
    const [gRef] = tf.grads((w: tf.Tensor) => tf.sum(plainDense(tf.tensor2d(values, [3, 5]), w, layer.b, "relu")))([
      layer.w,
    ]);
    expect(maxRelDiff(g, gRef)).toBeLessThan(1e-6);
  });
});
