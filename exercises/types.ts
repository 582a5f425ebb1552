/**
 * The contract of an exercise, shared by the notebooks (public checks, hints) and the grader
 * (statement, points, the catalogue of known mistakes).
 *
 * Checking is split in three, following the grader's trust model (docs/grading.md):
 * - a probe chooses calls (inputs as plain data; hidden probes draw them from the rng they are
 *   given) and reduces the raw outcomes to an observation. Only ./harness.ts calls the learner's
 *   function: in the notebook directly, in the grader inside the jail, which returns raw outcomes;
 * - the reduction (statistics, shapes, comparisons) runs where the checks run: in the notebook, or
 *   in the grader's trusted process, never in the learner's realm;
 * - checks and mistake detectors only read observations.
 */
import type { Call, Outcome } from "./harness";
import type { Rng } from "../src/vae/random";

/** What one probe saw: its plain-data value, or the error the learner's function (or a shape check) raised. */
export type Observation<T> = { ok: true; value: T } | { ok: false; error: string; notImplemented: boolean };

/** One observation per probe. */
export type Observations<S> = { [K in keyof S]: Observation<S[K]> };

/** A probe's plan: the calls to make, and how their raw outcomes become the observation (may throw CheckFailure). */
export interface Probe<V> {
  calls: Call[];
  reduce: (outcomes: Extract<Outcome, { ok: true }>[]) => V;
}

/**
 * The probes of an exercise, each a plan. Public probes use fixed inputs (the learner sees them);
 * hidden ones draw theirs from `rng`, seeded per grading run by a secret.
 * (`F` is kept so an exercise's probes and its function type stay declared together.)
 */
export type Probes<_F, S> = { [K in keyof S]: (rng: Rng) => Probe<S[K]> };

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
