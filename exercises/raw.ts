/**
 * The trusted side of a call (./harness.ts): an outcome that crossed from the learner's realm is
 * validated strictly — plain objects and arrays only, no holes, only the expected keys, numbers
 * where numbers belong, bounded sizes — and anything else is a malformed outcome that fails its
 * probe only. Then the readers below turn raw results into values, with the same plain-words
 * errors (CheckFailure) the notebook's checks give for a wrong type, shape or dtype.
 */
import type { Rng } from "../src/vae/random";
import { MAX_VALUES, RESULT_FIELDS, type Call, type Outcome, type Raw, type TensorData } from "./harness";
import type { Probe } from "./types";
import { CheckFailure, type LossValues } from "./util";

/** Thrown by `parseOutcome` on anything that is not an outcome. */
export class MalformedOutcome extends Error {}

const bad = (what: string): never => {
  throw new MalformedOutcome(what);
};

function plainObject(x: unknown, keys: string[], what: string): Record<string, unknown> {
  if (x === null || typeof x !== "object" || Array.isArray(x) || Object.getPrototypeOf(x) !== Object.prototype)
    bad(`${what} is not a plain object`);
  for (const k of Object.keys(x as object)) if (!keys.includes(k)) bad(`${what} has an unexpected key`);
  return x as Record<string, unknown>;
}

function numberArray(x: unknown, what: string, max = MAX_VALUES): number[] {
  if (!Array.isArray(x) || Object.getPrototypeOf(x) !== Array.prototype) return bad(`${what} is not an array`);
  if (x.length > max) bad(`${what} is too long`);
  const out = new Array<number>(x.length);
  for (let i = 0; i < x.length; i++) {
    if (!Object.prototype.hasOwnProperty.call(x, i)) bad(`${what} has a hole`);
    const v = x[i];
    if (typeof v !== "number") bad(`${what} holds a non-number`);
    out[i] = v;
  }
  return out;
}

const str = (x: unknown, what: string, max = 400): string =>
  typeof x === "string" && x.length <= max ? x : bad(`${what} is not a short string`);
const bool = (x: unknown, what: string): boolean => (typeof x === "boolean" ? x : bad(`${what} is not a boolean`));

function parseRaw(x: unknown, depth = 0): Raw {
  const o = plainObject(
    x,
    ["kind", "shape", "dtype", "values", "disposed", "value", "length", "numbers", "keys", "fields", "what"],
    "a result",
  );
  switch (o.kind) {
    case "tensor": {
      const shape = numberArray(o.shape, "a shape", 8);
      if (!shape.every((d) => Number.isInteger(d) && d >= 0)) bad("a shape holds a non-integer");
      const values = numberArray(o.values, "tensor values");
      const disposed = bool(o.disposed, "disposed");
      const size = shape.reduce((a, b) => a * b, 1);
      if (!disposed && size <= MAX_VALUES && values.length !== size) bad("a tensor's values do not match its shape");
      return { kind: "tensor", shape, dtype: str(o.dtype, "a dtype", 20), values, disposed };
    }
    case "number":
      if (typeof o.value !== "number") bad("a number is not a number");
      return { kind: "number", value: o.value as number };
    case "array": {
      const length = o.length;
      if (typeof length !== "number" || !Number.isInteger(length) || length < 0)
        return bad("an array length is not a count");
      const numbers = o.numbers === null ? null : numberArray(o.numbers, "array numbers");
      if (numbers && numbers.length !== length) bad("an array's numbers do not match its length");
      return { kind: "array", length, numbers };
    }
    case "object": {
      if (depth > 0) bad("objects nest too deeply");
      const keys = (Array.isArray(o.keys) && o.keys.length <= 12 ? o.keys : bad("keys is not a short array")).map(
        (k: unknown) => str(k, "a key", 40),
      );
      const f = plainObject(o.fields, RESULT_FIELDS, "fields");
      return {
        kind: "object",
        keys,
        fields: Object.fromEntries(Object.entries(f).map(([k, v]) => [k, parseRaw(v, depth + 1)])),
      };
    }
    case "other":
      return { kind: "other", what: str(o.what, "a description") };
    default:
      return bad("a result of an unknown kind");
  }
}

/** `x` as an Outcome, or a MalformedOutcome. `expect` says which optional parts the call asked for. */
export function parseOutcome(x: unknown, expect: { grad?: boolean; argsAfter?: number } = {}): Outcome {
  const o = plainObject(x, ["ok", "out", "grad", "argsAfter", "error", "notImplemented"], "an outcome");
  if (o.ok === false)
    return { ok: false, error: str(o.error, "an error"), notImplemented: bool(o.notImplemented, "notImplemented") };
  if (o.ok !== true) bad("an outcome is neither ok nor failed");
  const out = parseRaw(o.out);
  const result: Outcome = { ok: true, out };
  if (expect.grad) result.grad = o.grad === null ? null : numberArray(o.grad, "a gradient");
  if (expect.argsAfter !== undefined) {
    const a =
      Array.isArray(o.argsAfter) && o.argsAfter.length === expect.argsAfter
        ? o.argsAfter
        : bad("argsAfter is not the arguments");
    result.argsAfter = a.map((v: unknown) => numberArray(v, "an argument"));
  }
  return result;
}

/** "the number 3", "undefined (did you forget to return?)", "an array of 4 items", … (as describeValue). */
export function describeOut(r: Raw): string {
  switch (r.kind) {
    case "tensor":
      return `a ${r.dtype} tensor of shape [${r.shape.join(", ")}]`;
    case "number":
      return `the number ${r.value}`;
    case "array":
      return `an array of ${r.length} items`;
    case "object":
      return `an object with keys ${r.keys.join(", ") || "(none)"}`;
    case "other":
      return r.what;
  }
}

