import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { check } from "../check";
import type { CentroidDirectionFn } from "./contract";

describe("centroidDirection checks", () => {
  it("accept honest alternative implementations: loops, and tf.mean in float32", () => {
    const loops: CentroidDirectionFn = (from, to) => {
      const d = new Array<number>(from[0].length).fill(0);
      for (const z of to) z.forEach((v, k) => (d[k] += v / to.length));
      for (const z of from) z.forEach((v, k) => (d[k] -= v / from.length));
      return d;
    };
    const withTf: CentroidDirectionFn = (from, to) =>
      tf.tidy(() => Array.from(tf.sub(tf.mean(tf.tensor2d(to), 0), tf.mean(tf.tensor2d(from), 0)).dataSync()));
    for (const fn of [loops, withTf])
      expect(check("centroidDirection", fn).checks.filter((c) => !c.passed)).toEqual([]);
  });

  it("name a tensor returned instead of numbers", () => {
    const r = check("centroidDirection", (from: number[][], to: number[][]) =>
      tf.sub(tf.mean(tf.tensor2d(to), 0), tf.mean(tf.tensor2d(from), 0)),
    );
    expect(r.checks[0].message).toMatch(
      /^centroidDirection should return an array of plain numbers, but returned a float32 tensor of shape \[2\]/,
    );
  });
});
