/**
 * Calling a learner's function on inputs given as plain data, and describing what came back as
 * plain data: the one piece of exercise code that runs next to the learner's code (in the notebook,
 * and in the grader's jail). It holds no reference, no judge and no statistic: probes (./types.ts)
 * choose the calls and reduce the raw outcomes elsewhere, in the notebook's check or in the
 * grader's trusted process (docs/grading.md).
 */
import * as tf from "@tensorflow/tfjs";
import type { Vae } from "../src/vae/types";
import { setSeed } from "../src/vae/random";
import { describeValue, gradientOrNull } from "./util";

export type TensorData = { shape: number[]; values: number[] };

/** The weights of a linear probe VAE: mu = x·wMu + bMu, logVar = x·wLv + bLv, xHat = z·wDec. */
export type LinearVaeData = { wMu: TensorData; bMu: TensorData; wLv: TensorData; bLv: TensorData; wDec: TensorData };

/** An input, as plain data: a tensor, a number, an array of numbers, an array of rows of numbers ([n][dim]), or a linear VAE. */
export type Arg =
  | { tensor: TensorData }
  | { number: number }
  | { numbers: number[] }
  | { rows: number[][] }
  | { linearVae: LinearVaeData };

/** Arguments the learner's function receives as plain (mutable) arrays: `argsAfter` reports these. */
export const isArrayArg = (a: Arg): boolean => "numbers" in a || "rows" in a;

export interface Call {
  args: Arg[];
  /** The learner's randomness is seeded with this before the call. */
  seed?: number;
  /** Also report ∂(sum of the result, or of its field `total`)/∂ args[arg] (or that linear VAE's weight `param`). */
  grad?: { arg: number; param?: keyof LinearVaeData };
  /** Fields of an object result to describe (one of RESULT_FIELDS). */
  fields?: string[];
  /** Also report the `numbers` and `rows` arguments (rows flattened) as they are after the call. */
  argsAfter?: boolean;
}

/** A returned value, as plain data. */
export type Raw =
  | { kind: "tensor"; shape: number[]; dtype: string; values: number[]; disposed: boolean }
  | { kind: "number"; value: number }
  | { kind: "array"; length: number; numbers: number[] | null }
  | { kind: "object"; keys: string[]; fields: Record<string, Raw> }
  | { kind: "other"; what: string };

export type Outcome =
  | { ok: true; out: Raw; grad?: number[] | null; argsAfter?: number[][] }
  | { ok: false; error: string; notImplemented: boolean };

/** The fields of an object result a call may ask about: `{ total, recon, kl }` of the losses, `{ variance, count }` of activeUnits. */
export const RESULT_FIELDS = ["total", "recon", "kl", "variance", "count"];

/** The most values one raw result may hold (the biggest probe returns 32,000). */
export const MAX_VALUES = 100_000;

const NOT_IMPLEMENTED = /not implemented yet/i;

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return "(a value that cannot be printed)";
  }
}

/** What an exception says, in one line. Non-Error throws (strings, objects) are described too. */
export function thrownMessage(err: unknown): string {
  if (err instanceof Error)
    return `it threw ${safeString(err.name).slice(0, 60)}: ${safeString(err.message).split("\n")[0].slice(0, 300)}`;
  return `it threw a non-Error value: ${safeString(err).slice(0, 160)}`;
}

/** `v` as plain data; object fields only those named. */
export function describeRaw(v: unknown, fields: string[] = []): Raw {
  if (v instanceof tf.Tensor) {
    const disposed = v.isDisposed;
    const values = disposed || v.size > MAX_VALUES ? [] : Array.from(v.dataSync() as ArrayLike<number>, Number);
    return { kind: "tensor", shape: [...v.shape], dtype: v.dtype, values, disposed };
  }
  if (typeof v === "number") return { kind: "number", value: v };
  if (Array.isArray(v)) {
    const numbers = v.length <= MAX_VALUES && v.every((x) => typeof x === "number") ? v.map(Number) : null;
    return { kind: "array", length: v.length, numbers };
  }
  if (v !== null && typeof v === "object" && !(v instanceof Promise)) {
    const o = v as Record<string, unknown>;
    return {
      kind: "object",
      keys: Object.keys(o)
        .slice(0, 12)
        .map((k) => k.slice(0, 40)),
      fields: Object.fromEntries(fields.filter((f) => o[f] !== undefined).map((f) => [f, describeRaw(o[f])])),
    };
  }
  return { kind: "other", what: describeValue(v) };
}

