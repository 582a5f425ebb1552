/** Helpers for probes and checks: friendly descriptions of what a learner's function returned. */
import * as tf from "@tensorflow/tfjs";

/** A probe found something it can state plainly (wrong type, shape, dtype…), not a crash. */
export class CheckFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckFailure";
  }
}

/** "the number 3", "undefined (did you forget to return?)", "an array of 4 items", … */
export function describeValue(v: unknown): string {
  if (v === undefined) return "undefined (did you forget to return?)";
  if (v === null) return "null";
  if (v instanceof tf.Tensor) return `a ${v.dtype} tensor of shape [${v.shape.join(", ")}]`;
  if (v instanceof Promise) return "a Promise (make the function synchronous: no async/await)";
  if (Array.isArray(v)) return `an array of ${v.length} items`;
  if (typeof v === "number") return `the number ${v}`;
  if (typeof v === "function") return "a function (did you return it instead of calling it?)";
  if (typeof v === "object") return `an object with keys ${Object.keys(v as object).join(", ") || "(none)"}`;
  return `a ${typeof v}`;
}

/**
 * The values of a float32 tensor of `shape` (NaN kept), or a CheckFailure naming what came back.
 * `shapeNote` says where the shape comes from: "(the shape of mu)".
 */
export function tensorValues(v: unknown, shape: number[], what: string, shapeNote = ""): number[] {
  if (!(v instanceof tf.Tensor)) throw new CheckFailure(`${what} should be a tensor, but is ${describeValue(v)}.`);
  if (v.isDisposed)
    throw new CheckFailure(
      `${what} is a tensor that was already disposed: return it from tf.tidy instead of disposing it.`,
    );
  if (v.shape.join() !== shape.join())
    throw new CheckFailure(
      `${what} should have shape [${shape.join(", ")}]${shapeNote ? ` ${shapeNote}` : ""}, but has shape [${v.shape.join(", ")}].`,
    );
  if (v.dtype !== "float32") throw new CheckFailure(`${what} should be a float32 tensor, but is ${v.dtype}.`);
  return Array.from(v.dataSync());
}

/** A loss term's value: a tensor holding one number (what the training loop differentiates). */
export function scalarValue(v: unknown, what: string): number {
  if (typeof v === "number")
    throw new CheckFailure(
      `${what} should be a scalar tensor, but is the plain number ${v}: keep it a tensor (the training loop differentiates it).`,
    );
  if (!(v instanceof tf.Tensor))
    throw new CheckFailure(`${what} should be a scalar tensor, but is ${describeValue(v)}.`);
  if (v.isDisposed) throw new CheckFailure(`${what} is a tensor that was already disposed.`);
  if (v.size !== 1)
    throw new CheckFailure(
      `${what} should be a scalar (one number), but has shape [${v.shape.join(", ")}]: reduce it with tf.mean or tf.sum.`,
    );
  return v.dataSync()[0];
}

export type LossValues = { total: number; recon: number; kl: number };

/** { total, recon, kl } as numbers, or a CheckFailure saying what is missing or wrong. */
export function lossValues(out: unknown, fnName: string): LossValues {
  if (
    out === null ||
    typeof out !== "object" ||
    out instanceof tf.Tensor ||
    Array.isArray(out) ||
    out instanceof Promise
  ) {
    throw new CheckFailure(`${fnName} should return { total, recon, kl }, but returned ${describeValue(out)}.`);
  }
  const o = out as Record<string, unknown>;
  for (const k of ["total", "recon", "kl"])
    if (o[k] === undefined) throw new CheckFailure(`the result has no "${k}": return { total, recon, kl }.`);
  return { total: scalarValue(o.total, "total"), recon: scalarValue(o.recon, "recon"), kl: scalarValue(o.kl, "kl") };
}

/**
 * The gradient of sum(f(x)) with respect to x as numbers, or null when no gradient reaches x (the
 * output was computed outside the graph: dataSync, arraySync, tf.tensor of read-back values…).
 * Uses the engine's `allowNoGradients` mode (as tfjs's optimizers do): tf.grad throws instead, and
 * on that path leaks the tensors it saved for the backward pass.
 */
export function gradientOrNull(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): number[] | null {
  try {
    const { grads } = tf.engine().gradients(() => f(x), [x], undefined, true);
    const g = grads[0] as tf.Tensor | null | undefined;
    return g ? Array.from(g.dataSync()) : null;
  } catch (err) {
    // f threw (or returned garbage) mid-recording: free the tensors the tape kept for the backward pass.
    const state = tf.engine().state as unknown as {
      gradientDepth: number;
      activeTape: { saved?: tf.Tensor[] }[] | null;
    };
    if (state.gradientDepth === 0 && state.activeTape) {
      for (const node of state.activeTape) node.saved?.forEach((t) => t.dispose());
      state.activeTape = null;
    }
    throw err;
  }
}

/** |a − b| ≤ abs + rel·|b|; a non-finite expected value matches only a non-finite one. */
export function near(a: number, b: number, rel = 1e-4, abs = 1e-4): boolean {
  if (!Number.isFinite(b)) return !Number.isFinite(a);
  return Math.abs(a - b) <= abs + rel * Math.abs(b);
}

/** Element-wise `near` for equal-length arrays. */
export function allNear(a: number[], b: number[], rel = 1e-4, abs = 1e-4): boolean {
  return a.length === b.length && a.every((v, i) => near(v, b[i], rel, abs));
}

/** Numbers for messages: 4 significant digits, NaN and Infinity spelled out. */
export function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}

export const fmtList = (v: number[]) => `[${v.map(fmt).join(", ")}]`;

/** A message when gradient `got` differs from `want` (lists shown only when short), else undefined. */
export function gradientMismatch(got: number[], want: number[], what: string): string | undefined {
  if (allNear(got, want, 1e-3, 1e-4)) return undefined;
  if (got.length <= 6)
    return `the gradient of total with respect to ${what} should be ${fmtList(want)}, but it is ${fmtList(got)}.`;
  const off = Math.max(...got.map((g, i) => Math.abs(g - want[i])));
  return `the gradient of total with respect to ${what} is off by up to ${fmt(off)} per element (if a check above fails, fix it first: the gradient follows from the values).`;
}

/** Does a row-major [rows, cols] matrix repeat a whole row or a whole column? (a broadcast of the wrong shape) */
export function sharing(values: number[], rows: number, cols: number): { sameRows: boolean; sameColumns: boolean } {
  const row = (r: number) => values.slice(cols * r, cols * r + cols).join();
  const col = (c: number) => Array.from({ length: rows }, (_, r) => values[cols * r + c]).join();
  const repeats = (keys: string[]) => new Set(keys).size < keys.length;
  return {
    sameRows: repeats(Array.from({ length: rows }, (_, r) => row(r))),
    sameColumns: repeats(Array.from({ length: cols }, (_, c) => col(c))),
  };
}
