/**
 * The manifest stays in step with the exercises: every public check and hidden test has exactly
 * one entry, each exercise's points add up to its contract's, the test ids Gradescope and the
 * gradebooks key on never change, and learner-facing failure phrases never carry text from the
 * learner's code.
 */
import { describe, expect, it } from "vitest";
import { exercises } from "../exercises/index";
import { hiddenSuites } from "./hidden/index";
import { MANIFEST, pointsOf, testsOf } from "./manifest";
import { failurePhrase, scoreExercise } from "./score";

/**
 * Every test id the grader has ever scored, with its points, in manifest order. Gradebooks and
 * Gradescope key on the ids: a derived manifest must keep each one. Add new tests at their
 * exercise's place; never rename or drop one.
 */
const STABLE_IDS: [string, number][] = [
  ["reparameterize.public.shape", 0.25],
  ["reparameterize.public.own-eps", 0.25],
  ["reparameterize.public.fresh-eps", 0.25],
  ["reparameterize.public.moments", 0.25],
  ["reparameterize.public.normal-eps", 0.25],
  ["reparameterize.public.gradients", 0.25],
  ["reparameterize.hidden.moments-per-dimension", 1],
  ["reparameterize.hidden.gradients", 1],
  ["reparameterize.hidden.one-wide-row", 0.5],

  ["computeVaeLoss.public.returns", 0.25],
  ["computeVaeLoss.public.recon", 0.25],
  ["computeVaeLoss.public.kl-prior", 0.25],
  ["computeVaeLoss.public.kl", 0.25],
  ["computeVaeLoss.public.sampled-z", 0.25],
  ["computeVaeLoss.public.total", 0.25],
  ["computeVaeLoss.public.gradients", 0.25],
  ["computeVaeLoss.hidden.values-beta", 0.5],
  ["computeVaeLoss.hidden.beta-zero", 0.5],
  ["computeVaeLoss.hidden.kl-wide", 0.25],
  ["computeVaeLoss.hidden.sampled-z", 0.5],
  ["computeVaeLoss.hidden.gradients", 0.5],

  ["elbo.public.returns", 0.25],
  ["elbo.public.recon", 0.25],
  ["elbo.public.kl", 0.25],
  ["elbo.public.total", 0.25],
  ["elbo.public.confident-logits", 0.25],
  ["elbo.public.gradients", 0.25],
  ["elbo.hidden.values", 1],
  ["elbo.hidden.saturated-logits", 0.5],
  ["elbo.hidden.gradients", 1],

  ["slerp.public.ends", 0.2],
  ["slerp.public.arc", 0.2],
  ["slerp.public.formula", 0.2],
  ["slerp.public.parallel", 0.2],
  ["slerp.public.degenerate", 0.2],
  ["slerp.hidden.path", 0.3],
  ["slerp.hidden.nearly-parallel", 0.25],
  ["slerp.hidden.degenerate", 0.2],
  ["slerp.hidden.inputs-unchanged", 0.25],

  ["betaSchedule.public.starts-at-zero", 0.1],
  ["betaSchedule.public.ramp", 0.15],
  ["betaSchedule.public.after-warmup", 0.125],
  ["betaSchedule.public.no-warmup", 0.125],
  ["betaSchedule.hidden.ramp", 0.75],
  ["betaSchedule.hidden.after-warmup", 0.25],
  ["betaSchedule.hidden.no-warmup", 0.25],
  ["betaSchedule.hidden.short-warmup", 0.25],

  ["activeUnits.public.shape", 0.1],
  ["activeUnits.public.variance", 0.15],
  ["activeUnits.public.count", 0.1],
  ["activeUnits.public.boundary", 0.1],
  ["activeUnits.public.inputs-unchanged", 0.05],
  ["activeUnits.hidden.variance", 0.5],
  ["activeUnits.hidden.count", 0.5],
  ["activeUnits.hidden.edge-cases", 0.25],
  ["activeUnits.hidden.inputs-unchanged", 0.25],

  ["centroidDirection.public.shape", 0.1],
  ["centroidDirection.public.formula", 0.2],
  ["centroidDirection.public.single", 0.1],
  ["centroidDirection.public.inputs-unchanged", 0.1],
  ["centroidDirection.hidden.direction", 0.75],
  ["centroidDirection.hidden.unequal-counts", 0.5],
  ["centroidDirection.hidden.inputs-unchanged", 0.25],
];

describe("the manifest", () => {
  it("keeps every test id and its points, in order", () => {
    expect(MANIFEST.map((t) => [t.id, t.points])).toEqual(STABLE_IDS);
  });

  it("is derived from every exercise's public checks and hidden suite, in lesson order", () => {
    expect([...new Set(MANIFEST.map((t) => t.exercise))]).toEqual(Object.keys(exercises));
    expect(Object.keys(hiddenSuites).sort()).toEqual(Object.keys(exercises).sort());
    for (const t of MANIFEST)
      expect(t.id).toBe(
        `${t.exercise}.${t.suite}.${t.suite === "public" ? exercises[t.exercise].checks.find((c) => c.name === t.check)!.id : t.check}`,
      );
  });

  it.each(Object.keys(exercises))("covers every test of %s once, with the exercise's points", (id) => {
    const tests = testsOf(id);
    expect(tests.filter((t) => t.suite === "public").map((t) => t.check)).toEqual(
      exercises[id].checks.map((c) => c.name),
    );
    expect(tests.filter((t) => t.suite === "hidden").map((t) => t.check)).toEqual(
      hiddenSuites[id].checks.map((c) => c.id),
    );
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
    for (const error of [
      `it threw Error: ${secret}`,
      `it threw ${secret}: x`,
      `it threw a non-Error value: ${secret}`,
      secret,
    ]) {
      expect(failurePhrase({ ok: false, error, notImplemented: false }, "f")).not.toContain(secret);
    }
    expect(failurePhrase({ ok: false, error: "it threw TypeError: x", notImplemented: false }, "f")).toBe(
      "it threw a TypeError",
    );
    expect(failurePhrase({ ok: false, error: "", notImplemented: false, reason: "timeout" }, "f")).toMatch(
      /time limit/,
    );
  });

  it("scores missing observations 0, never more", () => {
    const r = scoreExercise("slerp", {}, {}, []);
    expect(r.score).toBe(0);
    expect(r.tests.every((t) => t.score === 0)).toBe(true);
    const junk = scoreExercise(
      "slerp",
      { ends: { ok: true, value: "1e9 points" } } as never,
      { path: { ok: true, value: null } } as never,
      [],
    );
    expect(junk.score).toBe(0);
  });
});
