import * as tf from "@tensorflow/tfjs";
import { deserialize, serialize } from "node:v8";
import { beforeAll, describe, expect, it } from "vitest";
import { NotImplementedError } from "../src/notebook/notImplemented";
import { check, formatCheckResult } from "./check";
import { exercises, mistakeCatalogue, type AnyExercise } from "./index";
import { judge, matches, observe } from "./observe";

const stub = (name: string) => () => {
  throw new Error(`not implemented yet: ${name}`);
};

/** The ids of every catalogued mistake whose detector fires on `fn`. */
const detected = (ex: AnyExercise, fn: unknown) => {
  const seen = observe(ex, fn);
  return ex.mistakes.filter((m) => matches(ex, m, seen)).map((m) => m.id);
};

beforeAll(() => {
  // Warm-up: caches the reference's and mistakes' observations, and lets mistakes that keep a
  // tensor on purpose ("eps drawn once") do so before the leak checks count tensors.
  for (const ex of Object.values(exercises)) for (const m of ex.mistakes) check(ex.id, m.implementation);
});

describe.each(Object.values(exercises))("exercise $id", (ex) => {
  it("passes every public check with the reference solution, and matches no mistake", () => {
    const r = check(ex.id, ex.reference);
    expect(
      r.checks.filter((c) => !c.passed),
      JSON.stringify(r.checks),
    ).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.summary).toMatch(new RegExp(`^✓ ${ex.functionName} passes all ${ex.checks.length} public checks`));
    expect(detected(ex, ex.reference)).toEqual([]);
  });

  it("gives the released stub a clear 'not implemented yet' result with its message, not a crash", () => {
    for (const fn of [
      stub(ex.functionName),
      () => {
        throw new NotImplementedError(ex.functionName);
      },
    ]) {
      const r = check(ex.id, fn);
      expect(r.passed).toBe(false);
      expect(r.notImplemented).toBe(true);
      expect(r.hint).toBeUndefined();
      expect(r.summary).toContain(`${ex.functionName} is not implemented yet`);
      expect(r.checks[0].message).toContain(`not implemented yet: ${ex.functionName}`);
      expect(formatCheckResult(r).text).toContain(`not implemented yet: ${ex.functionName}`);
    }
  });

  it("fails every catalogued mistake with that mistake's own hint (its detector alone fires)", () => {
    for (const m of ex.mistakes) {
      const r = check(ex.id, m.implementation);
      expect(r.passed, `${m.id} should fail`).toBe(false);
      expect(r.notImplemented).toBe(false);
      expect(r.mistakeId, `${m.id} should be recognised as itself`).toBe(m.id);
      expect(r.hint).toBe(m.hint);
      expect(detected(ex, m.implementation), `detectors firing on ${m.id}`).toEqual([m.id]);
    }
  });

  it("copes with garbage: wrong return values and non-Error throws", () => {
    // A number is the right type for a function that returns one: there, a string is the garbage.
    const returnsNumber = /\): number$/.test(ex.signature);
    const garbage: [unknown, RegExp][] = [
      returnsNumber ? [() => "42", /a string/] : [() => 42, /the number 42/],
      [() => undefined, /undefined \(did you forget to return\?\)/],
      [async () => 1, /a Promise/],
      [
        () => {
          throw "boom";
        },
        /non-Error value: boom/,
      ],
      [
        () => {
          throw null;
        },
        /non-Error value: null/,
      ],
      [
        () => {
          throw Object.create(null);
        },
        /non-Error value: \(a value that cannot be printed\)/,
      ],
    ];
    for (const [fn, message] of garbage) {
      const r = check(ex.id, fn);
      expect(r.passed).toBe(false);
      expect(r.notImplemented).toBe(false);
      expect(r.checks[0].message).toMatch(message);
      expect(
        r.checks
          .slice(1)
          .every(
            (c) => c.passed || c.message.startsWith("fails for the same reason") || c.message === r.checks[0].message,
          ),
      ).toBe(true);
      expect(() => formatCheckResult(r)).not.toThrow();
    }
  });

  it("judges observations that crossed a process boundary (the grader's jail) exactly as in-process", () => {
    for (const fn of [ex.reference, ...ex.mistakes.map((m) => m.implementation), stub(ex.functionName), () => 42]) {
      const seen = observe(ex, fn);
      expect(judge(ex, deserialize(serialize(seen)))).toEqual(judge(ex, seen));
    }
  });

  it("leaks no tensors, whatever the function does", () => {
    const before = tf.memory().numTensors;
    check(ex.id, ex.reference);
    for (const m of ex.mistakes) check(ex.id, m.implementation);
    check(ex.id, stub(ex.functionName));
    check(ex.id, () => tf.ones([2, 2]));
    check(ex.id, () => tf.sum(tf.exp(tf.ones([3, 3])))); // ops recorded on the gradient tape, then a wrong result
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("the mistake catalogue", () => {
  const of = (id: string) => exercises[id].mistakes;
  it("holds at least 5 mistakes for lesson 1, 3 for elbo, 2 for slerp and 5 for each of lesson 3's, with unique ids and hints", () => {
    expect(of("reparameterize").length + of("computeVaeLoss").length).toBeGreaterThanOrEqual(5);
    expect(of("elbo").length).toBeGreaterThanOrEqual(3);
    expect(of("slerp").length).toBeGreaterThanOrEqual(2);
    for (const id of ["betaSchedule", "activeUnits", "centroidDirection"])
      expect(of(id).length, id).toBeGreaterThanOrEqual(5);
    expect(mistakeCatalogue.map((m) => `${m.exerciseId}/${m.id}`).sort()).toEqual(
      Object.values(exercises)
        .flatMap((ex) => ex.mistakes.map((m) => `${ex.id}/${m.id}`))
        .sort(),
    );
    for (const ex of Object.values(exercises)) {
      expect(new Set(ex.mistakes.map((m) => m.id)).size).toBe(ex.mistakes.length);
      expect(new Set(ex.mistakes.map((m) => m.hint)).size).toBe(ex.mistakes.length);
    }
  });
});

describe("check", () => {
  it("names an unknown exercise and a missing function", () => {
    expect(check("nope", () => 0).summary).toContain('There is no exercise "nope"');
    expect(check("reparameterize", undefined).summary).toContain(
      "needs the function reparameterize itself, but got undefined",
    );
  });

  it("judges missing or malformed observations as failures, not crashes", () => {
    for (const ex of Object.values(exercises)) {
      for (const seen of [{}, { [Object.keys(ex.probes)[0]]: { ok: true, value: "nonsense" } }, null]) {
        const r = judge(ex, seen as never);
        expect(r.passed).toBe(false);
      }
    }
    expect(judge(exercises.slerp, {} as never).checks[0].message).toBe('no observation "ends" was recorded.');
  });

  it("leaves the notebook's random stream where it was", async () => {
    const { setSeed, defaultRng } = await import("../src/vae/random");
    setSeed(5);
    const a = defaultRng().uniform();
    setSeed(5);
    check("reparameterize", exercises.reparameterize.reference);
    expect(defaultRng().uniform()).toBe(a);
  });
});

describe("formatCheckResult", () => {
  it("shows a pass, with the sentence about the grader's hidden checks", () => {
    const { text, html } = formatCheckResult(check("slerp", exercises.slerp.reference));
    expect(text).toMatch(/^✓ slerp passes all 5 public checks\./);
    expect(text).toContain("the grader runs further hidden checks");
    expect(html).toContain("further hidden checks");
  });

  it("shows each failed check, its message and the hint, as text and escaped HTML", () => {
    const m = exercises.reparameterize.mistakes.find((x) => x.id === "sigma-is-exp-logvar")!;
    const { text, html } = formatCheckResult(check("reparameterize", m.implementation));
    expect(text).toContain(
      "✗ z has mean mu and standard deviation exp(½·logVar): for mu = 1.5, logVar = log 0.25, the standard deviation of z should be sigma = 0.5, but it is 0.2",
    );
    expect(text).toContain("Hint: sigma should be exp(½·logVar)");
    expect(html).toContain("<b>Hint:</b>");
    const r = formatCheckResult({
      id: "x",
      passed: false,
      notImplemented: false,
      checks: [{ name: "<b>", passed: false, message: "a < b & c" }],
      summary: "s",
    });
    expect(r.html).toContain("&lt;b&gt;");
    expect(r.html).toContain("a &lt; b &amp; c");
  });
});
