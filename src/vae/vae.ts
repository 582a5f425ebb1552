/**
 * Building a VAE from its config, and one forward pass x → (mu, logVar) → z → decoder output.
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "./random";
import { createConvVae } from "./convVae";
import { createMlpVae } from "./mlpVae";
import { reparameterize } from "./reparameterize";
import type { Reparameterize, Vae, VaeConfig } from "./types";

/** Creates a model with weights initialised from `rng`. */
export function createVae(config: VaeConfig, rng: Rng): Vae {
  switch (config.kind) {
    case "mlp":
      return createMlpVae(config, rng);
    case "conv":
      return createConvVae(config, rng);
    default:
      throw new Error(`Unknown model kind ${JSON.stringify((config as { kind: unknown }).kind)}: use "mlp" or "conv".`);
  }
}

export interface ForwardResult {
  mu: tf.Tensor2D; // [batch, latentDim]
  logVar: tf.Tensor2D; // [batch, latentDim]
  z: tf.Tensor2D; // [batch, latentDim]
  /** Decoder output: xHat for a Gaussian likelihood, logits for a Bernoulli one. [batch, inputDim] */
  out: tf.Tensor2D;
}

/**
 * Runs encoder, reparameterization and decoder. Pass the learner's `reparameterize` to train the
 * model with their own function; by default eps comes from `rng`.
 */
export function forward(
  model: Vae,
  x: tf.Tensor2D,
  options: { rng: Rng; reparameterize?: Reparameterize },
): ForwardResult {
  return tf.tidy(() => {
    const { mu, logVar } = model.encode(x);
    const z = options.reparameterize ? options.reparameterize(mu, logVar) : reparameterize(mu, logVar, options.rng);
    if (!(z instanceof tf.Tensor) || z.shape.length !== 2 || z.shape[0] !== mu.shape[0] || z.shape[1] !== mu.shape[1]) {
      const got = z instanceof tf.Tensor ? `a tensor of shape [${z.shape}]` : typeof z;
      throw new Error(`reparameterize must return a tensor shaped like mu, [${mu.shape}]; it returned ${got}.`);
    }
    return { mu, logVar, z, out: model.decode(z) };
  });
}

/** Total number of trainable parameters. */
export function paramCount(model: Vae): number {
  return model.variables.reduce((n, v) => n + v.size, 0);
}

/** Decoder output turned into pixel intensities / coordinates: sigmoid(logits) for Bernoulli models. */
export function decodeMean(model: Vae, z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const out = model.decode(z);
    return model.config.likelihood === "bernoulli" ? tf.sigmoid(out) : out;
  });
}

/**
 * `n` samples from the model: z ~ N(0, I) decoded (pixel intensities / coordinates), [n × inputDim].
 *
 * @example
 * samplePrior(model, 1000, new Rng(3)); //=> Float32Array of 2,000 coordinates for the Swiss-roll model
 */
export function samplePrior(model: Vae, n: number, rng: Rng): Float32Array {
  const z = tf.tensor2d(rng.normals(n * model.config.latentDim), [n, model.config.latentDim]);
  const out = decodeMean(model, z);
  const values = out.dataSync() as Float32Array;
  z.dispose();
  out.dispose();
  return values;
}
