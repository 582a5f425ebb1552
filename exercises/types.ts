/**
 * The contract of an exercise, shared by the notebooks (public checks, hints) and the grader
 * (statement, points, the catalogue of known mistakes).
 *
 * Checking is split in two, following the grader's trust split (docs/design.md §6):
 * - probes run the learner's function on fixed inputs and record what came back as plain data
 *   (numbers, arrays, strings, booleans, null; NaN and ±Infinity allowed, so send observations with
 *   structured clone / `serialization: "advanced"`, not JSON). They are the only code that calls the
 *   learner's function, so the grader can run them in its jail;
 * - checks and mistake detectors only read observations, so they can run in a trusted process.
 */

/** What one probe saw: its plain-data value, or the error the learner's function (or a shape check) raised. */
export type Observation<T> = { ok: true; value: T } | { ok: false; error: string; notImplemented: boolean };

/** One observation per probe. */
export type Observations<S> = { [K in keyof S]: Observation<S[K]> };

/** The probes of an exercise: each calls the learner's function and returns plain data (or throws). */
export type Probes<F, S> = { [K in keyof S]: (fn: F) => S[K] };

/** A public check: a verdict on some probes' values, compared with the reference's. */
export interface PublicCheck<S> {
  name: string;
  /** The probes it reads; when one of them failed, the check fails with that probe's error. */
  needs: (keyof S)[];
  /** undefined when the check passes, otherwise what is wrong, in words a learner can act on. */
  judge: (seen: S, reference: S) => string | undefined;
}

/**
 * A typical wrong answer: a concrete wrong implementation, a detector that recognises it from
 * observations, and the hint. `detect` only runs when every probe in `needs` succeeded for the
 * learner's function and for `implementation` (`own` is what the probes saw of `implementation`).
 */
export interface Mistake<F, S> {
  id: string;
  /** One line for instructors: "sigma = exp(logVar) instead of exp(½·logVar)". */
  description: string;
  /** The targeted hint shown to the learner. */
  hint: string;
  /** The wrong implementation itself: tests (and the grader's catalogue) use it. */
  implementation: F;
  needs: (keyof S)[];
  detect: (seen: S, own: S, reference: S) => boolean;
}

export interface Exercise<F, S> {
  id: string;
  lesson: 1 | 2;
  functionName: string;
  signature: string;
  points: number;
  statement: string;
  reference: F;
  probes: Probes<F, S>;
  checks: PublicCheck<S>[];
  mistakes: Mistake<F, S>[];
}

export interface CheckOutcome {
  name: string;
  passed: boolean;
  /** What went wrong (empty when passed). */
  message: string;
}

export interface CheckResult {
  id: string;
  passed: boolean;
  checks: CheckOutcome[];
  /** The targeted hint of the known mistake the function matches, if any. */
  hint?: string;
  mistakeId?: string;
  /** The function still throws the student stub's "not implemented yet". */
  notImplemented: boolean;
  summary: string;
}
