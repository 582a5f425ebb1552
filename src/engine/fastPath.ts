/**
 * The one switch between the teaching core (src/vae/) and the fast path (the rest of src/engine/).
 *
 * The core is plain TensorFlow.js and correct on its own. Where a faster version of one of its
 * operations exists, the core asks `fastPath.hooks` first, in one line:
 *
 *   if (fastPath.hooks) return fastPath.hooks.dense(x, layer.w, layer.b, layer.activation);
 *
 * `hooks` stays null until `installEngine()` (./install.ts, called once by `initBackend`) registers
 * the engine's kernels and fills it in. Each hook computes the same function as the core's own code
 * (tests compare the two: src/vae/dense.test.ts, optim.test.ts, losses.test.ts, train.test.ts,
 * src/engine/fusedElbo.test.ts, fusedReparameterize.test.ts); a hook that cannot run on the current
 * backend or inputs returns undefined, and the core's code runs.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Activation } from "../vae/dense";
import type { ElboOptions, ElboParts } from "../vae/losses";
import type { Optimizer } from "../vae/optim";

export interface FastHooks {
  /** act(x·W + b): x [batch, inDim], w [inDim, outDim], b [outDim] → [batch, outDim]. */
  dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D;
  /** Adam with tf.train.adam's arithmetic. */
  adam(learningRate: number, beta1: number, beta2: number, epsilon: number | undefined): Optimizer;
  /** Σ over pixels of the stable Bernoulli NLL, [batch]; undefined where no faster one exists. */
  bernoulliNll(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D | undefined;
  /** The negative ELBO and its parts, as src/vae/losses.ts `elbo`; undefined where no faster one exists. */
  elbo(
    x: tf.Tensor2D,
    out: tf.Tensor2D,
    mu: tf.Tensor2D,
    logVar: tf.Tensor2D,
    options: ElboOptions,
  ): ElboParts | undefined;
  /** z = mu + exp(½·logVar)·eps for the caller's eps; undefined where no faster one exists. */
  reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D, eps: tf.Tensor): tf.Tensor2D | undefined;
  /**
   * act(conv2d(x, w) + b), or with `transposed` act(conv2dTranspose(x, w, outShape) + b), shapes as
   * tf.conv2d / tf.conv2dTranspose; undefined where no faster one exists.
   */
  convLayer(
    x: tf.Tensor4D,
    w: tf.Tensor4D,
    b: tf.Tensor1D,
    options: {
      transposed: boolean;
      strides: number;
      pad: "same" | "valid";
      activation: Activation;
      outShape?: [number, number, number, number];
    },
  ): tf.Tensor4D | undefined;
}

/** `hooks`: what the core uses, null for its own code everywhere; `installed`: what the engine installed. */
export const fastPath: { hooks: FastHooks | null; installed: FastHooks | null } = { hooks: null, installed: null };
