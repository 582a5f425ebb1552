import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { randn } from "../src/models/reparameterize";
import { check, formatCheckResult } from "./check";
import { computeVaeLossExercise } from "./computeVaeLoss";
import { exercises } from "./index";
import { reparameterizeExercise, type ReparameterizeFn } from "./reparameterize";

const stub = (name: string) => () => {
  throw new Error(`not implemented yet: ${name}`);
};

describe.each(Object.values(exercises))("exercise $id", (ex) => {
  it("passes every public check with the reference solution", () => {
    const r = check(ex.id, ex.reference);
    expect(r.checks.filter((c) => !c.passed), JSON.stringify(r.checks)).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.summary).toMatch(/passes all \d+ checks. The grader runs further hidden checks/);
  });

  it("fails the released stub with a clear 'not implemented yet' message, not a crash", () => {
    const r = check(ex.id, stub(ex.functionName));
    expect(r.passed).toBe(false);
    expect(r.notImplemented).toBe(true);
    expect(r.summary).toContain(`${ex.functionName} is not implemented yet`);
  });

  it("has catalogued mistakes, each failing the checks with its own hint", () => {
    expect(ex.mistakes.length).toBeGreaterThanOrEqual(2);
    for (const m of ex.mistakes) {
      const r = check(ex.id, m.implementation);
      expect(r.passed, `${m.id} should fail`).toBe(false);
      expect(r.mistakeId, `${m.id} should be recognised as itself`).toBe(m.id);
      expect(r.hint).toBe(m.hint);
    }
  });

  it("copes with a function that returns garbage or throws a non-Error", () => {
    expect(check(ex.id, () => 42).passed).toBe(false);
    const thrower = () => {
      throw "boom";
    };
    const r = check(ex.id, thrower);
    expect(r.passed).toBe(false);
    expect(r.checks[0].message).toContain("non-Error value: boom");
  });
});

describe("the mistake catalogue", () => {
  it("holds at least 15 typical wrong answers, at least 5 for lesson 1's exercises together", () => {
    const all = Object.values(exercises).flatMap((e) => e.mistakes.map((m) => `${e.id}/${m.id}`));
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(15);
    expect(Object.values(exercises).filter((e) => e.lesson === 1).flatMap((e) => e.mistakes).length).toBeGreaterThanOrEqual(5);
  });
});

describe("reparameterize checks", () => {
  it("accept honest alternative implementations", () => {
    const alternatives: ReparameterizeFn[] = [
      (mu, logVar) => tf.add(mu, tf.mul(tf.exp(tf.div(logVar, 2)), randn(mu.shape))) as tf.Tensor2D,
      (mu, logVar) => tf.add(mu, tf.mul(tf.sqrt(tf.exp(logVar)), tf.randomNormal(mu.shape))) as tf.Tensor2D,
      (mu, logVar) => mu.add(logVar.mul(0.5).exp().mul(tf.randomNormal(logVar.shape))) as tf.Tensor2D,
    ];
    for (const fn of alternatives) expect(check("reparameterize", fn).passed).toBe(true);
  });

  it("name a wrong return type plainly", () => {
    const r = check("reparameterize", () => [1, 2]);
    expect(r.checks[0].message).toContain("should return a tensor, but returned an array of 2 items");
  });

  it("leave the notebook's random stream where it was", async () => {
    const { setSeed, defaultRng } = await import("../src/random");
    setSeed(5);
    const a = defaultRng().uniform();
    setSeed(5);
    check("reparameterize", reparameterizeExercise.reference);
    expect(defaultRng().uniform()).toBe(a);
  });
});

describe("computeVaeLoss checks", () => {
  it("reject a missing field by name", () => {
    const r = check("computeVaeLoss", () => ({ total: tf.scalar(1), recon: tf.scalar(1) }));
    expect(r.checks[0].message).toContain('no "kl"');
    expect(computeVaeLossExercise.mistakes.length).toBeGreaterThanOrEqual(5);
  });
});

describe("formatCheckResult", () => {
  it("shows each failed check, its message and the hint, as text and HTML", () => {
    const m = reparameterizeExercise.mistakes.find((x) => x.id === "sigma-is-exp-logvar")!;
    const { text, html } = formatCheckResult(check("reparameterize", m.implementation));
    expect(text).toContain("✗ z has mean mu and standard deviation exp(½·logVar)");
    expect(text).toContain("Hint: σ should be exp(½·logVar)");
    expect(html).toContain("<b>Hint:</b>");
  });

  it("tells an unknown exercise id apart", () => {
    expect(check("nope", () => 0).summary).toContain('There is no exercise "nope"');
  });
});
