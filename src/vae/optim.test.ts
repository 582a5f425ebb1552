import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { withoutFastPath } from "../engine/install";
import { adam, type Optimizer } from "./optim";

/** The core's own Adam in tf ops: the engine off. */
const coreAdam = (lr: number): Optimizer => withoutFastPath(() => adam(lr));

/** Trains two copies of the same parameters on the same gradients, with tf.train.adam and ours. */
function compareWithTfAdam(
  shapes: number[][],
  steps: number,
  makeOptimizer: (lr: number) => Optimizer,
  lr = 1e-3,
): { maxDiff: number; moved: number } {
  const init = shapes.map((s, i) => tf.randomNormal(s, 0, 1, "float32", 10 + i));
  const ref = init.map((t) => tf.variable(t.clone()));
  const ours = init.map((t) => tf.variable(t.clone()));
  const tfOpt = tf.train.adam(lr);
  const opt = makeOptimizer(lr);
  for (let s = 0; s < steps; s++) {
    const grads = shapes.map((shape, i) => tf.randomNormal(shape, 0, 1, "float32", 100 * s + i));
    tfOpt.applyGradients(Object.fromEntries(ref.map((v, i) => [v.name, grads[i]])) as never); // its typing wants Variables
    opt.applyGradients(Object.fromEntries(ours.map((v, i) => [v.name, grads[i]])));
    tf.dispose(grads);
  }
  const maxDiff = Math.max(...ours.map((v, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(v, ref[i]))).dataSync()[0])));
  const moved = Math.max(...ours.map((v, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(v, init[i]))).dataSync()[0])));
  tfOpt.dispose();
  opt.dispose();
  tf.dispose([...init, ...ref, ...ours]);
  return { maxDiff, moved };
}

// The core's Adam and the engine's fused one must both be tf.train.adam, bit for bit.
const optimizers: [string, (lr: number) => Optimizer][] = [
  ["the core's, in tf ops", coreAdam],
  ["fused, the engine's", adam],
];

for (const [label, makeOptimizer] of optimizers) {
  describe(`adam (${label})`, () => {
    it("gives tf.train.adam's weights bit for bit, including odd sizes that end in a scalar tail", () => {
      const { maxDiff, moved } = compareWithTfAdam([[7, 5], [3], [64, 33], [1]], 12, makeOptimizer);
      expect(moved).toBeGreaterThan(5e-3); // the steps did something
      expect(maxDiff).toBe(0);
    });

    it("gives tf.train.adam's weights on the CPU backend too", async () => {
      const before = tf.getBackend();
      await tf.setBackend("cpu");
      try {
        expect(compareWithTfAdam([[5, 3], [6]], 5, makeOptimizer).maxDiff).toBe(0);
      } finally {
        await tf.setBackend(before);
      }
    });

    it("keeps the number of live tensors constant across steps, and frees its moments", () => {
      const w = tf.variable(tf.ones([4, 3]));
      const opt = makeOptimizer(1e-2);
      const step = () => tf.tidy(() => opt.applyGradients({ [w.name]: tf.fill([4, 3], 0.5) }));
      step(); // creates the moments
      const n = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) step();
      expect(tf.memory().numTensors).toBe(n);
      opt.dispose();
      w.dispose();
      expect(tf.memory().numTensors).toBe(n - 3); // w, m and v are gone
    });

    it("moves each weight against its gradient by about lr on the first step", () => {
      const w = tf.variable(tf.tensor1d([1, 1, 1]));
      const opt = makeOptimizer(0.1);
      opt.applyGradients([{ name: w.name, tensor: tf.tensor1d([2, -3, 0]) }]);
      // m̂ = g, v̂ = g², so the step is lr·g/|g| = ±lr (and 0 where g = 0).
      const got = Array.from(w.dataSync());
      expect(got[0]).toBeCloseTo(0.9, 5);
      expect(got[1]).toBeCloseTo(1.1, 5);
      expect(got[2]).toBe(1);
      opt.dispose();
      w.dispose();
    });
  });
}
