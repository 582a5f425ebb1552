import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { evaluate } from "./evaluate";
import { klPerDimension } from "./klPerDimension";
import { mnistVae } from "./presets";
import type { Vae } from "./types";
import { createVae } from "./vae";
import { Rng } from "./random";

/** A stand-in whose encoder returns mu = the first two inputs and logVar = the next two. */
function fixedEncoder(): Vae {
  return {
    config: { kind: "mlp", inputDim: 4, hiddenDims: [], latentDim: 2, likelihood: "gaussian" },
    variables: [],
    variableNames: [],
    encode: (x) => tf.tidy(() => ({ mu: tf.slice(x, [0, 0], [-1, 2]), logVar: tf.slice(x, [0, 2], [-1, 2]) })),
    decode: (z) => z,
    summary: () => [],
    dispose: () => {},
  };
}

describe("klPerDimension", () => {
  it("is ½(mu² + σ² − log σ² − 1) per dimension, averaged over the rows", () => {
    // Row 1: mu = (1, 0), logVar = (0, 0); row 2: mu = (3, 0), logVar = (0, log 2).
    const rows = Float32Array.from([1, 0, 0, 0, 3, 0, 0, Math.log(2)]);
    const kl = klPerDimension(fixedEncoder(), rows, 2, 4);
    expect(kl[0]).toBeCloseTo((0.5 + 4.5) / 2, 5); // ½mu²: 0.5 and 4.5
    expect(kl[1]).toBeCloseTo((0 + 0.5 * (2 - Math.log(2) - 1)) / 2, 5);
  });

  it("gives 0 for a dimension that is the prior for every row (mu = 0, logVar = 0)", () => {
    const rows = Float32Array.from([2, 0, 0, 0, -1, 0, 0.5, 0]);
    expect(klPerDimension(fixedEncoder(), rows, 2, 4)[1]).toBe(0);
  });

  it("sums to the ELBO's KL term of a real model, the same in any batch size, without leaking tensors", () => {
    const model = createVae(mnistVae(3, 16), new Rng(1));
    const rng = new Rng(2);
    const n = 37;
    const rows = Float32Array.from({ length: n * 784 }, () => rng.uniform());
    const before = tf.memory().numTensors;
    const kl = klPerDimension(model, rows, n, 784, 10);
    expect(tf.memory().numTensors).toBe(before);
    expect(kl).toHaveLength(3);
    const whole = klPerDimension(model, rows, n, 784);
    kl.forEach((v, j) => expect(v).toBeCloseTo(whole[j], 5));
    const elboKl = evaluate(model, rows, n, 784, { reduction: "sum", seed: 3 }).kl; // KL summed over dimensions, mean over rows
    expect(kl.reduce((a, b) => a + b, 0)).toBeCloseTo(elboKl, 4);
    model.dispose();
  });

  it("names the problem when the rows do not match n × dim", () => {
    expect(() => klPerDimension(fixedEncoder(), new Float32Array(7), 2, 4)).toThrow(
      "klPerDimension: rows hold 7 values, expected n × dim = 2 × 4 = 8.",
    );
    expect(() => klPerDimension(fixedEncoder(), new Float32Array(0), 0, 4)).toThrow(
      "n must be a whole number ≥ 1, got 0",
    );
  });
});
