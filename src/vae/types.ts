/**
 * What every VAE in the library looks like from the outside: an encoder q(z|x) that returns the
 * Gaussian's mean and log-variance, and a decoder p(x|z) that returns either the mean of a Gaussian
 * (`xHat`, trained with MSE) or Bernoulli logits (trained with binary cross-entropy).
 *
 * Models are plain objects over named tf.Variables, so training, checkpoints and the browser-side
 * decoder all see the same parameters by name.
 */
import type * as tf from "@tensorflow/tfjs";

export type Likelihood = "gaussian" | "bernoulli";

export interface MlpVaeConfig {
  kind: "mlp";
  inputDim: number;
  /** Encoder hidden sizes, input side first; the decoder mirrors them. */
  hiddenDims: number[];
  latentDim: number;
  likelihood: Likelihood;
}

export interface ConvVaeConfig {
  kind: "conv";
  /** Images are square, one channel: imageSize × imageSize. */
  imageSize: number;
  /** Channels of the two stride-2 convolutions in the encoder (the decoder mirrors them). */
  channels: [number, number];
  /** Width of the dense layer between the convolutions and the latent code. */
  denseUnits: number;
  latentDim: number;
  likelihood: Likelihood;
}

export type VaeConfig = MlpVaeConfig | ConvVaeConfig;

export interface LayerSummary {
  name: string;
  /** e.g. "dense 2→256 relu" */
  description: string;
  outputShape: number[];
  params: number;
}

export interface Vae {
  readonly config: VaeConfig;
  /** Trainable variables in a fixed order. */
  readonly variables: tf.Variable[];
  /**
   * Stable names of `variables`, same order (e.g. "encoder/dense1/w"). Checkpoints and the browser
   * decoder use these. tf.Variable.name is NOT stable: tfjs needs globally unique variable names, so
   * two models in one process get different ones.
   */
  readonly variableNames: string[];
  /** x [batch, inputDim] → mu, logVar [batch, latentDim]. */
  encode(x: tf.Tensor2D): { mu: tf.Tensor2D; logVar: tf.Tensor2D };
  /** z [batch, latentDim] → xHat (gaussian) or logits (bernoulli), [batch, inputDim]. */
  decode(z: tf.Tensor2D): tf.Tensor2D;
  /** One line per layer with its output shape and parameter count. */
  summary(): LayerSummary[];
  dispose(): void;
}

/** The reparameterization trick, pluggable so a notebook can run the model with the learner's own. */
export type Reparameterize = (mu: tf.Tensor2D, logVar: tf.Tensor2D) => tf.Tensor2D;
