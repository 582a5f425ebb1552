import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { betaAt } from "../../src/vae/train";
import { check } from "../check";
import type { BetaScheduleFn } from "./contract";

describe("betaSchedule checks", () => {
  it("accept honest alternative implementations", () => {
    const branches: BetaScheduleFn = (e, b, w) => {
      if (w === 0 || e >= w) return b;
      return (b * e) / w;
    };
    const fraction: BetaScheduleFn = (e, b, w) => b * (w > 0 ? Math.min(e / w, 1) : 1);
    for (const fn of [branches, fraction])
      expect(check("betaSchedule", fn).checks.filter((c) => !c.passed)).toEqual([]);
  });

  it("agree with the training loop's own warm-up", () => {
    const viaTrain: BetaScheduleFn = (e, b, w) => betaAt({ from: 0, to: b, epochs: w }, e, 0);
    expect(check("betaSchedule", viaTrain).passed).toBe(true);
  });

  it("name a tensor returned instead of a number", () => {
    const r = check("betaSchedule", (e: number, b: number, w: number) =>
      tf.scalar(w === 0 ? b : b * Math.min(1, e / w)),
    );
    expect(r.passed).toBe(false);
    expect(r.checks[0].message).toMatch(
      /^the result of betaSchedule should be a plain number, but is a float32 tensor of shape \[\]: .*dataSync\(\)\[0\]/,
    );
  });

  it("say which call is wrong, with the expected value", () => {
    const r = check(
      "betaSchedule",
      (e: number, b: number, w: number) => (w === 0 ? b : b * Math.min(1, e / w)) + (e === 5 ? 0.5 : 0),
    );
    expect(r.checks.find((c) => !c.passed)!.message).toBe(
      "betaSchedule(5, 4, 10) should be 2 (betaMax · epochsDone / warmupEpochs), but it returned the number 2.5.",
    );
  });
});