function tensorOf(d: TensorData): tf.Tensor {
  return tf.tensor(d.values, d.shape, "float32");
}

function linearVae(p: Record<keyof LinearVaeData, tf.Tensor>): Vae {
  const [inputDim, latentDim] = p.wMu.shape;
  return {
    config: { kind: "mlp", inputDim, hiddenDims: [], latentDim, likelihood: "gaussian" },
    variables: [],
    variableNames: [],
    encode: (x) => ({
      mu: tf.add(tf.matMul(x, p.wMu), p.bMu) as tf.Tensor2D,
      logVar: tf.add(tf.matMul(x, p.wLv), p.bLv) as tf.Tensor2D,
    }),
    decode: (z) => tf.matMul(z, p.wDec) as tf.Tensor2D,
    summary: () => [],
    dispose: () => {},
  };
}

/** An argument array as it is after the call, rows flattened (whatever the function put in it becomes numbers or NaN). */
function flatAfter(x: unknown[]): number[] {
  if (!Array.isArray(x)) return [];
  return x.flatMap((v) => (Array.isArray(v) ? v.map(Number) : [Number(v)]));
}

/**
 * Calls `fn` as `call` says, inside a tfjs scope (whatever it leaves behind is disposed). Never
 * throws: what the function throws becomes the outcome's error.
 */
export function runCall(fn: unknown, call: Call): Outcome {
  if (typeof fn !== "function")
    return { ok: false, error: `it is not a function but ${describeValue(fn)}`, notImplemented: false };
  tf.engine().startScope();
  try {
    if (call.seed !== undefined) setSeed(call.seed);
    const arrays: unknown[][] = []; // the plain arrays handed to the function, by argument index
    const weights: Record<string, tf.Tensor>[] = [];
    const built: unknown[] = call.args.map((a, i) => {
      if ("tensor" in a) return tensorOf(a.tensor);
      if ("number" in a) return a.number;
      if ("numbers" in a) return (arrays[i] = [...a.numbers]);
      if ("rows" in a) return (arrays[i] = a.rows.map((r) => [...r]));
      const w = Object.fromEntries(Object.entries(a.linearVae).map(([k, d]) => [k, tensorOf(d)])) as Record<
        keyof LinearVaeData,
        tf.Tensor
      >;
      weights[i] = w;
      return linearVae(w);
    });
    let result: unknown;
    let returned = false;
    let described: Raw | undefined; // inside the gradient's scope: the result's other tensors are disposed after it
    let grad: number[] | null | undefined;
    const g = call.grad;
    if (g) {
      const target = g.param ? weights[g.arg][g.param] : (built[g.arg] as tf.Tensor);
      const f = (x: tf.Tensor) => {
        const args = [...built];
        if (g.param)
          args[g.arg] = linearVae({ ...(weights[g.arg] as Record<keyof LinearVaeData, tf.Tensor>), [g.param]: x });
        else args[g.arg] = x;
        result = (fn as (...a: unknown[]) => unknown)(...args);
        returned = true;
        described = describeRaw(result, call.fields);
        const y = result instanceof tf.Tensor ? result : (result as { total?: unknown } | null | undefined)?.total;
        if (!(y instanceof tf.Tensor)) throw new TypeError("the result holds no tensor to differentiate");
        return y;
      };
      try {
        grad = gradientOrNull(f, target);
      } catch (e) {
        if (!returned) throw e; // the function itself threw
        grad = null; // it returned something with no tensor to differentiate: the result says what
      }
    } else result = (fn as (...a: unknown[]) => unknown)(...built);
    const out = described ?? describeRaw(result, call.fields);
    return {
      ok: true,
      out,
      ...(g ? { grad } : {}),
      ...(call.argsAfter
        ? { argsAfter: call.args.flatMap((a, i) => (isArrayArg(a) ? [flatAfter(arrays[i])] : [])) }
        : {}),
    };
  } catch (err) {
    const error = thrownMessage(err);
    return { ok: false, error, notImplemented: NOT_IMPLEMENTED.test(error) };
  } finally {
    tf.engine().endScope();
  }
}
