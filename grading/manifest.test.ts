/**
 * The manifest stays in step with the exercises: every public check and hidden test has exactly
 * one entry, each exercise's points add up to its contract's, and learner-facing failure phrases
 * never carry text from the learner's code.
 */
import { describe, expect, it } from "vitest";
import { exercises } from "../exercises/index";
import { hiddenSuites } from "./hidden/index";
import { MANIFEST, pointsOf, testsOf } from "./manifest";
import { failurePhrase, scoreExercise } from "./score";

describe("the manifest", () => {
  it.each(Object.keys(exercises))("covers every test of %s once, with the exercise's points", (id) => {
    const tests = testsOf(id);
    expect(tests.filter((t) => t.suite === "public").map((t) => t.check).sort()).toEqual(exercises[id].checks.map((c) => c.name).sort());
    expect(tests.filter((t) => t.suite === "hidden").map((t) => t.check).sort()).toEqual(hiddenSuites[id].checks.map((c) => c.id).sort());
    expect(pointsOf(id)).toBeCloseTo(exercises[id].points, 9);
    expect(tests.every((t) => t.points > 0)).toBe(true);
  });

  it("has unique ids, and hidden tests are not visible before grades are published", () => {
    expect(new Set(MANIFEST.map((t) => t.id)).size).toBe(MANIFEST.length);
    expect(MANIFEST.filter((t) => t.suite === "hidden").every((t) => t.visibility === "after_published")).toBe(true);
    expect(Object.isFrozen(MANIFEST)).toBe(true);
  });
});

describe("scoring", () => {
  it("describes failures in the grader's words, never the learner's", () => {
    const secret = "HIDDEN-INPUT-0.3141";
    for (const error of [`it threw Error: ${secret}`, `it threw ${secret}: x`, `it threw a non-Error value: ${secret}`, secret]) {
      expect(failurePhrase({ ok: false, error, notImplemented: false }, "f")).not.toContain(secret);
    }
    expect(failurePhrase({ ok: false, error: "it threw TypeError: x", notImplemented: false }, "f")).toBe("it threw a TypeError");
    expect(failurePhrase({ ok: false, error: "", notImplemented: false, reason: "timeout" }, "f")).toMatch(/time limit/);
  });

  it("scores missing observations 0, never more", () => {
    const r = scoreExercise("slerp", {}, {}, []);
    expect(r.score).toBe(0);
    expect(r.tests.every((t) => t.score === 0)).toBe(true);
    const junk = scoreExercise("slerp", { ends: { ok: true, value: "1e9 points" } } as never, { path: { ok: true, value: null } } as never, []);
    expect(junk.score).toBe(0);
  });
});
