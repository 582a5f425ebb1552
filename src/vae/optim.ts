/**
 * Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", 2015, Algorithm 1), written with
 * TensorFlow.js ops in the order tf.train.adam uses, so both give the same weights:
 *
 *   m ← β₁·m + (1 − β₁)·g                     first moment: a running mean of the gradient
 *   v ← β₂·v + (1 − β₂)·g²                    second moment: a running mean of its square
 *   m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)     bias corrections (m and v start at 0)
 *   w ← w − lr · m̂ / (√v̂ + ε)                 ε = 1e-7, tfjs's float32 default
 *
 * The fast path (src/engine/fastAdam.ts: all variables in one kernel call, in C or WebAssembly SIMD)
 * has the same arithmetic; `adam()` takes it when the engine is installed.
 *
 * @example
 * const optimizer = adam(1e-3);
 * const { grads } = tf.variableGrads(() => loss(), model.variables);
 * optimizer.applyGradients(grads); // updates the variables in place
 * optimizer.dispose();
 */
import * as tf from "@tensorflow/tfjs";
import { fastPath } from "../engine/fastPath";

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  /** Default: the backend's epsilon, 1e-7 for float32 (as tf.train.adam). */
  epsilon?: number;
}

/** What the training loop needs from an optimiser. */
export interface Optimizer {
  applyGradients(grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void;
  dispose(): void;
}

class Adam implements Optimizer {
  /** m and v of each variable, by the variable's name. */
  private readonly moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();
  /** β₁ᵗ and β₂ᵗ, kept as float32 products like tf.train.adam's. */
  private beta1Power: number;
  private beta2Power: number;

  constructor(
    private readonly lr: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly epsilon: number,
  ) {
    this.beta1Power = Math.fround(beta1);
    this.beta2Power = Math.fround(beta2);
  }

  applyGradients(grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const list = Array.isArray(grads) ? grads : Object.keys(grads).map((name) => ({ name, tensor: grads[name] }));
    tf.tidy(() => {
      const c1 = tf.sub(1, this.beta1Power); // 1 − β₁ᵗ
      const c2 = tf.sub(1, this.beta2Power); // 1 − β₂ᵗ
      for (const { name, tensor: g } of list) {
        if (g == null) continue;
        const w = tf.engine().registeredVariables[name]; // the variable this gradient belongs to
        if (!w) throw new Error(`adam: no variable named "${name}".`);
        const { m, v } = this.momentsOf(name, w);
        const mNew = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const vNew = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        const mHat = tf.div(mNew, c1);
        const vHat = tf.div(vNew, c2);
        m.assign(mNew);
        v.assign(vNew);
        w.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -this.lr), w));
      }
    });
    this.beta1Power = Math.fround(this.beta1Power * Math.fround(this.beta1));
    this.beta2Power = Math.fround(this.beta2Power * Math.fround(this.beta2));
  }

  /** m and v start at zero, shaped like the variable. */
  private momentsOf(name: string, w: tf.Variable): { m: tf.Variable; v: tf.Variable } {
    let mv = this.moments.get(name);
    if (!mv) {
      mv = { m: tf.variable(tf.zerosLike(w), false), v: tf.variable(tf.zerosLike(w), false) };
      this.moments.set(name, mv);
    }
    return mv;
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }
}

/**
 * Adam with tf.train.adam's defaults: β₁ = 0.9, β₂ = 0.999, ε = the backend's epsilon (1e-7).
 */
export function adam(learningRate: number, options: AdamOptions = {}): Optimizer {
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  if (fastPath.hooks) return fastPath.hooks.adam(learningRate, beta1, beta2, options.epsilon);
  return new Adam(learningRate, beta1, beta2, options.epsilon ?? tf.backend().epsilon());
}
