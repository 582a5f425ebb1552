/**
 * Hidden tests: probes on inputs the learner never sees, judged in the trusted process.
 *
 * A hidden suite is an Exercise (../../exercises/types.ts) whose probes are the hidden inputs, so the
 * jail runs it with the same `observe`; its checks are `HiddenCheck`s, which may give partial credit
 * (a fraction of cases right). Only the probes (inputs) are bundled into the jail's runner; the
 * judgement and the reference's observations stay in the trusted process.
 */
import type { Exercise } from "../../exercises/types";

export interface HiddenVerdict {
  /** 1 = full credit, 0 = none; fractions are partial credit. */
  score: number;
  /** What went wrong, in words that never quote a hidden input or the learner's output. */
  message?: string;
}

export interface HiddenCheck<S> {
  /** The manifest's test id without the exercise prefix ("stats-per-dim"): stable, gradebooks key on it. */
  id: string;
  /** What full credit on it is worth. */
  points: number;
  name: string;
  /** A short category shown with the result ("statistics", "gradients", "edge case"). */
  category: string;
  needs: (keyof S)[];
  judge: (seen: S, reference: S) => HiddenVerdict;
}

/** A hidden suite: probes as an Exercise (checks and mistakes empty) plus the hidden checks. */
export interface HiddenSuite<F, S> {
  exercise: Exercise<F, S>;
  checks: HiddenCheck<S>[];
}

/** A fraction of cases right, with the message of the first wrong one. */
export function fraction(results: (string | undefined)[]): HiddenVerdict {
  const wrong = results.filter((r) => r !== undefined) as string[];
  return { score: (results.length - wrong.length) / results.length, ...(wrong.length ? { message: wrong[0] } : {}) };
}