/** The values of a float32 tensor of `shape` (NaN kept), or a CheckFailure naming what came back. */
export function tensorOut(r: Raw, shape: number[], what: string, shapeNote = ""): number[] {
  if (r.kind !== "tensor") throw new CheckFailure(`${what} should be a tensor, but is ${describeOut(r)}.`);
  if (r.disposed)
    throw new CheckFailure(
      `${what} is a tensor that was already disposed: return it from tf.tidy instead of disposing it.`,
    );
  if (r.shape.join() !== shape.join())
    throw new CheckFailure(
      `${what} should have shape [${shape.join(", ")}]${shapeNote ? ` ${shapeNote}` : ""}, but has shape [${r.shape.join(", ")}].`,
    );
  if (r.dtype !== "float32") throw new CheckFailure(`${what} should be a float32 tensor, but is ${r.dtype}.`);
  return r.values;
}

/** A loss term's value: a tensor holding one number. */
export function scalarOut(r: Raw | undefined, what: string): number {
  if (!r) throw new CheckFailure(`the result has no "${what}": return { total, recon, kl }.`);
  if (r.kind === "number")
    throw new CheckFailure(
      `${what} should be a scalar tensor, but is the plain number ${r.value}: keep it a tensor (the training loop differentiates it).`,
    );
  if (r.kind !== "tensor") throw new CheckFailure(`${what} should be a scalar tensor, but is ${describeOut(r)}.`);
  if (r.disposed) throw new CheckFailure(`${what} is a tensor that was already disposed.`);
  if (r.shape.reduce((a, b) => a * b, 1) !== 1)
    throw new CheckFailure(
      `${what} should be a scalar (one number), but has shape [${r.shape.join(", ")}]: reduce it with tf.mean or tf.sum.`,
    );
  return r.values[0];
}

/** { total, recon, kl } as numbers, or a CheckFailure saying what is missing or wrong. */
export function lossOut(r: Raw, fnName: string): LossValues {
  if (r.kind !== "object")
    throw new CheckFailure(`${fnName} should return { total, recon, kl }, but returned ${describeOut(r)}.`);
  return {
    total: scalarOut(r.fields.total, "total"),
    recon: scalarOut(r.fields.recon, "recon"),
    kl: scalarOut(r.fields.kl, "kl"),
  };
}

/** A gradient of the expected length, or null when none reached the input. */
export function gradOut(g: number[] | null | undefined, n: number): number[] | null {
  if (g === null || g === undefined) return null;
  if (g.length !== n) throw new CheckFailure(`a gradient has ${g.length} values where the input has ${n}.`);
  return g;
}

// Plans (./types.ts Probe) describe inputs with these.

/** A tensor argument from nested or flat numbers. */
export function tensorArg(values: number[] | number[][], shape?: number[]): { tensor: TensorData } {
  const flat = (values as (number | number[])[]).flat() as number[];
  return {
    tensor: {
      shape: shape ?? (Array.isArray(values[0]) ? [values.length, (values[0] as number[]).length] : [flat.length]),
      values: flat,
    },
  };
}

/** A tensor argument of `shape` filled with `v`. */
export const filledArg = (shape: number[], v: number) =>
  tensorArg(new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(v), shape);

/** `n` numbers drawn uniformly from [lo, hi). */
export const uniformIn = (rng: Rng, n: number, lo: number, hi: number): number[] =>
  Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());

/** A probe of several calls, each result read on its own (`read` may throw a CheckFailure). */
export const eachCall = <V>(calls: Call[], read: (r: Raw) => V): Probe<V[]> => ({
  calls,
  reduce: (os) => os.map((o) => read(o.out)),
});

/** The only outcome of a one-call plan, or the i-th. */
export type Done = Extract<Outcome, { ok: true }>;

/** A plain number (NaN and Infinity kept: the checks name them), or a CheckFailure naming what came back instead. */
export function numberOut(r: Raw | undefined, what: string): number {
  if (!r) throw new CheckFailure(`the result has no ${what}.`);
  if (r.kind === "number") return r.value;
  if (r.kind === "tensor")
    throw new CheckFailure(
      `${what} should be a plain number, but is ${describeOut(r)}: compute with plain numbers, or read the tensor's value with .dataSync()[0].`,
    );
  throw new CheckFailure(`${what} should be a plain number, but is ${describeOut(r)}.`);
}

/** `n` plain numbers (one per latent dimension), or a CheckFailure naming what came back instead. */
export function numbersOut(r: Raw | undefined, n: number, what: string, perWhat = "latent dimension"): number[] {
  if (!r) throw new CheckFailure(`the result has no ${what}.`);
  if (r.kind === "tensor")
    throw new CheckFailure(
      `${what} should be an array of plain numbers, but is ${describeOut(r)}: return Array.from(tensor.dataSync()) if you computed with tensors.`,
    );
  if (r.kind !== "array") throw new CheckFailure(`${what} should be an array of numbers, but is ${describeOut(r)}.`);
  if (!r.numbers)
    throw new CheckFailure(`${what} should hold plain numbers, but holds something else (nested arrays or tensors?).`);
  if (r.length !== n)
    throw new CheckFailure(`${what} should have ${n} numbers, one per ${perWhat}, but has ${r.length}.`);
  return r.numbers;
}

/** Is a `rows` argument, as reported after the call (flattened, ../harness.ts argsAfter), exactly as given? */
export function rowsUnchanged(after: number[] | undefined, rows: number[][]): boolean {
  const flat = rows.flat();
  return after !== undefined && after.length === flat.length && after.every((v, i) => v === flat[i]);
}
