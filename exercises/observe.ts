/**
 * Running an exercise: `planProbe` gives a probe's calls (hidden inputs drawn from a seed), the
 * harness makes them, `observationOf` reduces their raw outcomes to plain data, and `judge` turns
 * observations into a CheckResult with the hint of the known mistake they match. `observe` does all
 * of it in one realm (the notebook's `check()`); the grader makes the calls in its jail and reduces
 * and judges in its trusted process.
 */
import { defaultRng, restoreRng, Rng } from "../src/vae/random";
import { runCall, thrownMessage, type Outcome } from "./harness";
import type { CheckOutcome, CheckResult, Exercise, Mistake, Observation, Observations, Probe } from "./types";
import { CheckFailure } from "./util";

/** The seed of public inputs and of the learner's randomness in checks (hidden inputs get a secret one per grading run). */
export const PROBE_SEED = 12345;

/** What an exception says, in one line: a CheckFailure's own words, else what was thrown. */
export const errorMessage = (err: unknown): string => (err instanceof CheckFailure ? err.message : thrownMessage(err));

/** Probe `name`'s plan, inputs drawn from `inputSeed`; every call gets its own seed for the learner's randomness. */
export function planProbe<F, S>(ex: Exercise<F, S>, name: keyof S, inputSeed = PROBE_SEED): Probe<S[keyof S]> {
  const plan = ex.probes[name](new Rng(inputSeed).fork(`${ex.id}/${String(name)}`));
  const calls = new Rng(inputSeed).fork(`${ex.id}/${String(name)}/calls`);
  plan.calls.forEach((c, i) => (c.seed ??= calls.fork(String(i)).seed));
  return plan;
}

/**
 * tfjs 4.22's gradient of tf.logSigmoid fails on some graphs (`tf.logSigmoid(tf.neg(l))`, correct
 * maths) with this TypeError; learners get this plain explanation instead of the raw error.
 */
const LOGSIGMOID_BUG = /^it threw TypeError: Cannot read properties of undefined \(reading 'backend'\)/;
export const LOGSIGMOID_HINT =
  "the gradient failed inside TensorFlow.js (a known bug of tfjs 4.22 in the gradient of tf.logSigmoid, e.g. tf.logSigmoid(tf.neg(l))). Your maths may be right: write the stable form with basic ops instead, max(l, 0) − l·x + log1p(exp(−|l|)).";

/** The observation from a plan's outcomes: the first failed call's error, else the reduction (or what it objected to). */
export function observationOf<V>(plan: Probe<V>, outcomes: Outcome[]): Observation<V> {
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok)
    return {
      ok: false,
      error: LOGSIGMOID_BUG.test(failed.error) ? LOGSIGMOID_HINT : failed.error,
      notImplemented: failed.notImplemented,
    };
  if (outcomes.length !== plan.calls.length)
    return { ok: false, error: "not every call was made.", notImplemented: false };
  try {
    return { ok: true, value: plan.reduce(outcomes as Extract<Outcome, { ok: true }>[]) };
  } catch (err) {
    return { ok: false, error: errorMessage(err), notImplemented: false };
  }
}

/** Runs the probes (all, or `names`) on `fn` in this realm. Never throws; leaves the notebook's random stream as it was. */
export function observe<F, S>(ex: Exercise<F, S>, fn: F, names?: (keyof S)[], inputSeed = PROBE_SEED): Observations<S> {
  const saved = defaultRng();
  const seen = {} as Observations<S>;
  try {
    for (const name of names ?? (Object.keys(ex.probes) as (keyof S)[])) {
      const plan = planProbe(ex, name, inputSeed);
      const outcomes: Outcome[] = [];
      for (const c of plan.calls) {
        const o = runCall(fn, c);
        outcomes.push(o);
        if (!o.ok) break;
      }
      seen[name] = observationOf(plan, outcomes) as Observations<S>[keyof S];
    }
  } finally {
    restoreRng(saved); // the notebook's own stream object, so its position is kept
  }
  return seen;
}

// The reference's and each mistake's observations are deterministic per input seed: compute them once.
const cache = new WeakMap<object, Map<number, Observations<unknown>>>();
function observeOnce<F, S>(ex: Exercise<F, S>, key: object, fn: F, inputSeed: number): Observations<S> {
  let bySeed = cache.get(key);
  if (!bySeed) cache.set(key, (bySeed = new Map()));
  let o = bySeed.get(inputSeed) as Observations<S> | undefined;
  if (!o) bySeed.set(inputSeed, (o = observe(ex, fn, undefined, inputSeed)) as Observations<unknown>);
  return o;
}
export const referenceObservations = <F, S>(ex: Exercise<F, S>, inputSeed = PROBE_SEED) =>
  observeOnce(ex, ex, ex.reference, inputSeed);
export const mistakeObservations = <F, S>(ex: Exercise<F, S>, m: Mistake<F, S>, inputSeed = PROBE_SEED) =>
  observeOnce(ex, m, m.implementation, inputSeed);

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
  const mine = valuesOf(seen, m.needs),
    own = valuesOf(mistakeObservations(ex, m), m.needs);
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
  const stub = Object.values<Observation<unknown> | undefined>(seen ?? {}).find(
    (o) => o?.ok === false && o.notImplemented === true,
  );
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
    const mine = valuesOf(seen, c.needs),
      ref = valuesOf(reference, c.needs);
    let message: string | undefined;
    if ("failed" in ref)
      message = `the reference solution failed this check (${ref.failed.error}): a bug in vae-lab, please report it.`;
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
    return {
      id: ex.id,
      passed: true,
      notImplemented: false,
      checks,
      summary: `✓ ${ex.functionName} passes all ${n} public checks.`,
    };
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
