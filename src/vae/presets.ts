/**
 * The lessons' models, as configs. Presets override only what differs from the lesson defaults.
 */
import type { ConvVaeConfig, MlpVaeConfig } from "./types";

/** Lesson 1: 2 → 3×256 ReLU → (mu, logVar) in 2-D, decoder mirrored, Gaussian (MSE) output. */
export function swissRollVaeConfig(overrides: Partial<Omit<MlpVaeConfig, "kind">> = {}): MlpVaeConfig {
  return { kind: "mlp", inputDim: 2, hiddenDims: [256, 256, 256], latentDim: 2, likelihood: "gaussian", ...overrides };
}

/** Swiss-roll model with `depth` hidden layers of `hidden` units (the hidden-size experiments). */
export function swissRollVae(hidden = 256, latentDim = 2, depth = 3): MlpVaeConfig {
  return swissRollVaeConfig({ hiddenDims: Array.from({ length: depth }, () => hidden), latentDim });
}

/** Lesson 2: 784 → 400 → L, decoder L → 400 → 784, Bernoulli logits. */
export function mnistVae(latentDim = 2, hidden = 400): MlpVaeConfig {
  return { kind: "mlp", inputDim: 784, hiddenDims: [hidden], latentDim, likelihood: "bernoulli" };
}

/** The Latent Space Navigator's convolutional VAE: 2-D latent, ~1.3 M parameters. */
export function convMnistVae(latentDim = 2): ConvVaeConfig {
  return { kind: "conv", imageSize: 28, channels: [32, 64], denseUnits: 200, latentDim, likelihood: "bernoulli" };
}
