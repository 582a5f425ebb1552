/**
 * Scoring in the trusted process: observations (plain data from the jail) → test results against
 * the manifest. Public tests use the exercise's own `judge` (its checks and the known-mistake
 * detectors); hidden tests use ./hidden. Messages for learners are written here from fixed phrases:
 * the learner's own output and error text never reach the feedback (a function could otherwise
 * smuggle hidden inputs out through them); they go only to the instructors' `detail`.
 */
import { exercises } from "../exercises/index";
import { judge, LOGSIGMOID_HINT, PROBE_SEED, referenceObservations } from "../exercises/observe";
import type { Observation } from "../exercises/types";
import { hiddenSuites } from "./hidden/index";
import { ALLOWED_TEXT, FORBIDDEN, KNOWN_HELPERS } from "./jail/library";
import { TAMPERED } from "./jail/protocol";
import { testsOf } from "./manifest";
import type { ExerciseResult, TestResult } from "./types";

/** Why a probe failed, set by the grader (not the child) for failures it saw from outside. */
export type FailureReason = "timeout" | "crash" | "exit" | "budget" | "not-run" | "gave-up" | "tampered" | "malformed";
export type Seen = Record<string, Observation<unknown> & { reason?: FailureReason }>;

const REASONS: Record<FailureReason, string> = {
  timeout: "it did not finish within the time limit (an infinite loop, or far too much work?)",
  crash: "it crashed the process running it (did it use far too much memory?)",
  exit: "it ended the process running it (process.exit or similar); graded code must return its result",
  budget: "it was not run: the submission used up its total time limit",
  "not-run": "it was not run",
  "gave-up": "it was not run: earlier calls of this function timed out or crashed",
  tampered: "it replaced TensorFlow.js kernels (graded code must not change the library)",
  malformed: "what came back from it was not a plain result (graded code must not tamper with the grader's channel)",
};

const KNOWN_ERRORS = ["TypeError", "RangeError", "ReferenceError", "SyntaxError", "Error", "NotImplementedError"];

/** A learner-safe phrase for a failed observation. */
export function failurePhrase(
  o: (Observation<unknown> & { reason?: FailureReason }) | undefined,
  fnName: string,
  id?: string,
): string {
  if (!o || typeof o !== "object") return "it was not run";
  if (o.ok === true) return "it gave wrong results";
  if (o.reason && REASONS[o.reason]) return REASONS[o.reason];
  if (o.notImplemented === true) return `${fnName} is not implemented yet`;
  const err = typeof o.error === "string" ? o.error : "";
  if (err === TAMPERED) return REASONS.tampered;
  if (err === LOGSIGMOID_HINT) return LOGSIGMOID_HINT;
  const forbidden = err.match(FORBIDDEN);
  if (forbidden && id && ALLOWED_TEXT[id]) {
    const helper = KNOWN_HELPERS.has(forbidden[1]) ? `vae-lab's ${forbidden[1]}` : "a vae-lab helper";
    return `it called ${helper}, which a solution to ${fnName} may not use: write it with ${ALLOWED_TEXT[id]} (see the exercise's text)`;
  }
  const thrown = err.match(/^it threw (\w+):/);
  if (thrown)
    return `it threw ${KNOWN_ERRORS.includes(thrown[1]) ? `${/^[AEIOU]/.test(thrown[1]) ? "an" : "a"} ${thrown[1]}` : "an error"}`;
  if (err.startsWith("it threw a non-Error value")) return "it threw a value that is not an Error";
  return "its result has the wrong type, shape or dtype, or the call failed (run the public check in your notebook for details)";
}

const fixed = (n: number) => Math.round(n * 1e6) / 1e6;

