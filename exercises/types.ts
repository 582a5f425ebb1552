/**
 * The contract of an exercise, shared by the notebooks (public checks, hints) and the grader
 * (statement, points, the catalogue of known mistakes).
 */
export interface CheckOutcome {
  name: string;
  passed: boolean;
  /** What went wrong, in words a learner can act on (empty when passed). */
  message: string;
}

/** A public check: runs the learner's function on fixed inputs; throws or returns a failure message. */
export interface PublicCheck<F> {
  name: string;
  /** Returns undefined when the check passes, otherwise what is wrong. */
  run: (fn: F) => string | undefined;
}

/** A typical wrong answer: a concrete wrong implementation, how to recognise it, and the hint. */
export interface Mistake<F> {
  id: string;
  /** One line for instructors: "σ = exp(logVar) instead of exp(½·logVar)". */
  description: string;
  /** The targeted hint shown to the learner. */
  hint: string;
  /** The wrong implementation itself: tests (and the grader's catalogue) use it. */
  implementation: F;
  /** True when `fn` behaves like this mistake. Runs only after a public check failed. */
  detect: (fn: F) => boolean;
}

export interface Exercise<F> {
  id: string;
  lesson: 1 | 2;
  functionName: string;
  signature: string;
  points: number;
  statement: string;
  reference: F;
  checks: PublicCheck<F>[];
  mistakes: Mistake<F>[];
}
