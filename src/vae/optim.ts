/**
 * Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", 2015, Algorithm 1) as one fused
 * kernel over all parameters, with the same arithmetic as `tf.train.adam`:
 *
 *   m ← β₁·m + (1 − β₁)·g        v ← β₂·v + (1 − β₂)·g²
 *   w ← w − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)        ε = 1e-7 (tfjs's float32 default)
 *
 * Why: tf.train.adam runs ~12 tensor ops per variable, each a full pass over the parameter array and
 * a kernel dispatch. On WASM that was ~half of all kernel calls of a Swiss-roll step (22 variables)
 * and ~50 ms of a 1024-wide model's ~250 ms step. Here one kernel call (src/engine/fastAdam.ts)
 * updates every variable in one SIMD pass each, with the same float32 arithmetic as tf.train.adam.
 *
 * On backends without the kernel (tfjs-node, which runs TensorFlow's own fused Adam ops) it falls
 * back to `tf.train.adam` with the same settings.
 *
 * @example
 * const optimizer = adam(1e-3);
 * const { grads } = tf.variableGrads(() => loss(), model.variables);
 * optimizer.applyGradients(grads); // updates the variables in place
 * optimizer.dispose();
 */
import * as tf from "@tensorflow/tfjs";
import { ADAM_KERNEL, registerAdamKernel, type AdamAttrs } from "../engine/fastAdam";

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

class FusedAdam implements Optimizer {
  private readonly moments = new Map<string, { m: tf.Tensor; v: tf.Tensor }>();
  // β₁ᵗ and β₂ᵗ as tf.train.adam keeps them: float32 products, updated after each step.
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    private readonly lr: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly epsilon: number,
  ) {
    this.accBeta1 = Math.fround(beta1);
    this.accBeta2 = Math.fround(beta2);
  }

  applyGradients(grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const list = Array.isArray(grads) ? grads : Object.keys(grads).map((name) => ({ name, tensor: grads[name] }));
    const inputs: Record<string, tf.Tensor> = {};
    const targets: tf.Variable[] = [];
    for (const { name, tensor: g } of list) {
      if (g == null) continue;
      const w = tf.engine().registeredVariables[name];
      if (!w) throw new Error(`adam: no variable named "${name}".`);
      let mv = this.moments.get(name);
      if (!mv) {
        // Fresh buffers of their own (never shared), since the kernel writes them in place.
        const zeros = () => tf.keep(tf.tensor(new Float32Array(w.size), w.shape, "float32"));
        mv = { m: zeros(), v: zeros() };
        this.moments.set(name, mv);
      }
      const i = targets.length;
      inputs[`w${i}`] = w;
      inputs[`g${i}`] = g;
      inputs[`m${i}`] = mv.m;
      inputs[`v${i}`] = mv.v;
      targets.push(w);
    }
    if (targets.length === 0) return;
    const attrs: AdamAttrs = {
      count: targets.length,
      lr: this.lr,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      c1: Math.fround(1 - this.accBeta1),
      c2: Math.fround(1 - this.accBeta2),
    };
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    tf.tidy(() => {
      const out = tf.engine().runKernel(ADAM_KERNEL, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      targets.forEach((w, i) => w.assign(out[i]));
    });
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}

/**
 * Adam with the fused kernel where the backend has one (WASM, CPU), else tf.train.adam.
 * Defaults as tf.train.adam: β₁ = 0.9, β₂ = 0.999, ε = the backend's epsilon (1e-7).
 */
export function adam(learningRate: number, options: AdamOptions = {}): Optimizer {
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  registerAdamKernel();
  if (!tf.getKernel(ADAM_KERNEL, tf.getBackend())) {
    return tf.train.adam(learningRate, beta1, beta2, options.epsilon) as unknown as Optimizer;
  }
  return new FusedAdam(learningRate, beta1, beta2, options.epsilon ?? tf.backend().epsilon());
}
