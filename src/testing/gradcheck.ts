/**
 * Finite-difference gradient checks for tests: compares tf's gradient of a scalar function with the
 * central difference (f(x + h·e_i) − f(x − h·e_i)) / 2h at every coordinate.
 */
import * as tf from "@tensorflow/tfjs";

export interface GradCheckResult {
  maxAbsError: number;
  analytic: Float32Array;
  numeric: Float32Array;
}

/** Checks ∂f/∂inputs[k] for one input k. float32 limits h to ~1e-2 and tolerances to ~1e-3. */
export function gradCheck(
  f: (...inputs: tf.Tensor[]) => tf.Scalar,
  inputs: tf.Tensor[],
  k: number,
  h = 1e-2,
): GradCheckResult {
  const analytic = tf.tidy(() =>
    tf
      .grads((...xs: tf.Tensor[]) => f(...xs))(inputs)
      [k].dataSync()
      .slice(),
  ) as Float32Array;
  const base = inputs[k].dataSync().slice() as Float32Array;
  const numeric = new Float32Array(base.length);
  const evalAt = (values: Float32Array): number =>
    tf.tidy(() => {
      const xs = inputs.slice();
      xs[k] = tf.tensor(values, inputs[k].shape);
      return f(...xs).dataSync()[0];
    });
  for (let i = 0; i < base.length; i++) {
    const plus = base.slice();
    plus[i] += h;
    const minus = base.slice();
    minus[i] -= h;
    numeric[i] = (evalAt(plus) - evalAt(minus)) / (2 * h);
  }
  let maxAbsError = 0;
  for (let i = 0; i < base.length; i++) maxAbsError = Math.max(maxAbsError, Math.abs(analytic[i] - numeric[i]));
  return { maxAbsError, analytic, numeric };
}
