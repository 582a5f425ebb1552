/** Small helpers for checks: friendly descriptions of what a learner's function returned. */
import * as tf from "@tensorflow/tfjs";

/** "a number (3)", "undefined", "an array of 4 items", … */
export function describeValue(v: unknown): string {
  if (v === undefined) return "undefined (did you forget to return?)";
  if (v === null) return "null";
  if (v instanceof tf.Tensor) return `a tensor of shape [${v.shape.join(", ")}]`;
  if (Array.isArray(v)) return `an array of ${v.length} items`;
  if (typeof v === "number") return `the number ${v}`;
  if (typeof v === "object") return `an object with keys ${Object.keys(v as object).join(", ") || "(none)"}`;
  return `a ${typeof v}`;
}

/** Checks that `v` is a tensor of `shape`; throws a CheckFailure with a friendly message otherwise. */
export function asTensor(v: unknown, shape: number[], fn: string): tf.Tensor {
  if (!(v instanceof tf.Tensor)) throw new CheckFailure(`${fn} should return a tensor, but returned ${describeValue(v)}.`);
  if (v.shape.join() !== shape.join()) throw new CheckFailure(`${fn} should return shape [${shape.join(", ")}], but returned [${v.shape.join(", ")}].`);
  return v;
}

/** A check failed for a reason we can state plainly (not a bug in the learner's code). */
export class CheckFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckFailure";
  }
}

/** A scalar tensor's value, or a CheckFailure saying what came back instead. */
export function scalarValue(v: unknown, what: string): number {
  if (typeof v === "number") return v;
  if (!(v instanceof tf.Tensor)) throw new CheckFailure(`${what} should be a scalar tensor, but is ${describeValue(v)}.`);
  if (v.size !== 1) throw new CheckFailure(`${what} should be a scalar (one number), but has shape [${v.shape.join(", ")}]: reduce it with tf.mean or tf.sum.`);
  return v.dataSync()[0];
}
