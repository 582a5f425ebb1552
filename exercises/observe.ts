/**
 * Running an exercise: `observe` calls the learner's function through the probes (seeded, inside a
 * tfjs scope, errors caught) and returns plain data; `judge` turns observations into a CheckResult
 * with the hint of the known mistake they match. The grader runs `observe` in its jail and `judge`
 * in its trusted process; `check()` in a notebook runs both.
 */
import * as tf from "@tensorflow/tfjs";
import { defaultRng, restoreRng, Rng, setSeed } from "../src/random";
import type { CheckOutcome, CheckResult, Exercise, Mistake, Observation, Observations } from "./types";
import { CheckFailure } from "./util";

const PROBE_SEED = 12345;
const NOT_IMPLEMENTED = /not implemented yet/i;

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return "(a value that cannot be printed)";
  }
}

/** What an exception says, in one line. Non-Error throws (strings, objects) are described too. */
export function errorMessage(err: unknown): string {
  if (err instanceof CheckFailure) return err.message;
  if (err instanceof Error) return `it threw ${safeString(err.name)}: ${safeString(err.message).split("\n")[0]}`;
  return `it threw a non-Error value: ${safeString(err).slice(0, 160)}`;
}

/** Runs the probes (all, or `names`) on `fn`. Never throws; leaves the notebook's random stream as it was. */
export function observe<F, S>(ex: Exercise<F, S>, fn: F, names?: (keyof S)[]): Observations<S> {
  const saved = defaultRng();
  const seen = {} as Observations<S>;
  try {
    for (const name of names ?? (Object.keys(ex.probes) as (keyof S)[])) {
      // One fixed stream per probe: results do not depend on which other probes ran before.
      setSeed(new Rng(PROBE_SEED).fork(`${ex.id}/${String(name)}`).seed);
      tf.engine().startScope(); // disposes whatever the learner's function leaves behind
      try {
        seen[name] = { ok: true, value: ex.probes[name](fn) };
      } catch (err) {
        const error = errorMessage(err);
        seen[name] = { ok: false, error, notImplemented: !(err instanceof CheckFailure) && NOT_IMPLEMENTED.test(error) };
      } finally {
        tf.engine().endScope();
      }
    }
  } finally {
    restoreRng(saved); // the notebook's own stream object, so its position is kept
  }
  return seen;
}

// The reference's and each mistake's observations are deterministic: compute them once.
const cache = new WeakMap<object, Observations<unknown>>();
function observeOnce<F, S>(ex: Exercise<F, S>, key: object, fn: F): Observations<S> {
  let o = cache.get(key) as Observations<S> | undefined;
  if (!o) cache.set(key, (o = observe(ex, fn)) as Observations<unknown>);
  return o;
}
export const referenceObservations = <F, S>(ex: Exercise<F, S>) => observeOnce(ex, ex, ex.reference);
export const mistakeObservations = <F, S>(ex: Exercise<F, S>, m: Mistake<F, S>) => observeOnce(ex, m, m.implementation);

type Failed = Extract<Observation<unknown>, { ok: false }>;

/**
 * The values of `needs`, or the first failed observation among them. Observations may come from
 * another process (the grader's jail): a missing or malformed one counts as failed.
 */
function valuesOf<S>(o: Observations<S>, needs: (keyof S)[]): { values: S } | { failed: Failed } {
  const values = {} as S;
  for (const k of needs) {
    const ob = (o as Partial<Observations<S>> | null)?.[k] as Observation<S[keyof S]> | undefined;
    if (ob?.ok === true) values[k] = ob.value;
    else if (ob?.ok === false && typeof ob.error === "string") return { failed: ob as Failed };
    else return { failed: { ok: false, error: `no observation "${String(k)}" was recorded.`, notImplemented: false } };
  }
  return { values };
}

/** The first catalogued mistake whose detector matches the observations, if any. */
export function diagnose<F, S>(ex: Exercise<F, S>, seen: Observations<S>): Mistake<F, S> | undefined {
  return ex.mistakes.find((m) => matches(ex, m, seen));
}

/** Does mistake `m`'s detector fire on these observations? (false when a needed probe failed) */
export function matches<F, S>(ex: Exercise<F, S>, m: Mistake<F, S>, seen: Observations<S>): boolean {
  const mine = valuesOf(seen, m.needs), own = valuesOf(mistakeObservations(ex, m), m.needs);
  const ref = valuesOf(referenceObservations(ex), m.needs);
  if (!("values" in mine && "values" in own && "values" in ref)) return false;
  try {
    return m.detect(mine.values, own.values, ref.values) === true;
  } catch {
    return false;
  }
}

/** The verdict on observations: every public check, and the hint of the mistake they match. */
export function judge<F, S>(ex: Exercise<F, S>, seen: Observations<S>): CheckResult {
  const n = ex.checks.length;
  const stub = Object.values<Observation<unknown> | undefined>(seen ?? {}).find((o) => o?.ok === false && o.notImplemented === true);
  if (stub && !stub.ok) {
    return {
      id: ex.id,
      passed: false,
      notImplemented: true,
      checks: ex.checks.map((c) => ({ name: c.name, passed: false, message: stub.error })),
      summary: `${ex.functionName} is not implemented yet: write your code in place of the TODO, run that cell, then run this check again.`,
    };
  }
  const reference = referenceObservations(ex);
  const earlier = new Map<string, string>();
  const checks: CheckOutcome[] = ex.checks.map((c) => {
    const mine = valuesOf(seen, c.needs), ref = valuesOf(reference, c.needs);
    let message: string | undefined;
    if ("failed" in ref) message = `the reference solution failed this check (${ref.failed.error}): a bug in vae-lab, please report it.`;
    else if ("failed" in mine) {
      const { error } = mine.failed;
      message = earlier.has(error) ? `fails for the same reason as "${earlier.get(error)}".` : error;
      if (!earlier.has(error)) earlier.set(error, c.name);
    } else {
      try {
        message = c.judge(mine.values, ref.values);
      } catch (err) {
        message = errorMessage(err);
      }
    }
    return { name: c.name, passed: message === undefined, message: message ?? "" };
  });
  const failed = checks.filter((c) => !c.passed).length;
  if (failed === 0) {
    return { id: ex.id, passed: true, notImplemented: false, checks, summary: `✓ ${ex.functionName} passes all ${n} public checks.` };
  }
  const mistake = diagnose(ex, seen);
  return {
    id: ex.id,
    passed: false,
    notImplemented: false,
    checks,
    ...(mistake ? { hint: mistake.hint, mistakeId: mistake.id } : {}),
    summary: `✗ ${ex.functionName} fails ${failed} of ${n} public checks.`,
  };
}