/** Scores one exercise from its public and hidden observations (undefined: not graded at all). */
export function scoreExercise(
  id: string,
  publicSeen: Seen | undefined,
  hiddenSeen: Seen | undefined,
  notes: string[],
  why?: { status: "missing" | "compile-error"; message: string },
  hiddenSeed = PROBE_SEED,
): ExerciseResult {
  const ex = exercises[id],
    suite = hiddenSuites[id];
  const manifest = testsOf(id);
  const maxScore = fixed(manifest.reduce((s, t) => s + t.points, 0));
  const base = { id, functionName: ex.functionName, lesson: ex.lesson, maxScore, notes };
  if (why || !publicSeen || !hiddenSeen) {
    const message = why?.message ?? "not graded";
    const tests: TestResult[] = manifest.map((t) => ({
      id: t.id,
      exercise: id,
      suite: t.suite,
      name: nameOf(t.suite, id, t.check),
      category: categoryOf(t.suite, id, t.check),
      score: 0,
      maxScore: t.points,
      status: "missing",
      visibility: t.visibility,
      message,
    }));
    return {
      ...base,
      status: why?.status ?? "missing",
      score: 0,
      summary: `${ex.functionName}: 0 of ${maxScore} points — ${message}`,
      tests,
    };
  }
  const verdict = judge(ex, publicSeen as never);
  const reference = referenceObservations(suite.exercise, hiddenSeed) as Seen;
  const tests: TestResult[] = manifest.map((t) => {
    const common = {
      id: t.id,
      exercise: id,
      suite: t.suite,
      name: nameOf(t.suite, id, t.check),
      category: categoryOf(t.suite, id, t.check),
      maxScore: t.points,
      visibility: t.visibility,
    };
    if (t.suite === "public") {
      const check = ex.checks.find((c) => c.name === t.check);
      const outcome = verdict.checks.find((c) => c.name === t.check);
      if (!check || !outcome)
        return {
          ...common,
          score: 0,
          status: "missing" as const,
          message: "this test could not be run (a grader problem: please tell your instructor)",
        };
      if (outcome.passed) return { ...common, score: t.points, status: "passed" as const, message: "passed" };
      const failedProbe = check.needs.map((k) => publicSeen[k as string]).find((o) => !o || o.ok !== true);
      return {
        ...common,
        score: 0,
        status: "failed" as const,
        message: failedProbe ? failurePhrase(failedProbe, ex.functionName, id) : "it gave wrong results",
        detail: outcome.message,
      };
    }
    const check = suite.checks.find((c) => c.id === t.check);
    if (!check)
      return {
        ...common,
        score: 0,
        status: "missing" as const,
        message: "this test could not be run (a grader problem: please tell your instructor)",
      };
    const values: Record<string, unknown> = {},
      ref: Record<string, unknown> = {};
    for (const k of check.needs as string[]) {
      const o = hiddenSeen[k],
        r = reference[k];
      if (!o || o.ok !== true)
        return { ...common, score: 0, status: "failed" as const, message: failurePhrase(o, ex.functionName, id) };
      if (!r || r.ok !== true)
        return {
          ...common,
          score: 0,
          status: "missing" as const,
          message: "this test could not be run (a grader problem: please tell your instructor)",
          detail: r && !r.ok ? r.error : "no reference",
        };
      values[k] = o.value;
      ref[k] = r.value;
    }
    let v: { score: number; message?: string };
    try {
      v = check.judge(values, ref);
    } catch {
      v = { score: 0, message: "its result does not have the expected form" };
    }
    const frac = Number.isFinite(v.score) ? Math.min(1, Math.max(0, v.score)) : 0;
    const status = frac >= 1 ? "passed" : frac <= 0 ? "failed" : "partial";
    return {
      ...common,
      score: fixed(t.points * frac),
      status,
      message: status === "passed" ? "passed" : (v.message ?? "it gave wrong results"),
    } as TestResult;
  });
  const score = fixed(tests.reduce((s, t) => s + t.score, 0));
  const mistake = verdict.mistakeId ? ex.mistakes.find((m) => m.id === verdict.mistakeId) : undefined;
  const passed = tests.filter((t) => t.status === "passed").length;
  const status = verdict.notImplemented ? "not-implemented" : "graded";
  const summary = verdict.notImplemented
    ? `${ex.functionName} is not implemented yet: write your code in place of the TODO in its cell. 0 of ${maxScore} points.`
    : `${ex.functionName}: ${score} of ${maxScore} points (${passed} of ${tests.length} tests passed).`;
  return {
    ...base,
    status,
    score,
    summary,
    tests,
    ...(mistake ? { mistakeId: mistake.id, mistakeDescription: mistake.description, hint: mistake.hint } : {}),
  };
}

function nameOf(suite: "public" | "hidden", id: string, check: string): string {
  return suite === "public" ? check : (hiddenSuites[id].checks.find((c) => c.id === check)?.name ?? check);
}
function categoryOf(suite: "public" | "hidden", id: string, check: string): string {
  return suite === "public"
    ? "public check"
    : `hidden · ${hiddenSuites[id].checks.find((c) => c.id === check)?.category ?? "test"}`;
}
